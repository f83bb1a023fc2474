"""A queue is shown by its name in the reader's language, else by its code."""

from __future__ import annotations

import pytest

from seatdesk.domain.i18n import queue_label, set_language


@pytest.fixture
def chinese():
    set_language("zh")
    yield
    set_language("en")


def test_a_named_queue_reads_by_its_name():
    assert queue_label("billing", "Billing", "账务") == "Billing"


def test_a_queue_without_a_name_reads_by_its_code():
    assert queue_label("billing", "", "") == "billing"
    assert queue_label("billing", None, None) == "billing"


def test_a_row_without_a_queue_shows_what_the_caller_chose():
    assert queue_label(None, None, None, missing="-") == "-"
    assert queue_label(None, "", "") == ""


def test_a_chinese_screen_shows_the_chinese_name_when_there_is_one(chinese):
    assert queue_label("billing", "Billing", "账务") == "账务"
    assert queue_label("billing", "Billing", "") == "Billing"
    assert queue_label("billing", "", None) == "billing"
