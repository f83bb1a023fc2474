"""The per-queue after-call-work limit: a wrap-up past it ends by itself (auto-ready).

Enforced by the service, so the timed-rules worker ends the wrap-up of a seat whose desk
crashed or of a command-line user; the record is never lost (a complete draft is saved,
an incomplete one is kept and the call marked incomplete).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from seatdesk.data.models import AgentState, AgentStatus, Call, CallEvent, CallState
from seatdesk.domain.errors import InvalidTransition
from seatdesk.runtime.daemon import clear_drafts, run_once
from seatdesk.services.admin import QueueInput
from seatdesk.services.calls import ACW_INCOMPLETE, ACW_LIMIT
from seatdesk.services.dto import SYSTEM, WrapUp
from tests.factories import floor, row

COMPLETE = {"category": "query", "disposition": "resolved", "resolved": True,
            "question": "账单", "notes": "解释了账单", "handed_to": "", "follow_up": "",
            "satisfaction": None, "outbound_outcome": None}


def _limit(backend, people, seconds: int) -> None:
    backend.admin.update_queue(people["super1"], "general", QueueInput(
        "general", "General", "综合", acw_seconds=seconds))


def _wrapping(backend, clock, agent, draft: dict | None) -> int:
    """A call of ``agent`` talked for a minute, now in wrap-up with ``draft`` typed."""
    backend.agents.log_in(agent)
    call_id = backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    backend.calls.take(agent, call_id, lang="en")
    clock.advance(seconds=60)
    backend.calls.end(agent, call_id)
    if draft is not None:
        backend.calls.save_draft(agent, call_id, draft)
    return call_id


def _pass(backend, *beating):
    """One worker pass, the seats' desks alive (beating), as a desk's heartbeat keeps them."""
    for seat in beating:
        backend.agents.heartbeat(seat)
    return run_once(backend)


def _closed_detail(backend, call_id: int) -> str:
    with backend.db.read() as s:
        return s.scalar(select(CallEvent.detail).where(
            CallEvent.call_id == call_id, CallEvent.kind == "closed")) or ""


def test_a_complete_draft_is_saved_and_the_seat_made_ready_at_the_limit(backend, clock):
    people = floor(backend)
    _limit(backend, people, 30)
    agent = people["agent1"]
    call_id = _wrapping(backend, clock, agent, COMPLETE)
    clock.advance(seconds=29)
    assert _pass(backend, agent).wrap_ups_ended == 0  # not yet
    assert row(backend, Call, call_id).state == CallState.WRAP_UP
    clock.advance(seconds=2)
    assert _pass(backend, agent).wrap_ups_ended == 1
    call = row(backend, Call, call_id)
    assert call.state == CallState.CLOSED and call.draft is None
    assert (call.category, call.disposition, call.resolved, call.notes) == (
        "query", "resolved", True, "解释了账单")
    assert call.wrap_seconds == 31
    assert _closed_detail(backend, call_id) == ACW_LIMIT
    seat = row(backend, AgentStatus, agent.user_id)
    assert seat.state == AgentState.AVAILABLE and seat.current_call_id is None
    assert _pass(backend, agent).wrap_ups_ended == 0  # once


def test_an_incomplete_draft_is_kept_and_the_call_marked_incomplete(backend, clock):
    people = floor(backend)
    _limit(backend, people, 30)
    agent = people["agent1"]
    typed = {**COMPLETE, "disposition": None, "notes": "客户还在考虑 [/]"}
    call_id = _wrapping(backend, clock, agent, typed)
    clock.advance(seconds=31)
    ended = backend.calls.end_overdue_wrap_ups(SYSTEM)
    assert [(e.call_id, e.complete) for e in ended] == [(call_id, False)]
    assert "disposition" in ended[0].missing
    call = row(backend, Call, call_id)
    # The seat leaves wrap-up; what was typed is in the call and the draft is kept whole.
    assert call.state == CallState.CLOSED and call.draft == typed
    assert (call.category, call.disposition, call.notes) == ("query", None, "客户还在考虑 [/]")
    assert _closed_detail(backend, call_id) == ACW_INCOMPLETE
    assert row(backend, AgentStatus, agent.user_id).state == AgentState.AVAILABLE
    assert [c.id for c in backend.calls.incomplete_records(agent)] == [call_id]
    # The worker's draft clean-up keeps it: the agent has still to finish it.
    clear_drafts(backend)
    assert row(backend, Call, call_id).draft == typed
    # The agent finishes it later: the record is completed, the draft goes.
    backend.calls.save_wrap_up(agent, call_id, WrapUp(
        category="query", disposition="follow_up", resolved=True, notes="客户还在考虑 [/]"))
    call = row(backend, Call, call_id)
    assert (call.disposition, call.draft, call.wrap_seconds) == ("follow_up", None, 31)
    assert backend.calls.incomplete_records(agent) == []
    with pytest.raises(InvalidTransition):  # a finished record is not rewritten
        backend.calls.save_wrap_up(agent, call_id, WrapUp(
            category="query", disposition="other", resolved=True))


def test_not_ready_after_this_call_pauses_the_seat_at_the_limit(backend, clock):
    people = floor(backend)
    _limit(backend, people, 30)
    agent = people["agent1"]
    call_id = _wrapping(backend, clock, agent, {**COMPLETE, "pause_after": "break"})
    clock.advance(seconds=31)
    assert _pass(backend, agent).wrap_ups_ended == 1
    assert row(backend, Call, call_id).state == CallState.CLOSED
    seat = row(backend, AgentStatus, agent.user_id)
    assert (seat.state, seat.reason) == (AgentState.PAUSED, "break")


def test_no_limit_when_zero_nor_for_a_lost_seat_nor_for_another_seat(backend, clock):
    people = floor(backend)
    _limit(backend, people, 0)  # 0: this queue has no limit
    agent, other = people["agent1"], people["agent2"]
    unlimited = _wrapping(backend, clock, agent, COMPLETE)
    clock.advance(seconds=3600)
    assert _pass(backend, agent).wrap_ups_ended == 0
    assert row(backend, Call, unlimited).state == CallState.WRAP_UP
    backend.calls.save_wrap_up(agent, unlimited, WrapUp(**{
        k: v for k, v in COMPLETE.items() if k not in ("follow_up", "pause_after")}))
    _limit(backend, people, 30)
    mine = _wrapping(backend, clock, other, None)
    clock.advance(seconds=31)
    # A seat asks only for its own wrap-ups: another seat's is not its to end.
    assert backend.calls.end_overdue_wrap_ups(agent) == []
    # A seat lost (its desk went silent) keeps its call in wrap-up for the agent's return.
    backend.agents.heartbeat(other)
    clock.advance(seconds=1)
    backend.calls.mark_lost_seats(SYSTEM, clock())
    assert row(backend, AgentStatus, other.user_id).state == AgentState.LOGGED_OUT
    assert backend.calls.end_overdue_wrap_ups(SYSTEM) == []
    assert row(backend, Call, mine).state == CallState.WRAP_UP


def test_an_agent_back_after_a_crash_gets_the_whole_limit_again(backend, clock):
    people = floor(backend)
    _limit(backend, people, 30)
    agent = people["agent1"]
    call_id = _wrapping(backend, clock, agent, COMPLETE)
    clock.advance(seconds=10)
    backend.calls.mark_lost_seats(SYSTEM, clock())  # the desk died in wrap-up
    clock.advance(seconds=600)
    backend.agents.log_in(agent)  # back: the seat resumes the wrap-up
    assert row(backend, AgentStatus, agent.user_id).state == AgentState.WRAP_UP
    clock.advance(seconds=29)
    assert backend.calls.end_overdue_wrap_ups(agent) == []  # 29 s since the sign-in
    clock.advance(seconds=2)
    assert [e.call_id for e in backend.calls.end_overdue_wrap_ups(agent)] == [call_id]


def test_the_draft_of_an_incomplete_record_keeps_what_is_typed_later(backend, clock):
    """The agent reopens an incomplete record on the desk and types more: the draft keeps
    it (a call ringing meanwhile must not lose it); a finished record's draft is not
    brought back, and another agent's is not theirs to write."""
    people = floor(backend)
    _limit(backend, people, 30)
    agent, other = people["agent1"], people["agent2"]
    typed = {**COMPLETE, "disposition": None, "notes": "客户还在考虑"}
    call_id = _wrapping(backend, clock, agent, typed)
    clock.advance(seconds=31)
    backend.calls.end_overdue_wrap_ups(SYSTEM)
    seat_before = row(backend, AgentStatus, agent.user_id).state
    more = {**typed, "notes": "客户还在考虑，明天回电"}
    backend.calls.save_draft(agent, call_id, more)
    assert row(backend, Call, call_id).draft == more
    assert row(backend, AgentStatus, agent.user_id).state == seat_before  # seat untouched
    with pytest.raises(InvalidTransition):
        backend.calls.save_draft(other, call_id, {**typed, "notes": "not mine"})
    with pytest.raises(InvalidTransition):  # nor another agent's record to finish
        backend.calls.save_wrap_up(other, call_id, WrapUp(
            category="query", disposition="other", resolved=True))
    assert row(backend, Call, call_id).draft == more
    backend.calls.save_wrap_up(agent, call_id, WrapUp(
        category="query", disposition="follow_up", resolved=True, notes=more["notes"]))
    backend.calls.save_draft(agent, call_id, more)  # a late autosave: ignored
    assert row(backend, Call, call_id).draft is None
    assert backend.calls.incomplete_records(agent) == []
