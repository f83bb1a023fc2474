"""Commands of the seat desk: `run`, `demo`, and `scripts export|import`.

``seatdesk.cli.main`` imports this module while it is itself being imported, so the CLI context
is reached through ``click`` (``ctx.obj``) rather than by importing ``seatdesk.cli.main`` here.
"""

from __future__ import annotations

import gc
import threading
from pathlib import Path
from typing import Any

import click

from seatdesk.domain.i18n import _, ngettext


def _cli() -> Any:
    return click.get_current_context().obj


def _set_lang(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    """`seatdesk demo --lang zh` reads as naturally as `seatdesk --lang zh demo`: take both."""
    if value:
        from seatdesk.domain.i18n import set_language

        set_language(value)
        cli = ctx.obj
        cli.settings = cli.settings.with_overrides(lang=value)


lang_option = click.option(
    "--lang", type=click.Choice(["zh", "en"]), default=None, expose_value=False,
    is_eager=True, callback=_set_lang, help="Language of the desk (default: from the locale).",
)


@click.command("run")
@click.option("--as", "login", default=None, help="Login to pre-fill on the sign-in screen.")
@lang_option
def run_desk(login: str | None) -> None:
    """Open seatdesk: sign in, then the screens of your role."""
    from seatdesk.runtime.hang_up import hang_up_with_server

    hang_up_with_server()  # a browser session's desk ends with its server
    cli = _cli()
    _collect_after_start_up()
    from seatdesk.ui.app import SeatdeskApp

    # The sign-in screen paints first; the database opens while the user types.
    SeatdeskApp(lambda: cli.backend(), cli.settings, login=login).run()


# Seconds after the demo database opens before the simulated callers start.
BACKGROUND_AFTER_SECONDS = 1.5


def _demo_url(given: str | None) -> str:
    if given:
        return given
    from seatdesk.services.settings import data_dir

    return f"sqlite:///{data_dir() / 'demo.db'}"


@click.command("demo")
@click.option("--as", "login", default="demo_agent", show_default=True,
              help="Demo user to log in as (demo_agent, demo_lead, demo_qa, demo_super...).")
@click.option("--customers", type=click.IntRange(min=0), default=2000, show_default=True,
              help="Customers to seed into an empty demo database.")
@click.option("--days", type=click.IntRange(min=0), default=14, show_default=True,
              help="Days of call history to seed.")
@click.option("--rate", type=click.FloatRange(min=0.0), default=4.0, show_default=True,
              help="Simulated arriving calls per minute (0: no simulator).")
@click.option("--patience", type=click.FloatRange(min=1.0), default=120.0, show_default=True,
              help="Average seconds a simulated caller waits before hanging up.")
@click.option("--ring/--no-ring", default=True, show_default=True,
              help="Simulated calls ring an available seat at once (screen pop); "
                   "--no-ring leaves them in the queue for F2.")
@lang_option
def demo(login: str, customers: int, days: int, rate: float, patience: float,
         ring: bool) -> None:
    """A ready-to-try desk: a seeded demo database, simulated callers, logged straight in."""
    cli = _cli()
    root = click.get_current_context().find_root()
    url = _demo_url(root.params.get("db_url"))
    # Ringing demo: arriving calls ring a free seat, and a seat that frees up is rung.
    settings = cli.settings.with_overrides(db_url=url, ring_when_free=ring or None)
    stop = threading.Event()
    threads: list[tuple[threading.Thread, Any]] = []
    opened: list[Any] = []
    timers: list[threading.Timer] = []

    def prepare(announce: bool = False) -> Any:
        """Open, migrate and (when empty) seed the demo database, then start the callers.

        Behind the desk (``announce`` off) nothing may print: it would tear the screen.
        """
        from seatdesk.data.migrate import upgrade
        from seatdesk.services.container import Backend
        from seatdesk.services.dto import SYSTEM

        backend = Backend.open(url)
        opened.append(backend)
        upgrade(backend.db)
        _refuse_a_real_floor(backend)
        if announce or not _has_user(backend, login):  # a demo database seeds only once
            _seed_demo(backend, customers, days, announce)
        backend.scripts.ensure_defaults(SYSTEM)
        # The callers and the rules worker start once the desk has loaded: their first
        # pass would otherwise compete with the seat's own start-up queries.
        starter = threading.Timer(BACKGROUND_AFTER_SECONDS, lambda: threads.extend(
            _background(backend, stop, rate, patience, ring)))
        starter.daemon = True
        starter.start()
        timers.append(starter)
        return backend

    if _first_run(url):
        prepare(announce=True)  # seeding takes a few seconds: said on the terminal, before the desk
    _collect_after_start_up()
    from seatdesk.exchange.seed_vocab import DEMO_USERS
    from seatdesk.ui.app import SeatdeskApp

    # The desk paints at once; the database opens behind it (see SeatdeskApp).
    role = next((str(r) for name, _n, r, _t, _a in DEMO_USERS if name == login), "agent")
    backend_or_opener: Any = opened[0] if opened else prepare
    try:
        SeatdeskApp(backend_or_opener, settings, sign_in_as=(login, role)).run()
    finally:
        stop.set()
        for timer in timers:
            timer.cancel()
        for thread, stopper in threads:
            stopper()
            thread.join(timeout=3)
        for backend in opened:
            backend.close()


def _collect_after_start_up() -> None:
    """No garbage collection while the desk starts; SeatdeskApp turns it back on.

    Start-up builds some hundred thousand objects that live as long as the desk (Textual,
    the screens, then the data layer): collecting while they are made finds nothing to
    free and delays the first paint by about a tenth. Malloc is held to a few arenas
    before the desk starts its threads (seatdesk.runtime.heap: memory per seat).
    """
    from seatdesk.runtime.heap import cap_arenas

    gc.disable()
    cap_arenas()


def _refuse_a_real_floor(backend: Any) -> None:
    """The demo signs in without a password: never on a database with real users."""
    from seatdesk.domain.errors import PermissionDenied

    if backend.users.has_users() and not backend.users.is_demo():
        raise PermissionDenied(_("this database has real users: the demo (which signs in "
                                 "without a password) runs only on a demo database"))


def _has_user(backend: Any, login: str) -> bool:
    from seatdesk.domain.errors import NotFound

    try:
        backend.users.actor(login)
    except NotFound:
        return False
    return True


def _first_run(url: str) -> bool:
    """True when the embedded demo database does not exist yet (it is about to be seeded)."""
    prefix = "sqlite:///"
    return url.startswith(prefix) and not Path(url[len(prefix):]).exists()


def _seed_demo(backend: Any, customers: int, days: int, announce: bool) -> None:
    from seatdesk.exchange import seed

    seed.ensure_reference_data(backend)
    if seed.is_empty(backend):
        if announce:
            click.echo(ngettext("seeding the demo database ({n} customer)…",
                                "seeding the demo database ({n} customers)…", customers)
                       .format(n=customers))
        seed.seed(backend, seed.SeedOptions(customers=customers, days=days, random_seed=1024))


def _background(backend: Any, stop: threading.Event, rate: float, patience: float,
                ring: bool) -> list[tuple[threading.Thread, Any]]:
    """The call simulator and the timed-rules daemon, as daemon threads."""
    threads: list[tuple[threading.Thread, Any]] = []
    if rate > 0:
        from seatdesk.exchange.simulator import CallSimulator

        sim = CallSimulator(backend, rate_per_minute=rate, mean_patience=patience, ring=ring)
        thread = threading.Thread(target=_quietly(lambda: sim.run(None)), name="simulator",
                                  daemon=True)
        thread.start()
        threads.append((thread, sim.stop))
    from seatdesk.runtime import daemon as worker

    thread = threading.Thread(target=_quietly(lambda: worker.run_loop(backend, stop, 5.0)),
                              name="rules-worker", daemon=True)
    thread.start()
    threads.append((thread, stop.set))
    return threads


def _quietly(target: Any) -> Any:
    # A background helper that dies (database gone) must not print over the full-screen desk.
    def run() -> None:
        try:
            target()
        except Exception:  # noqa: BLE001, S110 - boundary (demo thread): the demo carries on without it
            pass

    return run


# ---- scripts -------------------------------------------------------------------------


@click.group("scripts")
def scripts_group() -> None:
    """Call scripts: export to and import from a TOML file (supervisors)."""


@scripts_group.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--as", "login", default=None, help="Who exports (needs the scripts permission).")
def scripts_export(file: Path, login: str | None) -> None:
    """Write the current published scripts to FILE ('-' for standard output)."""
    cli = _cli()
    text = cli.backend().scripts.export_toml(cli.actor(login))
    if str(file) == "-":
        click.echo(text, nl=False)
        return
    try:
        file.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(_("cannot write {file}: {reason}").format(
            file=file, reason=exc.strerror)) from None
    n = text.count("[[script]]")
    click.echo(ngettext("exported {n} script to {file}", "exported {n} scripts to {file}", n)
               .format(n=n, file=file))


@scripts_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--as", "login", default=None, help="Who imports (needs the scripts permission).")
def scripts_import(file: Path, login: str | None) -> None:
    """Validate FILE and publish every changed script as a new version."""
    cli = _cli()
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise click.ClickException(_("cannot read {file}: {reason}").format(
            file=file, reason=reason)) from None
    backend = cli.backend()
    actor = cli.actor(login)
    before = {v.id for v in backend.scripts.current()}
    views = backend.scripts.import_toml(actor, text)
    new = [v for v in views if v.id not in before]
    click.echo(_("{read}, {published}").format(
        read=ngettext("{n} script read", "{n} scripts read", len(views)).format(n=len(views)),
        published=ngettext("{m} new version published", "{m} new versions published",
                           len(new)).format(m=len(new))))
    for v in new:
        click.echo("  " + _("{direction}/{category}/{lang} version {n}").format(
            direction=_(v.direction), category=_(v.category), lang=v.lang, n=v.version))


COMMANDS: list[click.Command] = [run_desk, demo, scripts_group]
