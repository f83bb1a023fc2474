"""Complaints: register, assign, investigate, answer, return call, close; escalation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from seatdesk.data.models import Callback, Complaint, ComplaintEvent, Notification, Team, User
from seatdesk.domain.errors import InvalidInput, PermissionDenied
from seatdesk.runtime.daemon import run_once
from seatdesk.services.complaints import ComplaintInput
from seatdesk.services.container import Backend
from seatdesk.services.dto import SYSTEM, WrapUp
from tests.factories import customer, floor, racing_worker_passes


def _return_call(backend, agent, complaint_id, customer_id, outcome="reached"):
    view = backend.calls.start_outbound(agent, customer_id=customer_id,
                                        purpose="complaint_follow_up",
                                        complaint_id=complaint_id)
    backend.calls.save_wrap_up(agent, view.id, WrapUp(outbound_outcome=outcome, notes="回访"))
    return view.id


def _complaint(backend, people, cid, **kw):
    data = dict(customer_id=cid, category="product", summary="净水器漏水",
                customer_wants="上门维修", owner_department="售后部")
    data.update(kw)
    return backend.complaints.register(people["agent1"], ComplaintInput(**data))


def _kinds(backend, complaint_id):
    with backend.db.read() as s:
        return [e.kind for e in s.scalars(select(ComplaintEvent).where(
            ComplaintEvent.complaint_id == complaint_id).order_by(ComplaintEvent.id))]


def test_register_assign_answer_close_with_return_call(backend, clock):
    people = floor(backend)
    agent, lead = people["agent1"], people["lead1"]
    cid = customer(backend, agent, "王芳", "13800138000")
    call_id = backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    backend.calls.claim_next(agent)
    row = _complaint(backend, people, cid, call_id=call_id)
    assert row.state == "registered" and row.deadline_at == clock() + timedelta(hours=24)
    # The return-call callback exists, owned by the agent who took the complaint.
    with backend.db.read() as s:
        cb = s.scalar(select(Callback).where(Callback.complaint_id == row.id))
        assert cb.source == "complaint" and cb.owner_id == agent.user_id
        assert cb.number == "+8613800138000" and cb.due_at == row.deadline_at
        assert s.get(Complaint, row.id).call_id == call_id
    # The card shows it as open.
    card = backend.customers.card(lead, cid)
    assert [c.id for c in card.open_complaints] == [row.id]

    backend.complaints.assign(lead, row.id, owner_login="agent2", department="售后部")
    backend.complaints.investigate(people["agent2"], row.id, "滤芯安装不当")
    backend.complaints.answer(people["agent2"], row.id, "免费更换滤芯", company_fault=True)
    # agent2 was told on their screen.
    unread = backend.notifications.unread(people["agent2"])
    assert len(unread) == 1 and unread[0].ref == f"complaint:{row.id}"
    assert backend.notifications.mark_read(people["agent2"]) == 1
    assert backend.notifications.unread(people["agent2"]) == []

    with pytest.raises(InvalidInput) as err:
        backend.complaints.close(lead, row.id, closing_summary="已解决", lesson="安装培训")
    assert err.value.field == "return_call"
    # An unanswered return call does not count either.
    backend.calls.end(agent, backend.calls.current_call(agent).id)
    backend.calls.save_wrap_up(agent, call_id, WrapUp(category="complaint",
                                                      disposition="handed_over",
                                                      resolved=False, handed_to="售后部"))
    _return_call(backend, agent, row.id, cid, outcome="no_answer")
    with pytest.raises(InvalidInput):
        backend.complaints.close(lead, row.id, closing_summary="已解决", lesson="安装培训")
    rc = _return_call(backend, agent, row.id, cid)
    backend.callbacks.record_attempt(agent, cb.id, "reached", rc)
    closed = backend.complaints.close(lead, row.id, closing_summary="已解决",
                                      lesson="安装培训")
    assert closed.state == "closed"
    detail = backend.complaints.detail(lead, row.id)
    assert detail.return_call_id == rc and detail.lesson == "安装培训"
    assert _kinds(backend, row.id) == ["registered", "assigned", "assigned", "investigated",
                                       "answered", "return_call", "closed"]
    assert backend.customers.card(lead, cid).open_complaints == ()


def test_register_validates_and_checks_permissions(backend):
    people = floor(backend)
    cid = customer(backend, people["agent1"], "李雷", "13900000001")
    with pytest.raises(InvalidInput) as err:
        _complaint(backend, people, cid, category="weather")
    assert err.value.field == "category"
    with pytest.raises(InvalidInput) as err:
        _complaint(backend, people, cid, summary="  ")
    assert err.value.field == "summary"
    with pytest.raises(InvalidInput) as err:
        _complaint(backend, people, cid, owner_department="售后\x1b[31m")
    assert err.value.field == "owner_department"
    with pytest.raises(PermissionDenied):
        backend.complaints.register(people["qa1"], ComplaintInput(cid, "product", "x"))
    row = _complaint(backend, people, cid)
    with pytest.raises(PermissionDenied):
        backend.complaints.assign(people["agent2"], row.id, owner_login="agent1")
    with pytest.raises(PermissionDenied):
        backend.complaints.investigate(people["agent2"], row.id, "not mine")
    with pytest.raises(PermissionDenied):
        backend.complaints.listing(people["agent1"])
    with backend.db.read() as s:
        assert s.scalar(select(func.count(Complaint.id))) == 1


def test_deadline_rules_in_working_hours(backend, clock):
    people = floor(backend)
    cid = customer(backend, people["agent1"], "张三", "13900000002")
    backend.complaints.set_deadline_rule(people["super1"], category="billing", hours=8,
                                         working_hours=True)
    backend.complaints.set_deadline_rule(people["super1"], severity="critical", hours=2,
                                         working_hours=False)
    # Monday 09:30 Shanghai: 8 working hours end at 17:30 the same day.
    row = _complaint(backend, people, cid, category="billing")
    assert row.deadline_at == datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    row = _complaint(backend, people, cid, severity="critical")
    assert row.deadline_at == clock() + timedelta(hours=2)
    # Friday 17:00 local: 8 working hours run to Monday 16:00 (weekend skipped).
    clock.now = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    row = _complaint(backend, people, cid, category="billing")
    assert row.deadline_at == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    # A holiday Monday pushes it one more day.
    from datetime import date
    backend.complaints.set_calendar_day(people["super1"], date(2026, 11, 30), working=False)
    row = _complaint(backend, people, cid, category="billing")
    assert row.deadline_at == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def _set_team_lead(backend, lead_login, team="t1"):
    with backend.db.write() as s:
        lead = s.scalar(select(User).where(User.login == lead_login))
        s.scalar(select(Team).where(Team.code == team)).lead_id = lead.id


def test_missed_deadline_escalates_one_level_at_a_time(backend, clock):
    people = floor(backend)
    _set_team_lead(backend, "lead1")
    cid = customer(backend, people["agent1"], "赵六", "13900000003")
    row = _complaint(backend, people, cid, owner_login="agent2")
    assert run_once(backend).escalated == ()  # not yet late
    clock.advance(hours=24, seconds=1)
    report = run_once(backend)
    assert report.escalated == (row.id,)
    with backend.db.read() as s:
        c = s.get(Complaint, row.id)
        assert c.level == 1 and c.owner_id == people["lead1"].user_id
        assert c.deadline_at == clock() + timedelta(hours=24)
        note = s.scalar(select(Notification).where(Notification.user_id == c.owner_id,
                                                   Notification.kind == "escalation"))
        assert note is not None and f"#{row.id}" in note.text
    assert run_once(backend).escalated == ()  # the new deadline is not missed yet
    clock.advance(hours=25)
    run_once(backend)
    clock.advance(hours=25)
    run_once(backend)
    clock.advance(hours=25)
    assert run_once(backend).escalated == ()  # level 3 is the top
    with backend.db.read() as s:
        c = s.get(Complaint, row.id)
        assert c.level == 3 and c.owner_id == people["admin1"].user_id
    assert _kinds(backend, row.id).count("escalated") == 3
    # The lead sees it as overdue on the complaints screen's list.
    assert [r.id for r in backend.complaints.listing(people["lead1"], "overdue")] == [row.id]


def test_two_workers_racing_escalate_exactly_once(db_url, clock):
    seed = Backend.open(db_url, clock)
    people = floor(seed)
    cid = customer(seed, people["agent1"], "钱七", "13900000004")
    ids = [_complaint(seed, people, cid).id for _ in range(6)]
    clock.advance(hours=30)
    reports = racing_worker_passes(db_url, clock)
    assert all(not r.errors for r in reports), reports
    escalated = sorted(i for r in reports for i in r.escalated)
    assert escalated == sorted(ids)
    with seed.db.read() as s:
        assert s.scalar(select(func.count(ComplaintEvent.id)).where(
            ComplaintEvent.kind == "escalated")) == 6
        assert set(s.scalars(select(Complaint.level))) == {1}
        # Each escalated complaint notified its new owner once.
        assert s.scalar(select(func.count(Notification.id)).where(
            Notification.kind == "escalation")) == 6
    seed.close()


def test_escalation_key_is_unique_even_if_rows_are_not_locked(backend, clock):
    """The dedupe key alone stops a second escalation to the same level."""
    people = floor(backend)
    cid = customer(backend, people["agent1"], "孙八", "13900000005")
    row = _complaint(backend, people, cid)
    with backend.db.write() as s:
        s.add(ComplaintEvent(complaint_id=row.id, at=clock(), kind="escalated",
                             dedupe_key=f"escalate:{row.id}:1"))
    clock.advance(hours=25)
    assert backend.complaints.escalate_overdue() == []
    with backend.db.read() as s:
        assert s.get(Complaint, row.id).level == 0


def test_export_rows_masked_and_audited(backend, clock):
    from seatdesk.data.models import AuditEntry

    people = floor(backend)
    cid = customer(backend, people["agent1"], "王芳", "13800138000")
    _complaint(backend, people, cid)
    start, end = clock() - timedelta(days=1), clock() + timedelta(days=1)
    rows = backend.complaints.export_rows(people["lead1"], start, end)
    assert len(rows) == 1 and rows[0]["phone"] == "138****8000" and rows[0]["customer"] == "王*"
    rows = backend.complaints.export_rows(people["super1"], start, end)
    assert rows[0]["phone"] == "+8613800138000"
    with pytest.raises(PermissionDenied):
        backend.complaints.export_rows(people["agent1"], start, end)
    with backend.db.read() as s:
        assert s.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.action == "complaints.export")) == 2


def test_a_taken_dedupe_key_is_the_projects_duplicate_error(backend, clock):
    """The unique violation is translated where it happens (the data layer's savepoint):
    the service sees DuplicateRecord, a Conflict, never SQLAlchemy's IntegrityError, and the
    transaction it happened in goes on."""
    from seatdesk.data.engine import savepoint
    from seatdesk.domain.errors import Conflict, DuplicateRecord

    people = floor(backend)
    cid = customer(backend, people["agent1"], "孙八", "13900000005")
    row = _complaint(backend, people, cid)
    key = f"escalate:{row.id}:1"
    with backend.db.write() as s:
        s.add(ComplaintEvent(complaint_id=row.id, at=clock(), kind="escalated", dedupe_key=key))
    with backend.db.write() as s:
        with pytest.raises(DuplicateRecord) as caught:
            with savepoint(s):
                s.add(ComplaintEvent(complaint_id=row.id, at=clock(), kind="escalated",
                                     dedupe_key=key))
        assert isinstance(caught.value, Conflict)
        s.add(ComplaintEvent(complaint_id=row.id, at=clock(), kind="note", dedupe_key=None))
    with backend.db.read() as s:
        kinds = list(s.scalars(select(ComplaintEvent.kind).where(
            ComplaintEvent.complaint_id == row.id)))
    assert kinds.count("escalated") == 1 and "note" in kinds
