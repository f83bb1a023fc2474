"""Calls that ring a seat at once (the ACD's push), on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from seatdesk.data.models import AgentState, AgentStatus, Call, CallEvent, CallState
from seatdesk.domain.errors import InvalidTransition
from seatdesk.runtime.daemon import RING_TIMEOUT, run_once
from seatdesk.services.dto import SYSTEM
from tests.factories import customer, floor, row


def _call(backend, call_id):
    return row(backend, Call, call_id)


def _seat(backend, user_id):
    return row(backend, AgentStatus, user_id)


def test_rings_the_longest_idle_seat_then_the_next_then_queues(backend, clock):
    people = floor(backend)
    a1, a2 = people["agent1"], people["agent2"]
    backend.agents.log_in(a2)  # idle since earlier
    clock.advance(seconds=30)
    backend.agents.log_in(a1)
    clock.advance(seconds=5)
    first = backend.calls.offer_inbound(SYSTEM, "13800138000", "general", ring=True)
    second = backend.calls.offer_inbound(SYSTEM, "13900139000", "general", ring=True)
    third = backend.calls.offer_inbound(SYSTEM, "13700137000", "general", ring=True)
    assert (_call(backend, first).state, _call(backend, first).agent_id) == (
        CallState.OFFERED, a2.user_id)
    assert (_call(backend, second).state, _call(backend, second).agent_id) == (
        CallState.OFFERED, a1.user_id)
    assert _call(backend, third).state == CallState.QUEUED  # nobody free: it waits
    assert _seat(backend, a2.user_id).state == AgentState.RINGING
    assert backend.calls.current_call(a2).id == first
    # The seat answers with F2: the ringing call becomes active, not a new claim.
    backend.calls.answer(a2, first)
    assert _call(backend, first).state == CallState.ACTIVE
    assert _seat(backend, a2.user_id).state == AgentState.ON_CALL


def test_ring_only_reaches_seats_serving_the_queue_and_not_paused(backend, clock):
    people = floor(backend)
    backend.users.add_user("vip_only", name="Vip Only", role="agent", password="secret123",
                           queues=("vip",))
    vip_only = backend.users.actor("vip_only")
    a2 = people["agent2"]
    backend.agents.log_in(vip_only)  # idle longest, but serves only the VIP line
    clock.advance(seconds=10)
    backend.agents.log_in(a2)
    backend.agents.pause(a2, "meal")
    general = backend.calls.offer_inbound(SYSTEM, "13800138000", "general", ring=True)
    assert _call(backend, general).state == CallState.QUEUED  # VIP seat: no; a2 at lunch
    assert _seat(backend, a2.user_id).state == AgentState.PAUSED
    vip = backend.calls.offer_inbound(SYSTEM, "13900139000", "vip", ring=True)
    assert _call(backend, vip).agent_id == vip_only.user_id


def test_unanswered_ring_goes_back_to_the_queue_and_pauses_the_seat(backend, clock):
    people = floor(backend)
    agent = people["agent1"]
    customer(backend, agent, "王芳", "13800138000")
    backend.agents.log_in(agent)
    call_id = backend.calls.offer_inbound(SYSTEM, "13800138000", "general", ring=True)
    assert _call(backend, call_id).state == CallState.OFFERED
    clock.advance(seconds=RING_TIMEOUT.total_seconds() - 1)
    assert run_once(backend).rang_out == 0  # still within the ring time
    clock.advance(seconds=2)
    report = run_once(backend)
    assert report.rang_out == 1
    row = _call(backend, call_id)
    assert row.state == CallState.QUEUED and row.agent_id is None
    seat = _seat(backend, agent.user_id)
    assert seat.state == AgentState.PAUSED and seat.reason == "missed_call"
    with backend.db.read() as s:
        kinds = [e.kind for e in s.scalars(
            select(CallEvent).where(CallEvent.call_id == call_id).order_by(CallEvent.id))]
    assert kinds == ["queued", "offered", "ring_no_answer"]
    # Back from the missed call, the seat takes it from the queue like any other.
    backend.agents.resume(agent)
    assert backend.calls.claim_next(agent).id == call_id


def test_two_calls_arriving_together_never_ring_the_same_seat(backend, clock):
    people = floor(backend)
    for login in ("agent1", "agent2"):
        backend.agents.log_in(people[login])
    numbers = ["13800138000", "13900139000", "13700137000", "13600136000"]
    ids: list[int] = []
    lock = threading.Lock()

    def arrive(number: str) -> None:
        call_id = backend.calls.offer_inbound(SYSTEM, number, "general", ring=True)
        with lock:
            ids.append(call_id)

    threads = [threading.Thread(target=arrive, args=(n,)) for n in numbers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rows = [_call(backend, i) for i in ids]
    rung = [r.agent_id for r in rows if r.state == CallState.OFFERED]
    assert sorted(rung) == sorted({people["agent1"].user_id, people["agent2"].user_id})
    assert sum(r.state == CallState.QUEUED for r in rows) == 2


def test_take_answers_the_ringing_call_with_card_and_script_in_one_transaction(backend, clock):
    from seatdesk.data.models import AuditEntry

    people = floor(backend)
    agent = people["agent1"]
    cid = customer(backend, agent, "王芳", "13800138000", grade="A")
    backend.scripts.ensure_defaults(SYSTEM)
    backend.agents.log_in(agent)
    call_id = backend.calls.offer_inbound(SYSTEM, "13800138000", "general", ring=True)
    rung = backend.calls.ringing(agent, lang="zh")
    assert rung is not None and rung.call.id == call_id and rung.call.state == "offered"
    assert rung.card is not None and rung.card.id == cid and rung.script.lang == "zh"
    popped = backend.calls.take(agent, lang="zh")  # F2 answers what rings, claims nothing
    assert popped.call.id == call_id and popped.call.state == "active"
    assert popped.call.caller_number == "138****8000"  # still masked for an agent
    assert popped.card.name == "王芳" and popped.script is not None
    assert _call(backend, call_id).script_id == popped.script.id  # the version shown
    with backend.db.read() as s:
        views = s.scalars(select(AuditEntry.action).where(
            AuditEntry.actor_id == agent.user_id, AuditEntry.entity_id == str(cid),
            AuditEntry.action == "customer.view")).all()
    assert views == ["customer.view", "customer.view"]  # the pop on ringing, then on answer
    with pytest.raises(InvalidTransition):
        backend.calls.take(agent, lang="zh")  # one call at a time per seat


def test_take_with_nobody_waiting_and_an_unknown_caller(backend, clock):
    people = floor(backend)
    agent = people["agent1"]
    assert backend.calls.take(agent, lang="en") is None
    customer(backend, agent, "张伟", "13700137000")
    customer(backend, agent, "张丽", "13700137000")  # one number, two customers
    call_id = backend.calls.offer_inbound(SYSTEM, "13700137000", "general")
    popped = backend.calls.take(agent, call_id, lang="en")
    assert popped.card is None and {c.name for c in popped.call.candidates} == {"张伟", "张丽"}


def test_a_seat_that_becomes_free_is_rung_with_the_longest_waiting_call(backend, clock):
    people = floor(backend)
    agent = people["agent1"]
    first = backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    clock.advance(seconds=5)
    backend.calls.offer_inbound(SYSTEM, "13900139000", "general")
    assert backend.calls.ring_next(agent, lang="en") is None  # not logged in: never rung
    backend.agents.log_in(agent)
    backend.agents.pause(agent, "meal")
    assert backend.calls.ring_next(agent, lang="en") is None  # at lunch
    backend.agents.resume(agent)
    popped = backend.calls.ring_next(agent, lang="en")
    assert popped.call.id == first and popped.call.state == "offered"
    assert _seat(backend, agent.user_id).state == AgentState.RINGING
    assert backend.calls.ring_next(agent, lang="en") is None  # one call at a time
