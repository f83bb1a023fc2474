"""The preset periods of the QA results screen (weeks start Monday, center's zone)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from seatdesk.domain.qa.periods import period_days

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_weeks_and_months_in_the_center_zone():
    # Sunday 2026-03-01 20:00 UTC is already Monday 2026-03-02 04:00 in Shanghai.
    now = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
    assert period_days("this_week", now, SHANGHAI) == (date(2026, 3, 2), date(2026, 3, 8))
    assert period_days("last_week", now, SHANGHAI) == (date(2026, 2, 23), date(2026, 3, 1))
    assert period_days("this_month", now, SHANGHAI) == (date(2026, 3, 1), date(2026, 3, 31))
    assert period_days("last_month", now, SHANGHAI) == (date(2026, 2, 1), date(2026, 2, 28))
    # In UTC the same instant is still the Sunday of the week before.
    assert period_days("this_week", now, UTC) == (date(2026, 2, 23), date(2026, 3, 1))


def test_month_ends_and_year_turn():
    now = datetime(2028, 1, 15, 4, 0, tzinfo=UTC)
    assert period_days("last_month", now, SHANGHAI) == (date(2027, 12, 1), date(2027, 12, 31))
    leap = datetime(2028, 2, 10, 4, 0, tzinfo=UTC)
    assert period_days("this_month", leap, SHANGHAI) == (date(2028, 2, 1), date(2028, 2, 29))


def test_custom_has_no_fixed_days():
    with pytest.raises(ValueError):
        period_days("custom", datetime(2026, 1, 1, tzinfo=UTC), SHANGHAI)
