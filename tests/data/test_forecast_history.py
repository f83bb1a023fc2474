"""Forecasts that say what they know: short history, holidays, trend, accuracy afterwards.

Expected values are worked by hand from the calls put in (the issue's example: two weeks
of history with 23 and 21 calls at 10:00 forecast 22, not (23 + 21) / 4 = 11).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from seatdesk.data.models import Call, CallState, Direction, Queue
from seatdesk.data.models.complaints import CalendarDay
from tests.factories import floor, prove_floor_users

SH = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 12, 2)  # Wednesday


def _calls(backend, counts: dict[date, int], *, hour=10, queue="general"):
    with backend.db.write() as s:
        qid = s.scalar(select(Queue.id).where(Queue.code == queue))
        for day, n in counts.items():
            for i in range(n):
                at = datetime(day.year, day.month, day.day, hour, i % 30, tzinfo=SH)
                s.add(Call(direction=Direction.INBOUND, state=CallState.CLOSED, queue_id=qid,
                           queued_at=at.astimezone(UTC),
                           answered_at=at.astimezone(UTC) + timedelta(seconds=5),
                           talk_seconds=200, hold_seconds=0, wrap_seconds=100))


def test_two_weeks_of_history_are_averaged_over_two_not_four(backend):
    lead = floor(backend)["lead1"]
    _calls(backend, {DAY - timedelta(weeks=1): 21, DAY - timedelta(weeks=2): 23})
    f = backend.forecast.forecast(lead, "general", DAY, weeks=4)
    assert f.rows[20].history == 22  # 10:00
    assert (f.weeks_used, f.weeks) == (2, 4)


def test_a_past_holiday_is_left_out_and_a_holiday_is_forecast_from_holidays(backend):
    lead = floor(backend)["lead1"]
    holiday = DAY - timedelta(weeks=1)
    _calls(backend, {DAY - timedelta(weeks=3): 30, DAY - timedelta(weeks=2): 20, holiday: 4})
    with backend.db.write() as s:
        s.add(CalendarDay(day=holiday, working=False, note="holiday"))
    f = backend.forecast.forecast(lead, "general", DAY, weeks=3)
    # The holiday week is no normal Wednesday: (30 + 20) / 2.
    assert f.rows[20].history == 25 and f.weeks_used == 2 and f.basis == "weekday"
    with backend.db.write() as s:
        s.add(CalendarDay(day=DAY, working=False, note="holiday"))
    h = backend.forecast.forecast(lead, "general", DAY, weeks=3)
    # A holiday is forecast from the past holidays with history: the one day with 4 calls.
    assert h.basis == "holiday" and h.rows[20].history == 4 and h.weeks_used == 1


def test_trend_over_three_weeks_follows_holt(backend):
    lead = floor(backend)["lead1"]
    _calls(backend, {DAY - timedelta(weeks=3): 10, DAY - timedelta(weeks=2): 20,
                     DAY - timedelta(weeks=1): 30})
    f = backend.forecast.forecast(lead, "general", DAY, weeks=3)
    # Holt, alpha 0.5, beta 0.3, level0 = 10, trend0 = 20 - 10 = 10:
    # week 2: level = .5*20 + .5*(10+10) = 20, trend = .3*10 + .7*10 = 10
    # week 3: level = .5*30 + .5*(20+10) = 30, trend = .3*10 + .7*10 = 10 -> next 40.
    assert f.rows[20].history == 20
    assert f.rows[20].calls == pytest.approx(40)
    flat = backend.forecast.forecast(lead, "general", DAY, weeks=3, trend=False)
    assert flat.rows[20].calls == 20


def test_accuracy_is_wape_per_day_and_queue(backend):
    lead = floor(backend)["lead1"]
    past = date(2026, 11, 18)  # a Wednesday before the frozen clock (Mon 23 Nov)
    # History for `past`: 10 at 10:00 two weeks back; actual on `past`: 6 at 10:00, 2 at 11:00.
    _calls(backend, {past - timedelta(weeks=1): 10})
    _calls(backend, {past: 6})
    _calls(backend, {past: 2}, hour=11)
    rows = backend.forecast.accuracy(lead, "general", past, past, weeks=1)
    assert len(rows) == 1
    r = rows[0]
    # Forecast 10 at 10:00 and 0 at 11:00; |10-6| + |0-2| = 6 over 8 actual calls.
    assert (r.day, r.queue_code, r.forecast, r.actual) == (past, "general", 10, 8)
    assert r.wape == pytest.approx(6 / 8)


def test_the_coverage_of_a_past_day_shows_the_forecast_accuracy(backend):
    lead = floor(backend)["lead1"]
    past = date(2026, 11, 18)
    _calls(backend, {past - timedelta(weeks=1): 10})
    _calls(backend, {past: 6})
    cover = backend.roster.coverage(lead, None, past, weeks=1)
    got = {a.queue_code: (a.forecast, a.actual, a.wape) for a in cover.accuracy}
    assert got == {"general": (10, 6, pytest.approx(4 / 6)), "vip": (0, 0, None)}
    # The coverage screen names each queue in the reader's language.
    from seatdesk.domain.i18n import set_language

    set_language("zh")
    try:
        assert [a.queue_shown for a in cover.accuracy] == ["综合", "VIP专线"]
    finally:
        set_language("en")
    assert [a.queue_shown for a in cover.accuracy] == ["General", "VIP line"]
    assert backend.roster.coverage(lead, None, DAY).accuracy == ()  # not over yet


def test_forecast_command_says_how_many_weeks_and_shows_accuracy(backend, clock, db_url,
                                                                 monkeypatch):
    from click.testing import CliRunner

    from seatdesk.cli.main import main
    from seatdesk.services.container import Backend

    floor(backend)
    past = date(2026, 11, 18)
    _calls(backend, {past - timedelta(weeks=1): 10})
    _calls(backend, {past: 6})
    _calls(backend, {past: 2}, hour=11)
    monkeypatch.setenv("SEATDESK_DB", db_url)
    prove_floor_users(monkeypatch)  # each --as is proven with the floor\'s password
    real_open = Backend.open
    monkeypatch.setattr(Backend, "open", classmethod(lambda cls, url: real_open(url, clock)))
    out = CliRunner().invoke(main, ["--lang", "en", "forecast", "--queue", "general", "--day",
                                    "2026-11-25", "--as", "lead1"])
    assert out.exit_code == 0, out.output
    assert "averaged over 2 of 4 weeks" in out.output
    acc = CliRunner().invoke(main, ["--lang", "en", "forecast", "--accuracy", "--day",
                                    "2026-11-18", "--queue", "general", "--weeks", "1",
                                    "--as", "lead1"])
    assert acc.exit_code == 0, acc.output
    assert acc.output.splitlines()[1].split() == ["2026-11-18", "general", "10", "8", "75%"]
    bad = CliRunner().invoke(main, ["--lang", "en", "forecast", "--accuracy", "--day",
                                    "2026-12-30", "--as", "lead1"])
    assert bad.exit_code != 0 and "Traceback" not in bad.output
    assert "only for days that are over" in bad.output


def test_a_make_up_working_day_is_forecast_from_past_make_up_days(backend):
    lead = floor(backend)["lead1"]
    saturday = date(2026, 12, 5)
    earlier = date(2026, 10, 10)  # a past make-up Saturday (国庆调休)
    _calls(backend, {earlier: 18, saturday - timedelta(weeks=1): 3,
                     saturday - timedelta(weeks=2): 5})
    with backend.db.write() as s:
        s.add(CalendarDay(day=earlier, working=True, note="调休"))
    plain = backend.forecast.forecast(lead, "general", saturday, weeks=2)
    assert plain.basis == "weekday" and plain.rows[20].history == 4  # ordinary Saturdays
    with backend.db.write() as s:
        s.add(CalendarDay(day=saturday, working=True, note="调休"))
    f = backend.forecast.forecast(lead, "general", saturday, weeks=2)
    assert f.basis == "make_up" and f.rows[20].history == 18 and f.weeks_used == 1
