"""Callbacks: manual (with the cap), pool, attempts with back-off, rules, release, alerts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from seatdesk.data.models import Callback, Contract, Customer, User
from seatdesk.domain.errors import Conflict, InvalidInput
from seatdesk.runtime.daemon import run_once
from seatdesk.services.callbacks import CallbackInput
from seatdesk.services.container import Backend
from seatdesk.services.dto import WrapUp
from tests.factories import customer, floor, racing_worker_passes


def _outbound(backend, agent, cid, outcome, callback_id=None):
    view = backend.calls.start_outbound(agent, customer_id=cid, callback_id=callback_id)
    backend.calls.save_wrap_up(agent, view.id, WrapUp(outbound_outcome=outcome))
    return view.id


def test_manual_callback_is_mine_and_the_cap_refuses_more(backend, clock):
    people = floor(backend)
    agent = people["agent1"]
    cid = customer(backend, agent, "王芳", "13800138000")
    with backend.db.write() as s:
        s.get(User, agent.user_id).max_open_callbacks = 2
    due = clock() + timedelta(hours=3)
    first = backend.callbacks.schedule(agent, CallbackInput(cid, due, reason="确认维修时间"))
    assert first.owner_id == agent.user_id and first.source == "manual"
    assert first.number == "138****8000"  # agents see masked digits
    backend.callbacks.schedule(agent, CallbackInput(cid, due))
    with pytest.raises(InvalidInput) as err:
        backend.callbacks.schedule(agent, CallbackInput(cid, due))
    assert err.value.field == "owner" and "limit is 2" in str(err.value)
    # The pool has no cap; taking from the pool respects mine.
    pooled = backend.callbacks.schedule(agent, CallbackInput(cid, due, to_pool=True))
    assert pooled.owner_id is None
    with pytest.raises(InvalidInput):
        backend.callbacks.take(agent, pooled.id)
    taken = backend.callbacks.take(people["agent2"], pooled.id)
    assert taken.owner_id == people["agent2"].user_id
    with pytest.raises(Conflict):
        backend.callbacks.take(people["lead1"], pooled.id)
    with pytest.raises(InvalidInput) as err:
        backend.callbacks.schedule(agent, CallbackInput(cid, clock() - timedelta(minutes=1)))
    assert err.value.field == "due_at"
    with pytest.raises(InvalidInput) as err:
        backend.callbacks.schedule(agent, CallbackInput(cid, due, number="abc", to_pool=True))
    assert err.value.field == "number"
    with backend.db.read() as s:
        assert s.scalar(select(func.count(Callback.id))) == 3


def test_no_answer_backs_off_then_closes_as_unreachable(backend, clock):
    people = floor(backend)
    agent = people["agent1"]
    cid = customer(backend, agent, "李雷", "13800138001")
    cb = backend.callbacks.schedule(agent, CallbackInput(cid, clock() + timedelta(minutes=5)))
    clock.advance(minutes=10)
    call1 = _outbound(backend, agent, cid, "no_answer", cb.id)
    row = backend.callbacks.record_attempt(agent, cb.id, "no_answer", call1)
    assert row.state == "open" and row.attempts == 1 and row.due_at == clock() + timedelta(
        minutes=30)
    # Recording the same call again (a retried save) changes nothing.
    assert backend.callbacks.record_attempt(agent, cb.id, "no_answer", call1).attempts == 1
    clock.advance(minutes=30)
    row = backend.callbacks.record_attempt(agent, cb.id, "busy",
                                           _outbound(backend, agent, cid, "busy", cb.id))
    assert row.attempts == 2 and row.due_at == clock() + timedelta(hours=2)
    # The customer asks for a time: it does not use up a try.
    later = clock() + timedelta(days=1)
    with pytest.raises(InvalidInput):
        backend.callbacks.record_attempt(agent, cb.id, "call_back_later",
                                         _outbound(backend, agent, cid, "call_back_later"))
    row = backend.callbacks.record_attempt(
        agent, cb.id, "call_back_later",
        _outbound(backend, agent, cid, "call_back_later", cb.id), next_due=later)
    assert row.attempts == 2 and row.due_at == later and row.state == "open"
    clock.now = later
    row = backend.callbacks.record_attempt(agent, cb.id, "no_answer",
                                           _outbound(backend, agent, cid, "no_answer", cb.id))
    assert row.state == "done" and row.outcome == "unreachable" and row.attempts == 3


def test_third_try_waits_for_the_next_working_day(backend, clock):
    people = floor(backend)
    agent = people["agent1"]
    cid = customer(backend, agent, "韩梅", "13800138002")
    cb = backend.callbacks.schedule(agent, CallbackInput(cid, clock() + timedelta(minutes=5),
                                                         max_attempts=5))
    for _ in range(2):
        backend.callbacks.record_attempt(agent, cb.id, "no_answer",
                                         _outbound(backend, agent, cid, "no_answer", cb.id))
    row = backend.callbacks.record_attempt(agent, cb.id, "no_answer",
                                           _outbound(backend, agent, cid, "no_answer", cb.id))
    # Monday 09:30 Shanghai -> Tuesday 08:30 Shanghai.
    assert row.due_at == datetime(2026, 11, 24, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize("outcome", ["reached", "refused", "wrong_number"])
def test_finishing_outcomes_close_the_callback(backend, clock, outcome):
    people = floor(backend)
    agent = people["agent1"]
    cid = customer(backend, agent, "周九", "13800138003")
    cb = backend.callbacks.schedule(agent, CallbackInput(cid, clock() + timedelta(hours=1)))
    row = backend.callbacks.record_attempt(agent, cb.id, outcome,
                                           _outbound(backend, agent, cid, outcome, cb.id))
    assert row.state == "done" and row.outcome == outcome
    assert backend.callbacks.alerts(agent) == (0, 0)


def test_unanswered_outbound_without_callback_creates_a_retry(backend, clock):
    people = floor(backend)
    agent = people["agent1"]
    cid = customer(backend, agent, "吴十", "13800138004")
    call_id = _outbound(backend, agent, cid, "no_answer")
    row = backend.callbacks.record_outbound(agent, call_id)
    assert row is not None and row.source == "no_answer" and row.owner_id == agent.user_id
    assert row.due_at == clock() + timedelta(minutes=30)
    assert backend.callbacks.record_outbound(agent, call_id).id == row.id  # once per call
    assert backend.callbacks.record_outbound(
        agent, _outbound(backend, agent, cid, "reached")) is None


def test_overdue_mine_released_to_the_pool_and_alerts(backend, clock):
    people = floor(backend)
    agent = people["agent1"]
    cid = customer(backend, agent, "郑一", "13800138005")
    soon = backend.callbacks.schedule(agent, CallbackInput(cid, clock() + timedelta(minutes=10)))
    late = backend.callbacks.schedule(agent, CallbackInput(cid, clock() + timedelta(minutes=1)))
    backend.callbacks.schedule(agent, CallbackInput(cid, clock() + timedelta(days=1)))
    clock.advance(minutes=5)
    assert backend.callbacks.alerts(agent) == (1, 1)
    listed = backend.callbacks.open_for(agent)
    assert [r.id for r in listed][:2] == [late.id, soon.id] and listed[0].overdue
    clock.advance(minutes=100)
    assert run_once(backend, release_after=timedelta(hours=2)).released == 0
    clock.advance(minutes=20)
    report = run_once(backend, release_after=timedelta(hours=2))
    assert report.released == 1  # only the one overdue by more than two hours
    assert backend.callbacks.get(agent, late.id).owner_id is None
    assert backend.callbacks.get(agent, soon.id).owner_id == agent.user_id
    # Another agent sees it in the pool and takes it.
    assert late.id in [r.id for r in backend.callbacks.open_for(people["agent2"])]
    assert backend.callbacks.take(people["agent2"], late.id).owner_id == people["agent2"].user_id


def _contract(backend, cid, **fields):
    with backend.db.write() as s:
        k = Contract(customer_id=cid, reference=f"K-{cid}-{len(fields)}", **fields)
        s.add(k)
        s.flush()
        return k.id


def _rule_keys(backend):
    with backend.db.read() as s:
        return {k: (due, owner) for k, due, owner in s.execute(
            select(Callback.rule_key, Callback.due_at, Callback.owner_id)
            .where(Callback.rule_key.is_not(None)))}


def test_schedule_rules_create_each_callback_once(backend, clock):
    people = floor(backend)
    agent = people["agent1"]
    now = clock()
    delivered = customer(backend, agent, "交付客户", "13700000001")
    accepted = customer(backend, agent, "验收客户", "13700000002")
    warranty = customer(backend, agent, "保修客户", "13700000003")
    signed = customer(backend, agent, "合同客户", "13700000004")
    key = customer(backend, agent, "大客户", "13700000005", key_account=True)
    with backend.db.write() as s:
        s.get(Customer, key).dedicated_agent_id = agent.user_id
    k1 = _contract(backend, delivered, delivered_at=now - timedelta(hours=1))
    k2 = _contract(backend, accepted, accepted_on=date(2026, 11, 21))
    # Warranty from 2026-08-23: the first quarterly call (2026-11-23 10:00 local) is due.
    k3 = _contract(backend, warranty, accepted_on=date(2026, 8, 23),
                   warranty_until=date(2027, 8, 23))
    k4 = _contract(backend, signed, signed_on=date(2026, 10, 23))
    created = run_once(backend).rule_callbacks
    keys = _rule_keys(backend)
    assert keys[f"delivery:{k1}"][0] == now + timedelta(hours=2)
    assert keys[f"acceptance:{k2}"][0] == datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    assert keys[f"warranty:{k3}:1"][0] == datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    assert keys[f"contract:{k4}:1"][0] == datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    km = f"key_account:{key}:2026-11:1"
    assert km in keys and keys[km][1] == agent.user_id  # the dedicated seat owns it
    assert all(owner is None for k, (_, owner) in keys.items() if k != km)
    assert created == len(keys) == 5
    assert run_once(backend).rule_callbacks == 0  # idempotent
    # A month later the contract's second monthly call and the warranty's next are made.
    clock.advance(days=31)
    run_once(backend)
    keys = _rule_keys(backend)
    assert f"contract:{k4}:2" in keys and f"warranty:{k3}:2" not in keys
    assert f"key_account:{key}:2026-12:1" in keys


def test_two_workers_racing_create_rule_callbacks_once(db_url, clock):
    seed = Backend.open(db_url, clock)
    people = floor(seed)
    for i in range(20):
        cid = customer(seed, people["agent1"], f"客户{i}", f"1370000{i:04d}")
        _contract(seed, cid, delivered_at=clock() - timedelta(minutes=30),
                  signed_on=date(2026, 10, 23))
    reports = racing_worker_passes(db_url, clock)
    assert all(not r.errors for r in reports), reports
    assert sum(r.rule_callbacks for r in reports) == 40
    with seed.db.read() as s:
        assert s.scalar(select(func.count(Callback.id))) == 40
    seed.close()
