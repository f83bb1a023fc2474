"""`seatdesk events relay`: the site's publisher of floor events on the bus (issue 19).

Run one per site when SEATDESK_EVENTS names a bus: it is the database's only listener and
republishes every commit's change batch there, in commit order (seatdesk.data.bus).
"""

from __future__ import annotations

import threading
from typing import Any

import click

from seatdesk.domain.i18n import _


def _cli() -> Any:
    from seatdesk.cli.main import CliContext

    return click.get_current_context().find_object(CliContext)


@click.group("events")
def events_group() -> None:
    """Floor events: how seats learn what changed."""


@events_group.command("relay")
@click.option("--bus", default=None,
              help="The bus URL (default: SEATDESK_EVENTS), e.g. redis://127.0.0.1:6379/0.")
def relay_command(bus: str | None) -> None:
    """Publish the database's change batches on the bus until stopped (Ctrl+C)."""
    from seatdesk.data.bus import Relay

    cli = _cli()
    bus_url = bus or cli.settings.events_url
    if not bus_url:
        raise click.ClickException(_("no bus: set SEATDESK_EVENTS or give --bus"))
    backend = cli.backend()  # refuses a missing or old database now
    if not backend.db.is_postgres:
        raise click.ClickException(_("the relay needs PostgreSQL; SQLite seats poll the file"))
    def announce(leading: bool) -> None:
        if leading:
            click.echo(_("relaying floor events to {bus} (Ctrl+C stops)").format(bus=bus_url),
                       err=True)
        else:
            click.echo(_("standing by: another relay publishes this database's events; "
                         "this one takes over when it stops"), err=True)

    relay = Relay(backend.db.url, bus_url, announce=announce)
    stop = threading.Event()
    try:
        relay.run(stop)
    except KeyboardInterrupt:
        stop.set()


COMMANDS: list[click.Command] = [events_group]
