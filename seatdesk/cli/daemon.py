"""`seatdesk worker`: the daemon that runs every area's timed rules on a schedule.

Escalations, callback release, schedule rules and draft clean-up (runtime.daemon); one
module of its own so the complaints' commands are not where the whole daemon starts.
seatdesk.cli.main imports this module while it is being built, so cli is imported lazily.
"""

from __future__ import annotations

import signal
import sys
import threading
from datetime import datetime, timedelta
from typing import Any

import click

from seatdesk.domain.i18n import _


def _cli() -> Any:
    from seatdesk.cli.main import CliContext

    return click.get_current_context().find_object(CliContext)


@click.command("worker")
@click.option("--once", is_flag=True, help="Run one pass, print what it did and exit (cron).")
@click.option("--interval", type=click.FloatRange(min=1.0), default=30.0, show_default=True,
              help="Seconds between passes.")
@click.option("--release-after", type=click.IntRange(1, 525_600), default=120,
              show_default=True,
              help="Minutes a seat's callback may be overdue before it goes to the pool.")
def worker_command(once: bool, interval: float, release_after: int) -> None:
    """Run the timed rules: escalations, callback release, schedule rules, draft clean-up."""
    from seatdesk.runtime.daemon import WorkerReport, run_loop, run_once

    cli = _cli()
    backend = cli.backend()
    cli.system_actor()  # the daemon acts as the system: it must hold the configured secret
    after = timedelta(minutes=release_after)
    if once:
        report = run_once(backend, release_after=after)
        for line in report.lines():
            click.echo(line)
        if report.errors:
            sys.exit(1)
        return
    stop = threading.Event()

    def _stop(_signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)

    def _show(report: WorkerReport) -> None:
        if report.escalated or report.released or report.rule_callbacks or report.errors:
            stamp = datetime.now().strftime("%H:%M:%S")
            click.echo(f"{stamp} " + "; ".join(report.lines()))

    click.echo(_("worker running every {s:g} s; Ctrl+C stops it").format(s=interval))
    try:
        run_loop(backend, stop, interval, release_after=after, on_report=_show)
    except KeyboardInterrupt:
        stop.set()
    click.echo(_("worker stopped"))


COMMANDS: list[click.Command] = [worker_command]
