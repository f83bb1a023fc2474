"""The CP-SAT roster optimiser on small rosters whose best answer is known."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from seatdesk.domain.roster.coverage import TemplateSpec, day_grid
from seatdesk.domain.roster.optimiser import AgentSpec, FillProblem, fill
from seatdesk.domain.roster.rules import PlannedShift, RosterRules

SH = ZoneInfo("Asia/Shanghai")
MON = date(2026, 11, 23)
AM = TemplateSpec("AM", 8 * 60, 4 * 60)
PM = TemplateSpec("PM", 12 * 60, 4 * 60)
EARLY = TemplateSpec("E", 6 * 60, 8 * 60)
LATE = TemplateSpec("L", 14 * 60, 8 * 60)


def problem(days, required_by_hour, agents, templates, rules=None, fixed=()):
    grid = [g for d in days for g in day_grid(d, SH, 60)]
    req = [required_by_hour.get((g.date(), g.hour), 0) for g in grid]
    return FillProblem(tuple(days), SH, 60, tuple(grid), {"general": req},
                       tuple(AgentSpec(a, frozenset({"general"})) if isinstance(a, int) else a
                             for a in agents),
                       tuple(templates), rules or RosterRules(), tuple(fixed))


def test_exact_cover_is_found():
    req = {(MON, h): 1 for h in range(8, 12)} | {(MON, h): 2 for h in range(12, 16)}
    result = fill(problem([MON], req, [1, 2, 3], [AM, PM]), time_limit=5)
    assert result.status == "optimal" and result.fully_covered
    codes = sorted(code for _u, _d, code in result.assignments)
    assert codes == ["AM", "PM", "PM"]
    assert result.overstaffing_minutes == 0


def test_shortage_beats_overstaffing_and_extra_agents_stay_home():
    day = TemplateSpec("D", 8 * 60, 8 * 60)
    req = {(MON, 8): 1, (MON, 9): 1}
    result = fill(problem([MON], req, [1, 2, 3], [day]), time_limit=5)
    assert len(result.assignments) == 1  # covering 2 h costs 6 h over, still worth it
    assert result.fully_covered and result.overstaffing_minutes == 6 * 60


def test_leave_makes_coverage_impossible_and_names_the_short_intervals():
    tue = MON + timedelta(days=1)
    req = {(d, h): 1 for d in (MON, tue) for h in range(8, 12)}
    agent = AgentSpec(1, frozenset({"general"}), unavailable=frozenset({tue}))
    result = fill(problem([MON, tue], req, [agent], [AM]), time_limit=5)
    assert result.status == "optimal" and not result.fully_covered
    assert result.assignments == ((1, MON, "AM"),)
    assert [(s.start.date(), s.start.hour, s.missing_agents) for s in result.short] == [
        (tue, h, 1.0) for h in range(8, 12)]


def test_rest_rule_after_a_fixed_late_shift():
    tue = MON + timedelta(days=1)
    start, end = LATE.span(MON, SH)
    fixed = [PlannedShift(1, MON, start, end, 480)]
    req = {(tue, h): 1 for h in range(6, 14)}
    # Agent 1 worked late Monday: Tuesday's early shift would leave 8 h rest, so agent 2 goes.
    result = fill(problem([tue], req, [1, 2], [EARLY], fixed=fixed), time_limit=5)
    assert result.assignments == ((2, tue, "E"),) and result.fully_covered
    alone = fill(problem([tue], req, [1], [EARLY], fixed=fixed), time_limit=5)
    assert alone.assignments == () and len(alone.short) == 8


def test_weekly_hours_and_consecutive_days_limit_the_fill():
    days = [MON + timedelta(days=i) for i in range(7)]
    req = {(d, h): 1 for d in days for h in range(8, 12)}
    rules = RosterRules(max_week_hours=44, max_consecutive_days=3)
    result = fill(problem(days, req, [1], [AM], rules), time_limit=5)
    worked = sorted(d for _u, d, _c in result.assignments)
    # 7 days, at most 3 in a row: the best is 6 days (3 on, 1 off, 3 on).
    assert len(worked) == 6 and len(result.short) == 4
    hours = RosterRules(max_week_hours=8)
    result = fill(problem(days, req, [1], [AM], hours), time_limit=5)
    assert len(result.assignments) == 2 and len(result.short) == 5 * 4


def test_queue_skills_are_respected():
    general = AgentSpec(1, frozenset({"general"}))
    vip = AgentSpec(2, frozenset({"vip"}))
    grid = day_grid(MON, SH, 60)
    req_vip = [1 if 8 <= g.hour < 12 else 0 for g in grid]
    req_gen = [0] * len(grid)
    p = FillProblem((MON,), SH, 60, tuple(grid), {"general": req_gen, "vip": req_vip},
                    (general, vip), (AM,))
    result = fill(p, time_limit=5)
    assert result.assignments == ((2, MON, "AM"),) and result.fully_covered
    only_general = FillProblem((MON,), SH, 60, tuple(grid), {"general": req_gen, "vip": req_vip},
                               (general,), (AM,))
    result = fill(only_general, time_limit=5)
    # The general agent makes up the head count, but the VIP line still has nobody.
    assert {s.queue for s in result.short} == {"vip"} and len(result.short) == 4
