"""Commands of the seat's phone: write a seat's baresip configuration, register a phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from seatdesk.domain.i18n import _


def _cli() -> Any:
    return click.get_current_context().obj


@click.group("phone")
def phone_group() -> None:
    """The seat's SIP phone (baresip) and where the PBX reaches each seat."""


@phone_group.command("config")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--user", "sip_user", required=True, help="SIP user of the seat (e.g. its login).")
@click.option("--listen", default="127.0.0.1", show_default=True,
              help="The seat's IP address the PBX reaches.")
@click.option("--sip-port", type=click.IntRange(1024, 65534), default=5060, show_default=True,
              help="SIP port (baresip also binds this port + 1).")
@click.option("--ctrl-port", type=click.IntRange(1024, 65535), default=4444, show_default=True,
              help="ctrl_tcp port the desk drives the phone through (loopback only).")
@click.option("--audio", default="alsa,default", show_default=True,
              help="Headset as baresip names it (module,device).")
@click.option("--record/--no-record", default=True, show_default=True,
              help="Record every call (sndfile); the desk files it under the call's id.")
def phone_config(directory: Path, sip_user: str, listen: str, sip_port: int, ctrl_port: int,
                 audio: str, record: bool) -> None:
    """Write a seat's baresip configuration into DIRECTORY (run it with baresip -f DIRECTORY)."""
    from seatdesk.telephony.adapter import PhoneError
    from seatdesk.telephony.baresip_process import write_config

    try:
        uri = write_config(directory, sip_user, sip_port=sip_port, ctrl_port=ctrl_port,
                           record=record, audio=audio, listen=listen)
    except PhoneError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(_("cannot write {file}: {reason}").format(
            file=directory, reason=exc.strerror)) from None
    click.echo(_("wrote {dir}: the seat's address is {uri}").format(dir=directory, uri=uri))
    click.echo(_("start the phone: {command}").format(command=f"baresip -f {directory}"))
    click.echo(_("then point the desk at it: {command}").format(
        command=f"export SEATDESK_PHONE={directory}"))


@phone_group.command("register")
@click.argument("sip_uri")
@click.option("--as", "login", default=None, help="The seat (agent login) the phone belongs to.")
def phone_register(sip_uri: str, login: str | None) -> None:
    """Record where the PBX reaches a seat's phone (desk phones; softphones do it themselves)."""
    from seatdesk.services.telephony import TelephonyService

    cli = _cli()
    backend = cli.backend()
    actor = cli.actor(login)
    TelephonyService(backend.db, backend.clock).register_phone(actor, sip_uri)
    click.echo(_("{login}'s phone is {uri}").format(login=actor.login, uri=sip_uri.strip()))


@phone_group.command("where")
@click.argument("call_id", type=int)
def phone_where(call_id: int) -> None:
    """Print the SIP address of the seat CALL_ID rings at now (nothing while it waits).

    For a dial plan that holds a caller in seatdesk's queue until a seat is rung.
    """
    from seatdesk.services.telephony import TelephonyService

    cli = _cli()
    cli.system_actor()  # the PBX's question: it proves itself with the system secret
    backend = cli.backend()
    address = TelephonyService(backend.db, backend.clock).ring_address(call_id)
    if address:
        click.echo(address)


COMMANDS: list[click.Command] = [phone_group]
