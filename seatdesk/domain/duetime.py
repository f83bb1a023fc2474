"""Due times typed in plain words, in English or Chinese, for callbacks (回访).

Accepted, relative to the injected clock in the center's time zone:

* offsets: ``+3h``, ``30m``, ``+2d``, ``1w``, ``in 2 days``, ``in 90 minutes``,
  ``3小时后``, ``30分钟后``, ``2天后``
* a day word with an optional time: ``tomorrow 10:00``, ``today 3pm``, ``fri 9:30``,
  ``next monday 10``, ``明天 10:00``, ``后天 下午3点``, ``周五 9点半``, ``下周一 10点``
* a time alone (today): ``15:30``, ``下午3点``
* a date with an optional time: ``2026-12-01 09:30``, ``2026/12/1``, ``12-01 14:00``,
  ``Dec 1 9:30``, ``2026年12月1日 上午10点``

A day without a time means 09:00. Times that have already passed are refused, and so is
anything more than two years away (a typo, not a plan). Pure: no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from seatdesk.domain.i18n import N_, _, ngettext

DEFAULT_TIME = time(9, 0)
MAX_AHEAD = timedelta(days=731)
MAX_LENGTH = 60


class DueTimeError(ValueError):
    """Input that is not a usable due time; the message says why, for the user."""


_UNITS = {
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60, "分钟": 60, "分": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600, "小时": 3600,
    "个小时": 3600, "钟头": 3600, "个钟头": 3600,
    "d": 86400, "day": 86400, "days": 86400, "天": 86400,
    "w": 604800, "wk": 604800, "week": 604800, "weeks": 604800, "周": 604800, "星期": 604800,
    "个星期": 604800,
}
_UNIT_PATTERN = "|".join(sorted((re.escape(u) for u in _UNITS), key=len, reverse=True))
_RELATIVE = re.compile(
    rf"^(?P<plus>\+|in\s+)?(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>{_UNIT_PATTERN})"
    r"\s*(?P<after>后|以后|之后|later|from now)?$"
)

_WEEKDAYS_EN = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_WEEKDAYS_ZH = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_DAY_WORDS = {
    "today": 0, "tomorrow": 1, "tmr": 1, "tmrw": 1, "day after tomorrow": 2,
    "今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3,
}
_DAY_PREFIX = re.compile(
    r"^(?P<word>day after tomorrow|today|tomorrow|tmrw|tmr|大后天|今天|今日|明天|明日|后天)"
    r"|^(?P<next>next\s+|下个?)?(?:(?P<en>mon|tue|wed|thu|fri|sat|sun)[a-z]*"
    r"|(?:周|星期|礼拜)(?P<zh>[一二三四五六日天]))"
)
# 上午10点, 下午3点半, 晚上8点15分, 10点, 9时30分 -> HH:MM
_ZH_CLOCK = re.compile(
    r"(?P<part>上午|早上|早晨|中午|下午|傍晚|晚上|凌晨)?\s*(?P<h>\d{1,2})\s*[点時时]"
    r"\s*(?:(?P<half>半)|(?P<m>\d{1,2})\s*分?)?"
)
_EN_CLOCK = re.compile(r"^(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)?$")


def _zh_clock(match: re.Match[str]) -> str:
    hour = int(match["h"])
    minute = 30 if match["half"] else int(match["m"] or 0)
    part = match["part"] or ""
    if part in ("下午", "傍晚", "晚上") and hour < 12:
        hour += 12
    elif part == "中午" and hour < 11:
        hour += 12
    elif part == "凌晨" and hour == 12:
        hour = 0
    return f" {hour:02d}:{minute:02d} "


def _normalise(text: str) -> str:
    # NFKC folds full-width digits and colons (１０：００) typed with a Chinese IME.
    value = unicodedata.normalize("NFKC", text).strip().lower()
    value = _ZH_CLOCK.sub(_zh_clock, value)
    return re.sub(r"\s+", " ", value).strip()


def _clock_of(text: str) -> time | None:
    """'10', '10:30', '3pm', '3:30 pm' -> time; None if it is not a time of day."""
    match = _EN_CLOCK.match(text.strip())
    if match is None:
        return None
    hour, minute = int(match["h"]), int(match["m"] or 0)
    ampm = (match["ampm"] or "").replace(".", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        raise DueTimeError(_("{text!r} is not a time of day").format(text=text.strip()))
    return time(hour, minute)


def _day_from_prefix(match: re.Match[str], today: date) -> date:
    if match["word"]:
        return today + timedelta(days=_DAY_WORDS[match["word"]])
    weekday = _WEEKDAYS_EN[match["en"]] if match["en"] else _WEEKDAYS_ZH[match["zh"]]
    if match["next"]:
        # "next monday" / 下周一: that day of next week.
        monday_next_week = today - timedelta(days=today.weekday()) + timedelta(days=7)
        return monday_next_week + timedelta(days=weekday)
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def _localise(day: date, clock: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=tz)


def _parse_local(value: str, local_now: datetime, tz: ZoneInfo) -> datetime:
    """The moment ``value`` names (not yet checked against now)."""
    relative = _RELATIVE.match(value)
    if relative:
        if not (relative["plus"] or relative["after"] or relative["unit"]):
            raise DueTimeError(_("say a unit: 30m, 3h or 2d"))
        seconds = float(relative["n"]) * _UNITS[relative["unit"]]
        if seconds > MAX_AHEAD.total_seconds():
            raise DueTimeError(_("that is more than two years away"))
        return local_now + timedelta(seconds=seconds)
    if re.fullmatch(r"\d+", value):
        raise DueTimeError(_("say a unit: 30m, 3h or 2d"))
    prefix = _DAY_PREFIX.match(value)
    if prefix:
        day = _day_from_prefix(prefix, local_now.date())
        rest = value[prefix.end():].strip()
        clock = _clock_of(rest) if rest else DEFAULT_TIME
        if clock is None:
            raise DueTimeError(_("could not read the time {rest!r}").format(rest=rest))
        moment = _localise(day, clock, tz)
        if moment <= local_now and not prefix["word"] and not prefix["next"]:
            moment += timedelta(days=7)  # "fri 9:00" on a Friday afternoon: next Friday
        return moment
    clock = _clock_of(value)
    if clock is not None:
        return _localise(local_now.date(), clock, tz)
    # A written date: 年/月 become dashes so dateutil reads 2026年12月1日 as 2026-12-1.
    dated = re.sub(r"[年月]", "-", value)
    dated = re.sub(r"[日号號]", " ", dated).strip()
    default = datetime.combine(local_now.date(), DEFAULT_TIME)
    # Imported here: only a written date needs it, and every seat imports this module for
    # the record form (dateutil's parser is about 0.6 MiB a seat, bench/bench_memory.py).
    from dateutil import parser as date_parser

    try:
        parsed: datetime = date_parser.parse(dated, default=default, yearfirst=True,
                                             dayfirst=False)
    except (date_parser.ParserError, ValueError, OverflowError):
        raise DueTimeError(
            _("could not read {text!r} as a time; try tomorrow 10:00, +3h or 2026-12-01 09:30")
            .format(text=value)
        ) from None
    if parsed.tzinfo is not None:
        return parsed
    return parsed.replace(tzinfo=tz)


def parse_due(text: str, now: datetime, tz: ZoneInfo | str) -> datetime:
    """The due time ``text`` names, as aware UTC; raises DueTimeError saying what is wrong."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    if len(text) > MAX_LENGTH:
        raise DueTimeError(_("that is too long for a time ({n} characters)").format(n=len(text)))
    value = _normalise(text)
    if not value:
        raise DueTimeError(_("type when it is due, e.g. tomorrow 10:00 or +3h"))
    local_now = now.astimezone(zone)
    moment = _parse_local(value, local_now, zone)
    if moment <= local_now:
        raise DueTimeError(
            _("{when} has already passed").format(when=moment.astimezone(zone)
                                                  .strftime("%Y-%m-%d %H:%M"))
        )
    if moment - local_now > MAX_AHEAD:
        raise DueTimeError(_("that is more than two years away"))
    return moment.astimezone(UTC)


_WEEKDAY_NAMES = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


def until_text(due: datetime, now: datetime, tz: ZoneInfo | str) -> str:
    """'in 25 min', 'in 3 h', 'tomorrow', 'in 3 days', or '2 h overdue'."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    delta = due - now
    if delta.total_seconds() < 0:
        late = -delta
        if late < timedelta(hours=1):
            return _("{n} min overdue").format(n=max(1, int(late.total_seconds() // 60)))
        if late < timedelta(days=1):
            return _("{n} h overdue").format(n=int(late.total_seconds() // 3600))
        return ngettext("{n} day overdue", "{n} days overdue", late.days).format(n=late.days)
    if delta < timedelta(hours=1):
        return _("in {n} min").format(n=max(1, int(round(delta.total_seconds() / 60))))
    days = (due.astimezone(zone).date() - now.astimezone(zone).date()).days
    if days == 0 or delta < timedelta(hours=12):
        return _("in {n} h").format(n=int(round(delta.total_seconds() / 3600)))
    if days == 1:
        return _("tomorrow")
    return ngettext("in {n} day", "in {n} days", days).format(n=days)


def local_text(moment: datetime, tz: ZoneInfo | str) -> str:
    """'Tue 2026-12-01 09:30' in the center's zone (weekday translated)."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    local = moment.astimezone(zone)
    return f"{_(_WEEKDAY_NAMES[local.weekday()])} {local:%Y-%m-%d %H:%M}"


def describe_due(due: datetime, now: datetime, tz: ZoneInfo | str) -> str:
    """The confirmation line shown before saving: 'due Tue 2026-12-01 09:30 (in 3 days)'."""
    return _("due {when} ({until})").format(when=local_text(due, tz),
                                            until=until_text(due, now, tz))
