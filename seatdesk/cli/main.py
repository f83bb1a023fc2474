"""The command line: builds settings, the database and services, then runs a command.

Every failure a user can cause (bad input, a database that is down, a missing
permission) ends as one clear line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

import click

from seatdesk.domain.errors import SeatdeskError
from seatdesk.domain.i18n import _, detect_language, set_language
from seatdesk.services.settings import Settings

if TYPE_CHECKING:
    # Loaded when a command first needs the database: `seatdesk run` paints its first
    # screen before SQLAlchemy is imported.
    from seatdesk.services.container import Backend
    from seatdesk.services.dto import Actor


class CliContext:
    """Lazily opened backend shared by the commands of one invocation."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._backend: Backend | None = None

    def backend(self, *, migrated: bool = True) -> Backend:
        if self._backend is None:
            from seatdesk.services.container import Backend

            self._backend = Backend.open(self.settings.db_url)
            self._backend.configure(**self.settings.qa_options())
            if migrated:
                from seatdesk.data.migrate import is_current

                if not is_current(self._backend.db):
                    raise click.ClickException(
                        _("the database is not initialised or is out of date: "
                          "run `seatdesk db upgrade`")
                    )
        return self._backend

    def actor(self, login: str | None) -> Actor:
        """The user a command acts as (--as, or SEATDESK_USER)."""
        login = login or os.environ.get("SEATDESK_USER")
        if not login:
            raise click.UsageError(_("say who you are with --as LOGIN (or SEATDESK_USER)"))
        return self.backend().users.actor(login)

    def export_window(self, from_text: str, to_text: str, fmt: str, out: object,
                      login: str | None) -> tuple[Actor, Any, Any]:
        """What every `export` command checks first: who, which days, where it can go.

        Returns the actor and the [start, end) instants of the days typed, in the center's
        zone; refuses binary XLSX on a terminal.
        """
        from seatdesk.exchange.exporter import parse_date_range

        backend = self.backend()
        start, end = parse_date_range(from_text, to_text, self.settings.tz, now=backend.clock())
        actor = self.actor(login)
        if fmt == "xlsx" and out is None and sys.stdout.isatty():
            raise click.UsageError(_("an XLSX file cannot go to the terminal: use --out FILE"))
        return actor, start, end

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()


def _db_error_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", exc)).strip().splitlines()
    first = text[0] if text else exc.__class__.__name__
    return _("database error: {detail}").format(detail=first)


class SeatdeskGroup(click.Group):
    """Turns the errors a user can cause into one line and exit code 1.

    Loads an area's commands when one of them is asked for (see ``seatdesk.cli.registry``).
    """

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        from seatdesk.cli.registry import COMMAND_HOMES

        if cmd_name in COMMAND_HOMES:
            _load_commands((COMMAND_HOMES[cmd_name],))
        elif cmd_name not in self.commands or cmd_name in SHARED_GROUPS:
            _load_commands()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        _load_commands()
        return super().list_commands(ctx)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (SeatdeskError, ValueError) as exc:  # DatabaseUrlError is a ValueError
            if isinstance(exc, click.ClickException):
                raise
            raise click.ClickException(str(exc)) from None
        except Exception as exc:
            # Looked up, not imported: these exist only once SQLAlchemy is loaded.
            sa = sys.modules.get("sqlalchemy.exc")
            if sa is not None and isinstance(exc, sa.OperationalError):
                raise click.ClickException(
                    _("cannot reach the database ({detail})").format(
                        detail=str(exc.orig).strip().splitlines()[0] if exc.orig else exc)
                ) from None
            if sa is not None and isinstance(exc, sa.DBAPIError):
                raise click.ClickException(_db_error_line(exc)) from None
            raise


@click.group(cls=SeatdeskGroup)
@click.option("--db", "db_url", envvar="SEATDESK_DB", default=None,
              help="Database URL (default: SEATDESK_DB or the SQLite file in the data dir).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="Language of the desk and messages (default: from the locale).")
@click.version_option(package_name="seatdesk")
@click.pass_context
def main(ctx: click.Context, db_url: str | None, lang: str | None) -> None:
    """seatdesk: the terminal desk for call-center seats, QA and team leads."""
    language = lang or detect_language()
    set_language(language)
    settings = Settings().with_overrides(db_url=db_url, lang=language)
    cli = CliContext(settings)
    ctx.obj = cli
    ctx.call_on_close(cli.close)


pass_cli = click.make_pass_decorator(CliContext)


# ---- db ------------------------------------------------------------------------------


@main.group()
def db() -> None:
    """Schema migrations."""


@db.command("upgrade")
@pass_cli
def db_upgrade(cli: CliContext) -> None:
    """Create or migrate the schema to the newest version."""
    from seatdesk.data.migrate import current_revision, upgrade

    backend = cli.backend(migrated=False)
    upgrade(backend.db)
    click.echo(_("database at revision {rev}").format(rev=current_revision(backend.db)))


# ---- users ---------------------------------------------------------------------------


@main.group()
def user() -> None:
    """Users, roles and teams."""


@user.command("add")
@click.argument("login")
@click.option("--name", required=True, help="Full name as shown on screens.")
@click.option("--role", required=True,
              type=click.Choice(["agent", "team_lead", "qa", "supervisor", "admin"]))
@click.option("--team", default=None, help="Team code (created if new).")
@click.option("--agent-no", default=None, help="工号, the ID said in the greeting.")
@click.option("--queue", "queues", multiple=True, help="Queue code the agent takes calls from.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@pass_cli
def user_add(cli: CliContext, login: str, name: str, role: str, team: str | None,
             agent_no: str | None, queues: tuple[str, ...], password_stdin: bool) -> None:
    """Add a user; asks for the password (stored as an scrypt hash)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    view = cli.backend().users.add_user(login, name=name, role=role, password=password,
                                        team=team, agent_no=agent_no, queues=queues)
    click.echo(_("added {login} ({role}), 工号 {no}").format(
        login=view.login, role=view.role, no=view.agent_no))


@user.command("list")
@pass_cli
def user_list(cli: CliContext) -> None:
    """List users."""
    for u in cli.backend().users.users():
        click.echo(f"{u.login:<16} {u.agent_no:<6} {u.role:<11} {u.team_code or '-':<8} {u.name}")


# ---- the phone system's hooks --------------------------------------------------------


@main.group()
def call() -> None:
    """Hooks for the phone system."""


@call.command("offer")
@click.option("--number", required=True, help="The caller's number as the switch gives it.")
@click.option("--queue", "queue_code", default="general", show_default=True)
@click.option("--ring/--no-ring", default=False, show_default=True,
              help="Ring the queue's longest-idle available seat at once (its desk pops the "
                   "caller's card); otherwise the call waits for a seat to take it.")
@pass_cli
def call_offer(cli: CliContext, number: str, queue_code: str, ring: bool) -> None:
    """A call arrives: queue it (or ring a seat) and print its id."""
    from seatdesk.services.dto import SYSTEM

    click.echo(cli.backend().calls.offer_inbound(SYSTEM, number, queue_code, ring=ring))


@call.command("abandon")
@click.argument("call_id", type=int)
@pass_cli
def call_abandon(cli: CliContext, call_id: int) -> None:
    """The caller hung up while waiting."""
    from seatdesk.services.dto import SYSTEM

    if not cli.backend().calls.mark_abandoned(SYSTEM, call_id):
        raise click.ClickException(_("call {id} was already answered or closed").format(id=call_id))


@main.command()
@click.option("--rate", type=click.FloatRange(min=0.0, min_open=True), default=6.0,
              show_default=True, help="Average arriving calls per minute (Poisson).")
@click.option("--duration", type=click.FloatRange(min=0.0), default=60.0, show_default=True,
              help="Seconds to run (0: until interrupted).")
@click.option("--patience", type=click.FloatRange(min=0.0, min_open=True), default=90.0,
              show_default=True, help="Average seconds a caller waits before hanging up.")
@click.option("--known-share", type=click.FloatRange(0, 1), default=0.7, show_default=True,
              help="Share of calls from numbers of existing customers.")
@click.option("--random-seed", type=int, default=None)
@pass_cli
def simulate(cli: CliContext, rate: float, duration: float, patience: float,
             known_share: float, random_seed: int | None) -> None:
    """Simulate callers: Poisson arrivals, abandoning after their patience runs out."""
    from seatdesk.exchange.simulator import CallSimulator

    sim = CallSimulator(cli.backend(), rate_per_minute=rate, mean_patience=patience,
                        known_share=known_share, seed=random_seed)
    stats = sim.run(duration=duration or None)
    click.echo(_("offered {o}, abandoned {a}").format(o=stats.offered, a=stats.abandoned))


@main.group("export")
def export_group() -> None:
    """Export records (permission-checked and audited)."""


@main.group("import")
def import_group() -> None:
    """Bring existing records in."""


@main.group("report")
def report_group() -> None:
    """Reports on the measures the center runs on."""


SHARED_GROUPS: dict[str, click.Group] = {
    "export": export_group, "import": import_group, "report": report_group,
}


_loaded_modules: set[str] = set()


def _load_commands(modules: tuple[str, ...] | None = None) -> None:
    """Add the commands of ``modules`` (default: all) to the CLI, each module once."""
    from seatdesk.cli.registry import COMMAND_MODULES, load_commands

    wanted = tuple(m for m in (modules or COMMAND_MODULES) if m not in _loaded_modules)
    if not wanted:
        return
    _loaded_modules.update(wanted)
    commands, subcommands = load_commands(wanted)
    for command in commands:
        main.add_command(command)
    for group, extra in subcommands.items():
        for command in extra:
            SHARED_GROUPS[group].add_command(command)
