"""Command line of the complaints area: complaint settings and exports.

seatdesk.cli.main imports this module while it is being built, so cli is imported lazily.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from seatdesk.domain.i18n import _, ngettext


def _cli() -> Any:
    from seatdesk.cli.main import CliContext

    return click.get_current_context().find_object(CliContext)


# ---- complaint settings --------------------------------------------------------------------


@click.group("complaint")
def complaint_group() -> None:
    """Complaints: list them, set deadline rules and the working calendar."""


@complaint_group.command("list")
@click.option("--view", type=click.Choice(["open", "overdue", "all"]), default="open",
              show_default=True)
@click.option("--as", "login", default=None, help="Who asks (team lead or supervisor).")
def complaint_list(view: str, login: str | None) -> None:
    """List complaints, nearest deadline first."""
    from seatdesk.domain.duetime import local_text
    from seatdesk.domain.text import neutralise

    cli = _cli()
    backend = cli.backend()
    for r in backend.complaints.listing(cli.actor(login), view):
        late = "!" if r.overdue else " "
        level = _("L{n}").format(n=r.level)
        owner = r.owner_login or r.owner_department or "-"
        click.echo(f"#{r.id:<6}{late} {local_text(r.deadline_at, cli.settings.tz)}  "
                   f"{level} {_(r.state):<10} {owner:<12}"
                   f" {neutralise(r.customer_name)}: {neutralise(r.summary)[:50]}")


@complaint_group.command("deadline-rule")
@click.option("--category", default="", help="Complaint category ('' for any).")
@click.option("--severity", default="", help="Severity ('' for any).")
@click.option("--hours", type=float, required=True, help="Hours the owner has to answer.")
@click.option("--clock-hours", is_flag=True,
              help="Count calendar hours instead of the center's working hours.")
@click.option("--as", "login", default=None)
def complaint_deadline_rule(category: str, severity: str, hours: float, clock_hours: bool,
                            login: str | None) -> None:
    """Set the answer deadline for a category and/or severity."""
    cli = _cli()
    cli.backend().complaints.set_deadline_rule(cli.actor(login), category=category,
                                               severity=severity, hours=hours,
                                               working_hours=not clock_hours)
    click.echo(_("deadline rule saved"))


@complaint_group.command("calendar")
@click.option("--start", "day_start", default="08:30", show_default=True)
@click.option("--end", "day_end", default="17:30", show_default=True)
@click.option("--weekdays", default="01234", show_default=True,
              help="Working weekdays as digits, 0 = Monday.")
@click.option("--holiday", "holidays", multiple=True, type=click.DateTime(["%Y-%m-%d"]),
              help="A day off (repeatable).")
@click.option("--workday", "workdays", multiple=True, type=click.DateTime(["%Y-%m-%d"]),
              help="A make-up working day, 调休 (repeatable).")
@click.option("--as", "login", default=None)
def complaint_calendar(day_start: str, day_end: str, weekdays: str,
                       holidays: tuple[datetime, ...], workdays: tuple[datetime, ...],
                       login: str | None) -> None:
    """Set the working hours deadlines are counted in."""
    cli = _cli()
    actor = cli.actor(login)
    service = cli.backend().complaints
    service.set_calendar(actor, tz_name=cli.settings.timezone, day_start=day_start,
                         day_end=day_end, weekdays=weekdays)
    for day in holidays:
        service.set_calendar_day(actor, date.fromordinal(day.toordinal()), working=False)
    for day in workdays:
        service.set_calendar_day(actor, date.fromordinal(day.toordinal()), working=True)
    click.echo(_("working calendar saved"))


# ---- exports -------------------------------------------------------------------------------


def _export(kind: str, from_text: str, to_text: str, fmt: str, out: Path | None,
            login: str | None, force: bool = False) -> None:
    from seatdesk.exchange.exporter import code_words, write_rows

    cli = _cli()
    actor, start, end = cli.export_window(from_text, to_text, fmt, out, login)
    backend = cli.backend()
    service = backend.complaints if kind == "complaints" else backend.callbacks
    rows = service.export_rows(actor, start, end, fmt)
    tz = cli.settings.tz
    for row in rows:
        for key, value in row.items():
            if isinstance(value, datetime):
                row[key] = value.astimezone(tz)
    columns = [(key, _(key)) for key in service.EXPORT_COLUMNS]
    count = write_rows(rows, columns, fmt, out, force=force,
                       shown=code_words(*service.EXPORT_CODES))
    if out is not None:
        click.echo(ngettext("{n} row written to {out}", "{n} rows written to {out}", count)
                   .format(n=count, out=out), err=True)


def _export_options(fn: Any) -> Any:
    fn = click.option("--as", "login", default=None,
                      help="Who exports (needs the export permission).")(fn)
    fn = click.option("--force", is_flag=True,
                      help="Replace --out if it exists (never a database, journal or link).")(fn)
    fn = click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
                      default=None, help="File to write (default: standard output).")(fn)
    fn = click.option("--format", "fmt", type=click.Choice(["csv", "json", "xlsx"]),
                      default="csv", show_default=True)(fn)
    fn = click.option("--to", "to_text", required=True, help="Last day, included.")(fn)
    return click.option("--from", "from_text", required=True,
                        help="First day (2026-11-01, yesterday...).")(fn)


@click.command("complaints")
@_export_options
def export_complaints(from_text: str, to_text: str, fmt: str, out: Path | None,
                      force: bool, login: str | None) -> None:
    """Export complaints registered in the period; masked per role and audited."""
    _export("complaints", from_text, to_text, fmt, out, login, force)


@click.command("callbacks")
@_export_options
def export_callbacks(from_text: str, to_text: str, fmt: str, out: Path | None,
                     force: bool, login: str | None) -> None:
    """Export callbacks created in the period; masked per role and audited."""
    _export("callbacks", from_text, to_text, fmt, out, login, force)


COMMANDS: list[click.Command] = [complaint_group]
SUBCOMMANDS: dict[str, list[click.Command]] = {"export": [export_complaints, export_callbacks]}
