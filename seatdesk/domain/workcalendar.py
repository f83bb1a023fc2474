"""Working-hours arithmetic for deadlines: "24 working hours" on the center's calendar.

A complaint registered on Friday at 17:00 with a 24-hour deadline counted in working
hours (08:30–17:30, Monday–Friday) is due on the Wednesday after, not on Saturday. Pure:
no I/O; the calendar's configuration is loaded by the complaints service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from seatdesk.domain.i18n import _

DEFAULT_TZ = "Asia/Shanghai"
# A safety stop: a calendar with no working day at all must not loop forever.
_MAX_DAYS_SCANNED = 3660


@dataclass(frozen=True)
class WorkCalendar:
    """The center's working hours in its own time zone, with holidays and make-up days.

    ``weekdays`` uses Python's numbering (Monday 0 … Sunday 6). ``holidays`` are days off
    that would otherwise be working days; ``extra_days`` are working days that would
    otherwise be off (调休, the make-up Saturdays of Chinese public holidays).
    """

    tz_name: str = DEFAULT_TZ
    day_start: time = time(8, 30)
    day_end: time = time(17, 30)
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    holidays: frozenset[date] = field(default_factory=frozenset)
    extra_days: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.day_end <= self.day_start:
            raise ValueError(_("the working day must end after it starts"))
        ZoneInfo(self.tz_name)  # raises for an unknown zone, at configuration time

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.tz_name)

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_days:
            return True
        if day in self.holidays:
            return False
        return day.weekday() in self.weekdays

    def _bounds(self, day: date) -> tuple[datetime, datetime]:
        tz = self.tz
        return (datetime.combine(day, self.day_start, tzinfo=tz),
                datetime.combine(day, self.day_end, tzinfo=tz))

    def next_working_start(self, moment: datetime) -> datetime:
        """The start of the next working day strictly after ``moment``'s day (UTC)."""
        local = moment.astimezone(self.tz)
        day = local.date() + timedelta(days=1)
        for _scanned in range(_MAX_DAYS_SCANNED):
            if self.is_working_day(day):
                return self._bounds(day)[0].astimezone(UTC)
            day += timedelta(days=1)
        raise ValueError(_("the work calendar has no working days"))

    def add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        """``start`` plus ``amount`` of working time; returned as aware UTC.

        Time outside working hours does not count, so a complaint registered at night
        starts its clock at the next opening.
        """
        if start.tzinfo is None:
            raise ValueError("start must be an aware datetime")
        left = amount
        local = start.astimezone(self.tz)
        day = local.date()
        for _scanned in range(_MAX_DAYS_SCANNED):
            if self.is_working_day(day):
                open_at, close_at = self._bounds(day)
                begin = max(local, open_at)
                if begin < close_at:
                    available = close_at - begin
                    if left <= available:
                        return (begin + left).astimezone(UTC)
                    left -= available
            day += timedelta(days=1)
            local = datetime.combine(day, time(0), tzinfo=self.tz)
        raise ValueError(_("the work calendar has no working days"))


def add_deadline(start: datetime, hours: float, calendar: WorkCalendar | None) -> datetime:
    """A deadline ``hours`` after ``start``: working hours when a calendar is given."""
    if calendar is None:
        return start.astimezone(UTC) + timedelta(hours=hours)
    return calendar.add_working_time(start, timedelta(hours=hours))


def parse_clock(text: str) -> time:
    """'08:30' -> time(8, 30); raises ValueError with a readable message."""
    try:
        hh, mm = text.strip().split(":")
        return time(int(hh), int(mm))
    except ValueError:
        raise ValueError(_("{text!r} is not a time of day like 08:30").format(text=text)) from None
