"""The caller's card reads right in Chinese: numbers listed with 、, not an ASCII comma."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from seatdesk.domain.i18n import current_language, set_language
from seatdesk.services.dto import CustomerCard, PhoneView
from seatdesk.ui.widgets.customer_card import render_card


def _card() -> CustomerCard:
    phones = (PhoneView("138****8331", "mobile", True), PhoneView("150****5854", "office", True))
    return CustomerCard(
        id=1, name="任琳磊", company="", position="", email="", address="", region="华南",
        grade="C", key_account=False, risk_flag=False, risk_reason="", credit_rating="A",
        notes="", phones=phones, contracts=(), open_complaints=(), open_callbacks=(),
        recent_calls=(), masked=True, version=1)


def test_the_cards_phone_numbers_are_listed_in_the_readers_punctuation() -> None:
    before = current_language()
    try:
        set_language("zh")
        zh = render_card(_card(), ZoneInfo("Asia/Shanghai"), date(2026, 12, 1)).plain
        set_language("en")
        en = render_card(_card(), ZoneInfo("Asia/Shanghai"), date(2026, 12, 1)).plain
    finally:
        set_language(before)
    assert "138****8331、150****5854" in zh
    assert "138****8331, 150****5854" in en
