"""Administration and identity on the command line.

`bootstrap` (the first admin), `login` / `logout` / `password`, `system-secret`, and the
`user`, `queue` and `team` groups. Every change goes through ``AdminService``, which checks
the permission and audits it; who runs the command is proven by ``CliContext.actor``.
seatdesk.cli.main imports this module while it is being built, so cli is imported lazily.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from seatdesk.domain.i18n import N_, _, ngettext

ROLES = ["agent", "team_lead", "qa", "supervisor", "admin"]
as_option = click.option("--as", "as_login", default=None,
                         help="Who does it (or the `seatdesk login` session).")


def _cli() -> Any:
    from seatdesk.cli.main import CliContext

    return click.get_current_context().find_object(CliContext)


def _new_password(from_stdin: bool, prompt: str) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(click.prompt(prompt, hide_input=True, confirmation_prompt=True, err=True))


def _say_user(view: Any) -> None:
    state = _("in service") if view.active else _("disabled")
    click.echo(f"{view.login:<16} {view.agent_no:<6} {view.role:<11} {view.team_code or '-':<8} "
               f"{','.join(view.queues) or '-':<16} {','.join(view.languages):<8} {state}  "
               f"{view.name}")


# ---- identity ------------------------------------------------------------------------


@click.command("bootstrap")
@click.argument("login")
@click.option("--name", required=True, help="Full name as shown on screens.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def bootstrap_command(login: str, name: str, password_stdin: bool) -> None:
    """Create the first admin of a fresh database (asks for the password)."""
    cli = _cli()
    backend = cli.backend()
    password = _new_password(password_stdin, _("Password for {login}").format(login=login))
    view = backend.admin.bootstrap_admin(login, name=name, password=password)
    click.echo(_("{login} is the first admin; sign in with `seatdesk login --as {login}`")
               .format(login=view.login))


@click.command("login")
@click.option("--as", "login", required=True, help="Your login.")
@click.option("--hours", type=click.FloatRange(min=0.1, max=24 * 7), default=12.0,
              show_default=True, help="How long the session lasts.")
def login_command(login: str, hours: float) -> None:
    """Sign in once: later commands on this database act as you until the session ends."""
    from seatdesk.cli.identity import save_session

    cli = _cli()
    backend = cli.backend()
    password = click.prompt(_("Password for {login}").format(login=login), hide_input=True,
                            err=True)
    actor = backend.users.authenticate(login, password)
    token = backend.users.open_session(actor, hours=hours)
    save_session(cli.settings.db_url, actor.login, token)
    click.echo(_("signed in as {login} for {h:g} h").format(login=actor.login, h=hours))


@click.command("logout")
def logout_command() -> None:
    """End this database's `seatdesk login` session."""
    from seatdesk.cli.identity import forget_session

    cli = _cli()
    found = forget_session(cli.settings.db_url)
    if found is None:
        click.echo(_("no session to end"))
        return
    cli.backend().users.close_session(found.token)
    click.echo(_("signed out {login}").format(login=found.login))


@click.command("password")
@click.option("--as", "login", required=True, help="Your login.")
@click.option("--password-stdin", is_flag=True,
              help="Read the old, then the new password from standard input (one a line).")
def password_command(login: str, password_stdin: bool) -> None:
    """Change your own password (needed after an admin reset it)."""
    cli = _cli()
    if password_stdin:
        old = sys.stdin.readline().rstrip("\n")
        new = sys.stdin.readline().rstrip("\n")
    else:
        old = click.prompt(_("Current password"), hide_input=True, err=True)
        new = click.prompt(_("New password"), hide_input=True, confirmation_prompt=True,
                           err=True)
    cli.backend().users.change_password(login, old, new)
    click.echo(_("password changed for {login}").format(login=login))


@click.command("system-secret")
@as_option
def system_secret_command(as_login: str | None) -> None:
    """Make the phone hook's and the daemon's secret (printed once; the old one stops)."""
    cli = _cli()
    actor = cli.actor(as_login)
    click.echo(cli.backend().admin.new_system_secret(actor))


# ---- users ---------------------------------------------------------------------------


@click.group("user")
def user_group() -> None:
    """Users: add, edit, disable, reset passwords (admins)."""


@user_group.command("add")
@click.argument("login")
@click.option("--name", required=True, help="Full name as shown on screens.")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--team", default=None, help="Team code (see `seatdesk team add`).")
@click.option("--agent-no", default=None, help="工号, the ID said in the greeting.")
@click.option("--queue", "queues", multiple=True, help="Queue code the agent serves (repeat).")
@click.option("--lang", "languages", multiple=True, help="Language spoken: zh, en, yue (repeat).")
@click.option("--password-stdin", is_flag=True, help="Read the first password from stdin.")
@as_option
def user_add(login: str, name: str, role: str, team: str | None, agent_no: str | None,
             queues: tuple[str, ...], languages: tuple[str, ...], password_stdin: bool,
             as_login: str | None) -> None:
    """Add a user; asks for a first password, which they change at first sign-in."""
    cli = _cli()
    actor = cli.actor(as_login)
    password = _new_password(password_stdin, _("First password for {login}").format(
        login=login))
    view = cli.backend().admin.add_user(actor, login, name=name, role=role, password=password,
                                        team=team, agent_no=agent_no, queues=queues,
                                        languages=languages or ("zh",))
    click.echo(_("added {login} ({role}), 工号 {no}").format(
        login=view.login, role=view.role, no=view.agent_no))


@user_group.command("edit")
@click.argument("login")
@click.option("--name", default=None)
@click.option("--role", default=None, type=click.Choice(ROLES))
@click.option("--team", default=None, help="Team code.")
@click.option("--no-team", is_flag=True, help="Take the user out of their team.")
@click.option("--agent-no", default=None, help="工号.")
@click.option("--queue", "queues", multiple=True,
              help="Queue served (repeat; replaces the list).")
@click.option("--no-queues", is_flag=True, help="Serve no queue.")
@click.option("--lang", "languages", multiple=True, help="Language spoken (repeat; replaces).")
@as_option
def user_edit(login: str, name: str | None, role: str | None, team: str | None, no_team: bool,
              agent_no: str | None, queues: tuple[str, ...], no_queues: bool,
              languages: tuple[str, ...], as_login: str | None) -> None:
    """Change a user's name, role, team, 工号, queues or languages."""
    from seatdesk.services.admin import UNSET

    cli = _cli()
    actor = cli.actor(as_login)
    view = cli.backend().admin.update_user(
        actor, login, name=name, role=role, agent_no=agent_no,
        team=None if no_team else (team if team is not None else UNSET),
        queues=() if no_queues else (queues or None), languages=languages or None)
    _say_user(view)


@user_group.command("list")
@as_option
def user_list(as_login: str | None) -> None:
    """List users: login, 工号, role, team, queues, languages, state, name."""
    cli = _cli()
    for view in cli.backend().admin.users(cli.actor(as_login)):
        _say_user(view)


def _toggle(active: bool) -> click.Command:
    @click.command("enable" if active else "disable")
    @click.argument("login")
    @as_option
    def command(login: str, as_login: str | None) -> None:
        cli = _cli()
        view = cli.backend().admin.set_active(cli.actor(as_login), login, active)
        _say_user(view)

    # Marked here, translated when shown (seatdesk.cli.help_text).
    command.help = (N_("Let a disabled user sign in again.") if active else
                    N_("Disable a user: no sign-in, no command, sessions ended."))
    return command


user_group.add_command(_toggle(False))
user_group.add_command(_toggle(True))


@user_group.command("reset-password")
@click.argument("login")
@click.option("--password-stdin", is_flag=True, help="Read the new password from stdin.")
@click.option("--no-force-change", is_flag=True,
              help="Do not make them choose a new one at next sign-in.")
@as_option
def user_reset_password(login: str, password_stdin: bool, no_force_change: bool,
                        as_login: str | None) -> None:
    """Set a new password (unlocks the account); changed at next sign-in unless told."""
    cli = _cli()
    actor = cli.actor(as_login)
    password = _new_password(password_stdin, _("New password for {login}").format(login=login))
    cli.backend().admin.reset_password(actor, login, password,
                                       force_change=not no_force_change)
    click.echo(_("password of {login} reset").format(login=login))


@user_group.command("must-change-password")
@click.argument("login")
@as_option
def user_must_change(login: str, as_login: str | None) -> None:
    """Make the user choose a new password at their next sign-in."""
    cli = _cli()
    cli.backend().admin.require_password_change(cli.actor(as_login), login)
    click.echo(_("{login} must choose a new password at next sign-in").format(login=login))


@user_group.command("end-sessions")
@click.argument("login")
@as_option
def user_end_sessions(login: str, as_login: str | None) -> None:
    """End every `seatdesk login` session of a user."""
    cli = _cli()
    n = cli.backend().admin.revoke_sessions(cli.actor(as_login), login)
    click.echo(ngettext("{n} session of {login} ended", "{n} sessions of {login} ended", n).format(
        n=n, login=login))


# ---- queues and teams ----------------------------------------------------------------


_Command = TypeVar("_Command", bound=Callable[..., Any])


def _queue_options(required: bool) -> Callable[[_Command], _Command]:
    """The queue's fields as options, shared by ``queue add`` and ``queue edit``."""

    def wrap(fn: _Command) -> _Command:
        for option in reversed([
            click.option("--name", required=required, default=None, help="English name."),
            click.option("--name-zh", default=None, help="Chinese name."),
            click.option("--priority", type=click.IntRange(0, 100), default=None,
                         help="Higher is answered first (0-100)."),
            click.option("--sl", "sl_seconds", type=click.IntRange(1, 3600), default=None,
                         help="Service-level threshold T in seconds (answered within T)."),
            click.option("--acw", "acw_seconds", type=click.IntRange(0, 3600), default=None,
                         help="After-call-work limit in seconds (0: no limit)."),
        ]):
            fn = option(fn)
        return fn
    return wrap


def _say_queue(q: Any) -> None:
    state = _("in service") if q.active else _("disabled")
    click.echo(_("{code:<12} {priority:>3}  SL {sl:>4} s  ACW {acw:>4} s  {state:<8} {name} / "
                 "{name_zh}").format(code=q.code, priority=q.priority, sl=q.sl_seconds,
                                     acw=q.acw_seconds, state=state, name=q.name,
                                     name_zh=q.name_zh))


@click.group("queue")
def queue_group() -> None:
    """Queues (business lines): add, edit, list (admins and supervisors)."""


@queue_group.command("add")
@click.argument("code")
@_queue_options(required=True)
@as_option
def queue_add(code: str, name: str, name_zh: str | None, priority: int | None,
              sl_seconds: int | None, acw_seconds: int | None, as_login: str | None) -> None:
    """Add a queue callers can be offered to."""
    from seatdesk.services.admin import QueueInput

    cli = _cli()
    actor = cli.actor(as_login)
    view = cli.backend().admin.create_queue(actor, QueueInput(
        code, name, name_zh or "", priority or 0, sl_seconds or 20,
        120 if acw_seconds is None else acw_seconds))
    _say_queue(view)


@queue_group.command("edit")
@click.argument("code")
@_queue_options(required=False)
@click.option("--enable/--disable", "active", default=None, help="Take calls on it or not.")
@as_option
def queue_edit(code: str, name: str | None, name_zh: str | None, priority: int | None,
               sl_seconds: int | None, acw_seconds: int | None, active: bool | None,
               as_login: str | None) -> None:
    """Change a queue's names, priority, service-level threshold or ACW limit."""
    from seatdesk.services.admin import QueueInput

    cli = _cli()
    actor = cli.actor(as_login)
    admin = cli.backend().admin
    now = next((q for q in admin.queues(actor) if q.code == code), None)
    if now is None:
        raise click.ClickException(_("no queue {code}").format(code=repr(code)))
    view = admin.update_queue(actor, code, QueueInput(
        code, name if name is not None else now.name,
        name_zh if name_zh is not None else now.name_zh,
        priority if priority is not None else now.priority,
        sl_seconds if sl_seconds is not None else now.sl_seconds,
        acw_seconds if acw_seconds is not None else now.acw_seconds), active=active)
    _say_queue(view)


@queue_group.command("list")
@as_option
def queue_list(as_login: str | None) -> None:
    """List queues."""
    cli = _cli()
    for q in cli.backend().admin.queues(cli.actor(as_login)):
        _say_queue(q)


@click.group("team")
def team_group() -> None:
    """Teams and their leads: add, edit, list (admins and supervisors)."""


def _say_team(t: Any) -> None:
    click.echo(f"{t.code:<10} {t.lead_login or '-':<16} {t.members:>4}  {t.name}")


@team_group.command("add")
@click.argument("code")
@click.option("--name", required=True)
@click.option("--lead", default=None, help="Login of the team lead.")
@as_option
def team_add(code: str, name: str, lead: str | None, as_login: str | None) -> None:
    """Add a team."""
    cli = _cli()
    _say_team(cli.backend().admin.create_team(cli.actor(as_login), code, name, lead=lead))


@team_group.command("edit")
@click.argument("code")
@click.option("--name", default=None)
@click.option("--lead", default=None, help="Login of the new team lead.")
@click.option("--no-lead", is_flag=True, help="The team has no lead.")
@as_option
def team_edit(code: str, name: str | None, lead: str | None, no_lead: bool,
              as_login: str | None) -> None:
    """Rename a team or change its lead."""
    from seatdesk.services.admin import UNSET

    cli = _cli()
    view = cli.backend().admin.update_team(
        cli.actor(as_login), code, name=name,
        lead=None if no_lead else (lead if lead is not None else UNSET))
    _say_team(view)


@team_group.command("list")
@as_option
def team_list(as_login: str | None) -> None:
    """List teams."""
    cli = _cli()
    for t in cli.backend().admin.teams(cli.actor(as_login)):
        _say_team(t)


COMMANDS: list[click.Command] = [bootstrap_command, login_command, logout_command,
                                 password_command, system_secret_command, user_group,
                                 queue_group, team_group]
