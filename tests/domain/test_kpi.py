"""The measure definitions: ratios, merging of base totals, buckets, formatting."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from seatdesk.domain import kpi


def test_ratio_is_none_without_a_denominator():
    assert kpi.ratio(3, 4) == 0.75
    assert kpi.ratio(3, 0) is None and kpi.ratio(None, 4) is None


def test_merge_sums_counts_and_keeps_the_longest_wait():
    merged = kpi.merge_bases([{"offered": 3, "wait_max": 40}, {"offered": 2, "wait_max": 90},
                              {"offered": 1, "wait_max": None}])
    assert merged == {"offered": 6, "wait_max": 90}


def test_service_level_and_abandonment_exclude_short_abandons():
    bases = {"offered": 10, "answered": 7, "answered_in_sl": 5, "abandoned_all": 3,
             "short_abandoned": 1}
    values = kpi.compute(bases)
    assert values["abandoned"] == 2
    assert values["service_level"] == pytest.approx(5 / 9)
    assert values["abandon_rate"] == pytest.approx(2 / 9)


def test_weeks_end_on_friday():
    assert kpi.week_ending(date(2026, 11, 20)) == date(2026, 11, 20)  # a Friday
    assert kpi.week_ending(date(2026, 11, 21)) == date(2026, 11, 27)  # Saturday
    assert kpi.week_ending(date(2026, 11, 16)) == date(2026, 11, 20)  # Monday
    assert kpi.time_buckets("week", date(2026, 11, 14), date(2026, 11, 28)) == [
        "2026-11-20", "2026-11-27", "2026-12-04"]


def test_interval_and_month_buckets():
    keys = kpi.time_buckets("interval", date(2026, 11, 20), date(2026, 11, 20), 15)
    assert len(keys) == 96 and keys[1] == "2026-11-20 00:15" and keys[-1] == "2026-11-20 23:45"
    assert kpi.time_buckets("month", date(2026, 11, 30), date(2027, 1, 1)) == [
        "2026-11", "2026-12", "2027-01"]


def test_formatting_and_parsing():
    assert kpi.format_value(kpi.BY_KEY["service_level"], 0.8) == "80.0%"
    assert kpi.format_value(kpi.BY_KEY["asa"], None) == "n/a"
    assert kpi.format_value(kpi.BY_KEY["offered"], 1234) == "1,234"
    assert kpi.parse_measures("asa, aht") == ("asa", "aht")
    with pytest.raises(ValueError, match="unknown measure"):
        kpi.parse_measures("asa,nope")


def test_every_measure_is_documented_with_its_formula():
    doc = (Path(__file__).parents[2] / "docs" / "measures.md").read_text(encoding="utf-8")
    for m in kpi.MEASURES:
        assert f"`{m.key}`" in doc, m.key
        assert m.formula in doc, m.key


def test_every_label_has_a_chinese_translation():
    from seatdesk.domain.i18n import has_translation

    for m in kpi.MEASURES:
        assert has_translation(m.label), m.label
