"""The live floor and the KPI report show the same figures for the same day (issue 18, 5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from seatdesk.data.models import Call, CallState, Direction, Queue
from tests.factories import floor

SH = ZoneInfo("Asia/Shanghai")
TODAY = datetime(2026, 11, 23, tzinfo=SH)  # the frozen clock is 09:30 that day


def _call(s, qid, minute, *, wait, answered, state=None):
    at = (TODAY + timedelta(hours=8, minutes=minute)).astimezone(UTC)
    done = at + timedelta(seconds=wait)
    s.add(Call(direction=Direction.INBOUND, queue_id=qid, queued_at=at, wait_seconds=wait,
               state=state or (CallState.CLOSED if answered else CallState.ABANDONED),
               answered_at=done if answered else None,
               abandoned_at=None if answered or state == CallState.QUEUED else done,
               closed_at=done + timedelta(seconds=200) if answered else None,
               talk_seconds=150 if answered else 0, hold_seconds=0,
               wrap_seconds=50 if answered else 0))


def test_floor_figures_equal_the_report_for_the_same_day(backend):
    people = floor(backend)
    with backend.db.write() as s:
        general = s.scalar(select(Queue.id).where(Queue.code == "general"))
        vip = s.scalar(select(Queue.id).where(Queue.code == "vip"))
        _call(s, general, 0, wait=5, answered=True)
        _call(s, general, 5, wait=30, answered=True)  # answered after T = 20 s
        _call(s, general, 10, wait=3, answered=False)  # a short abandon (< 5 s)
        _call(s, general, 15, wait=40, answered=False)
        _call(s, vip, 20, wait=10, answered=True)
        _call(s, vip, 25, wait=60, answered=False)
        _call(s, vip, 80, wait=0, answered=False, state=CallState.QUEUED)  # waiting now
    snap = backend.floor.snapshot(people["lead1"], None)
    report = backend.reports.kpi(people["super1"], TODAY.date(), TODAY.date(), by="queue")
    by_code = {r.label.rsplit("(", 1)[1].rstrip(")"): r.values for r in report.rows}
    for q in snap.queues:
        want = by_code[q.code]
        assert (q.offered, q.answered, q.abandoned) == (
            want["offered"], want["answered"], want["abandoned"]), q.code
        assert q.service_level == pytest.approx(want["service_level"]), q.code
        assert q.abandon_rate == pytest.approx(want["abandon_rate"]), q.code
        assert q.asa_seconds == pytest.approx(want["asa"]), q.code
    t, total = snap.total, report.total.values
    assert (t.offered, t.abandoned) == (total["offered"], total["abandoned"])
    assert t.service_level == pytest.approx(total["service_level"])
    assert t.abandon_rate == pytest.approx(total["abandon_rate"])
    # By hand, general: 4 offered, 1 short abandon; SL 1 / (2 + 1) and abandoned 1 / 3.
    g = next(q for q in snap.queues if q.code == "general")
    assert g.service_level == pytest.approx(1 / 3) and g.abandon_rate == pytest.approx(1 / 3)
