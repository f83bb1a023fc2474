"""The PBX's side on the command line: the rung seat's SIP address, PBX call events."""

from __future__ import annotations

from pathlib import Path

from seatdesk.services.container import Backend
from tests.cli.test_cli_foundation import _run


def _seat_lin(db_url: str) -> dict[str, str]:
    """A floor with agent lin (password secret123); the phone hook's environment."""
    from seatdesk.services.dto import SYSTEM

    assert _run(db_url, "db", "upgrade")[0] == 0
    backend = Backend.open(db_url)
    try:
        backend.users.ensure_queue("general", "General")
        backend.users.add_user("lin", name="Lin", role="agent", password="secret123")
        secret = backend.admin.new_system_secret(SYSTEM)
    finally:
        backend.close()
    # lin proves who she is with her password; the PBX's commands carry the system secret.
    return {"SEATDESK_PASSWORD": "secret123", "SEATDESK_SYSTEM_SECRET": secret}


def test_offer_ring_answers_with_the_seats_sip_address_and_pbx_events(db_url: str):
    env = _seat_lin(db_url)
    code, out = _run(db_url, "phone", "register", "sip:lin@10.0.0.5:5060", "--as", "lin",
                     env=env)
    assert code == 0 and "sip:lin@10.0.0.5:5060" in out
    code, out = _run(db_url, "call", "offer", "--number", "13800138000", "--ring", env=env)
    assert code == 0 and len(out.split()) == 1  # nobody signed in: queued, no address
    assert _run(db_url, "phone", "where", out.strip(), env=env) == (0, "")  # still waiting
    backend = Backend.open(db_url)
    try:
        backend.agents.log_in(backend.users.actor("lin"))
    finally:
        backend.close()
    code, out = _run(db_url, "call", "offer", "--number", "13900139000", "--ring", env=env)
    call_id, address = out.split()
    assert code == 0 and address == "sip:lin@10.0.0.5:5060"
    assert _run(db_url, "phone", "where", call_id, env=env)[1].strip() == address
    assert _run(db_url, "call", "event", call_id, "answered", env=env)[1].split() == [
        call_id, "active"]
    assert _run(db_url, "call", "event", call_id, "hung_up", env=env)[1].split() == [
        call_id, "wrap_up"]
    code, out = _run(db_url, "call", "event", call_id, "hung_up", env=env)
    assert code == 1 and "already ended" in out and "Traceback" not in out


def test_bad_sip_address_is_one_clear_line(db_url: str):
    env = _seat_lin(db_url)
    code, out = _run(db_url, "phone", "register", "lin at desk 4", "--as", "lin", env=env)
    assert code == 1 and "not a SIP address" in out


def test_phone_config_writes_a_seat_configuration(tmp_path: Path, sqlite_url: str):
    code, out = _run(sqlite_url, "phone", "config", str(tmp_path / "lin"), "--user", "lin",
                     "--listen", "10.0.0.5", "--sip-port", "5070")
    assert code == 0 and "sip:lin@10.0.0.5:5070" in out
    config = (tmp_path / "lin" / "config").read_text()
    assert "ctrl_tcp.so" in config and "sndfile.so" in config and "alsa,default" in config
    assert "<sip:lin@10.0.0.5:5070>" in (tmp_path / "lin" / "accounts").read_text()


def test_where_a_call_rings_is_for_the_pbx_only(db_url: str):
    env = _seat_lin(db_url)
    assert _run(db_url, "phone", "register", "sip:lin@10.0.0.5:5060", "--as", "lin",
                env=env)[0] == 0
    backend = Backend.open(db_url)
    try:
        backend.agents.log_in(backend.users.actor("lin"))
    finally:
        backend.close()
    call_id, address = _run(db_url, "call", "offer", "--number", "13900139000", "--ring",
                            env=env)[1].split()
    code, out = _run(db_url, "phone", "where", call_id, env={"SEATDESK_SYSTEM_SECRET": "guess"})
    assert code == 1 and address not in out
    assert _run(db_url, "phone", "where", call_id, env=env)[1].strip() == address
