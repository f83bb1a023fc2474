"""Call lifecycle through the real services, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from seatdesk.data.models import AgentStatus, Call, CallEvent
from seatdesk.domain.errors import Conflict, InvalidInput, InvalidTransition, PermissionDenied
from seatdesk.services.dto import SYSTEM, WrapUp
from tests.factories import customer, floor


def _events(backend, call_id):
    with backend.db.read() as s:
        return [e.kind for e in s.scalars(select(CallEvent).where(CallEvent.call_id == call_id)
                                          .order_by(CallEvent.id))]


def test_inbound_call_answered_held_wrapped_up(backend, clock):
    people = floor(backend)
    agent = people["agent1"]
    cid = customer(backend, agent, "王芳", "138 0013 8000", grade="B")
    call_id = backend.calls.offer_inbound(SYSTEM, "+86 13800138000", "general")
    clock.advance(seconds=12)
    view = backend.calls.claim_next(agent)
    assert view is not None and view.id == call_id
    assert view.customer_id == cid and view.state == "active" and view.wait_seconds == 12
    assert view.caller_number == "138****8000"  # agents see masked digits
    clock.advance(seconds=30)
    backend.calls.hold(agent, call_id)
    clock.advance(seconds=20)
    backend.calls.resume(agent, call_id)
    clock.advance(seconds=40)
    ended = backend.calls.end(agent, call_id)
    assert ended.state == "wrap_up"
    assert (ended.talk_seconds, ended.hold_seconds, ended.hold_count) == (70, 20, 1)
    clock.advance(seconds=15)
    closed = backend.calls.save_wrap_up(agent, call_id, WrapUp(
        category="repair", disposition="resolved", notes="更换滤芯", resolved=True,
        satisfaction=5))
    assert closed.state == "closed" and closed.wrap_seconds == 15
    assert _events(backend, call_id) == ["queued", "offered", "answered", "held", "resumed",
                                         "ended", "closed"]
    with backend.db.read() as s:
        row = s.get(Call, call_id)
        assert row.notes == "更换滤芯" and row.satisfaction == 5
        assert s.get(AgentStatus, agent.user_id).state.value == "available"


def test_wrap_up_requires_fields_and_owner_when_unresolved(backend):
    people = floor(backend)
    agent = people["agent1"]
    call_id = backend.calls.offer_inbound(SYSTEM, "13900000000", "general")
    backend.calls.claim_next(agent)
    backend.calls.end(agent, call_id)
    with pytest.raises(InvalidInput) as err:
        backend.calls.save_wrap_up(agent, call_id, WrapUp(disposition="resolved", resolved=True))
    assert err.value.field == "category"
    with pytest.raises(InvalidInput) as err:
        backend.calls.save_wrap_up(agent, call_id, WrapUp(
            category="complaint", disposition="handed_over", resolved=False))
    assert err.value.field == "handed_to"
    with pytest.raises(InvalidInput) as err:
        backend.calls.save_wrap_up(agent, call_id, WrapUp(
            category="query", disposition="resolved", resolved=True, notes="x" * 4001))
    assert err.value.field == "notes"
    # Nothing was half-saved: the call is still in wrap-up.
    assert backend.calls.current_call(agent).state == "wrap_up"


def test_claim_order_priority_then_grade_then_wait(backend, clock):
    people = floor(backend)
    agent = people["agent1"]
    customer(backend, agent, "D客户", "13100000001", grade="D")
    customer(backend, agent, "A客户", "13100000002", grade="A")
    customer(backend, agent, "大客户", "13100000003", grade="B", key_account=True)
    first = backend.calls.offer_inbound(SYSTEM, "13100000001", "general")  # waits longest
    clock.advance(seconds=1)
    second = backend.calls.offer_inbound(SYSTEM, "13100000002", "general")
    clock.advance(seconds=1)
    key = backend.calls.offer_inbound(SYSTEM, "13100000003", "general")
    clock.advance(seconds=1)
    unknown = backend.calls.offer_inbound(SYSTEM, "13199999999", "general")
    clock.advance(seconds=1)
    vip = backend.calls.offer_inbound(SYSTEM, "13199999998", "vip")
    order = [w.id for w in backend.calls.waiting(agent)]
    assert order == [vip, key, second, first, unknown]
    taken = []
    for _ in order:
        view = backend.calls.claim_next(agent)
        taken.append(view.id)
        backend.calls.save_wrap_up(agent, view.id, WrapUp(
            category="query", disposition="resolved", resolved=True))
    assert taken == order
    assert backend.calls.claim_next(agent) is None


def test_claim_specific_call_and_conflict(backend):
    people = floor(backend)
    call_id = backend.calls.offer_inbound(SYSTEM, "13800000001", "general")
    backend.calls.claim(people["agent1"], call_id)
    with pytest.raises(Conflict):
        backend.calls.claim(people["agent2"], call_id)


def test_one_call_at_a_time(backend):
    people = floor(backend)
    agent = people["agent1"]
    backend.calls.offer_inbound(SYSTEM, "13800000001", "general")
    backend.calls.offer_inbound(SYSTEM, "13800000002", "general")
    backend.calls.claim_next(agent)
    with pytest.raises(InvalidTransition):
        backend.calls.claim_next(agent)


def test_transfer_to_agent_creates_targeted_leg(backend, clock):
    people = floor(backend)
    a1, a2 = people["agent1"], people["agent2"]
    call_id = backend.calls.offer_inbound(SYSTEM, "13800000001", "general")
    backend.calls.claim_next(a1)
    clock.advance(seconds=50)
    leg_id = backend.calls.transfer(a1, call_id, agent_login="agent2")
    mine = backend.calls.current_call(a1)
    assert mine.id == call_id and mine.state == "wrap_up" and mine.transferred
    assert mine.transfer_target == "agent2" and mine.talk_seconds == 50
    # Nobody else can take the targeted leg; agent2 can.
    backend.calls.save_wrap_up(a1, call_id, WrapUp(category="order", disposition="handed_over",
                                                   resolved=False, handed_to="agent2"))
    assert backend.calls.claim_next(a1) is None
    leg = backend.calls.claim_next(a2)
    assert leg.id == leg_id and leg.parent_call_id == call_id


def test_transfer_to_queue_and_bad_target(backend):
    people = floor(backend)
    a1 = people["agent1"]
    call_id = backend.calls.offer_inbound(SYSTEM, "13800000001", "general")
    backend.calls.claim_next(a1)
    with pytest.raises(InvalidInput):
        backend.calls.transfer(a1, call_id, queue_code="nope")
    with pytest.raises(InvalidInput):
        backend.calls.transfer(a1, call_id, agent_login="agent1")
    leg = backend.calls.transfer(a1, call_id, queue_code="vip")
    waiting = backend.calls.waiting(a1)
    assert [w.id for w in waiting] == [leg] and waiting[0].queue_code == "vip"


def test_abandoned_while_queued(backend, clock):
    people = floor(backend)
    call_id = backend.calls.offer_inbound(SYSTEM, "13800000001", "general")
    clock.advance(seconds=45)
    assert backend.calls.mark_abandoned(SYSTEM, call_id) is True
    assert backend.calls.waiting(people["agent1"]) == []
    with backend.db.read() as s:
        row = s.get(Call, call_id)
        assert row.state.value == "abandoned" and row.wait_seconds == 45
    # A call already answered cannot be abandoned.
    c2 = backend.calls.offer_inbound(SYSTEM, "13800000002", "general")
    backend.calls.claim_next(people["agent1"])
    assert backend.calls.mark_abandoned(SYSTEM, c2) is False


def test_outbound_call_records_outcome(backend):
    people = floor(backend)
    agent = people["agent1"]
    cid = customer(backend, agent, "李雷", "13700000000")
    view = backend.calls.start_outbound(agent, customer_id=cid, purpose="survey")
    assert view.direction == "outbound" and view.state == "active"
    backend.calls.end(agent, view.id)
    with pytest.raises(InvalidInput):
        backend.calls.save_wrap_up(agent, view.id, WrapUp(outbound_outcome="maybe"))
    done = backend.calls.save_wrap_up(agent, view.id, WrapUp(
        outbound_outcome="reached", satisfaction=4, notes="满意"))
    assert done.outbound_outcome == "reached" and done.state == "closed"


def test_hold_requires_own_active_call(backend):
    people = floor(backend)
    call_id = backend.calls.offer_inbound(SYSTEM, "13800000001", "general")
    with pytest.raises(InvalidTransition):
        backend.calls.hold(people["agent1"], call_id)  # not claimed: not theirs
    backend.calls.claim_next(people["agent1"])
    with pytest.raises(InvalidTransition):
        backend.calls.hold(people["agent2"], call_id)
    with pytest.raises(InvalidTransition):
        backend.calls.resume(people["agent1"], call_id)  # not held


def test_only_seats_take_calls(backend):
    people = floor(backend)
    backend.calls.offer_inbound(SYSTEM, "13800000001", "general")
    with pytest.raises(PermissionDenied):
        backend.calls.claim_next(people["qa1"])
    with pytest.raises(PermissionDenied):
        backend.calls.offer_inbound(people["agent1"], "13800000001", "general")


def test_draft_survives_and_is_cleared_on_save(backend):
    people = floor(backend)
    agent = people["agent1"]
    call_id = backend.calls.offer_inbound(SYSTEM, "13800000001", "general")
    backend.calls.claim_next(agent)
    backend.calls.save_draft(agent, call_id, {"notes": "客户说", "category": "query"})
    assert backend.calls.current_call(agent).draft == {"notes": "客户说", "category": "query"}
    done = backend.calls.save_wrap_up(agent, call_id, WrapUp(
        category="query", disposition="resolved", resolved=True, notes="客户说"))
    assert done.draft is None


def test_unknown_and_malformed_numbers_still_queue(backend):
    people = floor(backend)
    good = backend.calls.offer_inbound(SYSTEM, "13812345678", "general")
    bad = backend.calls.offer_inbound(SYSTEM, "anonymous", "general")
    waiting = {w.id: w for w in backend.calls.waiting(people["agent1"])}
    assert waiting[good].customer_name is None
    assert waiting[bad].caller_number == "anonymous"
    with pytest.raises(InvalidInput):
        backend.calls.offer_inbound(SYSTEM, "13812345678", "no-such-queue")


def test_several_customers_on_one_number_are_candidates(backend):
    people = floor(backend)
    agent = people["agent1"]
    a = customer(backend, agent, "张三", "010-65529988")
    b = customer(backend, agent, "李四", "01065529988")
    call_id = backend.calls.offer_inbound(SYSTEM, "+861065529988", "general")
    view = backend.calls.claim_next(agent)
    assert view.id == call_id and view.customer_id is None
    assert {c.id for c in backend.calls.current_call(agent).candidates} == {a, b}
    picked = backend.calls.set_customer(agent, call_id, b)
    assert picked.customer_id == b


def test_every_call_action_shows_an_agent_the_masked_number(backend, clock):
    people = floor(backend)
    agent = people["agent1"]
    call_id = backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    views = [backend.calls.claim_next(agent), backend.calls.hold(agent, call_id),
             backend.calls.resume(agent, call_id), backend.calls.end(agent, call_id)]
    assert {v.caller_number for v in views} == {"138****8000"}
