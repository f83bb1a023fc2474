"""Breaks placed within shifts by rule: each break starts within its window, staggered.

A template's break (offset, length) is the nominal start; the rule lets it start from
``window`` minutes earlier to ``window`` minutes later, on a ``step``-minute grid, and
never outside the shift. Breaks are placed one shift at a time (earliest shift first, then
by agent) at the allowed start that overlaps the fewest breaks already placed, the
nearest to the nominal start on a tie, so a team does not all go to lunch at once.
Pure: plain values in, placed (offset, length) pairs out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_WINDOW = 60
DEFAULT_STEP = 15


@dataclass(frozen=True)
class BreakRule:
    window_minutes: int = DEFAULT_WINDOW  # earliest = nominal - window, latest = nominal + window
    step_minutes: int = DEFAULT_STEP


@dataclass(frozen=True)
class ShiftToBreak:
    key: int  # the caller's id for the shift (e.g. the agent)
    start: datetime
    end: datetime
    breaks: tuple[tuple[int, int], ...]  # nominal (offset, length) minutes


def allowed_starts(shift: ShiftToBreak, offset: int, length: int,
                   rule: BreakRule) -> list[int]:
    """Offsets a break may start at: within the window, on the step grid, inside the shift."""
    span = int((shift.end - shift.start).total_seconds() // 60)
    lo = max(0, offset - rule.window_minutes)
    hi = min(span - length, offset + rule.window_minutes)
    starts = [o for o in range(lo, hi + 1) if (o - offset) % rule.step_minutes == 0]
    return starts or [min(max(0, offset), max(0, span - length))]


def place_breaks(shifts: Sequence[ShiftToBreak], rule: BreakRule = BreakRule()
                 ) -> dict[int, tuple[tuple[int, int], ...]]:
    """The placed breaks of every shift, keyed like the input."""
    placed: list[tuple[datetime, datetime]] = []
    out: dict[int, tuple[tuple[int, int], ...]] = {}
    for sh in sorted(shifts, key=lambda x: (x.start, x.key)):
        mine: list[tuple[int, int]] = []
        for offset, length in sorted(sh.breaks):
            def cost(o: int, length: int = length, offset: int = offset,
                     sh: ShiftToBreak = sh) -> tuple[int, int, int]:
                b0 = sh.start + timedelta(minutes=o)
                b1 = b0 + timedelta(minutes=length)
                clash = sum(1 for p0, p1 in placed if p0 < b1 and b0 < p1)
                return clash, abs(o - offset), o
            best = min(allowed_starts(sh, offset, length, rule), key=cost)
            mine.append((best, length))
            start = sh.start + timedelta(minutes=best)
            placed.append((start, start + timedelta(minutes=length)))
        out[sh.key] = tuple(mine)
    return out
