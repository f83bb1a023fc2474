"""Forecast arithmetic: history per interval → expected calls → agents required.

The counting itself happens in SQL (see ``seatdesk.services.forecast``); this
module averages the counts, applies hand overrides and asks the staffing calculator.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from seatdesk.domain.i18n import queue_label
from seatdesk.domain.staffing import erlang_c_staffing

DEFAULT_AHT_SECONDS = 300.0


@dataclass(frozen=True)
class StaffingGoal:
    """The service goal the requirement is computed for (80/20 by default)."""

    target_sl: float = 0.8
    answer_within: float = 20.0
    shrinkage: float = 0.0
    max_occupancy: float | None = None


def mean_per_interval(weeks: Sequence[Mapping[int, int]], intervals: int) -> list[float]:
    """Average calls per interval index over the given weeks (a week without calls is 0)."""
    if not weeks:
        return [0.0] * intervals
    totals = [0] * intervals
    for week in weeks:
        for index, count in week.items():
            if not 0 <= index < intervals:
                raise ValueError(f"interval index {index} outside 0..{intervals - 1}")
            totals[index] += count
    return [round(t / len(weeks), 3) for t in totals]


def apply_overrides(calls: Sequence[float], overrides: Mapping[int, float]) -> list[float]:
    """Replace forecast values by the ones a lead typed for those intervals."""
    out = list(calls)
    for index, value in overrides.items():
        if value < 0:
            raise ValueError("an override cannot be negative")
        out[index] = value
    return out


def required_agents(calls: Sequence[float], *, aht: float, interval_minutes: int,
                    goal: StaffingGoal) -> list[int]:
    """Agents to schedule per interval (Erlang C, after shrinkage) for the goal."""
    return [
        erlang_c_staffing(c, aht=aht, interval=interval_minutes,
                          answer_within=goal.answer_within, target_sl=goal.target_sl,
                          max_occupancy=goal.max_occupancy, shrinkage=goal.shrinkage).scheduled
        if c > 0 else 0
        for c in calls
    ]


# ---- the weekday-by-interval profile with trend ------------------------------------------

WEEKDAY, HOLIDAY, MAKE_UP, NO_HISTORY = "weekday", "holiday", "make_up", "none"
HOLT_ALPHA = 0.5  # weight of the newest week in the level
HOLT_BETA = 0.3  # weight of the newest change in the trend
MIN_TREND_WEEKS = 3


@dataclass(frozen=True)
class PastDay:
    """Offered calls per interval index of one past day that is used as history."""

    day: date
    counts: Mapping[int, int]


@dataclass(frozen=True)
class Profile:
    """The forecast of one day: the mean profile, the trend-adjusted calls, what it is from."""

    mean: list[float]
    calls: list[float]
    days_used: int
    trend_factor: float
    basis: str  # weekday, holiday or none


def holt_next(series: Sequence[float], alpha: float = HOLT_ALPHA,
              beta: float = HOLT_BETA) -> float:
    """Holt's linear exponential smoothing, one step ahead (series oldest first, 2+ values).

    Level and trend start from the first value and the first difference.
    """
    if len(series) < 2:
        raise ValueError("Holt's method needs at least two values")
    level, trend = series[0], series[1] - series[0]
    for y in series[1:]:
        previous = level
        level = alpha * y + (1 - alpha) * (level + trend)
        trend = beta * (level - previous) + (1 - beta) * trend
    return level + trend


def day_profile(days: Sequence[PastDay], intervals: int, *, basis: str = WEEKDAY,
                trend: bool = True) -> Profile:
    """Average the days given (only days that exist: no zero-filled missing weeks) and, with
    at least three of them, scale the profile to the next daily total Holt's method expects.
    """
    if not days:
        return Profile([0.0] * intervals, [0.0] * intervals, 0, 1.0, NO_HISTORY)
    ordered = sorted(days, key=lambda d: d.day)
    mean = mean_per_interval([d.counts for d in ordered], intervals)
    factor = 1.0
    if trend and basis == WEEKDAY and len(ordered) >= MIN_TREND_WEEKS:
        totals = [float(sum(d.counts.values())) for d in ordered]
        average = sum(totals) / len(totals)
        if average > 0:
            factor = max(0.0, holt_next(totals)) / average
    return Profile(mean, [round(m * factor, 3) for m in mean], len(ordered), round(factor, 4),
                   basis)


@dataclass(frozen=True)
class Accuracy:
    """Forecast against what happened for one queue and day: WAPE = Σ|F − A| ÷ ΣA."""

    day: date
    queue_code: str
    forecast: float
    actual: int
    wape: float | None  # None when nothing was offered
    queue_name: str = ""
    queue_name_zh: str = ""

    @property
    def queue_shown(self) -> str:
        """The queue as a person reads it: its name in their language."""
        return queue_label(self.queue_code, self.queue_name, self.queue_name_zh)


def wape(forecast: Sequence[float], actual: Sequence[float]) -> float | None:
    """Weighted absolute percentage error over intervals; None when the actual total is 0."""
    total = sum(actual)
    if total <= 0:
        return None
    return sum(abs(f - a) for f, a in zip(forecast, actual, strict=True)) / total
