"""The KPI report against a small hand-built floor, on SQLite and PostgreSQL.

Every expected number is worked out by hand in the comments next to it. The center's
zone is Asia/Shanghai (UTC+8): local 09:00 is 01:00 UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from seatdesk.data.models import (
    AgentStateEvent,
    AuditEntry,
    Call,
    Callback,
    CallState,
    Complaint,
    ComplaintEvent,
    Customer,
    Direction,
    QaCalibration,
    QaEvaluation,
    QaForm,
    Queue,
    Shift,
    User,
)
from seatdesk.domain.errors import InvalidInput, PermissionDenied
from seatdesk.services.container import Backend
from seatdesk.services.first_contact import backfill_prior_contacts
from tests.factories import floor

SH = ZoneInfo("Asia/Shanghai")
FRI, SAT = date(2026, 11, 20), date(2026, 11, 21)


def local(day: date, hh: int, mm: int = 0, ss: int = 0, tz: ZoneInfo = SH) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=tz).astimezone(UTC)


def inbound(queue_id: int, at: datetime, *, wait: int | None, answered: bool = True,
            closed: bool = True, agent: int | None = None, talk: int = 0, hold: int = 0,
            holds: int = 0, wrap: int = 0, resolved: bool | None = None,
            transferred: bool = False, customer: int | None = None,
            category: str | None = None, satisfaction: int | None = None,
            parent: int | None = None) -> Call:
    """An inbound call as the services leave it, with its durations written directly."""
    abandoned = not answered and wait is not None
    answered_at = at + timedelta(seconds=wait or 0) if answered else None
    closed_at = answered_at + timedelta(seconds=talk + hold + wrap) if answered and closed \
        else None
    return Call(
        direction=Direction.INBOUND,
        state=CallState.CLOSED if closed_at else (
            CallState.ABANDONED if abandoned else CallState.QUEUED),
        queue_id=queue_id, queued_at=at, offered_at=answered_at, answered_at=answered_at,
        closed_at=closed_at, ended_at=closed_at,
        abandoned_at=at + timedelta(seconds=wait or 0) if abandoned else None,
        wait_seconds=wait, agent_id=agent if answered else None, talk_seconds=talk,
        hold_seconds=hold, hold_count=holds, wrap_seconds=wrap, resolved=resolved,
        transferred=transferred, customer_id=customer, category=category,
        satisfaction=satisfaction, parent_call_id=parent,
    )


@pytest.fixture
def hand_floor(backend: Backend) -> dict[str, int]:
    return build_hand_floor(backend)


def build_hand_floor(backend: Backend) -> dict[str, int]:
    """The hand-built floor: calls, complaints, callbacks, seat states, a shift, QA."""
    people = floor(backend)
    ids = {k: v.user_id for k, v in people.items()}
    a1, a2 = ids["agent1"], ids["agent2"]
    with backend.db.write() as s:
        s.execute(update(Queue).where(Queue.code == "vip").values(sl_seconds=10))
        gen = s.scalar(select(Queue.id).where(Queue.code == "general"))
        vip = s.scalar(select(Queue.id).where(Queue.code == "vip"))
        now = local(FRI, 0)
        custs = []
        for name in ("C1", "C2", "C3"):
            c = Customer(name=name, created_at=now, updated_at=now)
            s.add(c)
            s.flush()
            custs.append(c.id)
        c1, c2, c3 = custs
        # K: a week-old repair call of C2, before the period (7 days minus 50 min before B).
        s.add(inbound(gen, local(date(2026, 11, 13), 10), wait=5, agent=a1, talk=60,
                      resolved=True, customer=c2, category="repair"))
        a = inbound(gen, local(FRI, 9), wait=10, agent=a1, talk=100, hold=20, holds=1, wrap=30,
                    resolved=True, customer=c1, category="query", satisfaction=5)
        b = inbound(gen, local(FRI, 9, 10), wait=30, agent=a1, talk=200, wrap=40,
                    resolved=False, transferred=True, customer=c2, category="repair",
                    satisfaction=3)
        s.add_all([a, b])
        s.flush()
        s.add_all([
            # B's transfer leg: handled work, not a new offer.
            inbound(gen, local(FRI, 9, 15), wait=5, agent=a2, talk=60, wrap=10, resolved=True,
                    customer=c2, category="repair", parent=b.id),
            # D: a short abandon (3 s < 5 s); E: a real abandon after 45 s.
            inbound(gen, local(FRI, 9, 20), wait=3, answered=False),
            inbound(gen, local(FRI, 9, 25), wait=45, answered=False),
            # F: the VIP queue (T = 10 s): 15 s is outside; C1 called about a query at 09:00.
            inbound(vip, local(FRI, 9, 40), wait=15, agent=a2, talk=120, wrap=20,
                    resolved=True, customer=c1, category="query"),
            # I: arrives 23:59:50 Friday, answered after midnight: counts on Friday.
            inbound(gen, local(FRI, 23, 59, 50), wait=20, agent=a1, talk=50, wrap=10,
                    resolved=True, customer=c3, category="order"),
            # J: arrives Saturday 00:00 local, which is still Friday 16:00 in UTC.
            inbound(gen, local(SAT, 0), wait=8, agent=a1, talk=30, wrap=5, resolved=True,
                    customer=c3, category="order"),
            # M: still waiting.
            inbound(gen, local(SAT, 10), wait=None, answered=False),
            # Outbound: never inbound measures.
            Call(direction=Direction.OUTBOUND, state=CallState.CLOSED, agent_id=a1,
                 customer_id=c1, offered_at=local(FRI, 9, 30), answered_at=local(FRI, 9, 30),
                 closed_at=local(FRI, 9, 35), outbound_outcome="reached", satisfaction=4,
                 talk_seconds=300, outbound_purpose="survey"),
            Call(direction=Direction.OUTBOUND, state=CallState.CLOSED, agent_id=a1,
                 customer_id=c2, offered_at=local(FRI, 10), answered_at=local(FRI, 10),
                 closed_at=local(FRI, 10, 1), outbound_outcome="no_answer",
                 outbound_purpose="callback"),
        ])
        # Complaints.
        cp = [
            Complaint(customer_id=c1, category="service", owner_id=a1, state="closed",
                      created_at=local(FRI, 10), closed_at=local(FRI, 16),
                      deadline_at=local(SAT, 10)),
            Complaint(customer_id=c2, category="product", owner_id=a1, state="closed",
                      created_at=local(FRI, 11), closed_at=local(SAT, 11),
                      deadline_at=local(FRI, 20)),
            Complaint(customer_id=c3, category="service", owner_id=a2, state="registered",
                      created_at=local(SAT, 8), deadline_at=local(SAT, 9)),
            Complaint(customer_id=c3, category="product", owner_id=a2, state="closed",
                      created_at=local(date(2026, 11, 19), 9), closed_at=local(SAT, 9),
                      deadline_at=local(date(2026, 11, 25), 9)),
        ]
        s.add_all(cp)
        s.flush()
        s.add_all([
            ComplaintEvent(complaint_id=cp[2].id, at=local(SAT, 9, 30), kind="escalated"),
            ComplaintEvent(complaint_id=cp[2].id, at=local(SAT, 10), kind="escalated"),
            ComplaintEvent(complaint_id=cp[0].id, at=local(FRI, 10, 5), kind="note"),
        ])
        # Callbacks.
        s.add_all([
            Callback(customer_id=c1, due_at=local(FRI, 12), owner_id=a1, state="done",
                     completed_at=local(FRI, 11), created_at=now),
            Callback(customer_id=c2, due_at=local(FRI, 13), owner_id=a1, state="done",
                     completed_at=local(FRI, 14), created_at=now),
            Callback(customer_id=c3, due_at=local(SAT, 9), owner_id=a2, state="open",
                     created_at=now),
            Callback(customer_id=c3, due_at=local(SAT, 10), owner_id=a2, state="cancelled",
                     created_at=now),
        ])
        # Seat states. agent1: 08:50 available, 09:00 on call, 09:05 wrap-up, 09:06
        # available, 09:30 paused, 10:00 logged out.
        for hh, mm, st in [(8, 50, "available"), (9, 0, "on_call"), (9, 5, "wrap_up"),
                           (9, 6, "available"), (9, 30, "paused"), (10, 0, "logged_out")]:
            s.add(AgentStateEvent(user_id=a1, at=local(FRI, hh, mm), state=st))
        # agent2 logged in before the period: available from Thursday 23:00, on a call at
        # 00:30 Friday, logged out at 01:00.
        s.add_all([
            AgentStateEvent(user_id=a2, at=local(date(2026, 11, 19), 23), state="available"),
            AgentStateEvent(user_id=a2, at=local(FRI, 0, 30), state="on_call"),
            AgentStateEvent(user_id=a2, at=local(FRI, 1), state="logged_out"),
        ])
        s.add(Shift(user_id=a1, day=FRI, kind="work", start_at=local(FRI, 9),
                    end_at=local(FRI, 10), published=True))
        # QA.
        form = QaForm(code="std", name="Standard", definition={}, created_at=now,
                      published=True)
        s.add(form)
        s.flush()
        calls = list(s.scalars(select(Call.id).where(Call.direction == Direction.INBOUND)
                               .order_by(Call.id)))
        cal = QaCalibration(call_id=calls[4], form_id=form.id, created_by=ids["qa1"],
                            created_at=now)
        s.add(cal)
        s.flush()
        for call_id, score, passed, state, cal_id in [
            (calls[1], 90.0, True, "submitted", None),
            (calls[2], 70.0, False, "submitted", None),
            (calls[3], 10.0, False, "draft", None),
            (calls[4], 20.0, False, "submitted", cal.id),
        ]:
            s.add(QaEvaluation(call_id=call_id, form_id=form.id, agent_id=a1,
                               inspector_id=ids["qa1"], state=state, score=score,
                               passed=passed, calibration_id=cal_id, created_at=now,
                               submitted_at=local(FRI, 10)))
        # The calls were written directly, so give them what the wrap-up would have stored.
        backfill_prior_contacts(s)
    return ids | {"gen": gen, "vip": vip}


def _actor(backend: Backend, login: str = "super1"):
    return backend.users.actor(login)


def test_daily_report_matches_the_hand_worked_numbers(backend, hand_floor):
    r = backend.reports.kpi(_actor(backend), FRI, SAT, "day")
    assert [row.key for row in r.rows] == ["2026-11-20", "2026-11-21"]
    fri, sat = (row.values for row in r.rows)
    # Friday first legs: A, B, D, E, F, I (B's transfer leg and J are not Friday offers).
    assert fri["offered"] == 6
    assert fri["answered"] == 4  # A, B, F, I
    assert fri["short_abandoned"] == 1 and fri["abandoned"] == 1  # D short, E real
    # Within T: A (10 <= 20), I (20 <= 20); not B (30 > 20) nor F (15 > VIP's 10).
    assert fri["answered_in_sl"] == 2
    assert fri["service_level"] == pytest.approx(2 / (4 + 1))
    assert fri["abandon_rate"] == pytest.approx(1 / (6 - 1))
    assert fri["asa"] == pytest.approx((10 + 30 + 15 + 20) / 4)
    assert fri["avg_wait"] == pytest.approx((10 + 30 + 3 + 45 + 15 + 20) / 6)
    assert fri["longest_wait"] == 45
    # Handled: A, B, B's leg, F, I.
    assert fri["handled"] == 5
    assert fri["aht"] == pytest.approx((530 + 20 + 110) / 5)
    assert fri["avg_talk"] == pytest.approx(530 / 5)
    assert fri["avg_hold"] == pytest.approx(20 / 5)
    assert fri["avg_wrap"] == pytest.approx(110 / 5)
    assert fri["transfer_rate"] == pytest.approx(1 / 5)
    assert fri["hold_rate"] == pytest.approx(1 / 5)
    assert fri["fcr"] == pytest.approx(4 / 5)  # A, leg, F, I resolved
    # Contacts A, B, F, I; repeats: F (C1 query at 09:00) and B (C2 repair on the 13th).
    assert fri["repeat_contacts"] == 2
    assert fri["repeat_rate"] == pytest.approx(2 / 4)
    # Scores 5 and 3 inbound, 4 on the outbound survey.
    assert fri["satisfaction_avg"] == pytest.approx(12 / 3)
    assert fri["satisfied_share"] == pytest.approx(2 / 3)
    assert fri["attempts"] == 2 and fri["reached_rate"] == pytest.approx(0.5)
    # Saturday: J (answered in 8 s, a repeat of I ten seconds before) and M (waiting).
    assert sat["offered"] == 2 and sat["answered"] == 1
    assert sat["service_level"] == pytest.approx(1.0)
    assert sat["asa"] == pytest.approx(8)
    assert sat["repeat_contacts"] == 1
    assert sat["attempts"] == 0 and sat["reached_rate"] is None
    assert r.total.values["offered"] == 8
    assert r.total.values["longest_wait"] == 45


def test_service_level_override_and_short_abandon_threshold(backend, hand_floor):
    r = backend.reports.kpi(_actor(backend), FRI, FRI, "day", sl_seconds=20,
                            short_abandon_seconds=0)
    fri = r.rows[0].values
    # T = 20 for every queue: A, F, I within. No short abandons: D and E both count.
    assert fri["answered_in_sl"] == 3
    assert fri["abandoned"] == 2
    assert fri["service_level"] == pytest.approx(3 / (4 + 2))
    assert fri["abandon_rate"] == pytest.approx(2 / 6)


def test_people_complaints_callbacks_and_qa(backend, hand_floor):
    r = backend.reports.kpi(_actor(backend), FRI, SAT, "day")
    fri, sat = (row.values for row in r.rows)
    # agent1 logged in 40 min (10 + 5 + 1 + 24), busy 6; agent2 from 00:00 (clipped to the
    # period): 30 min available + 30 on a call.
    assert fri["occupancy"] == pytest.approx((360 + 1800) / (2400 + 3600))
    # Shift 09:00-10:00: logged in 09:00-09:30.
    assert fri["adherence"] == pytest.approx(0.5)
    assert sat["adherence"] is None  # no roster that day
    assert (fri["complaints_opened"], fri["complaints_closed"], fri["complaints_overdue"],
            fri["complaints_escalated"]) == (2, 1, 1, 0)
    assert (sat["complaints_opened"], sat["complaints_closed"], sat["complaints_overdue"],
            sat["complaints_escalated"]) == (1, 2, 1, 1)
    assert fri["complaint_median_close"] == pytest.approx(6)
    assert sat["complaint_median_close"] == pytest.approx((24 + 48) / 2)
    # The total's median is of all three closings (6, 24, 48 h), not of the daily medians.
    assert r.total.values["complaint_median_close"] == pytest.approx(24)
    assert (fri["callbacks_due"], fri["callbacks_on_time"], fri["callbacks_overdue"]) \
        == (2, 1, 1)
    assert (sat["callbacks_due"], sat["callbacks_on_time"], sat["callbacks_overdue"]) \
        == (1, 0, 1)
    assert r.total.values["callback_on_time_rate"] == pytest.approx(1 / 3)
    assert fri["qa_evaluations"] == 2
    assert fri["qa_avg"] == pytest.approx(80)
    assert fri["qa_pass_rate"] == pytest.approx(0.5)


def test_by_agent_and_queue(backend, hand_floor):
    r = backend.reports.kpi(_actor(backend), FRI, SAT, "agent")
    rows = {row.key: row.values for row in r.rows}
    a1, a2 = str(hand_floor["agent1"]), str(hand_floor["agent2"])
    assert rows[a1]["offered"] == 4  # A, B, I, J
    assert rows[a2]["offered"] == 1 and rows[a2]["handled"] == 2  # F and B's leg
    assert rows["—"]["offered"] == 3  # D, E, M reached no agent
    assert rows[a1]["occupancy"] == pytest.approx(360 / 2400)
    assert rows[a2]["occupancy"] == pytest.approx(1800 / 3600)
    assert rows[a2]["adherence"] is None
    assert [row.label for row in r.rows][:2] == ["Agent1 (agent1)", "Agent2 (agent2)"]
    by_queue = {row.key: row.values
                for row in backend.reports.kpi(_actor(backend), FRI, FRI, "queue").rows}
    assert by_queue[str(hand_floor["vip"])]["offered"] == 1
    assert by_queue[str(hand_floor["gen"])]["offered"] == 5


def test_a_queue_row_reads_its_name_in_the_readers_language(backend, hand_floor):
    from seatdesk.domain.i18n import set_language

    def labels(lang: str) -> dict[str, str]:
        set_language(lang)
        try:
            return {row.key: row.label for row in
                    backend.reports.kpi(_actor(backend), FRI, FRI, "queue").rows}
        finally:
            set_language("en")

    vip, gen = str(hand_floor["vip"]), str(hand_floor["gen"])
    assert (labels("zh")[vip], labels("zh")[gen]) == ("VIP专线", "综合")
    assert (labels("en")[vip], labels("en")[gen]) == ("VIP line (vip)", "General (general)")


def test_interval_week_and_month_buckets(backend, hand_floor):
    r = backend.reports.kpi(_actor(backend), FRI, FRI, "interval")
    assert len(r.rows) == 48
    offered = {row.key: row.values["offered"] for row in r.rows if row.values["offered"]}
    # 09:00-09:29: A, B, D, E; 09:30: F; 23:30: I (the leg at 09:15 is not an offer).
    assert offered == {"2026-11-20 09:00": 4, "2026-11-20 09:30": 1, "2026-11-20 23:30": 1}
    # Weeks end on Friday: Friday the 20th closes a week, Saturday opens the next.
    weeks = backend.reports.kpi(_actor(backend), FRI, SAT, "week")
    assert [(row.key, row.values["offered"]) for row in weeks.rows] \
        == [("2026-11-20", 6), ("2026-11-27", 2)]
    month = backend.reports.kpi(_actor(backend), date(2026, 11, 1), date(2026, 11, 30), "month")
    # The 13th's call K is in the month too.
    assert [(row.key, row.values["offered"]) for row in month.rows] == [("2026-11", 9)]


def test_days_follow_daylight_saving_time(backend):
    """Europe/Berlin leaves summer time on 2026-10-25 at 01:00 UTC (03:00 -> 02:00)."""
    floor(backend)
    with backend.db.write() as s:
        gen = s.scalar(select(Queue.id).where(Queue.code == "general"))
        for at in (datetime(2026, 10, 24, 21, 30, tzinfo=UTC),   # 23:30 CEST on the 24th
                   datetime(2026, 10, 24, 22, 30, tzinfo=UTC),   # 00:30 CEST on the 25th
                   datetime(2026, 10, 25, 22, 30, tzinfo=UTC),   # 23:30 CET on the 25th
                   datetime(2026, 10, 25, 23, 30, tzinfo=UTC)):  # 00:30 CET on the 26th
            s.add(inbound(gen, at, wait=5, answered=False))
    r = backend.reports.kpi(_actor(backend), date(2026, 10, 24), date(2026, 10, 26), "day",
                            timezone="Europe/Berlin")
    assert [row.values["offered"] for row in r.rows] == [1, 2, 1]


def test_permission_and_bad_input(backend, hand_floor):
    with pytest.raises(PermissionDenied):
        backend.reports.kpi(_actor(backend, "agent1"), FRI, SAT)
    with pytest.raises(InvalidInput, match="before it starts"):
        backend.reports.kpi(_actor(backend), SAT, FRI)
    with pytest.raises(InvalidInput, match="interval"):
        backend.reports.kpi(_actor(backend), FRI, FRI, "interval", interval_minutes=7)
    with pytest.raises(InvalidInput, match="time zone"):
        backend.reports.kpi(_actor(backend), FRI, FRI, timezone="Mars/Olympus")


def test_export_is_audited(backend, hand_floor):
    actor = _actor(backend)
    r = backend.reports.kpi(actor, FRI, SAT)
    backend.reports.record_export(actor, r, "csv", 2, "out.csv")
    with backend.db.read() as s:
        row = s.scalar(select(AuditEntry).where(AuditEntry.action == "report.export"))
        assert row is not None and row.actor_login == "super1"
        assert row.detail["from"] == "2026-11-20" and row.detail["format"] == "csv"
        assert s.scalar(select(User.login).where(User.id == row.actor_id)) == "super1"
