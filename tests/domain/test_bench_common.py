"""The benchmark's statistics and table helpers (no timing is asserted here)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # bench/ is not part of the installed package
    sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    Row,
    fmt_number,
    format_table,
    interleaved,
    percentile,
    rate,
    ratio,
    rows_from_module,
    summarise,
    write_json,
)


def test_percentile_interpolates_between_closest_ranks() -> None:
    values = [10.0, 20.0, 30.0, 40.0]
    assert percentile(values, 0) == 10.0
    assert percentile(values, 100) == 40.0
    assert percentile(values, 50) == pytest.approx(25.0)
    # rank (4-1)*0.95 = 2.85 -> 30 + 0.85*10
    assert percentile(values, 95) == pytest.approx(38.5)


def test_percentile_ignores_input_order_and_handles_one_value() -> None:
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile([7.0], 99) == 7.0


@pytest.mark.parametrize("p", [-1, 100.5])
def test_percentile_rejects_out_of_range(p: float) -> None:
    with pytest.raises(ValueError):
        percentile([1.0], p)


def test_percentile_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError):
        percentile([], 50)


@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=200),
       st.floats(min_value=0, max_value=100))
def test_percentile_lies_within_the_data(values: list[float], p: float) -> None:
    result = percentile(values, p)
    assert min(values) <= result <= max(values)


@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=200))
def test_percentiles_are_ordered(values: list[float]) -> None:
    s = summarise(values)
    assert s.min <= s.p50 <= s.p95 <= s.p99 <= s.max
    assert s.n == len(values)


def test_percentile_matches_numpy_when_available() -> None:
    np = pytest.importorskip("numpy")
    values = [0.3, 5.0, 1.2, 9.9, 2.2, 2.2, 7.1, 0.01]
    for p in (50, 90, 95, 99):
        assert percentile(values, p) == pytest.approx(float(np.percentile(values, p)))


def test_summary_in_milliseconds() -> None:
    ms = summarise([0.001, 0.002, 0.003]).ms()
    assert ms["n"] == 3
    assert ms["p50_ms"] == pytest.approx(2.0)
    assert ms["max_ms"] == pytest.approx(3.0)


def test_ratio_and_rate_guard_against_zero() -> None:
    assert ratio(3.0, 1.5) == pytest.approx(2.0)
    assert ratio(3.0, 0.0) is None
    assert rate(100, 4.0) == 25.0
    assert rate(100, 0.0) == 0.0


def test_interleaved_times_every_input_once_in_rounds() -> None:
    order: list[str] = []
    result = interleaved({
        "a": (lambda x: order.append(f"a{x}"), [1, 2, 3, 4]),
        "b": (lambda x: order.append(f"b{x}"), [1, 2, 3, 4]),
    }, rounds=2)
    assert [len(result["a"]), len(result["b"])] == [4, 4]
    # Alternates contenders by round, so a burst of noise falls on both.
    assert order == ["a1", "a2", "b1", "b2", "a3", "a4", "b3", "b4"]
    assert all(t >= 0 for t in result["a"] + result["b"])


def test_fmt_number_is_compact() -> None:
    assert fmt_number(None) == "-"
    assert fmt_number(0) == "0"
    assert fmt_number(12345.6) == "12,346"
    assert fmt_number(123.4) == "123"
    assert fmt_number(12.34) == "12.3"
    assert fmt_number(1.234) == "1.23"
    assert fmt_number(0.01234) == "0.0123"


def test_table_fits_the_width_and_shows_ratio() -> None:
    rows = [Row("lookup", "lookup_by_phone existing p50", "postgresql", 0.91, "ms",
                baseline=0.45, ratio=2.02, note="n=300 " + "x" * 200)]
    table = format_table(rows, width=120)
    lines = table.splitlines()
    assert all(len(line) <= 120 for line in lines)
    assert "2.02x" in lines[2] and "postgresql" in lines[2] and " 0.91 ms" in lines[2]


def test_rows_from_a_comparisons_module() -> None:
    rows = rows_from_module("staffing", {"comparisons": [
        {"name": "erlang_c_week", "seatdesk_s": 0.01, "peer_s": 0.05, "ratio": 5.0,
         "goal_ratio": 5.0, "peer": "pyworkforce"}]})
    assert len(rows) == 1
    r = rows[0]
    assert (r.measurement, r.value, r.baseline, r.ratio) == ("erlang_c_week", 0.01, 0.05, 5.0)
    assert "pyworkforce" in r.note and "5x" in r.note


def test_rows_from_per_engine_results() -> None:
    rows = rows_from_module("reports", {"engines": [
        {"engine": "sqlite", "calls": 100,
         "month": {"report_ms": 20.0, "baseline_count_ms": 2.0, "rows": 30}},
    ]})
    month = next(r for r in rows if r.measurement.startswith("month"))
    assert month.engine == "sqlite"
    assert (month.value, month.baseline) == (20.0, 2.0)
    assert month.ratio == pytest.approx(10.0)
    desk = rows_from_module("desk", {"engines": {"postgresql": {
        "pop": {"n": 12, "p50_ms": 30.0, "p95_ms": 45.0}}}})
    assert (desk[0].engine, desk[0].value, desk[0].unit) == ("postgresql", 30.0, "ms")
    assert "p95 45.0" in desk[0].note


def test_rows_from_an_unexpected_result_still_say_something() -> None:
    assert rows_from_module("x", None)[0].note == "None"
    assert rows_from_module("x", {"text": "hello"})[0].note == "no numeric results"


def test_write_json(tmp_path: Path) -> None:
    path = write_json({"rows": [Row("a", "b", value=1.0).as_json()], "名": "值"}, "r", tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["rows"][0]["value"] == 1.0 and data["名"] == "值"
