"""``seatdesk report kpi``: the measures on the command line, as a table or an export.

Parsing and printing only; the measures are defined in :mod:`seatdesk.domain.kpi` and computed
by the reports service. Exports (csv, json, xlsx) are permission-checked and audited.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import click

from seatdesk.cli.table import text_table
from seatdesk.domain import kpi
from seatdesk.domain.i18n import _, ngettext


def render_table(report: Any, keys: tuple[str, ...]) -> str:
    """A plain-text table: one line per bucket or group, then the total."""
    heads = [_("Period") if report.by in kpi.TIME_GROUPINGS else _(report.by.title())]
    heads += [_(kpi.BY_KEY[k].label) for k in keys]
    lines = [[r.label] + [kpi.format_value(kpi.BY_KEY[k], r.values.get(k)) for k in keys]
             for r in report.rows]
    total = [_("Total")] + [kpi.format_value(kpi.BY_KEY[k], report.total.values.get(k))
                            for k in keys]
    return text_table(heads, lines, footer=total)


def report_columns(report: Any, keys: tuple[str, ...]) -> list[tuple[str, str]]:
    """Export columns: the bucket, then each measure with its translated name."""
    first = "period" if report.by in kpi.TIME_GROUPINGS else report.by
    return [(first, _("Period") if first == "period" else _(report.by.title()))] + [
        (k, _(kpi.BY_KEY[k].label)) for k in keys
    ]


def report_rows(report: Any, keys: tuple[str, ...]) -> list[dict[str, object]]:
    """Export rows (numbers, not formatted text), the total last."""
    first = "period" if report.by in kpi.TIME_GROUPINGS else report.by
    out = []
    for row in [*report.rows, report.total]:
        label = _("Total") if row is report.total else row.label
        item: dict[str, object] = {first: label}
        for k in keys:
            item[k] = kpi.export_value(kpi.BY_KEY[k], row.values.get(k))
        out.append(item)
    return out


@click.command("kpi")
@click.option("--from", "from_text", required=True,
              help="First day (2026-11-01, today, yesterday), in the center's zone.")
@click.option("--to", "to_text", default=None, help="Last day, inclusive (default: --from).")
@click.option("--by", type=click.Choice(list(kpi.GROUPINGS)), default="day", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "xlsx"]),
              default="table", show_default=True)
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the export to this file (required for xlsx).")
@click.option("--measures", default=None,
              help="Comma-separated measure keys (default: the headline for a table, "
                   "all for an export; 'all' for every measure).")
@click.option("--sl-seconds", type=click.IntRange(0, 3600), default=None,
              help="Service-level threshold T for every queue (default: each queue's own).")
@click.option("--short-abandon", type=click.IntRange(0, 600), default=5, show_default=True,
              help="Calls abandoned within this many seconds are not counted as abandoned.")
@click.option("--interval", "interval_minutes", type=click.Choice(["15", "30", "60"]),
              default="30", show_default=True, help="Minutes per interval for --by interval.")
@click.option("--tz", "timezone", default=None, help="Time zone (default: SEATDESK_TZ).")
@click.option("--force", is_flag=True,
              help="Replace --out if it exists (never a database, journal or link).")
@click.option("--as", "login", default=None, help="Who runs the report (or SEATDESK_USER).")
@click.pass_obj
def report_kpi(cli: Any, from_text: str, to_text: str | None, by: str, fmt: str,
               out: str | None, measures: str | None, sl_seconds: int | None,
               short_abandon: int, interval_minutes: str, timezone: str | None,
               force: bool, login: str | None) -> None:
    """Service level, ASA, AHT, FCR, occupancy... per day, week (to Friday), month or more."""
    from seatdesk.domain.timezones import zone_named
    from seatdesk.exchange.exporter import parse_date_range, write_rows

    tz_name = timezone or cli.settings.timezone
    tz = zone_named(tz_name)
    if fmt == "xlsx" and not out:
        raise click.ClickException(_("an xlsx export needs --out FILE"))
    try:
        keys = kpi.parse_measures(measures) if measures else (
            kpi.HEADLINE if fmt == "table" else kpi.parse_measures("all"))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    backend = cli.backend()
    actor = cli.actor(login)
    start, end = parse_date_range(from_text, to_text or from_text, tz, now=backend.clock())
    first = start.astimezone(tz).date()
    last = (end - timedelta(microseconds=1)).astimezone(tz).date()
    report = backend.reports.kpi(actor, first, last, by, timezone=tz_name,
                                 sl_seconds=sl_seconds, short_abandon_seconds=short_abandon,
                                 interval_minutes=int(interval_minutes),
                                 repeat_days=cli.settings.repeat_contact_days)
    if fmt == "table":
        click.echo(render_table(report, keys))
        return
    target: str | Path | None = Path(out) if out else None
    count = write_rows(report_rows(report, keys), report_columns(report, keys), fmt, target,
                       force=force)
    backend.reports.record_export(actor, report, fmt, count, str(target or "stdout"))
    if out:
        click.echo(ngettext("wrote {n} row to {path}", "wrote {n} rows to {path}", count)
                   .format(n=count, path=out), err=True)


COMMANDS: list[click.Command] = []
SUBCOMMANDS: dict[str, list[click.Command]] = {"report": [report_kpi]}
