"""Phone events become the call record: real baresip phones, both database engines."""

from __future__ import annotations

import queue
import time
import wave
from array import array
from pathlib import Path

import pytest

from seatdesk.data.models import AgentState, AgentStatus, Call, CallState
from seatdesk.services.telephony import TelephonyService
from seatdesk.telephony.adapter import PhoneEventKind
from seatdesk.telephony.line import LineChange, SeatLine
from seatdesk.telephony.recordings import RecordingStore
from tests.factories import customer, floor, row
from tests.telephony.conftest import StartPhone
from tests.telephony.test_baresip_phone import CALLER, Events, rms

# Talk and hold times in the record are whole seconds; each is within 1 s of the line's.
TOLERANCE = 1.0


class Changes:
    def __init__(self, line: SeatLine) -> None:
        self.q: queue.Queue[LineChange] = queue.Queue()
        line.subscribe(self.q.put)

    def wait(self, kind: PhoneEventKind, timeout: float = 8.0) -> LineChange:
        while True:
            change = self.q.get(timeout=timeout)
            if change.kind == kind:
                return change


@pytest.fixture
def seat(live_backend, start_phone: StartPhone, tmp_path: Path):
    people = floor(live_backend)
    agent = people["agent1"]
    live_backend.agents.log_in(agent)
    customer(live_backend, people["super1"], "林静", CALLER)
    proc = start_phone("agent1")
    phone = proc.phone(ring_timeout=2.0)
    service = TelephonyService(live_backend.db, live_backend.clock)
    service.register_phone(agent, proc.sip_uri)
    line = SeatLine(service, agent, phone, recordings=RecordingStore(tmp_path / "recordings"))
    yield live_backend, people, agent, proc, phone, line
    phone.close()


def _channels(path: str) -> tuple[array[int], array[int]]:
    with wave.open(path, "rb") as w:
        assert w.getnchannels() == 2
        frames = array("h", w.readframes(w.getnframes()))
    return frames[0::2], frames[1::2]


def _loud(samples: array[int]) -> float:
    return (sum(s * s for s in samples) / max(1, len(samples))) ** 0.5


def test_inbound_call_measured_on_the_line(seat, start_phone: StartPhone, caller_tone: Path):
    backend, _people, agent, proc, phone, line = seat
    changes = Changes(line)
    caller_proc = start_phone(CALLER, source=caller_tone)
    caller = caller_proc.phone()
    heard = Events(caller)
    try:
        caller.dial(proc.sip_uri)
        rang = changes.wait(PhoneEventKind.INCOMING)
        call = row(backend, Call, rang.call_id)
        assert call.state == CallState.OFFERED and call.agent_id == agent.user_id
        assert call.caller_number == CALLER and call.customer_id is not None  # the card pops
        # F2: the phone answers, the record is answered (as the desk does it).
        line.desk_answers(rang.call_id)
        phone.answer()
        answered_at = time.monotonic()
        popped = backend.calls.take(agent, lang="en")
        assert popped is not None and popped.call.id == rang.call_id
        heard.wait(PhoneEventKind.ANSWERED)
        changes.wait(PhoneEventKind.ANSWERED)
        time.sleep(1.2)
        phone.hold()
        held_at = time.monotonic()
        backend.calls.hold(agent, rang.call_id)
        time.sleep(1.5)
        phone.resume()
        backend.calls.resume(agent, rang.call_id)
        resumed_at = time.monotonic()
        time.sleep(1.2)
        caller.hang_up()  # the caller hangs up first
        hung_up_at = time.monotonic()
        ended = changes.wait(PhoneEventKind.HUNG_UP)
        assert ended.call is not None and ended.call.state == "wrap_up"
        call = row(backend, Call, rang.call_id)
        hold = resumed_at - held_at
        talk = hung_up_at - answered_at - hold
        assert abs(call.hold_seconds - hold) <= TOLERANCE, (call.hold_seconds, hold)
        assert abs(call.talk_seconds - talk) <= TOLERANCE, (call.talk_seconds, talk)
        assert call.hold_count == 1
        assert row(backend, AgentStatus, agent.user_id).state == AgentState.WRAP_UP
        # The recording is linked to the record; both sides carry sound (RTP flowed).
        assert call.recording_ref and call.recording_ref.endswith(f"call-{call.id}.wav")
        agent_side, caller_side = _channels(call.recording_ref)
        assert _loud(agent_side) > 500 and _loud(caller_side) > 500
        # The caller heard the agent: its phone decoded the agent's tone.
        dumps = sorted((caller_proc.directory / "dumps").glob("dump-*-dec.wav"))
        assert dumps and rms(dumps[-1]) > 500
    finally:
        caller.close()


def test_caller_who_hangs_up_while_ringing_is_abandoned(seat, start_phone: StartPhone):
    backend, _people, agent, proc, _phone, line = seat
    changes = Changes(line)
    caller = start_phone(CALLER).phone()
    try:
        caller.dial(proc.sip_uri)
        rang = changes.wait(PhoneEventKind.INCOMING)
        caller.hang_up()
        gone = changes.wait(PhoneEventKind.HUNG_UP)
        assert gone.call is not None and gone.call.state == "abandoned"
        assert row(backend, AgentStatus, agent.user_id).state == AgentState.AVAILABLE
        assert row(backend, Call, rang.call_id).state == CallState.ABANDONED
    finally:
        caller.close()


def test_the_call_the_acd_rang_is_the_one_the_phone_rings(seat, start_phone: StartPhone):
    backend, _people, agent, proc, _phone, line = seat
    from seatdesk.services.dto import SYSTEM

    changes = Changes(line)
    offered = backend.calls.offer_inbound(SYSTEM, CALLER, "general", ring=True)
    service = TelephonyService(backend.db, backend.clock)
    assert service.ring_address(offered) == proc.sip_uri  # what `call offer --ring` prints
    caller = start_phone(CALLER).phone()
    try:
        caller.dial(proc.sip_uri)
        assert changes.wait(PhoneEventKind.INCOMING).call_id == offered
        with backend.db.read() as s:
            assert s.query(Call).count() == 1  # no second call for the same ring
    finally:
        caller.close()


def test_killed_phone_falls_back_to_manual_and_keeps_the_record(seat, start_phone):
    backend, _people, agent, proc, phone, line = seat
    changes = Changes(line)
    caller = start_phone(CALLER).phone()
    try:
        caller.dial(proc.sip_uri)
        rang = changes.wait(PhoneEventKind.INCOMING)
        line.desk_answers(rang.call_id)
        phone.answer()
        start = time.monotonic()
        backend.calls.take(agent, lang="en")
        changes.wait(PhoneEventKind.ANSWERED)
        proc.kill()  # the agent's phone dies mid-call
        down = changes.wait(PhoneEventKind.PHONE_DOWN)
        assert line.down and phone.manual and down.error
        assert row(backend, Call, rang.call_id).state == CallState.ACTIVE  # nothing lost
        time.sleep(1.0)
        view = backend.calls.end(agent, rang.call_id)  # F5 in manual mode
        assert view.state == "wrap_up"
        assert abs(view.talk_seconds - (time.monotonic() - start)) <= TOLERANCE
    finally:
        caller.close()


def _line_for(backend, start_phone: StartPhone, login: str, **phone_options):
    actor = backend.users.actor(login)
    backend.agents.log_in(actor)
    proc = start_phone(login)
    phone = proc.phone(**phone_options)
    service = TelephonyService(backend.db, backend.clock)
    service.register_phone(actor, proc.sip_uri)
    return actor, proc, phone, SeatLine(service, actor, phone)


def test_transfer_to_a_second_agent_phone(seat, start_phone: StartPhone):
    backend, _people, agent, proc, phone, line = seat
    agent2, proc2, phone2, line2 = _line_for(backend, start_phone, "agent2")
    first, second = Changes(line), Changes(line2)
    caller = start_phone(CALLER).phone()
    try:
        caller.dial(proc.sip_uri)
        rang = first.wait(PhoneEventKind.INCOMING)
        line.desk_answers(rang.call_id)
        phone.answer()
        backend.calls.take(agent, lang="en")
        first.wait(PhoneEventKind.ANSWERED)
        # F4 to agent2: the record's transfer, then the phone's (blind, REFER).
        leg = backend.calls.transfer(agent, rang.call_id, agent_login="agent2")
        target = TelephonyService(backend.db, backend.clock).transfer_address(leg)
        assert target == proc2.sip_uri
        phone.transfer_blind(target)
        arrived = second.wait(PhoneEventKind.INCOMING, timeout=10)
        assert arrived.call_id == leg  # the leg waiting for agent2 rings at agent2's phone
        assert row(backend, Call, leg).state == CallState.OFFERED
        line2.desk_answers(leg)
        phone2.answer()
        taken = backend.calls.take(agent2, lang="en")
        assert taken is not None and taken.call.id == leg
        second.wait(PhoneEventKind.ANSWERED)
        first.wait(PhoneEventKind.HUNG_UP)  # agent1's leg left the line, not a hang-up
        first_leg = row(backend, Call, rang.call_id)
        assert first_leg.state == CallState.WRAP_UP and first_leg.transferred
        caller.hang_up()
        assert second.wait(PhoneEventKind.HUNG_UP).call.state == "wrap_up"
    finally:
        caller.close()
        phone2.close()


def _dial_from_seat(backend, people, agent, line, number_uri_host):
    from tests.factories import customer as make_customer

    callee_id = make_customer(backend, people["super1"], "周敏", "+8613900139000")
    view = backend.calls.start_outbound(agent, customer_id=callee_id, purpose="callback")
    line.dialling(view.id)
    line.phone.dial(f"sip:+8613900139000@{number_uri_host}")
    return view.id


def test_outbound_answered_busy_and_never_answered(seat, start_phone: StartPhone):
    backend, people, agent, proc, phone, line = seat
    changes = Changes(line)
    callee_proc = start_phone("+8613900139000")
    callee = callee_proc.phone()
    rings = Events(callee)
    host = callee_proc.sip_uri.split("@", 1)[1]
    try:
        # 1. The far end answers: reached, talk time from the answer.
        call_id = _dial_from_seat(backend, people, agent, line, host)
        rings.wait(PhoneEventKind.INCOMING)
        time.sleep(0.8)  # it rings a while before the answer
        callee.answer()
        answered_at = time.monotonic()
        reached = changes.wait(PhoneEventKind.ANSWERED)
        assert reached.call is not None and reached.call.outbound_outcome == "reached"
        time.sleep(1.0)
        callee.hang_up()
        ended = changes.wait(PhoneEventKind.HUNG_UP)
        assert ended.call is not None and ended.call.state == "wrap_up"
        talked = time.monotonic() - answered_at
        assert abs(row(backend, Call, call_id).talk_seconds - talked) <= TOLERANCE
        backend.calls.save_wrap_up(agent, call_id, _outbound_record("reached"))
        # 2. The far end rejects it: busy, nobody spoke.
        call_id = _dial_from_seat(backend, people, agent, line, host)
        rings.wait(PhoneEventKind.INCOMING)
        callee.hang_up()
        busy = changes.wait(PhoneEventKind.FAILED)
        assert busy.call is not None and busy.call.state == "wrap_up"
        assert row(backend, Call, call_id).outbound_outcome == "busy"
        assert row(backend, Call, call_id).talk_seconds == 0
        backend.calls.save_wrap_up(agent, call_id, _outbound_record("busy"))
        # 3. Nobody answers: the seat's phone gives up after its ring time (2 s here).
        call_id = _dial_from_seat(backend, people, agent, line, host)
        rings.wait(PhoneEventKind.INCOMING)
        silent = changes.wait(PhoneEventKind.FAILED, timeout=10)
        assert silent.call is not None and silent.call.outbound_outcome == "no_answer"
        assert row(backend, Call, call_id).state == CallState.WRAP_UP
    finally:
        callee.close()


def _outbound_record(outcome: str):
    from seatdesk.services.dto import WrapUp

    return WrapUp(category="query", disposition="resolved", notes="回访", resolved=True,
                  outbound_outcome=outcome)


def test_pick_up_a_neighbours_ringing_call_is_audited(seat):
    backend, people, agent, _proc, _phone, _line = seat
    from sqlalchemy import select

    from seatdesk.data.models import AuditEntry
    from seatdesk.domain.errors import Conflict, InvalidTransition
    from seatdesk.services.dto import SYSTEM

    agent2 = people["agent2"]
    backend.agents.log_in(agent2)
    service = TelephonyService(backend.db, backend.clock)
    call_id = backend.calls.offer_inbound(SYSTEM, CALLER, "general", ring=True,
                                          target_agent_id=agent.user_id)
    from seatdesk.domain.phone import mask

    # The neighbour sees the caller's number as agents see numbers: masked.
    assert service.ringing_in_team(agent2) == [(call_id, "agent1", mask(CALLER))]
    popped = service.pick_up(agent2, call_id, lang="en")
    assert popped.call.state == "active" and popped.card is not None
    call = row(backend, Call, call_id)
    assert call.agent_id == agent2.user_id
    assert row(backend, AgentStatus, agent.user_id).state == AgentState.AVAILABLE
    with backend.db.read() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "call.pick_up"))
        assert entry is not None and entry.actor_login == "agent2"
    # A call that is not ringing at a seat cannot be picked up.
    waiting = backend.calls.offer_inbound(SYSTEM, "+8613700137000", "general")
    with pytest.raises(Conflict, match="no longer ringing"):
        service.pick_up(agent, waiting, lang="en")
    # Another team's seat may not pick up agent1's ringing call.
    backend.users.add_user("agent9", name="Agent9", role="agent", password="secret123",
                           team="t9")
    other = backend.users.actor("agent9")
    ringing = backend.calls.offer_inbound(SYSTEM, CALLER, "general", ring=True,
                                          target_agent_id=agent.user_id)
    assert row(backend, Call, ringing).state == CallState.OFFERED
    with pytest.raises(InvalidTransition, match="own team"):
        service.pick_up(other, ringing, lang="en")


def test_the_call_id_in_the_sip_identity_names_the_call(seat, start_phone: StartPhone):
    backend, _people, agent, proc, _phone, line = seat
    from seatdesk.services.dto import SYSTEM

    changes = Changes(line)
    offered = backend.calls.offer_inbound(SYSTEM, CALLER, "general", ring=True)
    # The PBX's dial plan puts ;x-seatdesk-call=ID in the caller's SIP identity.
    caller = start_phone(f"{CALLER};x-seatdesk-call={offered}").phone()
    try:
        caller.dial(proc.sip_uri)
        rang = changes.wait(PhoneEventKind.INCOMING)
        assert rang.call_id == offered
        assert row(backend, Call, offered).caller_number == CALLER
    finally:
        caller.close()


def test_f2_before_the_invite_arrives_answers_on_the_phone(seat, start_phone: StartPhone):
    """The ACD rang the desk and the agent pressed F2 before the PBX's INVITE reached the
    phone: the INVITE is that call, and the phone picks it up at once (no second call)."""
    backend, _people, agent, proc, _phone, line = seat
    from seatdesk.services.dto import SYSTEM

    changes = Changes(line)
    offered = backend.calls.offer_inbound(SYSTEM, CALLER, "general", ring=True)
    popped = backend.calls.take(agent, lang="en")  # F2 on the ring, before any INVITE
    assert popped is not None and popped.call.id == offered
    caller = start_phone(CALLER).phone()
    heard = Events(caller)
    try:
        caller.dial(proc.sip_uri)
        assert changes.wait(PhoneEventKind.INCOMING).call_id == offered
        assert heard.wait(PhoneEventKind.ANSWERED).outcome is not None  # picked up by itself
        with backend.db.read() as s:
            assert s.query(Call).count() == 1
        assert row(backend, Call, offered).state == CallState.ACTIVE
    finally:
        caller.close()
