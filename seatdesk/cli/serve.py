"""`seatdesk serve`: the desk in a browser, through textual-serve (Textualize's package).

Each browser session gets its own `seatdesk run` process, which starts at the sign-in
screen: the browser never holds the database URL, only this server does. It listens on
localhost unless `--host` says otherwise; TLS belongs to a reverse proxy in front of it
(docs/deployment.md).
"""

from __future__ import annotations

import asyncio
import os
import shlex
import sys
from typing import Any

import click

from seatdesk.domain.i18n import _
from seatdesk.runtime.hang_up import HANG_UP_WITH_ENV, descendants

# Never handed to a browser session's process: it signs its user in itself.
_NOT_INHERITED = ("SEATDESK_PASSWORD", "SEATDESK_USER", "SEATDESK_SYSTEM_SECRET",
                  "SEATDESK_CONFIG")


def _cli() -> Any:
    from seatdesk.cli.main import CliContext

    return click.get_current_context().find_object(CliContext)


def session_command(seat_host: bool = False) -> str:
    """The command textual-serve runs for each browser session.

    textual-serve hands it to a shell; ``exec`` makes the desk (or, through the seat host,
    its attach client) the shell itself, so it is the server's own child and ends with it
    (seatdesk.runtime.hang_up).
    """
    desk = ["attach", "run"] if seat_host else ["run"]
    return "exec " + shlex.join([sys.executable, "-m", "seatdesk", *desk])


def session_environment(db_url: str, lang: str) -> None:
    """Set what every session's process inherits: the database and language, no secrets."""
    for name in _NOT_INHERITED:
        os.environ.pop(name, None)
    os.environ["SEATDESK_DB"] = db_url  # in the environment, not on a command line (ps)
    os.environ["SEATDESK_LANG"] = lang
    os.environ[HANG_UP_WITH_ENV] = str(os.getpid())  # a killed server takes its desks
    # The browser's terminal (xterm.js) shows 24-bit colour: what a desk forked by the seat
    # host learns from this, as textual-serve's own TEXTUAL_COLOR_SYSTEM comes too late.
    os.environ["COLORTERM"] = "truecolor"


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0: every interface; put TLS in front).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--public-url", default=None,
              help="The address browsers use, e.g. https://desk.example.com behind a proxy.")
@click.option("--seat-host", "seat_host", is_flag=True,
              help="Fork each browser's desk from the running `seatdesk seat-host` "
                   "(SEATDESK_SEAT_HOST): the desks share its memory. Its database is "
                   "the host's.")
def serve_command(host: str, port: int, public_url: str | None, seat_host: bool) -> None:
    """Serve the desk to browsers: each browser session is its own desk process."""
    try:
        from textual_serve.server import Server
    except ModuleNotFoundError as exc:
        if exc.name != "textual_serve":
            raise
        raise click.ClickException(_("`seatdesk serve` needs textual-serve: "
                                     "pip install textual-serve")) from None
    cli = _cli()
    cli.backend()  # refuses now, not per browser, when the database is missing or old
    session_environment(cli.settings.db_url, cli.settings.lang)
    click.echo(_("serving the desk on http://{host}:{port} (Ctrl+C stops)").format(
        host=host, port=port), err=True)
    class SeatServer(Server):
        """textual-serve's server, stopping promptly with its browsers' desks."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.sessions: set[asyncio.Task[Any]] = set()  # each browser's socket handler

        def request_exit(self) -> None:
            # First the desks: the server otherwise waits on their open connections.
            _hang_up_sessions()
            super().request_exit()

        async def handle_websocket(self, request: Any) -> Any:
            task = asyncio.current_task()
            if task is not None:
                self.sessions.add(task)
            try:
                return await super().handle_websocket(request)
            finally:
                if task is not None:
                    self.sessions.discard(task)

        async def on_shutdown(self, app: Any) -> None:
            # A browser's socket stays open after its desk has ended, until the browser
            # closes it: the server waited 10-25 s on them past SIGTERM (aiohttp waits on
            # open handlers). Cancelled, each handler closes its socket and returns.
            for task in list(self.sessions):
                task.cancel()
            await super().on_shutdown(app)

    server = SeatServer(session_command(seat_host), host=host, port=port, title="seatdesk",
                        public_url=public_url)
    try:
        server.serve()
    finally:
        _hang_up_sessions()


def _hang_up_sessions() -> None:
    """End the browsers' desks with the server (however it stops: Ctrl+C, SIGTERM).

    textual-serve starts each session's desk through a shell and leaves it running when
    the server goes: the desk would keep its seat signed in, and available to the ACD,
    with nobody at the browser. SIGHUP is what a closed terminal sends a desk.
    """
    import signal

    for pid in descendants(os.getpid()):
        try:
            os.kill(pid, signal.SIGHUP)
        except ProcessLookupError:
            pass


COMMANDS: list[click.Command] = [serve_command]
