"""Roster commands: `forecast`, `roster fill|adherence`, and `export roster`.

The CLI context (``ctx.obj``) is a ``seatdesk.cli.main.CliContext``; it is not imported here
because cli.py imports this module while it is being built.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import click
from dateutil import parser as dateparser

from seatdesk.domain.i18n import _, ngettext

_SET = re.compile(r"^(\d{1,2}:\d{2})=(\d+(?:\.\d+)?|-)$")


def _day(text: str, what: str) -> date:
    try:
        day: date = dateparser.isoparse(text).date()
        return day
    except ValueError:
        try:
            parsed: date = dateparser.parse(text).date()
            return parsed
        except (ValueError, OverflowError):
            raise click.BadParameter(
                _("{value!r} is not a date (use YYYY-MM-DD)").format(value=text),
                param_hint=what) from None


@click.command("forecast")
@click.option("--queue", "queue_code", default=None,
              help="Queue code (required, except with --accuracy: all queues).")
@click.option("--day", required=True,
              help="The day to forecast (YYYY-MM-DD); with --accuracy the first day.")
@click.option("--to", "last", default=None, help="With --accuracy: the last day.")
@click.option("--accuracy", is_flag=True,
              help="Forecast against actual calls of past days (WAPE per day and queue).")
@click.option("--no-trend", "no_trend", is_flag=True,
              help="Plain average of the weeks, without Holt's trend.")
@click.option("--interval", type=click.Choice(["15", "30", "60"]), default="30",
              show_default=True, help="Interval length in minutes.")
@click.option("--weeks", type=click.IntRange(1, 26), default=4, show_default=True,
              help="Weeks of history (same weekday) to average.")
@click.option("--aht", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Average handling time in seconds (default: from the history).")
@click.option("--target", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=0.8, show_default=True, help="Service-level target (share).")
@click.option("--set", "overrides", multiple=True, metavar="HH:MM=CALLS",
              help="Override the expected calls of an interval ('-' removes it).")
@click.option("--all", "show_all", is_flag=True, help="Show intervals without calls too.")
@click.option("--as", "login", default=None, help="Act as this user.")
@click.pass_obj
def forecast_command(cli: Any, queue_code: str | None, day: str, last: str | None,
                     accuracy: bool, no_trend: bool, interval: str, weeks: int,
                     aht: float | None, target: float, overrides: tuple[str, ...],
                     show_all: bool, login: str | None) -> None:
    """Expected calls and agents required per interval, from the call history."""
    from seatdesk.services.roster import parse_hhmm

    the_day = _day(day, "--day")
    backend = cli.backend()
    actor = cli.actor(login)
    minutes = int(interval)
    if accuracy:
        rows = backend.forecast.accuracy(actor, queue_code, the_day,
                                         _day(last, "--to") if last else the_day,
                                         interval_minutes=minutes, weeks=weeks)
        heads = (_("day"), _("queue"), _("forecast"), _("actual"), _("WAPE"))
        click.echo("{:<10} {:<12} {:>9} {:>7} {:>6}".format(*heads))
        for a in rows:
            err = "—" if a.wape is None else f"{a.wape:.0%}"
            click.echo(f"{a.day.isoformat():<10} {a.queue_code:<12} {a.forecast:>9g} "
                       f"{a.actual:>7} {err:>6}")
        return
    if queue_code is None:
        raise click.UsageError(_("say which queue (--queue CODE)"))
    for item in overrides:
        m = _SET.match(item.strip())
        if not m:
            raise click.BadParameter(_("use HH:MM=CALLS, e.g. 09:30=42"), param_hint="--set")
        calls = None if m.group(2) == "-" else float(m.group(2))
        backend.forecast.set_override(actor, queue_code, the_day, parse_hhmm(m.group(1), "set"),
                                      calls, interval_minutes=minutes)
    f = backend.forecast.forecast(actor, queue_code, the_day, interval_minutes=minutes,
                                  weeks=weeks, aht=aht, target_sl=target, trend=not no_trend)
    source = (_("history") if f.aht_from_history
              else _("given") if aht is not None else _("default"))
    click.echo(_("{queue} {day}: AHT {aht} s ({source}), goal {sl:.0%} in {t:g} s").format(
        queue=f.queue_code, day=f.day, aht=f.aht_seconds, source=source, sl=f.goal.target_sl,
        t=f.goal.answer_within))
    if f.basis == "holiday":
        click.echo(_("a holiday: averaged over {n} past holiday(s) with history").format(
            n=f.weeks_used))
    elif f.basis == "make_up":
        click.echo(_("a make-up working day: averaged over {n} past make-up day(s)").format(
            n=f.weeks_used))
    else:
        click.echo(_("averaged over {n} of {weeks} weeks (weeks before the first call and "
                     "holidays are left out); trend ×{factor:g}").format(
            n=f.weeks_used, weeks=f.weeks, factor=f.trend_factor))
    click.echo(_("agents: for this queue alone; coverage and fill pool the queues of a skill "
                 "group (docs/staffing.md)"))
    click.echo(f"{_('start'):<6} {_('history'):>8} {_('override'):>9} {_('calls'):>7} "
               f"{_('agents'):>6}")
    for r in f.rows:
        if not show_all and not r.calls and not r.history:
            continue
        over = "" if r.override is None else f"{r.override:g}"
        click.echo(f"{r.start:%H:%M}  {r.history:>8g} {over:>9} {r.calls:>7g} {r.required:>6}")


@click.group("roster")
def roster_group() -> None:
    """Shift rosters: fill with the optimiser, adherence, lateness and agents' requests.

    Roster weeks run Monday to Sunday (ISO weeks), as do QA weeks; the KPI report's weeks
    end on Friday (the weekly report goes out on Friday, docs/measures.md).
    """


@roster_group.command("fill")
@click.option("--week", required=True, help="Any day of the week to fill (YYYY-MM-DD).")
@click.option("--team", default=None, help="Team code (default: your own team).")
@click.option("--time-limit", type=click.FloatRange(0.5, 600), default=10.0,
              show_default=True, help="Seconds the optimiser may search.")
@click.option("--as", "login", default=None, help="Act as this user.")
@click.pass_obj
def roster_fill(cli: Any, week: str, team: str | None, time_limit: float,
                login: str | None) -> None:
    """Fill the week's empty days to cover the forecast (kept shifts stay)."""
    backend = cli.backend()
    actor = cli.actor(login)
    backend.roster.ensure_default_templates(actor)
    report = backend.roster.fill(actor, team, _day(week, "--week"), time_limit=time_limit)
    r = report.result
    click.echo(ngettext("added {n} shift ({status}, {s:.1f} s)",
                        "added {n} shifts ({status}, {s:.1f} s)", report.created).format(
        n=report.created, status=r.status, s=r.wall_seconds))
    short = [s for s in r.short if s.queue is None]
    if not short and not r.short:
        click.echo(_("every interval is covered"))
    tz = cli.settings.tz
    for s in r.short:
        where = s.queue or _("team")
        click.echo(_("short {start}: {n:g} agent(s) missing ({where})").format(
            start=s.start.astimezone(tz).strftime("%a %m-%d %H:%M"), n=s.missing_agents,
            where=where))


@roster_group.command("templates")
@click.option("--as", "login", default=None, help="Act as this user.")
@click.pass_obj
def roster_templates(cli: Any, login: str | None) -> None:
    """List the shift templates (the usual four are created when there are none)."""
    backend = cli.backend()
    for i, t in enumerate(backend.roster.ensure_default_templates(cli.actor(login)), 1):
        breaks = ", ".join(f"+{o // 60}:{o % 60:02d} {n} min" for o, n in t.breaks)
        click.echo(f"{i} {t.code:<4} {t.hours}  {t.name}  [{breaks}] {t.weekdays}")


@roster_group.command("adherence")
@click.option("--day", required=True, help="First day (YYYY-MM-DD).")
@click.option("--to", "last", default=None, help="Last day (default: the first).")
@click.option("--team", default=None, help="Team code (default: your own team).")
@click.option("--as", "login", default=None, help="Act as this user.")
@click.pass_obj
def roster_adherence(cli: Any, day: str, last: str | None, team: str | None,
                     login: str | None) -> None:
    """Late log-ins, early log-outs and time out of adherence per agent and day."""
    backend = cli.backend()
    first = _day(day, "--day")
    lines = backend.roster.adherence(cli.actor(login), team, first,
                                     _day(last, "--to") if last else None)
    for ln in lines:
        d = ln.day
        click.echo(_("{day} {no} {name}: late {late} min, left early {early} min, "
                     "out of adherence {out} min ({pct:.0%}){absent}").format(
            day=d.day, no=ln.agent_no, name=ln.name, late=d.late_minutes,
            early=d.early_leave_minutes, out=d.out_of_adherence_minutes, pct=d.adherence,
            absent=" " + _("absent") if d.absent else ""))


@roster_group.command("lateness")
@click.option("--month", required=True, help="The month (YYYY-MM).")
@click.option("--team", default=None, help="Team code (default: your own team).")
@click.option("--grace", type=click.IntRange(0, 60), default=0, show_default=True,
              help="Minutes after the shift start that are not yet late.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "xlsx"]),
              default="table", show_default=True)
@click.option("--out", default=None, help="File to write (default: standard output).")
@click.option("--as", "login", default=None, help="Act as this user.")
@click.pass_obj
def roster_lateness(cli: Any, month: str, team: str | None, grace: int, fmt: str,
                    out: str | None, login: str | None) -> None:
    """Late sign-ins per agent in a month against the shift start and the allowance
    (the attendance report: table, or csv/json/xlsx)."""
    m = re.match(r"^(\d{4})-(\d{1,2})$", month.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise click.BadParameter(_("use YYYY-MM, e.g. 2026-11"), param_hint="--month")
    first = date(int(m.group(1)), int(m.group(2)), 1)
    lines = cli.backend().roster.attendance(cli.actor(login), team, first,
                                            grace_minutes=grace)
    if fmt != "table":
        if fmt == "xlsx" and out is None:
            raise click.UsageError(_("xlsx needs --out FILE"))
        from seatdesk.exchange.exporter import write_rows

        columns = [("month", _("Month")), ("agent_no", _("No.")), ("name", _("Agent")),
                   ("shifts", _("shifts")), ("late_days", _("late")),
                   ("late_minutes", _("minutes")), ("absent_days", _("absent")),
                   ("allowance", _("allowance")), ("over_allowance", _("over the allowance"))]
        rows = [{"month": ln.month, "agent_no": ln.agent_no, "name": ln.name,
                 "shifts": ln.worked_days, "late_days": ln.late_days,
                 "late_minutes": ln.late_minutes, "absent_days": ln.absent_days,
                 "allowance": ln.allowance, "over_allowance": ln.over_allowance}
                for ln in lines]
        n = write_rows(rows, columns, fmt, out)
        if out:
            click.echo(ngettext("wrote {n} row to {out}", "wrote {n} rows to {out}", n).format(
                n=n, out=out), err=True)
        return
    click.echo(f"{_('No.'):<6} {_('Agent'):<16} {_('shifts'):>6} {_('late'):>5} "
               f"{_('minutes'):>7} {_('absent'):>6}  {_('allowance')}")
    for ln in lines:
        flag = _("over the allowance") if ln.over_allowance else ""
        click.echo(f"{ln.agent_no:<6} {ln.name:<16} {ln.worked_days:>6} {ln.late_days:>5} "
                   f"{ln.late_minutes:>7} {ln.absent_days:>6}  {ln.allowance} {flag}")


@roster_group.command("changes")
@click.option("--week", required=True, help="Any day of the week (YYYY-MM-DD).")
@click.option("--team", default=None, help="Team code (default: your own team).")
@click.option("--as", "login", default=None, help="Act as this user.")
@click.pass_obj
def roster_changes(cli: Any, week: str, team: str | None, login: str | None) -> None:
    """The change history of a published week: before, after, reason, sent or not."""
    backend, actor = cli.backend(), cli.actor(login)
    names = {a.user_id: a.name for a in backend.roster.week(actor, team,
                                                              _day(week, "--week")).agents}
    tz = cli.settings.tz
    for c in backend.roster.changes(actor, team, _day(week, "--week")):
        sent = (_("sent {at}").format(at=c.sent_at.astimezone(tz).strftime("%m-%d %H:%M"))
                if c.sent_at else _("not re-published yet"))
        click.echo(f"{c.changed_at.astimezone(tz):%m-%d %H:%M} {names.get(c.user_id, '?')} "
                   f"{c.day}: {c.before or '—'} → {c.after or '—'}  {c.reason}  [{sent}]")


@roster_group.command("mine")
@click.option("--as", "login", default=None, help="Act as this user.")
@click.pass_obj
def roster_mine(cli: Any, login: str | None) -> None:
    """Your published shifts for this and next week, and your requests."""
    mine = cli.backend().roster.my_schedule(cli.actor(login))
    hours = {t.code: t.hours for t in mine.templates}
    click.echo(_("{first} to {last}").format(first=mine.first, last=mine.last))
    if not mine.shifts:
        click.echo(_("no published shifts"))
    for sh in mine.shifts:
        what = (_("leave") if sh.kind == "leave" else _("off") if sh.kind == "off"
                else f"{sh.template_code} {hours.get(sh.template_code or '', '')}")
        click.echo(f"{sh.day:%Y-%m-%d %a}  {what}")
    for r in mine.requests:
        other = f" ↔ {r.other_name}" if r.other_name else ""
        click.echo(_("request #{id} {kind} {day}{other}: {state}").format(
            id=r.id, kind=r.kind, day=r.day, other=other, state=r.state))


@roster_group.command("request")
@click.argument("kind", type=click.Choice(["leave", "swap"]))
@click.option("--day", required=True, help="The day (YYYY-MM-DD).")
@click.option("--with", "colleague", default=None, help="Swap: the colleague's login.")
@click.option("--reason", default="", help="Why (shown to the team lead).")
@click.option("--as", "login", default=None, help="Act as this user.")
@click.pass_obj
def roster_request(cli: Any, kind: str, day: str, colleague: str | None, reason: str,
                   login: str | None) -> None:
    """Ask your team lead for leave on a day, or to swap a day with a colleague."""
    backend, actor = cli.backend(), cli.actor(login)
    the_day = _day(day, "--day")
    if kind == "swap":
        if not colleague:
            raise click.UsageError(_("a swap needs --with LOGIN"))
        r = backend.roster.request_swap(actor, the_day, colleague, reason)
    else:
        r = backend.roster.request_leave(actor, the_day, reason)
    click.echo(_("request #{id} sent to your team lead").format(id=r.id))


@roster_group.command("requests")
@click.option("--team", default=None, help="Team code (default: your own team).")
@click.option("--all", "show_all", is_flag=True, help="Decided requests too.")
@click.option("--as", "login", default=None, help="Act as this user.")
@click.pass_obj
def roster_requests(cli: Any, team: str | None, show_all: bool, login: str | None) -> None:
    """Leave and swap requests of the team's agents."""
    for r in cli.backend().roster.requests(cli.actor(login), team, pending_only=not show_all):
        other = f" ↔ {r.other_name}" if r.other_name else ""
        click.echo(f"#{r.id} {r.kind:<5} {r.day} {r.user_name}{other} [{r.state}] {r.reason}")


@roster_group.command("decide")
@click.argument("request_id", type=int)
@click.argument("decision", type=click.Choice(["approve", "refuse"]))
@click.option("--note", default="", help="What the agent is told.")
@click.option("--reason", default="", help="Why a broken roster rule is kept anyway.")
@click.option("--as", "login", default=None, help="Act as this user.")
@click.pass_obj
def roster_decide(cli: Any, request_id: int, decision: str, note: str, reason: str,
                  login: str | None) -> None:
    """Approve (with the roster rules) or refuse an agent's request."""
    r = cli.backend().roster.decide(cli.actor(login), request_id, decision == "approve",
                                    note=note, reason=reason)
    click.echo(_("request #{id}: {state}").format(id=r.id, state=r.state))


@roster_group.command("share")
@click.argument("group")
@click.argument("share", type=click.FloatRange(0, 1), required=False)
@click.option("--team", default=None, help="Team code (default: your own team).")
@click.option("--as", "login", default=None, help="Act as this user.")
@click.pass_obj
def roster_share(cli: Any, group: str, share: float | None, team: str | None,
                 login: str | None) -> None:
    """Set the team's share (0-1) of a skill group's requirement (GROUP: queues joined by
    '+', e.g. general+vip); without SHARE it goes back to the share by headcount."""
    cli.backend().roster.set_share(cli.actor(login), team, group, share)
    click.echo(_("share of {group}: {share}").format(
        group=group, share=_("by headcount") if share is None else f"{share:g}"))


@click.command("roster")
@click.option("--week", required=True, help="Any day of the week (YYYY-MM-DD).")
@click.option("--team", default=None, help="Team code (default: your own team).")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "json"]), default="csv",
              show_default=True)
@click.option("--out", default=None, help="File to write (default: standard output).")
@click.option("--force", is_flag=True,
              help="Replace --out if it exists (never a database, journal or link).")
@click.option("--as", "login", default=None, help="Act as this user.")
@click.pass_obj
def export_roster(cli: Any, week: str, team: str | None, fmt: str, out: str | None,
                  force: bool, login: str | None) -> None:
    """Export a team's week: one row per agent, one column per day (audited)."""
    backend = cli.backend()
    if fmt == "xlsx" and out is None:
        raise click.UsageError(_("xlsx needs --out FILE"))
    columns, rows = backend.roster.export_rows(cli.actor(login), team, _day(week, "--week"))
    headings = {"agent_no": _("No."), "name": _("Agent")}
    pairs = [(c, headings.get(c, c)) for c in columns]
    from seatdesk.exchange.exporter import write_rows

    n = write_rows(rows, pairs, fmt, out, force=force)
    if out:
        click.echo(ngettext("wrote {n} row to {out}", "wrote {n} rows to {out}", n).format(
            n=n, out=out), err=True)


COMMANDS: list[click.Command] = [forecast_command, roster_group]
SUBCOMMANDS: dict[str, list[click.Command]] = {"export": [export_roster]}
