"""Fill the roster: assign agents to shift templates with OR-Tools CP-SAT.

Goal, in order: least shortage (agent-minutes below the requirement, weighted heavily),
then least overstaffing. Hard constraints: one shift a day, leave and days off, minimum
rest (which also rules out overlaps), maximum weekly hours, maximum consecutive days.
Shifts already on the roster (and those of the weeks around it) are kept and counted.
When the rules make full coverage impossible the answer still comes back, naming the
intervals that stay short, instead of failing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from ortools.sat.python import cp_model

from seatdesk.domain.roster.coverage import TemplateSpec, overlap_minutes
from seatdesk.domain.roster.rules import PlannedShift, RosterRules, week_start

SHORTAGE_WEIGHT = 1000


@dataclass(frozen=True)
class AgentSpec:
    """An agent to plan: their queues, days they cannot work, shifts already fixed."""

    user_id: int
    queues: frozenset[str] = frozenset()
    unavailable: frozenset[date] = frozenset()  # leave, days off


@dataclass(frozen=True)
class FillProblem:
    days: tuple[date, ...]
    tz: tzinfo
    interval_minutes: int
    grid: tuple[datetime, ...]  # interval starts covering the days
    required: Mapping[str, Sequence[float]]  # skill group -> agents per grid interval
    agents: tuple[AgentSpec, ...]
    templates: tuple[TemplateSpec, ...]
    rules: RosterRules = RosterRules()
    fixed: tuple[PlannedShift, ...] = ()  # shifts kept as they are (this and nearby weeks)
    # Shifts starting before this are not offered: the past and started shifts are locked.
    not_before: datetime | None = None


@dataclass(frozen=True)
class ShortInterval:
    start: datetime
    missing_agents: float
    queue: str | None = None  # None: the team total


@dataclass(frozen=True)
class FillResult:
    status: str  # optimal, feasible, unknown
    assignments: tuple[tuple[int, date, str], ...]  # (user_id, day, template code)
    short: tuple[ShortInterval, ...] = ()
    shortage_minutes: int = 0
    overstaffing_minutes: int = 0
    wall_seconds: float = 0.0
    notes: tuple[str, ...] = field(default=())

    @property
    def fully_covered(self) -> bool:
        return self.status != "unknown" and not self.short


def _spec_shift(user_id: int, day: date, t: TemplateSpec, tz: tzinfo) -> PlannedShift:
    start, end = t.span(day, tz)
    return PlannedShift(user_id, day, start, end, t.work_minutes, tuple(t.periods(day, tz)))


def _minutes_row(periods: Sequence[tuple[datetime, datetime]], grid: Sequence[datetime],
                 step: timedelta) -> dict[int, int]:
    out = {}
    for i, start in enumerate(grid):
        m = overlap_minutes(periods, start, start + step)
        if m:
            out[i] = m
    return out


def fill(problem: FillProblem, *, time_limit: float = 10.0, workers: int = 2) -> FillResult:
    """Solve ``problem``; returns the assignments for the open days and what stays short."""
    p = problem
    rules = p.rules
    step = timedelta(minutes=p.interval_minutes)
    model = cp_model.CpModel()
    fixed_by_agent: dict[int, list[PlannedShift]] = defaultdict(list)
    for s in p.fixed:
        fixed_by_agent[s.user_id].append(s)

    # x[(agent, day, template code)]: the agent works that template that day.
    x: dict[tuple[int, date, str], cp_model.IntVar] = {}
    shift_of: dict[tuple[int, date, str], PlannedShift] = {}
    for a in p.agents:
        busy_days = {s.day for s in fixed_by_agent[a.user_id]}
        for d in p.days:
            if d in a.unavailable or d in busy_days:
                continue
            day_vars = []
            for t in p.templates:
                if not t.offered_on(d):
                    continue
                if p.not_before is not None and t.span(d, p.tz)[0] < p.not_before:
                    continue
                key = (a.user_id, d, t.code)
                x[key] = model.new_bool_var(f"x_{a.user_id}_{d:%m%d}_{t.code}")
                shift_of[key] = _spec_shift(a.user_id, d, t, p.tz)
                day_vars.append(x[key])
            if len(day_vars) > 1:
                model.add_at_most_one(day_vars)

    min_rest = timedelta(hours=rules.min_rest_hours)
    for a in p.agents:
        mine = [(k, s) for k, s in shift_of.items() if k[0] == a.user_id]
        fixed = fixed_by_agent[a.user_id]
        # Rest and overlap: two shifts closer than the minimum rest never both happen.
        for i, (k1, s1) in enumerate(mine):
            for k2, s2 in mine[i + 1:]:
                if k1[1] == k2[1]:
                    continue  # same day: already at most one
                first, second = (s1, s2) if s1.start <= s2.start else (s2, s1)
                if second.start - first.end < min_rest:
                    model.add_bool_or([x[k1].Not(), x[k2].Not()])
            for f in fixed:
                first, second = (s1, f) if s1.start <= f.start else (f, s1)
                if second.start - first.end < min_rest:
                    model.add(x[k1] == 0)
        # Weekly hours per ISO week, counting fixed shifts of that week.
        weeks: dict[date, list[tuple[cp_model.IntVar, int]]] = defaultdict(list)
        for k, s in mine:
            weeks[week_start(k[1])].append((x[k], s.work_minutes))
        for monday, terms in weeks.items():
            fixed_minutes = sum(f.work_minutes for f in fixed if week_start(f.day) == monday)
            limit = max(0, int(rules.max_week_hours * 60) - fixed_minutes)
            model.add(sum(v * m for v, m in terms) <= limit)
        # Consecutive days: any window of max+1 days holds at most max working days.
        worked: dict[date, list[cp_model.IntVar]] = defaultdict(list)
        for k, _s in mine:
            worked[k[1]].append(x[k])
        fixed_days = {f.day for f in fixed}
        window = rules.max_consecutive_days + 1
        if p.days:
            first_day = min(p.days) - timedelta(days=window - 1)
            last_day = max(p.days)
            d0 = first_day
            while d0 <= last_day:
                span = [d0 + timedelta(days=i) for i in range(window)]
                on_duty = [v for d in span for v in worked.get(d, [])]
                if on_duty:
                    const = sum(1 for d in span if d in fixed_days)
                    model.add(sum(on_duty) <= max(0, rules.max_consecutive_days - const))
                d0 += timedelta(days=1)

    # Coverage in agent-minutes per interval, total and per queue.
    n = len(p.grid)
    cover_terms: list[list[tuple[cp_model.IntVar, int]]] = [[] for _ in range(n)]
    fixed_cover = [0] * n
    skills = {a.user_id: a.queues for a in p.agents}
    queue_terms: dict[str, list[list[tuple[cp_model.IntVar, int]]]] = {
        q: [[] for _ in range(n)] for q in p.required}
    queue_fixed = {q: [0] * n for q in p.required}
    for k, s in shift_of.items():
        for i, m in _minutes_row(s.periods, p.grid, step).items():
            cover_terms[i].append((x[k], m))
            for q in skills.get(k[0], frozenset()):
                if q in queue_terms:
                    queue_terms[q][i].append((x[k], m))
    for f in p.fixed:
        periods = f.periods or ((f.start, f.end),)
        for i, m in _minutes_row(periods, p.grid, step).items():
            fixed_cover[i] += m
            for q in skills.get(f.user_id, frozenset()):
                if q in queue_fixed:
                    queue_fixed[q][i] += m

    total_req = [sum(p.required[q][i] for q in p.required) for i in range(n)]
    L = p.interval_minutes
    shortage_vars = []
    over_vars = []
    short_of: dict[tuple[str | None, int], cp_model.IntVar] = {}
    for i in range(n):
        need = round(total_req[i] * L)
        cover = sum(v * m for v, m in cover_terms[i]) + fixed_cover[i]
        top = sum(m for _, m in cover_terms[i]) + fixed_cover[i]
        short = model.new_int_var(0, need, f"short_{i}")
        over = model.new_int_var(0, max(top, 0), f"over_{i}")
        model.add(cover + short >= need)
        model.add(over >= cover - need)
        shortage_vars.append(short)
        over_vars.append(over)
        short_of[(None, i)] = short
    # Per queue only where some agents lack the skill: otherwise the total says it all.
    multi_skill = len(p.required) > 1 or any(
        q not in a.queues for a in p.agents for q in p.required)
    if multi_skill:
        for q, rows in queue_terms.items():
            for i in range(n):
                need = round(p.required[q][i] * L)
                if need <= 0:
                    continue
                short = model.new_int_var(0, need, f"short_{q}_{i}")
                model.add(sum(v * m for v, m in rows[i]) + queue_fixed[q][i] + short >= need)
                shortage_vars.append(short)
                short_of[(q, i)] = short
    model.minimize(SHORTAGE_WEIGHT * sum(shortage_vars) + sum(over_vars))

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    code = solver.solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return FillResult("unknown", (), wall_seconds=solver.wall_time,
                          notes=("no roster found within the time limit",))
    assignments = tuple(sorted((k[0], k[1], k[2]) for k, v in x.items() if solver.value(v)))
    total_short = {i: solver.value(v) for (q, i), v in short_of.items() if q is None}
    # A queue's shortage is named only where the team total does not already explain it.
    shortages = tuple(
        ShortInterval(p.grid[i], round(solver.value(v) / L, 2), q)
        for (q, i), v in sorted(short_of.items(), key=lambda kv: (kv[0][1], kv[0][0] or ""))
        if solver.value(v) > 0 and (q is None or solver.value(v) > total_short[i]))
    return FillResult(
        "optimal" if code == cp_model.OPTIMAL else "feasible",
        assignments,
        shortages,
        shortage_minutes=sum(solver.value(v) for (q, _i), v in short_of.items() if q is None),
        overstaffing_minutes=sum(solver.value(v) for v in over_vars),
        wall_seconds=solver.wall_time,
    )
