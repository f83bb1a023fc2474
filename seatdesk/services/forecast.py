"""Forecast: calls per interval from the history (counted in SQL), hand overrides, agents.

History = inbound calls offered on the queue (abandoned included, transfers' child calls
excluded) on the same weekday and interval over the last N weeks.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from seatdesk.data.models import Call, CallState, Direction, Queue
from seatdesk.data.models.complaints import CalendarDay
from seatdesk.data.models.roster import ForecastOverride
from seatdesk.data.topics import Topic
from seatdesk.domain.errors import InvalidInput, NotFound
from seatdesk.domain.i18n import _, ngettext
from seatdesk.domain.roster.forecast import (
    DEFAULT_AHT_SECONDS,
    HOLIDAY,
    MAKE_UP,
    WEEKDAY,
    Accuracy,
    PastDay,
    StaffingGoal,
    apply_overrides,
    day_profile,
    required_agents,
    wape,
)
from seatdesk.services.base import Service
from seatdesk.services.dto import Actor
from seatdesk.services.permissions import Permission, require

MAX_WEEKS = 26


def center_tz() -> ZoneInfo:
    """The center's zone (SEATDESK_TZ, default Asia/Shanghai), as the settings use it."""
    return ZoneInfo(os.environ.get("SEATDESK_TZ", "Asia/Shanghai"))


@dataclass(frozen=True)
class ForecastRow:
    start: datetime  # local interval start
    history: float  # mean calls over the days of history used
    override: float | None
    calls: float  # what the requirement is computed from (trend applied, then overrides)
    required: int


@dataclass(frozen=True)
class ForecastView:
    queue_code: str
    day: date
    interval_minutes: int
    weeks: int
    aht_seconds: float
    aht_from_history: bool
    goal: StaffingGoal
    rows: tuple[ForecastRow, ...]
    weeks_used: int = 0  # days of history that exist and were averaged
    basis: str = WEEKDAY  # weekday (same weekday, holidays left out) or holiday
    trend_factor: float = 1.0


def check_interval(interval_minutes: int) -> int:
    if interval_minutes not in (15, 30, 60):
        raise InvalidInput(_("the interval must be 15, 30 or 60 minutes"), "interval")
    return interval_minutes


def _slot_expr(s: Session, base: datetime, seconds: int) -> ColumnElement[int]:
    """The interval index of Call.queued_at counted from ``base`` (dialect-specific epoch)."""
    epoch = int(base.timestamp())
    if s.get_bind().dialect.name == "sqlite":
        secs = cast(func.strftime("%s", Call.queued_at), Integer)
        return cast((secs - epoch) / seconds, Integer)
    return cast(func.floor((func.extract("epoch", Call.queued_at) - epoch) / seconds), Integer)


def counts_on(s: Session, queue_id: int, day: date, *, interval_minutes: int,
              tz: tzinfo) -> dict[int, int]:
    """Offered calls per interval index of one local day."""
    start = datetime.combine(day, time(), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz)
    slot = _slot_expr(s, start, interval_minutes * 60).label("slot")
    rows = s.execute(
        select(slot, func.count(Call.id))
        .where(Call.direction == Direction.INBOUND, Call.parent_call_id.is_(None),
               Call.queue_id == queue_id, Call.queued_at >= start, Call.queued_at < end)
        .group_by(slot)).all()
    return {int(k): int(n) for k, n in rows}


def first_call_day(s: Session, queue_id: int, tz: tzinfo) -> date | None:
    """The local day of the queue's first offered call: history does not exist before it."""
    first = s.scalar(select(func.min(Call.queued_at)).where(
        Call.direction == Direction.INBOUND, Call.queue_id == queue_id))
    return first.astimezone(tz).date() if first is not None else None


def holidays(s: Session) -> set[date]:
    """The center calendar's holidays (days marked not working)."""
    return set(s.scalars(select(CalendarDay.day).where(CalendarDay.working.is_(False))))


def make_up_days(s: Session) -> set[date]:
    """The center calendar's make-up working days (调休: days marked working)."""
    return set(s.scalars(select(CalendarDay.day).where(CalendarDay.working.is_(True))))


def history_days(s: Session, queue_id: int, day: date, *, weeks: int, interval_minutes: int,
                 tz: tzinfo) -> tuple[str, list[PastDay]]:
    """The past days a forecast of ``day`` is built from, and on what basis.

    A working day: the same weekday in each of the last ``weeks`` weeks that exist (on or
    after the queue's first call) and were neither a holiday nor a make-up day. A holiday:
    the last ``weeks`` past holidays that exist; a make-up working day (调休) likewise the
    last past make-up days, or the weekday's history when there is none.
    """
    first = first_call_day(s, queue_id, tz)
    off, make_up = holidays(s), make_up_days(s)
    special = HOLIDAY if day in off else MAKE_UP if day in make_up else WEEKDAY
    if first is None:
        return special, []
    horizon = max(first, day - timedelta(weeks=MAX_WEEKS))
    past: list[date] = []
    if special != WEEKDAY:
        same_kind = off if special == HOLIDAY else make_up
        past = sorted((d for d in same_kind if horizon <= d < day), reverse=True)[:weeks]
    basis = special
    if not past and special != HOLIDAY:
        past = [d for d in (day - timedelta(weeks=b) for b in range(1, weeks + 1))
                if d >= first and d not in off and d not in make_up]
        basis = WEEKDAY
    return basis, [PastDay(d, counts_on(s, queue_id, d, interval_minutes=interval_minutes,
                                        tz=tz)) for d in past]


def history_aht(s: Session, queue_id: int, day: date, *, weeks: int, tz: tzinfo) -> float | None:
    """Average handling time (talk + hold + wrap-up) of answered calls over the weeks."""
    start = datetime.combine(day - timedelta(weeks=weeks), time(), tzinfo=tz)
    end = datetime.combine(day, time(), tzinfo=tz)
    value = s.scalar(
        select(func.avg(Call.talk_seconds + Call.hold_seconds + Call.wrap_seconds))
        .where(Call.direction == Direction.INBOUND, Call.queue_id == queue_id,
               Call.state == CallState.CLOSED, Call.answered_at.is_not(None),
               Call.queued_at >= start, Call.queued_at < end))
    return float(value) if value else None


def forecast_queue(s: Session, queue: Queue, day: date, *, interval_minutes: int = 30,
                   weeks: int = 4, aht: float | None = None, target_sl: float = 0.8,
                   shrinkage: float = 0.0, tz: tzinfo | None = None,
                   trend: bool = True) -> ForecastView:
    """The forecast of one queue and day inside the caller's session."""
    tz = tz or center_tz()
    check_interval(interval_minutes)
    if not 1 <= weeks <= MAX_WEEKS:
        raise InvalidInput(ngettext("look back 1 to {n} week", "look back 1 to {n} weeks",
                                    MAX_WEEKS).format(n=MAX_WEEKS), "weeks")
    if aht is not None and aht <= 0:
        raise InvalidInput(_("the handling time must be more than 0 seconds"), "aht")
    if not 0 < target_sl < 1:
        raise InvalidInput(_("the service-level target must be between 0 and 1"), "target")
    n = 1440 // interval_minutes
    basis, past = history_days(s, queue.id, day, weeks=weeks,
                               interval_minutes=interval_minutes, tz=tz)
    profile = day_profile(past, n, basis=basis, trend=trend)
    mean = profile.mean
    overrides = {
        o.start_minute // interval_minutes: o.calls
        for o in s.scalars(select(ForecastOverride).where(
            ForecastOverride.queue_id == queue.id, ForecastOverride.day == day,
            ForecastOverride.interval_minutes == interval_minutes))
    }
    calls = apply_overrides(profile.calls, overrides)
    from_history = False
    if aht is None:
        measured = history_aht(s, queue.id, day, weeks=weeks, tz=tz)
        from_history = measured is not None
        aht = measured or DEFAULT_AHT_SECONDS
    goal = StaffingGoal(target_sl=target_sl, answer_within=float(queue.sl_seconds),
                        shrinkage=shrinkage)
    required = required_agents(calls, aht=aht, interval_minutes=interval_minutes, goal=goal)
    midnight = datetime.combine(day, time(), tzinfo=tz)
    rows = tuple(
        ForecastRow(midnight + timedelta(minutes=i * interval_minutes), mean[i],
                    overrides.get(i), calls[i], required[i])
        for i in range(n))
    return ForecastView(queue.code, day, interval_minutes, weeks, round(aht, 1), from_history,
                        goal, rows, profile.days_used, basis, profile.trend_factor)


def accuracy_rows(s: Session, queues: list[Queue], first: date, last: date, *,
                  interval_minutes: int, weeks: int, tz: tzinfo) -> list[Accuracy]:
    """Forecast (as it would have been made, overrides included) against offered calls."""
    out = []
    day = first
    while day <= last:
        for q in queues:
            f = forecast_queue(s, q, day, interval_minutes=interval_minutes, weeks=weeks, tz=tz)
            got = counts_on(s, q.id, day, interval_minutes=interval_minutes, tz=tz)
            actual = [got.get(i, 0) for i in range(len(f.rows))]
            predicted = [r.calls for r in f.rows]
            out.append(Accuracy(day, q.code, round(sum(predicted), 2), sum(actual),
                                wape(predicted, actual), q.name, q.name_zh or ""))
        day += timedelta(days=1)
    return out


def queue_by_code(s: Session, code: str) -> Queue:
    q = s.scalar(select(Queue).where(Queue.code == code))
    if q is None:
        raise NotFound(_("no queue {code!r}").format(code=code))
    return q


class ForecastService(Service):
    """Forecasts for team leads: read the history, keep hand overrides."""

    tz: tzinfo = center_tz()

    def forecast(self, actor: Actor, queue_code: str, day: date, *, interval_minutes: int = 30,
                 weeks: int = 4, aht: float | None = None, target_sl: float = 0.8,
                 shrinkage: float = 0.0, trend: bool = True) -> ForecastView:
        """Expected calls and agents required per interval of ``day`` for one queue."""
        require(actor, Permission.PLAN_ROSTER)
        with self.db.read() as s:
            return forecast_queue(s, queue_by_code(s, queue_code), day,
                                  interval_minutes=interval_minutes, weeks=weeks, aht=aht,
                                  target_sl=target_sl, shrinkage=shrinkage, tz=self.tz,
                                  trend=trend)

    def accuracy(self, actor: Actor, queue_code: str | None, first: date, last: date, *,
                 interval_minutes: int = 30, weeks: int = 4) -> list[Accuracy]:
        """Forecast against actual offered calls, per day and queue (WAPE over intervals)."""
        require(actor, Permission.PLAN_ROSTER)
        check_interval(interval_minutes)
        today = self.clock().astimezone(self.tz).date()
        if last < first or (last - first).days > 62:
            raise InvalidInput(_("choose a range of at most two months"), "day")
        if last >= today:
            raise InvalidInput(_("accuracy is known only for days that are over"), "day")
        with self.db.read() as s:
            queues = ([queue_by_code(s, queue_code)] if queue_code else list(s.scalars(
                select(Queue).where(Queue.active.is_(True)).order_by(Queue.code))))
            return accuracy_rows(s, queues, first, last, interval_minutes=interval_minutes,
                                 weeks=weeks, tz=self.tz)

    def set_override(self, actor: Actor, queue_code: str, day: date, start_minute: int,
                     calls: float | None, *, interval_minutes: int = 30) -> None:
        """Type the expected calls for one interval (None removes the override)."""
        require(actor, Permission.PLAN_ROSTER)
        check_interval(interval_minutes)
        if start_minute % interval_minutes or not 0 <= start_minute < 1440:
            raise InvalidInput(_("the start must be on the {n}-minute grid").format(
                n=interval_minutes), "start")
        if calls is not None and not 0 <= calls <= 100_000:
            raise InvalidInput(_("expected calls must be between 0 and 100000"), "calls")
        now = self.clock()
        with self.db.write() as s:
            q = queue_by_code(s, queue_code)
            row = s.scalar(select(ForecastOverride).where(
                ForecastOverride.queue_id == q.id, ForecastOverride.day == day,
                ForecastOverride.start_minute == start_minute,
                ForecastOverride.interval_minutes == interval_minutes))
            if calls is None:
                if row is not None:
                    s.delete(row)
            elif row is None:
                s.add(ForecastOverride(queue_id=q.id, day=day, start_minute=start_minute,
                                       interval_minutes=interval_minutes, calls=calls,
                                       set_by=actor.user_id, set_at=now))
            else:
                row.calls, row.set_by, row.set_at = calls, actor.user_id, now
            self.signal(s, Topic.FORECAST)
