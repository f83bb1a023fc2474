"""Forecast arithmetic: history per interval → expected calls → agents required.

The counting itself happens in SQL (see ``seatdesk.services.forecast``); this
module averages the counts, applies hand overrides and asks the staffing calculator.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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
