"""交接班: pre-fill, check, sign, countersign or refuse; read-only once countersigned."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from seatdesk.data.models import (
    Call,
    Callback,
    CallState,
    Complaint,
    Customer,
    Direction,
    Notification,
)
from seatdesk.domain.errors import Conflict, InvalidInput, PermissionDenied
from tests.factories import floor


def _open_work(backend, people, clock):
    now = clock()
    a1 = people["agent1"].user_id
    with backend.db.write() as s:
        calm = Customer(name="王芳", created_at=now, updated_at=now)
        risky = Customer(name="李强", risk_flag=True, risk_reason="辱骂座席", created_at=now,
                         updated_at=now)
        s.add_all([calm, risky])
        s.flush()
        s.add_all([
            Callback(customer_id=calm.id, reason="安装回访", due_at=now - timedelta(hours=1),
                     owner_id=a1, created_at=now),  # overdue
            Callback(customer_id=calm.id, reason="保修回访", due_at=now + timedelta(hours=3),
                     created_at=now),  # due later today, in the pool
            Callback(customer_id=calm.id, reason="next week", due_at=now + timedelta(days=7),
                     owner_id=a1, created_at=now),  # not due: left out
            Callback(customer_id=calm.id, reason="done", due_at=now - timedelta(hours=2),
                     state="done", owner_id=a1, created_at=now),
            Complaint(customer_id=calm.id, category="quality", summary="滤芯漏水",
                      owner_id=a1, deadline_at=now - timedelta(hours=5), created_at=now),
            Complaint(customer_id=calm.id, category="quality", summary="closed", state="closed",
                      owner_id=a1, deadline_at=now, created_at=now),
            Call(direction=Direction.INBOUND, state=CallState.WRAP_UP, agent_id=a1,
                 customer_id=risky.id, queued_at=now - timedelta(minutes=10)),
            Call(direction=Direction.INBOUND, state=CallState.CLOSED, agent_id=a1,
                 resolved=False, handed_to="维修部", queued_at=now - timedelta(hours=1),
                 closed_at=now - timedelta(minutes=30)),
        ])


def _setup(backend, clock):
    people = floor(backend)
    backend.users.add_user("lead1b", name="Lead1b", role="team_lead", password="secret123",
                           team="t1")
    people["lead1b"] = backend.users.actor("lead1b")
    _open_work(backend, people, clock)
    return people


def test_prefill_lists_what_is_open(backend, clock):
    people = _setup(backend, clock)
    h = backend.handover.start(people["lead1"])
    kinds = [(i.kind, i.overdue) for i in h.items]
    # Issue 18 item 6: the pool's callbacks are one summary line, not one item each.
    assert kinds == [("callback", True), ("complaint", True),
                     ("risk_customer", False), ("call", False), ("call", False),
                     ("pool", False)]
    assert "李强" in h.items[2].text and "辱骂座席" in h.items[2].text
    assert "维修部" in h.items[4].text
    assert h.items[5].text == "callback pool: 1 open, 0 overdue (not the team's: counted only)"
    assert all(i.ok is None for i in h.items) and h.state == "draft"
    # Opening it again continues the same draft.
    assert backend.handover.start(people["lead1"]).id == h.id


def test_sign_countersign_then_read_only(backend, clock):
    people = _setup(backend, clock)
    out, inc = people["lead1"], people["lead1b"]
    h = backend.handover.start(out)
    with pytest.raises(InvalidInput) as err:
        backend.handover.sign_out(out, h.id, "lead1b")
    assert err.value.field == "items"
    for i in range(len(h.items)):
        backend.handover.check(out, h.id, i, i != 2, "已跟进" if i != 2 else "客户未接")
    assert backend.handover.get(out, h.id).unchecked == 0
    h = backend.handover.add_note(out, h.id, "VIP专线下午系统维护")
    backend.handover.check(out, h.id, len(h.items) - 1, True)
    with pytest.raises(PermissionDenied):
        backend.handover.check(inc, h.id, 0, False)
    with pytest.raises(InvalidInput):
        backend.handover.sign_out(out, h.id, "agent1")  # not a lead
    h = backend.handover.sign_out(out, h.id, "lead1b")
    assert h.state == "awaiting" and h.incoming_name == "Lead1b"
    with pytest.raises(Conflict):
        backend.handover.check(out, h.id, 0, True)
    with pytest.raises(PermissionDenied):
        backend.handover.countersign(people["lead1"], h.id)  # not the named incoming lead
    h = backend.handover.countersign(inc, h.id)
    assert h.state == "signed" and h.read_only and h.signed_in_at == clock()
    assert [i.ok for i in h.items][:3] == [True, True, False]
    assert h.items[2].remark == "客户未接" and h.items[-1].text == "VIP专线下午系统维护"
    for attempt in (lambda: backend.handover.check(out, h.id, 0, False),
                    lambda: backend.handover.add_note(out, h.id, "more"),
                    lambda: backend.handover.refuse(inc, h.id, "late"),
                    lambda: backend.handover.countersign(inc, h.id)):
        with pytest.raises(Conflict):
            attempt()
    assert backend.handover.get(inc, h.id).items == h.items


def test_refusal_notifies_supervisors_and_reopens_for_the_outgoing_lead(backend, clock):
    people = _setup(backend, clock)
    out, inc = people["lead1"], people["lead1b"]
    h = backend.handover.start(out)
    for i in range(len(h.items)):
        backend.handover.check(out, h.id, i, True)
    backend.handover.sign_out(out, h.id, "lead1b")
    with pytest.raises(InvalidInput):
        backend.handover.refuse(inc, h.id, "  ")
    h = backend.handover.refuse(inc, h.id, "投诉#1 没有说明处理进度")
    assert h.state == "refused" and h.refusal_reason == "投诉#1 没有说明处理进度"
    with backend.db.read() as s:
        notes = s.scalars(select(Notification).where(
            Notification.kind == "handover_refused")).all()
        assert [n.user_id for n in notes] == [people["super1"].user_id]
        assert "没有说明处理进度" in notes[0].text
    # The outgoing lead fixes it and signs again.
    again = backend.handover.start(out)
    assert again.id == h.id
    backend.handover.check(out, h.id, 2, True, "已联系维修部, 明早答复")
    assert backend.handover.sign_out(out, h.id, "lead1b").state == "awaiting"


def test_a_centre_wide_pool_is_counted_and_unchanged_items_marked_seen_at_once(backend, clock):
    people = _setup(backend, clock)
    now = clock()
    with backend.db.write() as s:
        cust = s.scalars(select(Customer)).first()
        for days in range(1, 8):  # a week of pool callbacks nobody took
            for _n in range(3):
                s.add(Callback(customer_id=cust.id, reason="pool", created_at=now,
                               due_at=now - timedelta(days=days)))
    out = people["lead1"]
    h = backend.handover.start(out)
    assert [i.kind for i in h.items].count("callback") == 1  # agent1's own only
    assert h.items[-1].text == ("callback pool: 22 open, 21 overdue "
                                "(not the team's: counted only)")
    backend.handover.check(out, h.id, 1, False, "客户未接")
    h = backend.handover.mark_unchanged_seen(out, h.id)
    assert h.unchecked == 0
    assert [i.ok for i in h.items] == [True, False, True, True, True, True]
    assert h.items[0].remark == "seen" and h.items[1].remark == "客户未接"
    assert backend.handover.sign_out(out, h.id, "lead1b").state == "awaiting"
