"""The rules every roster change is checked against (pure: plain values in, violations out).

Rules: minimum rest between shifts, maximum working hours per (ISO) week, maximum
consecutive working days, no overlapping shifts, and queues covered by a skilled agent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from seatdesk.domain.i18n import _, ngettext

REST = "rest"
WEEK_HOURS = "week_hours"
CONSECUTIVE = "consecutive_days"
OVERLAP = "overlap"
SKILLS = "skills"


@dataclass(frozen=True)
class RosterRules:
    """The limits a roster must respect (defaults follow common Chinese labour practice)."""

    min_rest_hours: float = 11.0
    max_week_hours: float = 44.0
    max_consecutive_days: int = 6


@dataclass(frozen=True)
class PlannedShift:
    """One working shift of one agent: ``work_minutes`` excludes unpaid breaks."""

    user_id: int
    day: date
    start: datetime
    end: datetime
    work_minutes: int
    # The worked stretches (span minus breaks), for coverage; empty means "the whole span".
    periods: tuple[tuple[datetime, datetime], ...] = ()


@dataclass(frozen=True)
class Violation:
    """A broken rule: ``rule`` is one of the constants above, ``message`` says it plainly."""

    rule: str
    user_id: int | None
    day: date | None
    message: str
    values: dict[str, object] = field(default_factory=dict, compare=False)


def _fmt_hours(minutes: float) -> str:
    return f"{minutes / 60:g}"


def check_rest_and_overlap(shifts: Sequence[PlannedShift], rules: RosterRules) -> list[Violation]:
    """Overlapping shifts, and gaps shorter than the minimum rest, for one agent."""
    out: list[Violation] = []
    ordered = sorted(shifts, key=lambda s: s.start)
    min_rest = timedelta(hours=rules.min_rest_hours)
    for prev, nxt in zip(ordered, ordered[1:], strict=False):
        gap = nxt.start - prev.end
        if gap < timedelta(0):
            out.append(Violation(OVERLAP, nxt.user_id, nxt.day,
                                 _("shift on {day} overlaps the shift on {other}").format(
                                     day=nxt.day, other=prev.day),
                                 {"day": nxt.day, "other": prev.day}))
        elif gap < min_rest:
            hours = gap.total_seconds() / 3600
            out.append(Violation(
                REST, nxt.user_id, nxt.day,
                _("only {hours} h rest before the shift on {day} (at least {min} h)").format(
                    hours=f"{hours:g}", day=nxt.day, min=f"{rules.min_rest_hours:g}"),
                {"day": nxt.day, "hours": round(hours, 2), "min": rules.min_rest_hours}))
    return out


def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def check_week_hours(shifts: Sequence[PlannedShift], rules: RosterRules) -> list[Violation]:
    """Working hours per ISO week (a shift counts in the week of its day) above the maximum."""
    per_week: dict[date, int] = defaultdict(int)
    for s in shifts:
        per_week[week_start(s.day)] += s.work_minutes
    out = []
    limit = rules.max_week_hours * 60
    for monday, minutes in sorted(per_week.items()):
        if minutes > limit:
            user = shifts[0].user_id
            out.append(Violation(
                WEEK_HOURS, user, monday,
                _("{hours} h in the week of {week} (at most {max} h)").format(
                    hours=_fmt_hours(minutes), week=monday, max=f"{rules.max_week_hours:g}"),
                {"week": monday, "hours": minutes / 60, "max": rules.max_week_hours}))
    return out


def check_consecutive_days(shifts: Sequence[PlannedShift], rules: RosterRules) -> list[Violation]:
    """Runs of working days longer than the maximum (reported once, on the first extra day)."""
    days = sorted({s.day for s in shifts})
    out = []
    run = 0
    prev: date | None = None
    for d in days:
        run = run + 1 if prev is not None and d - prev == timedelta(days=1) else 1
        if run == rules.max_consecutive_days + 1:
            out.append(Violation(
                CONSECUTIVE, shifts[0].user_id, d,
                ngettext("{days} working day in a row up to {day} (at most {max})",
                         "{days} working days in a row up to {day} (at most {max})",
                         run).format(days=run, day=d, max=rules.max_consecutive_days),
                {"day": d, "days": run, "max": rules.max_consecutive_days}))
        prev = d
    return out


def check_agent(shifts: Sequence[PlannedShift], rules: RosterRules) -> list[Violation]:
    """Every per-agent rule over one agent's shifts (give the weeks around the change too)."""
    if not shifts:
        return []
    return (check_rest_and_overlap(shifts, rules) + check_week_hours(shifts, rules)
            + check_consecutive_days(shifts, rules))


def violations_touching(violations: Iterable[Violation], day: date) -> list[Violation]:
    """The violations a change on ``day`` caused or takes part in (week rules by week)."""
    out = []
    for v in violations:
        if v.rule == WEEK_HOURS:
            if v.day == week_start(day):
                out.append(v)
        elif v.rule == CONSECUTIVE:
            days = v.values.get("days")  # check_consecutive_days puts the run's length here
            run = days if isinstance(days, int) else 0
            assert v.day is not None
            if v.day - timedelta(days=run - 1) <= day:
                out.append(v)
        elif v.day == day or v.values.get("other") == day:
            out.append(v)
    return out


def uncovered_queues(
    demand: Mapping[tuple[str, datetime], float],
    on_duty: Mapping[datetime, Iterable[int]],
    skills: Mapping[int, frozenset[str]],
) -> list[Violation]:
    """Intervals where a queue expects calls but nobody on duty may take that queue.

    ``demand`` maps (queue code, interval start) to required agents, ``on_duty`` maps an
    interval start to the agents working then, ``skills`` an agent to their queue codes.
    """
    out = []
    for (queue, start), required in sorted(demand.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if required <= 0:
            continue
        if not any(queue in skills.get(u, frozenset()) for u in on_duty.get(start, ())):
            out.append(Violation(SKILLS, None, start.date(),
                                 _("nobody on duty at {at} takes queue {queue}").format(
                                     at=f"{start:%a %H:%M}", queue=queue),
                                 {"queue": queue, "at": start}))
    return out
