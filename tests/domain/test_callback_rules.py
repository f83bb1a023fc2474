"""The schedule rules for callbacks and the working-hours calendar (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from seatdesk.domain.callback_rules import (
    ContractFacts,
    KeyAccountFacts,
    add_months,
    contract_call_months,
    contract_callbacks,
    key_account_callbacks,
    warranty_call_days,
)
from seatdesk.domain.workcalendar import WorkCalendar, add_deadline

TZ = "Asia/Shanghai"
NOW = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)  # Monday 09:30 in Shanghai


def test_add_months_clamps_to_the_month_end() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_warranty_every_three_months_at_least_three_times() -> None:
    assert warranty_call_days(date(2026, 1, 1), date(2027, 1, 1)) == [
        date(2026, 4, 1), date(2026, 7, 1), date(2026, 10, 1), date(2027, 1, 1)]
    short = warranty_call_days(date(2026, 1, 1), date(2026, 5, 1))
    assert len(short) == 3 and short == sorted(short) and short[-1] < date(2026, 5, 1)


def test_contract_monthly_first_year_then_quarterly() -> None:
    months = contract_call_months(date(2025, 1, 15), date(2027, 1, 15))
    assert months[:12] == list(range(1, 13))
    assert months[12:] == [15, 18, 21, 24]


def test_delivery_and_acceptance_open_at_the_event() -> None:
    delivered = NOW - timedelta(minutes=10)
    rules = contract_callbacks(ContractFacts(1, 7, delivered_at=delivered,
                                             accepted_on=date(2026, 11, 23)), NOW, TZ)
    keys = {r.rule_key: r for r in rules}
    assert keys["delivery:1"].due_at == delivered + timedelta(hours=3)
    assert keys["acceptance:1"].due_at == datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
    # Not before the delivery happened, nor long after it was due.
    assert contract_callbacks(ContractFacts(1, 7, delivered_at=NOW + timedelta(hours=1)),
                              NOW, TZ) == []
    assert contract_callbacks(ContractFacts(1, 7, delivered_at=NOW - timedelta(days=30)),
                              NOW, TZ) == []


def test_periodic_rules_open_a_day_ahead() -> None:
    facts = ContractFacts(2, 8, signed_on=date(2026, 10, 23))
    assert [r.rule_key for r in contract_callbacks(facts, NOW, TZ)] == ["contract:2:1"]
    assert contract_callbacks(facts, NOW - timedelta(days=2), TZ) == []


def test_key_account_every_site_each_month() -> None:
    rules = key_account_callbacks(KeyAccountFacts(9, ("+8613800000001", "+8601065529988")),
                                  NOW, TZ)
    assert [r.rule_key for r in rules] == ["key_account:9:2026-11:1", "key_account:9:2026-11:2"]
    assert rules[1].number == "+8601065529988"


def test_working_hours_deadlines() -> None:
    cal = WorkCalendar(holidays=frozenset({date(2026, 12, 31)}),
                       extra_days=frozenset({date(2026, 11, 28)}))
    # Monday 09:30 + 24 working hours (9 per day) = Wednesday 15:30.
    assert add_deadline(NOW, 24, cal) == datetime(2026, 11, 25, 7, 30, tzinfo=UTC)
    # Registered at night: the clock starts at the next opening.
    night = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # 22:00 local
    assert add_deadline(night, 1, cal) == datetime(2026, 11, 24, 1, 30, tzinfo=UTC)
    # Friday 17:00 + 1 h runs into the make-up Saturday, not Monday.
    friday = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    assert add_deadline(friday, 1, cal) == datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
    assert cal.next_working_start(datetime(2026, 12, 30, 3, 0, tzinfo=UTC)) == \
        datetime.combine(date(2027, 1, 1), time(0, 30), tzinfo=UTC)
    assert add_deadline(NOW, 24, None) == NOW + timedelta(hours=24)
