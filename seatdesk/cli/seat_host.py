"""`seatdesk seat-host` and `seatdesk attach`: many seats' desks forked from one parent.

The host (``seatdesk.runtime.seat_host``) imports here what a signed-in desk loads, once;
each `seatdesk attach` (an SSH ForceCommand, textual-serve's session command) becomes a
forked desk that runs exactly what `seatdesk run` runs (docs/deployment.md).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import click

from seatdesk.domain.i18n import _

# What a signed-in desk imports, loaded in the host so every desk shares it. Whole
# packages are walked: a screen that a seat opens later is then shared too.
PRELOADED_PACKAGES = ("seatdesk.domain", "seatdesk.data", "seatdesk.services", "seatdesk.ui",
                      "seatdesk.runtime")
PRELOADED_MODULES = ("seatdesk.cli.main", "seatdesk.cli.desk", "textual.app",
                     "textual.drivers.linux_driver", "textual.layouts.factory",
                     "textual.layouts.horizontal", "textual.layouts.stream",
                     "sqlalchemy.dialects.sqlite",
                     "sqlalchemy.dialects.postgresql.psycopg", "psycopg", "psycopg_pool",
                     "redis")


def preload() -> list[str]:
    """Import the desk's modules; the optional ones that are not installed are skipped."""
    loaded: list[str] = []
    for name in PRELOADED_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        loaded.append(name)
    for package_name in PRELOADED_PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, package_name + "."):
            if ".migrations" in info.name:  # alembic's scripts, run only by `db upgrade`
                continue
            importlib.import_module(info.name)
            loaded.append(info.name)
    # The ORM's mappers are otherwise configured by each desk's first query, in its own
    # memory; configuring needs no database.
    from sqlalchemy.orm import configure_mappers

    configure_mappers()
    _load_lazy_tables()
    return loaded


def _load_lazy_tables() -> None:
    """Libraries that load a table on first use (rich's character widths and emoji names,
    the Chinese numbering plan) load it here, once for every desk: a desk loaded them
    itself, on its first paint or its first caller's number (0.7 MiB each)."""
    from rich.cells import cell_len
    from rich.markup import render

    from seatdesk.domain import phone

    cell_len("座席")
    render(":telephone_receiver:")
    phone.is_valid("13800138000")


def run_seat(argv: list[str]) -> int:
    """In the forked child: `seatdesk ARGV`, as the command line runs it."""
    from seatdesk.cli.main import main

    try:
        main.main(args=argv, prog_name="seatdesk", standalone_mode=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


@click.command("seat-host")
@click.option("--socket", "socket_path", default=None,
              help="Unix socket to listen on (default: SEATDESK_SEAT_HOST, else the "
                   "seatdesk home, else the user's runtime directory).")
def seat_host_command(socket_path: str | None) -> None:
    """Fork each attached seat's desk from one parent that loaded the desk once."""
    from seatdesk.runtime.attach import socket_path as default_path
    from seatdesk.runtime.seat_host import SeatHost

    host = SeatHost(run_seat, path=socket_path or default_path())
    host.listen()
    preload()
    click.echo(_("seat host listening on {path} (Ctrl+C stops)").format(path=host.path),
               err=True)
    host.serve()


@click.command("attach", context_settings={"ignore_unknown_options": True,
                                           "allow_interspersed_args": False})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def attach_command(ctx: click.Context, args: tuple[str, ...]) -> None:
    """Open the desk through the seat host (`seatdesk attach run`); without one, here."""
    from seatdesk.runtime.attach import attach, become_lean

    argv = given_before(ctx) + (list(args) or ["run"])
    become_lean(argv)
    sys.exit(attach(argv, run_seat))


# The group's options a seat may type before `attach`, by parameter name.
GROUP_OPTIONS = (("db_url", "--db"), ("lang", "--lang"), ("config", "--config"))


def given_before(ctx: click.Context) -> list[str]:
    """`seatdesk --lang zh attach run`: the group's options typed before `attach` reach the
    desk too (they were dropped: the desk opened in the host's language). Only what was
    typed: the environment's values are the host's, as for any desk it forks."""
    from click.core import ParameterSource

    group = ctx.parent
    passed: list[str] = []
    if group is None:
        return passed
    for name, flag in GROUP_OPTIONS:
        value = group.params.get(name)
        if value is not None and group.get_parameter_source(name) is ParameterSource.COMMANDLINE:
            passed += [flag, str(value)]
    return passed


COMMANDS: list[click.Command] = [seat_host_command, attach_command]
