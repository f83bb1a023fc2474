"""The desk drives a real SIP phone: the F-keys on a seat whose baresip carries the call."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from seatdesk.data.models import Call
from seatdesk.domain.clock import utc_now
from seatdesk.exchange.qa_default_form import ensure_default_form
from seatdesk.services.container import Backend
from seatdesk.services.dto import WrapUp
from seatdesk.services.settings import Settings
from seatdesk.telephony.adapter import DialOutcome, PhoneEventKind
from seatdesk.ui.app import SeatdeskApp
from seatdesk.ui.widgets.status_bar import StatusBar
from tests.factories import row
from tests.telephony.conftest import StartPhone
from tests.telephony.test_baresip_phone import Events, rms
from tests.ui.desk_support import desk_app, desk_floor, settle, until

WANG = "+8613800138000"  # 王芳 in desk_floor
TOLERANCE = 1.0


@pytest.fixture
def seat(sqlite_url: str, start_phone: StartPhone, monkeypatch: pytest.MonkeyPatch,
         tmp_path: Path):
    backend = Backend.open(sqlite_url)
    floor = desk_floor(backend)
    proc = start_phone("agent1")
    monkeypatch.setenv("SEATDESK_PHONE", str(proc.directory))
    monkeypatch.setenv("SEATDESK_RECORDINGS", str(tmp_path / "recordings"))
    yield backend, floor, proc
    backend.close()


def _status_line(app: SeatdeskApp) -> str:
    return str(app.screen.query_one("#status", StatusBar).render())


async def test_f_keys_drive_a_real_sip_call(seat, start_phone: StartPhone, caller_tone,
                                           sqlite_url: str, monkeypatch, tmp_path: Path):
    backend, floor, proc = seat
    agent = floor["people"]["agent1"]
    caller_proc = start_phone(WANG, source=caller_tone)
    caller = caller_proc.phone()
    heard = Events(caller)
    app = desk_app(backend, sqlite_url, utc_now, agent)
    async with app.run_test(size=(140, 45)) as pilot:
        desk = app.screen
        assert await until(app, pilot, lambda: proc.sip_uri in _status_line(app))
        assert desk.phone.live
        caller.dial(proc.sip_uri)
        # The SIP INVITE pops the caller's card.
        assert await until(app, pilot, lambda: desk.call is not None and desk.card is not None)
        assert desk.call.state == "offered" and desk.card.name == "王芳"
        await pilot.press("f2")
        answered_at = time.monotonic()
        assert await until(app, pilot, lambda: desk.call.state == "active")
        assert heard.wait(PhoneEventKind.ANSWERED).outcome == DialOutcome.REACHED
        await asyncio.sleep(1.0)
        await pilot.press("f3")
        held_at = time.monotonic()
        assert await until(app, pilot, lambda: desk.call.state == "held")
        await asyncio.sleep(1.5)
        await pilot.press("f3")
        resumed_at = time.monotonic()
        assert await until(app, pilot, lambda: desk.call.state == "active")
        await asyncio.sleep(1.0)
        caller.hang_up()  # the caller hangs up: the desk's call goes to wrap-up by itself
        hung_up_at = time.monotonic()
        assert await until(app, pilot, lambda: desk.call is not None
                           and desk.call.state == "wrap_up")
        call_id = desk.call.id
        assert await until(app, pilot, lambda: row(backend, Call, call_id).recording_ref)
    caller.close()
    call = row(backend, Call, call_id)
    hold = resumed_at - held_at
    assert abs(call.hold_seconds - hold) <= TOLERANCE, (call.hold_seconds, hold)
    assert abs(call.talk_seconds - (hung_up_at - answered_at - hold)) <= TOLERANCE
    assert call.recording_ref and Path(call.recording_ref).exists()
    # The QA screen plays the recording this call made, through SEATDESK_PLAYER.
    backend.calls.save_wrap_up(agent, call_id, WrapUp(category="query", disposition="resolved",
                                                      notes="测试", resolved=True))
    ensure_default_form(backend)
    played = tmp_path / "played.wav"
    monkeypatch.setenv("SEATDESK_PLAYER", f"cp {{ref}} {played}")
    qa = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=floor["people"]["qa1"])
    async with qa.run_test(size=(120, 40)) as pilot:
        await settle(qa, pilot)
        qa.screen.open_scoring(call_id)
        await settle(qa, pilot)
        await pilot.press("p")
        for _ in range(100):
            if played.exists():
                break
            await asyncio.sleep(0.05)
    assert played.exists() and rms(played) > 500


async def test_f6_dials_and_busy_comes_from_sip(seat, start_phone: StartPhone, monkeypatch,
                                               sqlite_url: str):
    backend, floor, proc = seat
    agent = floor["people"]["agent1"]
    callee_proc = start_phone(WANG)  # 王芳's phone
    callee = callee_proc.phone()
    rings = Events(callee)
    monkeypatch.setenv("SEATDESK_DIAL_DOMAIN", callee_proc.sip_uri.split("@", 1)[1])
    app = desk_app(backend, sqlite_url, utc_now, agent)
    async with app.run_test(size=(140, 45)) as pilot:
        desk = app.screen
        assert await until(app, pilot, lambda: desk.phone.live)
        await settle(app, pilot)
        desk.start_outbound(customer_id=floor["customers"]["wang"], purpose="callback")
        assert await until(app, pilot, lambda: desk.call is not None)
        rings.wait(PhoneEventKind.INCOMING)
        callee.hang_up()  # 王芳 rejects the call: 486
        assert await until(app, pilot, lambda: desk.call is not None
                           and desk.call.state == "wrap_up")
        assert desk.form.values()["outbound_outcome"] == "busy"
        call = row(backend, Call, desk.call.id)
        assert call.outbound_outcome == "busy" and call.talk_seconds == 0
    callee.close()


async def test_killed_phone_says_so_and_the_desk_goes_manual(seat, start_phone: StartPhone,
                                                            sqlite_url: str):
    backend, floor, proc = seat
    agent = floor["people"]["agent1"]
    caller = start_phone(WANG).phone()
    app = desk_app(backend, sqlite_url, utc_now, agent)
    async with app.run_test(size=(140, 45)) as pilot:
        desk = app.screen
        assert await until(app, pilot, lambda: desk.phone.live)
        caller.dial(proc.sip_uri)
        assert await until(app, pilot, lambda: desk.call is not None)
        await pilot.press("f2")
        assert await until(app, pilot, lambda: desk.call.state == "active")
        proc.kill()
        assert await until(app, pilot, lambda: "manual mode" in _status_line(app))
        assert not desk.phone.live and desk.call.state == "active"  # the record is kept
        await pilot.press("f5")  # manual mode: F5 ends the call in the record
        assert await until(app, pilot, lambda: desk.call is not None
                           and desk.call.state == "wrap_up")
    caller.close()


async def test_pick_up_a_neighbours_ringing_call_from_the_palette(sqlite_url: str):
    """Manual mode (no phone): Ctrl+P lists the team's ringing calls; choosing one answers it."""
    from seatdesk.data.models import AuditEntry
    from seatdesk.services.dto import SYSTEM

    backend = Backend.open(sqlite_url)
    floor = desk_floor(backend)
    agent1, agent2 = floor["people"]["agent1"], floor["people"]["agent2"]
    backend.agents.log_in(agent1)
    call_id = backend.calls.offer_inbound(SYSTEM, "13800138000", "general", ring=True,
                                          target_agent_id=agent1.user_id)
    app = desk_app(backend, sqlite_url, utc_now, agent2)
    async with app.run_test(size=(140, 45)) as pilot:
        desk = app.screen
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"pick up")
        await settle(app, pilot)
        await pilot.pause(0.3)
        await pilot.press("enter")
        assert await until(app, pilot, lambda: desk.call is not None)
        assert desk.call.id == call_id and desk.call.state == "active"
        assert desk.card is not None and desk.card.name == "王芳"
    with backend.db.read() as s:
        assert s.query(AuditEntry).filter_by(action="call.pick_up").count() == 1
    assert row(backend, Call, call_id).agent_id == agent2.user_id
    backend.close()


async def test_f5_hangs_up_the_sip_call(seat, start_phone: StartPhone, sqlite_url: str):
    backend, floor, proc = seat
    agent = floor["people"]["agent1"]
    caller = start_phone(WANG).phone()
    heard = Events(caller)
    app = desk_app(backend, sqlite_url, utc_now, agent)
    async with app.run_test(size=(140, 45)) as pilot:
        desk = app.screen
        assert await until(app, pilot, lambda: desk.phone.live)
        caller.dial(proc.sip_uri)
        assert await until(app, pilot, lambda: desk.call is not None)
        await pilot.press("f2")
        assert await until(app, pilot, lambda: desk.call.state == "active")
        heard.wait(PhoneEventKind.ANSWERED)
        await pilot.press("f5")
        assert await until(app, pilot, lambda: desk.call is not None
                           and desk.call.state == "wrap_up")
        gone = heard.wait(PhoneEventKind.HUNG_UP)
        assert gone.by_remote  # the caller's phone heard the agent hang up
        call_id = desk.call.id
        assert await until(app, pilot, lambda: row(backend, Call, call_id).recording_ref)
        events = [e.kind for e in backend.calls.events(agent, call_id)]
        assert events.count("ended") == 1  # ended once, by F5 (not again by the phone)
    caller.close()


async def test_f4_transfers_the_caller_to_the_second_agents_phone(seat, start_phone: StartPhone,
                                                                  sqlite_url: str):
    from textual.widgets import Input

    from seatdesk.services.telephony import TelephonyService
    from seatdesk.telephony.line import SeatLine
    from seatdesk.ui.dialogs.desk import TransferDialog
    from tests.telephony.test_seat_line import Changes

    backend, floor, proc = seat
    agent, agent2 = floor["people"]["agent1"], floor["people"]["agent2"]
    proc2 = start_phone("agent2")
    phone2 = proc2.phone()
    service = TelephonyService(backend.db, backend.clock)
    service.register_phone(agent2, proc2.sip_uri)
    second = Changes(SeatLine(service, agent2, phone2))
    caller = start_phone(WANG).phone()
    app = desk_app(backend, sqlite_url, utc_now, agent)
    async with app.run_test(size=(140, 45)) as pilot:
        desk = app.screen
        assert await until(app, pilot, lambda: desk.phone.live)
        caller.dial(proc.sip_uri)
        assert await until(app, pilot, lambda: desk.call is not None)
        await pilot.press("f2")
        assert await until(app, pilot, lambda: desk.call.state == "active")
        first_id = desk.call.id
        await pilot.press("f4")
        assert await until(app, pilot, lambda: isinstance(app.screen, TransferDialog))
        app.screen.query_one("#tr-agent", Input).value = "agent2"
        await settle(app, pilot)
        await pilot.click("#transfer")
        assert await until(app, pilot, lambda: app.screen is desk)
        arrived = second.wait(PhoneEventKind.INCOMING, timeout=10)  # REFER: the caller moved
        leg = row(backend, Call, arrived.call_id)
        assert leg.parent_call_id == first_id and leg.state.value == "offered"
        assert leg.agent_id == agent2.user_id
        assert await until(app, pilot, lambda: desk.call.state == "wrap_up")
    caller.close()
    phone2.close()


async def test_a_restarted_phone_is_driven_again(seat, sqlite_url: str, monkeypatch):
    import subprocess

    from seatdesk.ui.phone_bridge import PhoneBridge

    backend, floor, proc = seat
    monkeypatch.setattr(PhoneBridge, "RECONNECT_SECONDS", 0.3)
    app = desk_app(backend, sqlite_url, utc_now, floor["people"]["agent1"])
    restarted = None
    try:
        async with app.run_test(size=(140, 45)) as pilot:
            desk = app.screen
            assert await until(app, pilot, lambda: desk.phone.live)
            proc.kill()
            assert await until(app, pilot, lambda: "manual mode" in _status_line(app))
            # The seat's baresip comes back on the same configuration.
            restarted = subprocess.Popen(["baresip", "-f", str(proc.directory)],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            assert await until(app, pilot, lambda: desk.phone.live, timeout=15)
            assert await until(app, pilot, lambda: "manual mode" not in _status_line(app)
                               and proc.sip_uri in _status_line(app))
    finally:
        if restarted is not None:
            restarted.terminate()
            restarted.wait(timeout=5)


async def test_a_late_second_pop_does_not_unanswer_the_call(sqlite_url: str):
    """Two pops of one ringing call (the phone's nudge and the ring check): the one landing
    after F2 must not show the answered call as ringing again."""
    from seatdesk.services.dto import SYSTEM
    from seatdesk.ui.screens.desk import CallLoaded

    backend = Backend.open(sqlite_url)
    floor = desk_floor(backend)
    agent = floor["people"]["agent1"]
    backend.agents.log_in(agent)
    app = desk_app(backend, sqlite_url, utc_now, agent)
    async with app.run_test(size=(140, 45)) as pilot:
        desk = app.screen
        await settle(app, pilot)
        backend.calls.offer_inbound(SYSTEM, "13800138000", "general", ring=True,
                                    target_agent_id=agent.user_id)
        assert await until(app, pilot, lambda: desk.call is not None)
        stale = backend.calls.ringing(agent, lang="en")  # a pop read while it rang
        assert stale is not None
        await pilot.press("f2")
        assert await until(app, pilot, lambda: desk.call.state == "active")
        desk.post_message(CallLoaded(stale.call, stale.card, stale.script, pop=True))
        await settle(app, pilot)
        assert desk.call.state == "active" and desk.status.state == "on_call"
    backend.close()
