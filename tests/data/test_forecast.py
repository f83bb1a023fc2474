"""Forecast from a hand-built call history, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from seatdesk.data.models import Call, CallState, Direction, Queue
from seatdesk.domain.errors import InvalidInput, PermissionDenied
from seatdesk.domain.roster.forecast import StaffingGoal, required_agents
from tests.factories import floor

SH = ZoneInfo("Asia/Shanghai")
MON = date(2026, 11, 23)


def _call(s, queue_id, local: datetime, *, state=CallState.CLOSED, direction=Direction.INBOUND,
          parent=None, handle=(0, 0, 0)):
    at = local.astimezone(UTC)
    answered = state == CallState.CLOSED
    c = Call(direction=direction, state=state, queue_id=queue_id, queued_at=at,
             answered_at=at + timedelta(seconds=5) if answered else None,
             abandoned_at=None if answered else at + timedelta(seconds=40),
             talk_seconds=handle[0], hold_seconds=handle[1], wrap_seconds=handle[2],
             parent_call_id=parent)
    s.add(c)
    s.flush()
    return c.id


def _history(backend):
    from sqlalchemy import select
    with backend.db.write() as s:
        general = s.scalar(select(Queue.id).where(Queue.code == "general"))
        vip = s.scalar(select(Queue.id).where(Queue.code == "vip"))
        wk1 = datetime(2026, 11, 16, tzinfo=SH)  # Monday one week back
        wk2 = datetime(2026, 11, 9, tzinfo=SH)
        for minute in range(0, 30, 6):  # 09:00, 09:06 ... 5 calls, one abandoned
            state = CallState.ABANDONED if minute == 12 else CallState.CLOSED
            first = _call(s, general, wk1 + timedelta(hours=9, minutes=minute), state=state,
                          handle=(100, 20, 30))
        # A transfer's second leg is not a new offered call.
        _call(s, general, wk1 + timedelta(hours=9, minutes=20), parent=first)
        _call(s, general, wk1 + timedelta(hours=9, minutes=29))  # still 09:00–09:30: 6th
        _call(s, general, wk2 + timedelta(hours=9, minutes=10), handle=(100, 20, 30))
        _call(s, general, wk2 + timedelta(hours=9, minutes=11), handle=(100, 20, 30))
        _call(s, general, wk1 + timedelta(minutes=5))  # 00:05 local: first interval
        _call(s, general, wk1 - timedelta(minutes=10))  # Sunday 23:50: another day
        _call(s, general, wk1 + timedelta(days=1, hours=9))  # Tuesday
        _call(s, vip, wk1 + timedelta(hours=9))  # another queue
        _call(s, general, wk1 + timedelta(hours=9), direction=Direction.OUTBOUND)
        _call(s, general, datetime(2026, 10, 12, 9, tzinfo=SH))  # six weeks back


def test_forecast_counts_offered_calls_per_interval(backend):
    people = floor(backend)
    _history(backend)
    lead = people["lead1"]
    f = backend.forecast.forecast(lead, "general", MON, interval_minutes=30, weeks=4)
    assert len(f.rows) == 48
    assert f.rows[18].start == datetime(2026, 11, 23, 9, tzinfo=SH)
    assert f.rows[18].history == (6 + 2) / 4
    assert f.rows[0].history == 1 / 4
    assert sum(r.history for r in f.rows) == pytest.approx((6 + 2 + 1) / 4)
    # AHT from answered calls: talk 100 + hold 20 + wrap 30 on the calls that had them.
    assert f.aht_from_history
    two = backend.forecast.forecast(lead, "general", MON, interval_minutes=15, weeks=2)
    assert two.rows[36].history == (3 + 2) / 2 and two.rows[37].history == (3 + 0) / 2
    assert len(two.rows) == 96
    expected = required_agents([r.calls for r in f.rows], aht=f.aht_seconds,
                               interval_minutes=30, goal=StaffingGoal(0.8, 20))
    assert [r.required for r in f.rows] == expected and f.rows[18].required > 0


def test_aht_from_history_or_given(backend):
    people = floor(backend)
    _history(backend)
    lead = people["lead1"]
    f = backend.forecast.forecast(lead, "general", MON, weeks=1)
    # The week before: four answered calls with 150 s; four others (the transfer leg,
    # 09:29, 00:05 and Tuesday) with 0 s. The abandoned call has no handling time.
    assert f.aht_seconds == pytest.approx(4 * 150 / 8, abs=0.1)
    given = backend.forecast.forecast(lead, "general", MON, aht=240)
    assert given.aht_seconds == 240 and not given.aht_from_history


def test_overrides_are_stored_and_used(backend):
    people = floor(backend)
    _history(backend)
    lead = people["lead1"]
    backend.forecast.set_override(lead, "general", MON, 10 * 60, 12.0)
    f = backend.forecast.forecast(lead, "general", MON)
    assert f.rows[20].override == 12.0 and f.rows[20].calls == 12.0
    assert f.rows[20].history == 0 and f.rows[20].required > 0
    backend.forecast.set_override(lead, "general", MON, 10 * 60, 3.0)  # replaced, not added
    assert backend.forecast.forecast(lead, "general", MON).rows[20].calls == 3.0
    backend.forecast.set_override(lead, "general", MON, 10 * 60, None)
    assert backend.forecast.forecast(lead, "general", MON).rows[20].override is None
    with pytest.raises(InvalidInput) as err:
        backend.forecast.set_override(lead, "general", MON, 10 * 60 + 7, 1.0)
    assert err.value.field == "start"
    with pytest.raises(InvalidInput):
        backend.forecast.forecast(lead, "general", MON, interval_minutes=7)
    with pytest.raises(PermissionDenied):
        backend.forecast.forecast(people["agent1"], "general", MON)
