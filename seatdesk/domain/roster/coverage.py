"""Shift geometry and coverage: who is working in each interval versus how many are needed.

Coverage is counted in agent-minutes so that shifts and breaks that do not line up with
the interval grid still count exactly: an agent working 15 of a 30-minute interval is
half an agent there. The optimiser uses the very same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from seatdesk.domain.i18n import _

Period = tuple[datetime, datetime]

OK = "ok"
SHORT = "short"
OVER = "over"


@dataclass(frozen=True)
class TemplateSpec:
    """A shift template as plain values: start after local midnight, length, unpaid breaks."""

    code: str
    start_minute: int
    length_minutes: int
    breaks: tuple[tuple[int, int], ...] = ()  # (offset from shift start, length), minutes
    weekdays: str = "1234567"  # ISO weekdays the template is offered on

    @property
    def work_minutes(self) -> int:
        return self.length_minutes - sum(length for _, length in self.breaks)

    def offered_on(self, day: date) -> bool:
        return str(day.isoweekday()) in self.weekdays

    def span(self, day: date, tz: tzinfo) -> Period:
        """Start and end of this template worked on ``day`` (aware, in ``tz``)."""
        start = datetime.combine(day, time(), tzinfo=tz) + timedelta(minutes=self.start_minute)
        return start, start + timedelta(minutes=self.length_minutes)

    def periods(self, day: date, tz: tzinfo) -> list[Period]:
        """The working stretches of the shift: the span minus its breaks."""
        start, end = self.span(day, tz)
        return working_periods(start, end, self.breaks)


def working_periods(start: datetime, end: datetime,
                    breaks: Iterable[tuple[int, int]]) -> list[Period]:
    """Split ``start``–``end`` around breaks given as (offset minutes, length minutes)."""
    out: list[Period] = []
    cursor = start
    for offset, length in sorted(breaks):
        b_start = start + timedelta(minutes=offset)
        b_end = b_start + timedelta(minutes=length)
        if b_start > cursor:
            out.append((cursor, min(b_start, end)))
        cursor = max(cursor, b_end)
    if cursor < end:
        out.append((cursor, end))
    return out


def overlap_minutes(periods: Iterable[Period], start: datetime, end: datetime) -> int:
    """Whole minutes of ``periods`` that fall inside ``start``–``end``."""
    total = 0.0
    for p_start, p_end in periods:
        lo, hi = max(p_start, start), min(p_end, end)
        if hi > lo:
            total += (hi - lo).total_seconds() / 60
    return int(round(total))


def day_grid(day: date, tz: tzinfo, interval_minutes: int) -> list[datetime]:
    """The interval starts of one local day."""
    if interval_minutes <= 0 or 1440 % interval_minutes:
        raise ValueError(_("the interval must divide a day (e.g. 15 or 30 minutes)"))
    midnight = datetime.combine(day, time(), tzinfo=tz)
    return [midnight + timedelta(minutes=i * interval_minutes)
            for i in range(1440 // interval_minutes)]


def scheduled_minutes(shifts: Iterable[Sequence[Period]], grid: Sequence[datetime],
                      interval_minutes: int) -> list[int]:
    """Agent-minutes worked in each interval of ``grid`` by the given shifts."""
    step = timedelta(minutes=interval_minutes)
    out = [0] * len(grid)
    for periods in shifts:
        for i, start in enumerate(grid):
            out[i] += overlap_minutes(periods, start, start + step)
    return out


@dataclass(frozen=True)
class CoverageRow:
    """One interval: agents required, agents scheduled (may be fractional), the difference."""

    start: datetime
    required: float  # a team's share of a pooled requirement may be fractional
    scheduled: float
    status: str

    @property
    def gap(self) -> float:
        """Scheduled minus required: negative is a shortage, positive overstaffing."""
        return round(self.scheduled - self.required, 2)


@dataclass(frozen=True)
class CoverageSummary:
    short_intervals: int
    over_intervals: int
    shortage_agent_hours: float
    overstaffing_agent_hours: float


def compare(grid: Sequence[datetime], required: Sequence[float], minutes: Sequence[int],
            interval_minutes: int, *, over_tolerance: float = 1.0) -> list[CoverageRow]:
    """Required versus scheduled per interval.

    An interval is short when fewer agents are scheduled than required, over when more
    than ``over_tolerance`` agents beyond the requirement are scheduled.
    """
    if not len(grid) == len(required) == len(minutes):
        raise ValueError("grid, required and scheduled must have one value per interval")
    rows = []
    for start, req, mins in zip(grid, required, minutes, strict=True):
        agents = round(mins / interval_minutes, 2)
        if agents < req:
            status = SHORT
        elif agents - req > over_tolerance:
            status = OVER
        else:
            status = OK
        rows.append(CoverageRow(start, req, agents, status))
    return rows


def summarise(rows: Sequence[CoverageRow], interval_minutes: int) -> CoverageSummary:
    """Totals over a day or week: intervals short/over and agent-hours missing/extra."""
    hours = interval_minutes / 60
    return CoverageSummary(
        short_intervals=sum(r.status == SHORT for r in rows),
        over_intervals=sum(r.status == OVER for r in rows),
        shortage_agent_hours=round(sum(max(0.0, -r.gap) for r in rows) * hours, 2),
        overstaffing_agent_hours=round(sum(max(0.0, r.gap) for r in rows) * hours, 2),
    )


def bar_chart(rows: Sequence[CoverageRow], *, height: int = 8) -> list[str]:
    """A text chart, one column per interval: █ scheduled, ░ missing (required not met).

    Returned top line first; pure so it can be tested and drawn by any widget.
    """
    if not rows:
        return []
    peak = max(max(r.required, r.scheduled) for r in rows) or 1
    lines = []
    for level in range(height, 0, -1):
        threshold = peak * (level - 0.5) / height
        line = []
        for r in rows:
            if r.scheduled >= threshold:
                line.append("█")
            elif r.required >= threshold:
                line.append("░")
            else:
                line.append(" ")
        lines.append("".join(line))
    return lines
