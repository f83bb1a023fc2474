"""The periods the QA results screen offers, as the dates a person would type.

Pure logic (no I/O): the screen turns a choice into "from" and "to" days in the
center's zone, then parses them like typed dates, so a preset and a typed period go
through the same path.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

PERIODS = ("this_week", "last_week", "this_month", "last_month", "custom")


def period_days(period: str, now: datetime, tz: tzinfo) -> tuple[date, date]:
    """First and last day (inclusive) of ``period`` around ``now`` in ``tz``.

    Weeks start on Monday, as the center's rosters do. Raises ValueError for an
    unknown period (including "custom", which has no fixed days).
    """
    today = now.astimezone(tz).date()
    if period == "this_week":
        monday = today - timedelta(days=today.weekday())
        return monday, monday + timedelta(days=6)
    if period == "last_week":
        monday = today - timedelta(days=today.weekday() + 7)
        return monday, monday + timedelta(days=6)
    if period == "this_month":
        first = today.replace(day=1)
        return first, _month_end(first)
    if period == "last_month":
        first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        return first, _month_end(first)
    raise ValueError(f"no fixed days for period {period!r}")


def _month_end(first: date) -> date:
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)
