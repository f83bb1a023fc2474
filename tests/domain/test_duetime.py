"""Due times typed in plain words, English and Chinese, relative to a frozen now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from seatdesk.domain.duetime import DueTimeError, describe_due, parse_due
from seatdesk.domain.i18n import set_language

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)  # Monday 09:30 in Shanghai


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ).astimezone(UTC)


@pytest.mark.parametrize(("text", "expected"), [
    ("+3h", NOW + timedelta(hours=3)),
    ("30m", NOW + timedelta(minutes=30)),
    ("+2d", NOW + timedelta(days=2)),
    ("1w", NOW + timedelta(weeks=1)),
    ("in 2 days", NOW + timedelta(days=2)),
    ("in 90 minutes", NOW + timedelta(minutes=90)),
    ("IN 3 HOURS", NOW + timedelta(hours=3)),
    ("3小时后", NOW + timedelta(hours=3)),
    ("30分钟后", NOW + timedelta(minutes=30)),
    ("2天后", NOW + timedelta(days=2)),
    ("tomorrow 10:00", local(2026, 11, 24, 10, 0)),
    ("tomorrow", local(2026, 11, 24, 9, 0)),
    ("today 3pm", local(2026, 11, 23, 15, 0)),
    ("today 3:30 pm", local(2026, 11, 23, 15, 30)),
    ("fri 9:30", local(2026, 11, 27, 9, 30)),
    ("next monday 10", local(2026, 11, 30, 10, 0)),
    ("mon 9:00", local(2026, 11, 30, 9, 0)),  # today's 09:00 has passed: next Monday
    ("mon 10:00", local(2026, 11, 23, 10, 0)),
    ("15:30", local(2026, 11, 23, 15, 30)),
    ("2026-12-01 09:30", local(2026, 12, 1, 9, 30)),
    ("2026/12/1", local(2026, 12, 1, 9, 0)),
    ("12-01 14:00", local(2026, 12, 1, 14, 0)),
    ("Dec 1 9:30", local(2026, 12, 1, 9, 30)),
    ("明天 10:00", local(2026, 11, 24, 10, 0)),
    ("明天 10点", local(2026, 11, 24, 10, 0)),
    ("后天 下午3点", local(2026, 11, 25, 15, 0)),
    ("周五 9点半", local(2026, 11, 27, 9, 30)),
    ("星期三 上午10点", local(2026, 11, 25, 10, 0)),
    ("下周一 10点", local(2026, 11, 30, 10, 0)),
    ("下午3点", local(2026, 11, 23, 15, 0)),
    ("晚上8点15分", local(2026, 11, 23, 20, 15)),
    ("2026年12月1日 上午10点", local(2026, 12, 1, 10, 0)),
    ("１０：３０", local(2026, 11, 23, 10, 30)),  # full-width, from a Chinese IME
    ("  tomorrow   10:00  ", local(2026, 11, 24, 10, 0)),
])
def test_good_inputs(text: str, expected: datetime) -> None:
    assert parse_due(text, NOW, TZ) == expected


@pytest.mark.parametrize(("text", "says"), [
    ("", "type when"),
    ("   ", "type when"),
    ("abc", "could not read 'abc'"),
    ("yesterday", "could not read"),
    ("9:00", "already passed"),
    ("2020-01-01", "already passed"),
    ("昨天", "could not read"),
    ("5", "say a unit"),
    ("tomorrow 25:00", "not a time of day"),
    ("tomorrow blah", "could not read the time 'blah'"),
    ("+3000d", "two years"),
    ("2030-01-01", "two years"),
    ("x" * 200, "too long"),
    ("2026-13-45", "could not read"),
    ("tomorrow\x1b[31m", "could not read"),
])
def test_bad_inputs_say_why(text: str, says: str) -> None:
    with pytest.raises(DueTimeError) as err:
        parse_due(text, NOW, TZ)
    assert says in str(err.value)


def test_confirmation_line_in_both_languages() -> None:
    due = parse_due("2026-12-01 09:30", NOW, TZ)
    assert describe_due(due, NOW, TZ) == "due Tue 2026-12-01 09:30 (in 8 days)"
    assert describe_due(NOW + timedelta(minutes=25), NOW, TZ) == \
        "due Mon 2026-11-23 09:55 (in 25 min)"
    assert "tomorrow" in describe_due(parse_due("明天 10:00", NOW, TZ), NOW, TZ)
    set_language("zh")
    try:
        line = describe_due(due, NOW, TZ)
        assert line.startswith("到期") and "2026-12-01 09:30" in line and "周二" in line
        with pytest.raises(DueTimeError) as err:
            parse_due("abc", NOW, TZ)
        assert "abc" in str(err.value) and "无法" in str(err.value)
    finally:
        set_language("en")
