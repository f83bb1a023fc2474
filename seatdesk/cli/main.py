"""The command line: builds settings, the database and services, then runs a command.

Every failure a user can cause (bad input, a database that is down, a missing
permission) ends as one clear line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from seatdesk.cli.help_text import TranslatedHelpContext, use_translated_help
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
                    from seatdesk.data.migrate import unknown_revisions

                    if unknown_revisions(self._backend.db):
                        raise click.ClickException(
                            _("the database is newer than this seatdesk: upgrade seatdesk"))
                    raise click.ClickException(
                        _("the database is not initialised or is out of date: "
                          "run `seatdesk db upgrade`")
                    )
        return self._backend

    def actor(self, login: str | None) -> Actor:
        """The person a command acts for (--as, or SEATDESK_USER), proven.

        A `seatdesk login` session for this database, else SEATDESK_PASSWORD, else a hidden
        prompt on a terminal; nothing else is taken as proof (see ``seatdesk.cli.identity``).
        A wrong password counts toward the lock-out as at the desk's sign-in.
        """
        from seatdesk.cli import identity

        login = login or os.environ.get("SEATDESK_USER")
        backend = self.backend()
        session = identity.load_session(self.settings.db_url)
        if session is not None and login in (None, session.login):
            return backend.users.session_actor(session.token)
        if not login:
            raise click.UsageError(_("say who you are with --as LOGIN (or SEATDESK_USER), "
                                     "or sign in first with `seatdesk login`"))
        password = os.environ.get(identity.PASSWORD_ENV)
        if password is None:
            if not sys.stdin.isatty():
                raise click.UsageError(_(
                    "prove who you are: `seatdesk login --as {login}` first, or "
                    "SEATDESK_PASSWORD for scripts").format(login=login))
            password = click.prompt(_("Password for {login}").format(login=login),
                                    hide_input=True, err=True)
        actor = backend.users.authenticate(login, password)
        if actor.must_change_password:
            raise click.ClickException(_("{login} must choose a new password first: "
                                         "seatdesk password --as {login}").format(login=login))
        return actor

    def system_actor(self) -> Actor:
        """The system identity of the phone hook and the daemon: SEATDESK_SYSTEM_SECRET."""
        from seatdesk.cli.identity import SYSTEM_SECRET_ENV

        return self.backend().users.system_actor(os.environ.get(SYSTEM_SECRET_ENV))

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


class SeatdeskGroup(click.Group):
    """Turns the errors a user can cause into one line and exit code 1.

    Loads an area's commands when one of them is asked for (see ``seatdesk.cli.registry``).
    Its help, and every command's under it, is shown in the reader's language
    (``seatdesk.cli.help_text``).
    """

    context_class = TranslatedHelpContext

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

    def main(self, *args: Any, **kwargs: Any) -> Any:
        # Everything printed, errors included, is neutralised (seatdesk.cli.terminal).
        from seatdesk.cli.terminal import TerminalSafe

        out, err = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = TerminalSafe(out), TerminalSafe(err)
        try:
            return super().main(*args, **kwargs)
        finally:
            sys.stdout, sys.stderr = out, err

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (SeatdeskError, ValueError) as exc:  # DatabaseUrlError is a ValueError
            if isinstance(exc, click.ClickException):
                raise
            raise click.ClickException(str(exc)) from None


def _language_first(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """`--lang zh --help`: the language is set before the (eager) help is shown."""
    if value is not None:
        set_language(value)
    return value


@click.group(cls=SeatdeskGroup)
@click.option("--db", "db_url", envvar="SEATDESK_DB", default=None,
              help="Database URL (default: SEATDESK_DB or the SQLite file in the data dir).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, is_eager=True,
              callback=_language_first,
              help="Language of the desk and messages (default: from the locale).")
@click.option("--config", "config", envvar="SEATDESK_CONFIG", default=None,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Settings file of SEATDESK_* lines (e.g. a seat host's; mode 600).")
@click.version_option(package_name="seatdesk")
@click.pass_context
def main(ctx: click.Context, db_url: str | None, lang: str | None,
         config: Path | None) -> None:
    """seatdesk: the terminal desk for call-center seats, QA and team leads."""
    if config is not None:
        from seatdesk.services.settings import load_settings_file

        db_url = db_url or load_settings_file(config).get("SEATDESK_DB")
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
    from seatdesk.data.migrate import current_revision, unknown_revisions, upgrade

    backend = cli.backend(migrated=False)
    newer = unknown_revisions(backend.db)
    if newer:
        raise click.ClickException(
            _("the database is newer than this seatdesk (revision {rev}); "
              "upgrade seatdesk instead").format(rev=", ".join(sorted(newer))))
    upgrade(backend.db)
    click.echo(_("database at revision {rev}").format(rev=current_revision(backend.db)))
    if backend.users.is_demo():
        click.echo(_("this is a demo database: its demo users' password is public"), err=True)


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
    """A call arrives: queue it (or ring a seat) and print its id.

    With --ring, when a seat was rung and its phone is known, the seat's SIP address
    follows the id on the same line (for the PBX's dial plan: ``ID SIP-URI``).
    """
    system = cli.system_actor()
    backend = cli.backend()
    call_id = backend.calls.offer_inbound(system, number, queue_code, ring=ring)
    # phone (issue 20): the rung seat's SIP address for the dial plan
    address = _telephony(backend).ring_address(call_id) if ring else None
    click.echo(f"{call_id} {address}" if address else call_id)


def _telephony(backend: Any) -> Any:
    from seatdesk.services.telephony import TelephonyService

    return TelephonyService(backend.db, backend.clock)


@call.command("event")
@click.argument("call_id", type=int)
@click.argument("kind", type=click.Choice(["answered", "hung_up", "transferred"]))
@click.option("--to", "target", default="", help="transferred: where the call went.")
@pass_cli
def call_event(cli: CliContext, call_id: int, kind: str, target: str) -> None:
    """The PBX reports what happened to a call at a desk phone (answered, hung up, transferred)."""
    system = cli.system_actor()
    view = _telephony(cli.backend()).pbx_event(system, call_id, kind, target)
    click.echo(f"{view.id} {view.state}")


@call.command("abandon")
@click.argument("call_id", type=click.IntRange(1, 2**63 - 1))
@pass_cli
def call_abandon(cli: CliContext, call_id: int) -> None:
    """The caller hung up while waiting."""
    if not cli.backend().calls.mark_abandoned(cli.system_actor(), call_id):
        raise click.ClickException(_("call {id} was already answered or closed").format(id=call_id))


@call.command("quarantined")
@click.option("--as", "login", default=None, help="Who asks (a team lead sees everyone's).")
@pass_cli
def call_quarantined(cli: CliContext, login: str | None) -> None:
    """Saved records the database refused (kept whole; the agent re-saves or a lead acts)."""
    rows = cli.backend().calls.quarantined(cli.actor(login))
    for q in rows:
        click.echo(f"#{q.id:<5} {q.typed_at[:19]:<19} {q.login:<16} "
                   f"{'#' + str(q.call_id) if q.call_id else '-':<10} {q.kind:<8} {q.reason}")
    if not rows:
        click.echo(_("no refused records"))


@call.command("close-lost")
@click.argument("call_id", type=click.IntRange(1, 2**63 - 1))
@click.option("--as", "login", default=None, help="The team lead closing it.")
@pass_cli
def call_close_lost(cli: CliContext, call_id: int, login: str | None) -> None:
    """Close the call a lost seat left in wrap-up (team lead; audited)."""
    view = cli.backend().calls.close_lost_call(cli.actor(login), call_id)
    click.echo(_("call #{id} closed").format(id=view.id))


@main.command()
@click.option("--rate", type=click.FloatRange(min=0.0, max=6000.0, min_open=True), default=6.0,
              show_default=True, help="Average arriving calls per minute (Poisson).")
@click.option("--duration", type=click.FloatRange(min=0.0, max=7 * 86400.0), default=60.0,
              show_default=True, help="Seconds to run (0: until interrupted).")
@click.option("--patience", type=click.FloatRange(min=0.0, max=86400.0, min_open=True),
              default=90.0, show_default=True,
              help="Average seconds a caller waits before hanging up.")
@click.option("--known-share", type=click.FloatRange(0, 1), default=0.7, show_default=True,
              help="Share of calls from numbers of existing customers.")
@click.option("--random-seed", type=int, default=None)
@pass_cli
def simulate(cli: CliContext, rate: float, duration: float, patience: float,
             known_share: float, random_seed: int | None) -> None:
    """Simulate callers: Poisson arrivals, abandoning after their patience runs out."""
    from seatdesk.exchange.simulator import CallSimulator

    cli.system_actor()  # simulated callers arrive as the phone system's would
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
    use_translated_help(main)


use_translated_help(main)
