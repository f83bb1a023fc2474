"""A seat that dies (kill -9, power cut, network gone) has its calls repaired by the daemon."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from seatdesk.data.models import AgentState, AgentStatus, AuditEntry, Call, CallEvent, CallState
from seatdesk.domain.errors import InvalidTransition, PermissionDenied
from seatdesk.runtime.daemon import SEAT_SILENT_LIMIT, run_once
from seatdesk.runtime.heartbeat import Heartbeat
from seatdesk.services.dto import SYSTEM, WrapUp
from tests.factories import floor, row

WRAP = WrapUp(category="query", disposition="resolved", resolved=True, notes="回来了")


def _kinds(backend, call_id):
    with backend.db.read() as s:
        return list(s.scalars(select(CallEvent.kind).where(CallEvent.call_id == call_id)
                              .order_by(CallEvent.id)))


def test_the_daemon_repairs_every_call_of_seats_gone_silent(backend, clock):
    people = floor(backend)
    seats = [people[login] for login in ("agent1", "agent2", "lead1", "super1")]
    for seat in seats:
        backend.agents.log_in(seat)
    # agent1 talking, agent2 on hold, lead1 writing up, super1's phone ringing.
    talking = backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    backend.calls.take(seats[0], talking, lang="en")
    held = backend.calls.offer_inbound(SYSTEM, "13800138001", "general")
    backend.calls.take(seats[1], held, lang="en")
    backend.calls.hold(seats[1], held)
    writing = backend.calls.offer_inbound(SYSTEM, "13800138002", "general")
    backend.calls.take(seats[2], writing, lang="en")
    backend.calls.end(seats[2], writing)
    clock.advance(seconds=5)
    ringing = backend.calls.offer_inbound(SYSTEM, "13800138003", "general",
                                          target_agent_id=seats[3].user_id, ring=True)
    assert row(backend, Call, ringing).state == CallState.OFFERED
    clock.advance(seconds=10)  # the ring has not timed out: the seat's silence decides
    # Every desk is killed: no more heartbeats. Before the limit nothing happens.
    clock.advance(seconds=SEAT_SILENT_LIMIT.total_seconds() - 20)
    assert run_once(backend).seats_lost == 0
    clock.advance(seconds=30)
    report = run_once(backend)
    assert report.seats_lost == 4
    for call_id in (talking, held, writing):
        call = row(backend, Call, call_id)
        assert call.state == CallState.WRAP_UP and call.agent_id is not None  # kept
        assert _kinds(backend, call_id)[-1] == "seat_lost"
    assert row(backend, Call, held).hold_seconds > 0 and row(backend, Call, talking).ended_at
    back = row(backend, Call, ringing)
    assert back.state == CallState.QUEUED and back.agent_id is None
    for seat in seats:
        status = row(backend, AgentStatus, seat.user_id)
        assert status.state == AgentState.LOGGED_OUT and status.reason == "seat_lost"
    assert run_once(backend).seats_lost == 0  # once only
    # The agent signs in again: the call waits in wrap-up for them.
    backend.agents.log_in(seats[0])
    assert row(backend, AgentStatus, seats[0].user_id).state == AgentState.WRAP_UP
    assert backend.calls.current_call(seats[0]).id == talking
    backend.calls.save_wrap_up(seats[0], talking, WRAP)
    assert row(backend, AgentStatus, seats[0].user_id).state == AgentState.AVAILABLE


def test_a_seat_that_beats_is_never_lost(backend, clock):
    agent = floor(backend)["agent1"]
    backend.agents.log_in(agent)
    call_id = backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    backend.calls.take(agent, call_id, lang="en")
    for _minute in range(5):  # a long call, the desk alive
        clock.advance(seconds=SEAT_SILENT_LIMIT.total_seconds() / 2)
        backend.agents.heartbeat(agent)
        assert run_once(backend).seats_lost == 0
    assert row(backend, Call, call_id).state == CallState.ACTIVE


def test_a_team_lead_closes_a_lost_seats_call_audited(backend, clock):
    people = floor(backend)
    agent, lead = people["agent1"], people["lead1"]
    backend.agents.log_in(agent)
    call_id = backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    backend.calls.take(agent, call_id, lang="en")
    with pytest.raises(InvalidTransition):  # the seat is alive: not the lead's to close
        backend.calls.close_lost_call(lead, call_id)
    clock.advance(seconds=SEAT_SILENT_LIMIT.total_seconds() + 1)
    run_once(backend)
    with pytest.raises(PermissionDenied):
        backend.calls.close_lost_call(people["agent2"], call_id)
    closed = backend.calls.close_lost_call(lead, call_id)
    assert closed.state == "closed" and closed.disposition == "other"
    assert _kinds(backend, call_id)[-1] == "closed"
    with backend.db.read() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "close_lost_call")).all()
    assert [(a.actor_login, a.entity_id) for a in audit] == [("lead1", str(call_id))]
    backend.agents.log_in(agent)  # nothing waits for the agent any more
    assert row(backend, AgentStatus, agent.user_id).state == AgentState.AVAILABLE


def test_the_heartbeat_thread_beats_until_stopped(backend, clock):
    agent = floor(backend)["agent1"]
    backend.agents.log_in(agent)
    first = row(backend, AgentStatus, agent.user_id).heartbeat_at
    clock.advance(seconds=10)
    beat = Heartbeat(backend, agent, interval=0.02)
    beat.start()
    try:
        deadline = time.monotonic() + 5
        while row(backend, AgentStatus, agent.user_id).heartbeat_at == first:
            assert time.monotonic() < deadline, "no heartbeat within 5 s"
            time.sleep(0.02)
    finally:
        beat.stop()
    assert row(backend, AgentStatus, agent.user_id).heartbeat_at == clock()
