"""Data tools on the command line: `seed`, `import customers`, `export calls`.

Long runs show a progress bar on stderr, so stdout stays clean for `--out -` style piping.
seatdesk.cli.main imports this module while it is being built, so cli is imported lazily.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from seatdesk.domain.i18n import _, ngettext


def _cli() -> Any:
    from seatdesk.cli.main import CliContext

    return click.get_current_context().find_object(CliContext)


class _Bar:
    """A click progress bar on stderr fed with (done, total) callbacks."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._bar: Any = None
        self._done = 0

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            self._bar = click.progressbar(length=max(total, 1), label=self.label,
                                          file=sys.stderr)
            self._bar.__enter__()
        self._bar.update(max(0, done - self._done))
        self._done = done

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)


@click.command("seed")
@click.option("--customers", type=click.IntRange(0, 5_000_000), default=2000,
              show_default=True)
@click.option("--days", type=click.IntRange(min=0, max=3650), default=30, show_default=True,
              help="Days of call history before today.")
@click.option("--calls-per-day", type=click.IntRange(0, 100_000), default=300, show_default=True,
              help="Calls on an ordinary weekday (weekends are quieter).")
@click.option("--random-seed", type=int, default=2026, show_default=True)
@click.option("--append", is_flag=True,
              help="Add to a database that already holds customers or calls.")
@click.option("--demo", is_flag=True,
              help="Yes, demo data: users with the published password demo1234 included.")
def seed_command(customers: int, days: int, calls_per_day: int, random_seed: int,
                 append: bool, demo: bool) -> None:
    """Fill a demo database: queues, demo users, scripts, customers, calls (needs --demo).

    Demo users (password demo1234): demo_agent, demo_agent2, demo_agent3, demo_lead,
    demo_qa, demo_super, demo_admin. Refused on a database with real users.
    """
    from seatdesk.exchange.seed import SeedOptions, is_empty, seed

    cli = _cli()
    backend = cli.backend()
    if not demo:
        raise click.UsageError(_("seed makes demo data, with users whose password is public "
                                 "(demo1234): say --demo. A real floor starts with "
                                 "`seatdesk bootstrap`"))
    if backend.users.has_users() and not backend.users.is_demo():
        raise click.ClickException(_("this database has real users: demo data (and its "
                                     "public passwords) is not added to it"))
    if not append and not is_empty(backend):
        raise click.ClickException(_("the database already holds customers or calls; "
                                     "use --append to add more"))
    bar = _Bar(_("seeding"))
    try:
        report = seed(backend, SeedOptions(customers=customers, days=days,
                                           calls_per_day=calls_per_day,
                                           random_seed=random_seed,
                                           timezone=cli.settings.timezone), progress=bar)
    finally:
        bar.close()
    click.echo(_("{customers}, {phones}, {contracts}, {calls} in {s:.1f} s "
                 "({r:,.0f} calls/s)").format(
        customers=ngettext("{n} customer", "{n} customers", report.customers).format(
            n=report.customers),
        phones=ngettext("{n} phone number", "{n} phone numbers", report.phones).format(
            n=report.phones),
        contracts=ngettext("{n} contract", "{n} contracts", report.contracts).format(
            n=report.contracts),
        calls=ngettext("{n} call", "{n} calls", report.calls).format(n=report.calls),
        s=report.seconds, r=report.calls_per_second))
    click.echo(_("demo users (password demo1234): demo_agent, demo_lead, demo_qa, "
                 "demo_super, demo_admin"))


def _parse_maps(values: tuple[str, ...]) -> dict[str, str]:
    maps: dict[str, str] = {}
    for item in values:
        column, sep, target = item.partition("=")
        if not sep or not column.strip() or not target.strip():
            raise click.BadParameter(_("use COLUMN=FIELD, not {item!r}").format(item=item),
                                     param_hint="--map")
        maps[column.strip()] = target.strip().lower()
    return maps


@click.command("customers")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--map", "maps", multiple=True, metavar="COLUMN=FIELD",
              help="Read COLUMN as FIELD (name, company, phone, email, grade...; "
                   "'ignore' skips it).")
@click.option("--dry-run", is_flag=True, help="Validate and report only; change nothing.")
@click.option("--skip-bad", is_flag=True, help="Import the good rows even if some are bad.")
@click.option("--as", "login", default=None, help="Who imports (needs the import permission).")
def import_customers_command(file: Path, maps: tuple[str, ...], dry_run: bool, skip_bad: bool,
                             login: str | None) -> None:
    """Import customers from a CSV (UTF-8 or GB18030) or XLSX file, all or nothing."""
    from seatdesk.exchange.importer import import_customers

    cli = _cli()
    column_map = _parse_maps(maps)
    actor = cli.actor(login)
    bar = _Bar(_("importing"))
    try:
        report = import_customers(cli.backend(), actor, file, column_map=column_map,
                                  dry_run=dry_run, skip_bad=skip_bad, progress=bar)
    finally:
        bar.close()
    for problem in report.problems:
        click.echo(_("line {line}: {message}").format(line=problem.line,
                                                      message=problem.message), err=True)
    if report.ignored_columns:
        click.echo(_("columns not imported: {cols}").format(
            cols=", ".join(report.ignored_columns)), err=True)
    summary = _("{c} created, {u} updated, {n} unchanged").format(
        c=report.created, u=report.updated, n=report.unchanged)
    if report.problems:
        summary += ngettext(", {b} bad row", ", {b} bad rows", len(report.problems)).format(
            b=len(report.problems))
    if report.dry_run:
        click.echo(_("dry run (nothing written): {summary}").format(summary=summary))
    elif not report.committed:
        raise click.ClickException(ngettext(
            "{b} bad row: nothing imported (fix it, or use --skip-bad)",
            "{b} bad rows: nothing imported (fix them, or use --skip-bad)",
            len(report.problems)).format(b=len(report.problems)))
    else:
        click.echo(summary)
    if report.dry_run and report.problems:
        sys.exit(1)


@click.command("calls")
@click.option("--from", "from_text", required=True, help="First day (2026-11-01, yesterday...).")
@click.option("--to", "to_text", required=True, help="Last day, included.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "xlsx"]), default="csv",
              show_default=True)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: standard output).")
@click.option("--force", is_flag=True,
              help="Replace --out if it exists (never a database, journal or link).")
@click.option("--as", "login", default=None, help="Who exports (needs the export permission).")
def export_calls_command(from_text: str, to_text: str, fmt: str, out: Path | None,
                         force: bool, login: str | None) -> None:
    """Export call records (呼入/呼出业务记录表); masked per role and audited."""
    from seatdesk.exchange.exporter import export_calls

    cli = _cli()
    actor, start, end = cli.export_window(from_text, to_text, fmt, out, login)
    backend = cli.backend()
    progress: Callable[[int], None] | None = None
    if out is not None:
        def progress(n: int) -> None:
            click.echo(ngettext("{n} row…", "{n} rows…", n).format(n=n), err=True)
    count = export_calls(backend, actor, start, end, fmt, out, tz=cli.settings.tz,
                         progress=progress, force=force)
    if out is not None:
        click.echo(ngettext("{n} call written to {out}", "{n} calls written to {out}",
                            count).format(n=count, out=out), err=True)


COMMANDS: list[click.Command] = [seed_command]
SUBCOMMANDS: dict[str, list[click.Command]] = {
    "import": [import_customers_command],
    "export": [export_calls_command],
}
