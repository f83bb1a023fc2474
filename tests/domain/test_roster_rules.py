"""Roster rules, coverage arithmetic, forecast averaging and adherence (pure, no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from seatdesk.domain.roster import adherence as adh
from seatdesk.domain.roster import coverage as cov
from seatdesk.domain.roster import forecast as fc
from seatdesk.domain.roster.rules import (
    CONSECUTIVE,
    OVERLAP,
    REST,
    SKILLS,
    WEEK_HOURS,
    PlannedShift,
    RosterRules,
    check_agent,
    uncovered_queues,
    violations_touching,
)

SH = ZoneInfo("Asia/Shanghai")
MON = date(2026, 11, 23)
RULES = RosterRules(min_rest_hours=11, max_week_hours=44, max_consecutive_days=6)


def shift(day: date, start_h: float, hours: float, work: int | None = None) -> PlannedShift:
    start = datetime(day.year, day.month, day.day, tzinfo=SH) + timedelta(hours=start_h)
    return PlannedShift(7, day, start, start + timedelta(hours=hours),
                        work if work is not None else int(hours * 60))


def rules_of(shifts):
    return {v.rule for v in check_agent(shifts, RULES)}


def test_good_week_breaks_no_rule():
    week = [shift(MON + timedelta(days=i), 8.5, 9, 480) for i in range(5)]
    assert check_agent(week, RULES) == []


def test_rest_between_shifts():
    late = shift(MON, 14, 8)  # ends 22:00
    early = shift(MON + timedelta(days=1), 7, 8)  # 9 h later
    vs = check_agent([late, early], RULES)
    assert [v.rule for v in vs] == [REST]
    assert vs[0].day == MON + timedelta(days=1) and vs[0].values["hours"] == 9
    ok = shift(MON + timedelta(days=1), 9, 8)  # exactly 11 h later
    assert check_agent([late, ok], RULES) == []


def test_overlap():
    night = shift(MON, 22, 9)  # until 07:00 Tuesday
    early = shift(MON + timedelta(days=1), 6, 8)
    assert rules_of([night, early]) == {OVERLAP}


def test_week_hours():
    six = [shift(MON + timedelta(days=i), 8, 8) for i in range(6)]  # 48 h
    vs = check_agent(six, RULES)
    assert [v.rule for v in vs] == [WEEK_HOURS] and vs[0].day == MON
    assert check_agent(six[:5], RULES) == []  # 40 h
    # Hours are per ISO week: Sunday and the next Monday are in different weeks.
    split = [shift(MON + timedelta(days=i), 8, 8) for i in range(3, 10)]
    assert WEEK_HOURS not in rules_of(split)


def test_consecutive_days():
    short_days = [shift(MON + timedelta(days=i), 8, 4) for i in range(7)]  # 28 h, 7 days
    vs = check_agent(short_days, RULES)
    assert [v.rule for v in vs] == [CONSECUTIVE]
    assert vs[0].day == MON + timedelta(days=6)
    assert check_agent(short_days[:6], RULES) == []
    gap = short_days[:3] + short_days[4:]
    assert check_agent(gap, RULES) == []
    assert violations_touching(vs, MON + timedelta(days=2)) == vs
    assert violations_touching(vs, MON - timedelta(days=1)) == []


def test_uncovered_queue_skills():
    at = datetime(2026, 11, 23, 9, tzinfo=SH)
    demand = {("vip", at): 2, ("general", at): 1, ("general", at + timedelta(hours=1)): 0}
    on_duty = {at: [1, 2]}
    skills = {1: frozenset({"general"}), 2: frozenset({"general"})}
    vs = uncovered_queues(demand, on_duty, skills)
    assert [(v.rule, v.values["queue"]) for v in vs] == [(SKILLS, "vip")]
    skills[2] = frozenset({"general", "vip"})
    assert uncovered_queues(demand, on_duty, skills) == []


def test_coverage_counts_agent_minutes_and_breaks():
    day_shift = cov.TemplateSpec("D", 8 * 60 + 30, 9 * 60, ((240, 60),))  # 08:30-17:30
    grid = cov.day_grid(MON, SH, 30)
    assert len(grid) == 48
    minutes = cov.scheduled_minutes([day_shift.periods(MON, SH)] * 2, grid, 30)
    at = {g.strftime("%H:%M"): m for g, m in zip(grid, minutes, strict=True)}
    assert at["08:00"] == 0 and at["08:30"] == 60 and at["12:30"] == 0 and at["17:00"] == 60
    assert sum(minutes) == 2 * 8 * 60
    required = [0] * 48
    required[17] = 3  # 08:30: 2 scheduled, short by 1
    required[18] = 1  # 09:00: over by 1 (within tolerance)
    rows = cov.compare(grid, required, minutes, 30)
    assert rows[17].status == cov.SHORT and rows[17].gap == -1
    assert rows[18].status == cov.OK and rows[18].gap == 1
    assert rows[19].status == cov.OVER and rows[19].gap == 2
    summary = cov.summarise(rows, 30)
    assert summary.short_intervals == 1 and summary.shortage_agent_hours == 0.5
    chart = cov.bar_chart(rows[16:20], height=4)
    assert len(chart) == 4 and chart[0][1] == "░" and chart[-1] == " ███"


def test_half_interval_counts_half():
    t = cov.TemplateSpec("X", 8 * 60 + 15, 60)
    grid = cov.day_grid(MON, SH, 30)
    m = cov.scheduled_minutes([t.periods(MON, SH)], grid, 30)
    assert m[16] == 15 and m[17] == 30 and m[18] == 15
    with pytest.raises(ValueError):
        cov.day_grid(MON, SH, 7)


def test_forecast_mean_overrides_and_requirement():
    weeks = [{0: 10, 1: 20}, {0: 30}, {}]
    calls = fc.mean_per_interval(weeks, 3)
    assert calls == [round(40 / 3, 3), round(20 / 3, 3), 0.0]
    calls = fc.apply_overrides(calls, {2: 5.0})
    assert calls[2] == 5.0
    req = fc.required_agents([0, 100, 200], aht=180, interval_minutes=30,
                             goal=fc.StaffingGoal(0.8, 20))
    assert req[0] == 0 and 10 < req[1] < req[2]
    with pytest.raises(ValueError):
        fc.mean_per_interval([{5: 1}], 3)
    with pytest.raises(ValueError):
        fc.apply_overrides([1.0], {0: -1})


def _utc(h: int, m: int = 0, day: int = 23) -> datetime:
    return datetime(2026, 11, day, h, m, tzinfo=UTC)


def _shift_0830() -> adh.ScheduledShift:
    start, end = _utc(0, 30), _utc(9, 30)  # 08:30–17:30 Shanghai
    return adh.ScheduledShift(MON, start, end, ((start, _utc(4, 30)), (_utc(5, 30), end)))


def test_adherence_late_early_and_out_of_adherence():
    events = [adh.StateChange(_utc(0, 42), "available"),          # 12 min late
              adh.StateChange(_utc(2, 0), "paused"),              # 20 min pause outside break
              adh.StateChange(_utc(2, 20), "on_call"),
              adh.StateChange(_utc(4, 30), "paused"),             # the lunch break: fine
              adh.StateChange(_utc(5, 30), "available"),
              adh.StateChange(_utc(9, 0), "logged_out")]          # 30 min early
    day = adh.day_adherence(1, _shift_0830(), events)
    assert (day.late_minutes, day.early_leave_minutes) == (12, 30)
    assert day.out_of_adherence_minutes == 12 + 20 + 30
    assert day.scheduled_minutes == 480 and day.adherence == round(1 - 62 / 480, 4)
    on_time = adh.day_adherence(1, _shift_0830(), [adh.StateChange(_utc(0, 25), "available"),
                                                   adh.StateChange(_utc(9, 40), "logged_out")])
    assert not on_time.late and on_time.early_leave_minutes == 0
    assert on_time.out_of_adherence_minutes == 0 and on_time.adherence == 1.0
    absent = adh.day_adherence(1, _shift_0830(), [])
    assert absent.absent and absent.out_of_adherence_minutes == 480
    graced = adh.day_adherence(1, _shift_0830(), events, grace_minutes=15)
    assert graced.late_minutes == 0


def test_lateness_per_month():
    days = [adh.DayAdherence(1, date(2026, 11, d), 480, late, 0, late, False)
            for d, late in [(23, 5), (24, 0), (25, 1)]]
    days.append(adh.DayAdherence(1, date(2026, 12, 1), 480, 3, 0, 3, False))
    days.append(adh.DayAdherence(2, date(2026, 11, 23), 480, 0, 0, 0, False))
    assert adh.lateness_by_month(days) == {(1, "2026-11"): 2, (1, "2026-12"): 1}
