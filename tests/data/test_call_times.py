"""What a call's times mean: wait is the time to answer (ring included), with its queue and
ring parts kept; an outbound call nobody answered has no talk time and is no handled call."""

from __future__ import annotations

from datetime import date

from seatdesk.data.models import Call
from seatdesk.services.dto import SYSTEM, WrapUp
from tests.factories import customer, floor, row

WRAP = WrapUp(category="query", disposition="resolved", resolved=True)
DAY = date(2026, 11, 23)  # the frozen clock's day in Shanghai


def _times(backend, call_id):
    c = row(backend, Call, call_id)
    return c.wait_seconds, c.queue_seconds, c.ring_seconds


def test_wait_is_time_to_answer_with_queue_and_ring_apart(backend, clock):
    people = floor(backend)
    agent = people["agent1"]
    backend.agents.log_in(agent)
    # Rings at arrival (a seat was free), answered after 15 s of ringing.
    rang = backend.calls.offer_inbound(SYSTEM, "13800138000", "general", ring=True)
    clock.advance(seconds=15)
    backend.calls.take(agent, rang, lang="en")
    assert _times(backend, rang) == (15, 0, 15)
    backend.calls.save_wrap_up(agent, rang, WRAP)
    # Waits 30 s in the queue, taken with F2 (answered at once).
    queued = backend.calls.offer_inbound(SYSTEM, "13800138001", "general")
    clock.advance(seconds=30)
    backend.calls.take(agent, None, lang="en")
    assert _times(backend, queued) == (30, 30, 0)
    backend.calls.save_wrap_up(agent, queued, WRAP)
    # Waits 20 s, rings 8 s at the seat that frees up, then answered.
    both = backend.calls.offer_inbound(SYSTEM, "13800138002", "general")
    clock.advance(seconds=20)
    backend.calls.ring_next(agent, lang="en")
    clock.advance(seconds=8)
    backend.calls.answer(agent, both)
    assert _times(backend, both) == (28, 20, 8)
    backend.calls.save_wrap_up(agent, both, WRAP)
    # Hung up while ringing: the wait is up to the hang-up, the ring part kept.
    gone = backend.calls.offer_inbound(SYSTEM, "13800138003", "general", ring=True)
    clock.advance(seconds=6)
    backend.calls.mark_abandoned(SYSTEM, gone)
    assert _times(backend, gone) == (6, 0, 6)
    report = backend.reports.kpi(people["super1"], DAY, DAY, "day", sl_seconds=20,
                                 short_abandon_seconds=0)
    values = report.rows[0].values
    assert values["asa"] == (15 + 30 + 28) / 3  # the ring counts (it was 0 + 30 + 20)
    assert values["answered_in_sl"] == 1  # only the 15 s answer is within 20 s
    assert values["service_level"] == 1 / 4


def test_an_outbound_call_nobody_answered_has_no_talk_and_is_not_handled(backend, clock):
    people = floor(backend)
    agent = people["agent1"]
    backend.agents.log_in(agent)
    cid = customer(backend, agent, "王芳", "13900000000")
    start = clock()
    dialled = backend.calls.start_outbound(agent, customer_id=cid, purpose="survey")
    clock.advance(seconds=25)  # it rang out
    backend.calls.save_wrap_up(agent, dialled.id, WrapUp(outbound_outcome="no_answer"))
    c = row(backend, Call, dialled.id)
    assert c.talk_seconds == 0 and c.answered_at is None and c.ring_seconds == 25
    assert backend.calls.handled_today(agent, start) == 0
    reached = backend.calls.start_outbound(agent, customer_id=cid, purpose="survey")
    clock.advance(seconds=40)
    backend.calls.save_wrap_up(agent, reached.id, WrapUp(outbound_outcome="reached"))
    assert row(backend, Call, reached.id).talk_seconds == 40
    assert backend.calls.handled_today(agent, start) == 1
    floor_view = backend.agents.floor(people["super1"], team_id=None, since=start)
    assert {a.login: a.handled_today for a in floor_view}["agent1"] == 1
    values = backend.reports.kpi(people["super1"], DAY, DAY, "day").rows[0].values
    assert values["attempts"] == 2
