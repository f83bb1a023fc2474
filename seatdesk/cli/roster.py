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

from seatdesk.domain.i18n import _

_SET = re.compile(r"^(\d{1,2}:\d{2})=(\d+(?:\.\d+)?|-)$")


def _day(text: str, what: str) -> date:
    try:
        return dateparser.isoparse(text).date()
    except ValueError:
        try:
            return dateparser.parse(text).date()
        except (ValueError, OverflowError):
            raise click.BadParameter(
                _("{value!r} is not a date (use YYYY-MM-DD)").format(value=text),
                param_hint=what) from None


@click.command("forecast")
@click.option("--queue", "queue_code", required=True, help="Queue code.")
@click.option("--day", required=True, help="The day to forecast (YYYY-MM-DD).")
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
def forecast_command(cli: Any, queue_code: str, day: str, interval: str, weeks: int,
                     aht: float | None, target: float, overrides: tuple[str, ...],
                     show_all: bool, login: str | None) -> None:
    """Expected calls and agents required per interval, from the call history."""
    from seatdesk.services.roster import parse_hhmm

    the_day = _day(day, "--day")
    backend = cli.backend()
    actor = cli.actor(login)
    minutes = int(interval)
    for item in overrides:
        m = _SET.match(item.strip())
        if not m:
            raise click.BadParameter(_("use HH:MM=CALLS, e.g. 09:30=42"), param_hint="--set")
        calls = None if m.group(2) == "-" else float(m.group(2))
        backend.forecast.set_override(actor, queue_code, the_day, parse_hhmm(m.group(1), "set"),
                                      calls, interval_minutes=minutes)
    f = backend.forecast.forecast(actor, queue_code, the_day, interval_minutes=minutes,
                                  weeks=weeks, aht=aht, target_sl=target)
    source = (_("history") if f.aht_from_history
              else _("given") if aht is not None else _("default"))
    click.echo(_("{queue} {day}: AHT {aht} s ({source}), goal {sl:.0%} in {t:g} s").format(
        queue=f.queue_code, day=f.day, aht=f.aht_seconds, source=source, sl=f.goal.target_sl,
        t=f.goal.answer_within))
    click.echo(f"{_('start'):<6} {_('history'):>8} {_('override'):>9} {_('calls'):>7} "
               f"{_('agents'):>6}")
    for r in f.rows:
        if not show_all and not r.calls and not r.history:
            continue
        over = "" if r.override is None else f"{r.override:g}"
        click.echo(f"{r.start:%H:%M}  {r.history:>8g} {over:>9} {r.calls:>7g} {r.required:>6}")


@click.group("roster")
def roster_group() -> None:
    """Shift rosters: fill with the optimiser, adherence and lateness."""


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
    click.echo(_("added {n} shifts ({status}, {s:.1f} s)").format(
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
        click.echo(_("wrote {n} rows to {out}").format(n=n, out=out), err=True)


COMMANDS: list[click.Command] = [forecast_command, roster_group]
SUBCOMMANDS: dict[str, list[click.Command]] = {"export": [export_roster]}
