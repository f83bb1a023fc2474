import sys

if __name__ == "__main__" and sys.argv[1:2] == ["attach"]:
    # A seat's attach client lives as long as the seat: the standard library only, no click.
    from seatdesk.runtime.attach import attach, become_lean

    become_lean(sys.argv[2:])

    def _run_here(argv: list[str]) -> int:
        from seatdesk.cli.seat_host import run_seat

        return run_seat(argv)

    sys.exit(attach(sys.argv[2:], _run_here))

from seatdesk.cli.main import main  # noqa: E402

if __name__ == "__main__":
    main()
