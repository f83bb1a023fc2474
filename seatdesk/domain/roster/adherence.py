"""Schedule adherence and attendance from seat state events (pure).

A seat's state is a step function of time built from its state events. Compared with
the roster it gives: late log-in (first log-in after the shift start), early log-out
(logged out for good before the shift end) and minutes out of adherence (scheduled to
work, outside a break, but logged out or paused).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

LOGGED_OUT = "logged_out"
PAUSED = "paused"


@dataclass(frozen=True)
class StateChange:
    at: datetime
    state: str


@dataclass(frozen=True)
class ScheduledShift:
    """A shift as worked periods (the span minus breaks) plus its span."""

    day: date
    start: datetime
    end: datetime
    periods: tuple[tuple[datetime, datetime], ...]


@dataclass(frozen=True)
class DayAdherence:
    user_id: int
    day: date
    scheduled_minutes: int
    late_minutes: int
    early_leave_minutes: int
    out_of_adherence_minutes: int
    absent: bool

    @property
    def late(self) -> bool:
        return self.late_minutes > 0

    @property
    def adherence(self) -> float:
        """Share of scheduled working time spent logged in and not paused (0–1)."""
        if not self.scheduled_minutes:
            return 1.0
        return round(1 - self.out_of_adherence_minutes / self.scheduled_minutes, 4)


def _state_at(changes: Sequence[StateChange], at: datetime) -> str:
    state = LOGGED_OUT
    for c in changes:
        if c.at > at:
            break
        state = c.state
    return state


def _segments(changes: Sequence[StateChange], start: datetime,
              end: datetime) -> list[tuple[datetime, datetime, str]]:
    """The state step function cut to ``start``–``end``."""
    out = []
    state = _state_at(changes, start)
    cursor = start
    for c in changes:
        if c.at <= start:
            continue
        if c.at >= end:
            break
        out.append((cursor, c.at, state))
        cursor, state = c.at, c.state
    out.append((cursor, end, state))
    return out


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def day_adherence(user_id: int, shift: ScheduledShift, changes: Sequence[StateChange], *,
                  grace_minutes: int = 0, early_window: timedelta = timedelta(hours=2)
                  ) -> DayAdherence:
    """Compare one shift with the seat's state changes (sorted by time, any range).

    A log-in counts for this shift from ``early_window`` before its start; logging in
    within ``grace_minutes`` of the start is not late.
    """
    changes = sorted(changes, key=lambda c: c.at)
    window_start = shift.start - early_window
    logins = [c.at for c in changes
              if window_start <= c.at < shift.end and c.state != LOGGED_OUT]
    already_in = _state_at(changes, window_start) != LOGGED_OUT
    scheduled = sum(_minutes(e - s) for s, e in shift.periods)
    out_minutes = 0
    for p_start, p_end in shift.periods:
        for s, e, state in _segments(changes, p_start, p_end):
            if state in (LOGGED_OUT, PAUSED):
                out_minutes += _minutes(e - s)
    if not logins and not already_in:
        return DayAdherence(user_id, shift.day, scheduled, 0, 0, scheduled, absent=True)
    first_in = shift.start if already_in else logins[0]
    late = max(0, _minutes(first_in - shift.start))
    if late <= grace_minutes:
        late = 0
    early = 0
    if _state_at(changes, shift.end) == LOGGED_OUT:
        last_out = max((c.at for c in changes
                        if c.state == LOGGED_OUT and first_in <= c.at < shift.end),
                       default=None)
        if last_out is not None:
            early = _minutes(shift.end - last_out)
    return DayAdherence(user_id, shift.day, scheduled, late, early, out_minutes, absent=False)


def lateness_by_month(days: Iterable[DayAdherence]) -> dict[tuple[int, str], int]:
    """Late arrivals per (agent, 'YYYY-MM'), as the floor rules ask them counted."""
    counts: Counter[tuple[int, str]] = Counter()
    for d in days:
        if d.late:
            counts[(d.user_id, f"{d.day:%Y-%m}")] += 1
    return dict(counts)


# ---- real-time adherence (the live floor) -----------------------------------------------

IN_ADHERENCE = "in_adherence"
NOT_SIGNED_IN = "not_signed_in"
PAUSED_OUTSIDE_BREAK = "paused"
ON_BREAK = "on_break"
OFF_SHIFT = "off_shift"  # signed in with no shift under way
OFF = "off"  # no shift under way, signed out: nothing to say


@dataclass(frozen=True)
class LiveAdherence:
    status: str
    minutes_out: int  # today so far


def _overlap(periods: Iterable[tuple[datetime, datetime]], start: datetime,
             end: datetime) -> float:
    total = 0.0
    for p0, p1 in periods:
        lo, hi = max(p0, start), min(p1, end)
        if hi > lo:
            total += (hi - lo).total_seconds() / 60
    return total


def live_adherence(now: datetime, day_start: datetime, shift: ScheduledShift | None,
                   changes: Sequence[StateChange]) -> LiveAdherence:
    """Where a seat stands against its schedule now, and its minutes out of adherence today.

    Out of adherence: signed out or paused while scheduled to work (breaks excepted), and
    signed in while no shift is under way.
    """
    changes = sorted(changes, key=lambda c: c.at)
    periods = shift.periods if shift else ()
    span = ((shift.start, shift.end),) if shift else ()
    out = 0.0
    for s, e, state in _segments(changes, day_start, now):
        if state in (LOGGED_OUT, PAUSED):
            out += _overlap(periods, s, e)
        if state != LOGGED_OUT:
            out += (e - s).total_seconds() / 60 - _overlap(span, s, e)
    state = _state_at(changes, now)
    if any(p0 <= now < p1 for p0, p1 in periods):
        status = (NOT_SIGNED_IN if state == LOGGED_OUT
                  else PAUSED_OUTSIDE_BREAK if state == PAUSED else IN_ADHERENCE)
    elif shift is not None and shift.start <= now < shift.end:
        status = ON_BREAK
    else:
        status = OFF if state == LOGGED_OUT else OFF_SHIFT
    return LiveAdherence(status, int(round(out)))
