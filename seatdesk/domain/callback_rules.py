"""The schedule rules for callbacks (回访) from DOMAIN.md, computed from contracts. Pure.

* delivery / installation: a call within 3 hours of hand-over;
* acceptance: a call within 3 days of acceptance;
* warranty: every 3 months while in warranty, at least 3 times (a short warranty
  spreads its three calls evenly);
* contract: monthly in the first year from signing, quarterly after;
* key accounts: a proactive periodic call (monthly) to every site (phone number).

Each occurrence has a stable ``rule_key`` (e.g. ``delivery:42``), so the worker can
insert it idempotently: the database's unique key turns a second insert into a no-op.
An occurrence is returned once it is open (delivery and acceptance: from the event
itself; periodic calls: ``lead`` before they are due) and until ``lookback`` after it was
due: the worker does not flood the pool with years of history the first time it runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from seatdesk.domain.i18n import N_

CALL_TIME = time(10, 0)  # date-based callbacks are due at 10:00 local
DELIVERY_WITHIN = timedelta(hours=3)
ACCEPTANCE_WITHIN = timedelta(days=3)
WARRANTY_EVERY_MONTHS = 3
WARRANTY_MIN_CALLS = 3
CONTRACT_MONTHLY_FOR = 12
CONTRACT_QUARTERLY_EVERY = 3
KEY_ACCOUNT_EVERY_MONTHS = 1
DEFAULT_LOOKBACK = timedelta(days=7)
DEFAULT_LEAD = timedelta(days=1)


@dataclass(frozen=True)
class ContractFacts:
    """What the rules need to know about one contract."""

    id: int
    customer_id: int
    delivered_at: datetime | None = None
    accepted_on: date | None = None
    warranty_until: date | None = None
    signed_on: date | None = None


@dataclass(frozen=True)
class KeyAccountFacts:
    customer_id: int
    numbers: tuple[str, ...]  # one site per number


@dataclass(frozen=True)
class RuleCallback:
    """One callback a rule asks for."""

    rule_key: str
    customer_id: int
    due_at: datetime  # aware UTC
    rule: str  # delivery, acceptance, warranty, contract, key_account
    reason: str  # a message id (English), shown with ``params`` in the reader's language
    number: str = ""
    # When it may be created: the delivery or acceptance itself; else ``lead`` before due.
    opens_at: datetime | None = None
    params: dict[str, Any] = field(default_factory=dict)


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, clamped to the month's last day."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(f"cannot add {months} months to {day}")


def _at(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, CALL_TIME, tzinfo=tz).astimezone(UTC)


def warranty_call_days(start: date, until: date) -> list[date]:
    """Every 3 months from ``start`` while before ``until``; at least 3 calls."""
    days: list[date] = []
    n = 1
    while (day := add_months(start, WARRANTY_EVERY_MONTHS * n)) <= until:
        days.append(day)
        n += 1
    if len(days) < WARRANTY_MIN_CALLS and until > start:
        span = (until - start).days
        days = [start + timedelta(days=span * (i + 1) // (WARRANTY_MIN_CALLS + 1))
                for i in range(WARRANTY_MIN_CALLS)]
    return days


def contract_call_months(signed_on: date, upto: date) -> list[int]:
    """Month offsets of contract callbacks: 1..12 monthly, then every 3 months, up to ``upto``."""
    months: list[int] = []
    n = 1
    while add_months(signed_on, n) <= upto:
        if n <= CONTRACT_MONTHLY_FOR or (n - CONTRACT_MONTHLY_FOR) % CONTRACT_QUARTERLY_EVERY == 0:
            months.append(n)
        n += 1
    return months


def contract_callbacks(
    c: ContractFacts, now: datetime, tz: ZoneInfo | str,
    *, lookback: timedelta = DEFAULT_LOOKBACK, lead: timedelta = DEFAULT_LEAD,
) -> list[RuleCallback]:
    """The callbacks ``c`` calls for whose due time lies in the window around ``now``."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    low, high = now - lookback, now + lead
    found: list[RuleCallback] = []
    if c.delivered_at is not None:
        found.append(RuleCallback(f"delivery:{c.id}", c.customer_id,
                                  c.delivered_at.astimezone(UTC) + DELIVERY_WITHIN, "delivery",
                                  N_("call within 3 hours of delivery"),
                                  opens_at=c.delivered_at.astimezone(UTC)))
    if c.accepted_on is not None:
        found.append(RuleCallback(f"acceptance:{c.id}", c.customer_id,
                                  _at(c.accepted_on + ACCEPTANCE_WITHIN, zone), "acceptance",
                                  N_("call within 3 days of acceptance"),
                                  opens_at=datetime.combine(c.accepted_on, time(0), tzinfo=zone)))
    start = c.accepted_on or (c.delivered_at.astimezone(zone).date() if c.delivered_at
                              else c.signed_on)
    if c.warranty_until is not None and start is not None:
        for i, day in enumerate(warranty_call_days(start, c.warranty_until), 1):
            found.append(RuleCallback(f"warranty:{c.id}:{i}", c.customer_id, _at(day, zone),
                                      "warranty", N_("warranty callback {n}"),
                                      params={"n": i}))
    if c.signed_on is not None:
        upto = high.astimezone(zone).date()
        for n in contract_call_months(c.signed_on, upto):
            found.append(RuleCallback(f"contract:{c.id}:{n}", c.customer_id,
                                      _at(add_months(c.signed_on, n), zone), "contract",
                                      N_("contract callback, month {n}"), params={"n": n}))
    return [r for r in found
            if r.due_at >= low and (r.opens_at or r.due_at - lead) <= now]


def key_account_callbacks(
    k: KeyAccountFacts, now: datetime, tz: ZoneInfo | str,
    *, lead: timedelta = DEFAULT_LEAD,
) -> list[RuleCallback]:
    """This period's proactive call to every site of a key account (due the 1st, 10:00)."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    local = (now + lead).astimezone(zone).date()
    month0 = (local.month - 1) // KEY_ACCOUNT_EVERY_MONTHS * KEY_ACCOUNT_EVERY_MONTHS
    period_start = date(local.year, month0 + 1, 1)
    due = _at(period_start, zone)
    if due > now + lead:
        return []
    numbers = k.numbers or ("",)
    return [RuleCallback(f"key_account:{k.customer_id}:{period_start:%Y-%m}:{i}",
                         k.customer_id, due, "key_account",
                         N_("key account periodic call {period}"), number,
                         params={"period": f"{period_start:%Y-%m}"})
            for i, number in enumerate(numbers, 1)]
