"""``seatdesk staffing``: outputs, forecast files, and one-line errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from seatdesk.cli import staffing as command_module
from seatdesk.cli.staffing import COMMANDS, staffing
from seatdesk.domain.staffing import (
    ForecastError,
    erlang_a_staffing,
    erlang_c_staffing,
    parse_forecast,
    read_forecast,
)

ONE = ["--calls", "100", "--aht", "180", "--interval", "30", "--answer-within", "20"]
GOAL = ["--target-sl", "0.8"]


def run(*args: str) -> Result:
    return CliRunner().invoke(staffing, list(args))


def one_error_line(result: Result) -> str:
    """The single stderr line of a failed run (and check nothing else was printed)."""
    assert result.exit_code != 0, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)  # no traceback
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.output
    assert result.stdout == ""
    return lines[0]


# ---- output ------------------------------------------------------------------------------------


def test_table_for_one_interval_shows_the_requirement() -> None:
    result = run(*ONE, *GOAL, "--shrinkage", "0.3")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Erlang C")
    header = lines[1].split()
    assert header[:6] == ["Interval", "Calls", "AHT", "(s)", "Erlangs", "Agents"]
    assert "P(abandon)" not in lines[1]
    row = lines[3].split()
    # interval, calls, aht, erlangs, agents, scheduled, SL, ASA, occupancy, P(wait)
    assert row == ["-", "100", "180", "10.00", "14", "20", "88.8%", "7.8", "71.4%", "17.4%"]


def test_json_is_machine_readable_and_matches_the_calculator() -> None:
    result = run(*ONE, *GOAL, "--max-occupancy", "0.7", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["model"] == "erlang_c"
    assert doc["goals"]["max_occupancy"] == 0.7
    (interval,) = doc["intervals"]
    expected = erlang_c_staffing(
        100, aht=180, interval=30, answer_within=20, target_sl=0.8, max_occupancy=0.7
    )
    assert interval["agents"] == expected.agents == 15  # the occupancy cap binds: 10/15 < 0.7
    assert interval["service_level"] == pytest.approx(expected.service_level)
    assert interval["p_abandon"] is None
    assert interval["interval"] is None


def test_patience_switches_to_erlang_a() -> None:
    args = [*ONE, *GOAL, "--patience", "60", "--max-abandon", "0.05"]
    table = run(*args)
    assert table.exit_code == 0, table.output
    assert table.stdout.startswith("Erlang A")
    assert "P(abandon)" in table.stdout
    doc = json.loads(run(*args, "--format", "json").stdout)
    assert doc["model"] == "erlang_a"
    (interval,) = doc["intervals"]
    expected = erlang_a_staffing(
        100, aht=180, interval=30, answer_within=20, target_sl=0.8, patience=60, max_abandon=0.05
    )
    assert interval["agents"] == expected.agents
    assert interval["p_abandon"] == pytest.approx(expected.p_abandon)
    assert interval["p_abandon"] <= 0.05


def write(tmp_path: Path, text: str, name: str = "forecast.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_forecast_file_gives_one_row_per_interval(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "interval,calls,aht,notes\n08:00,40,,quiet\n08:15,120,240,\n\n08:30,0,,closed line\n",
    )
    base = ["--forecast", path, "--aht", "180", "--interval", "15", "--answer-within", "20"]
    result = run(*base, *GOAL, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["intervals"]
    assert [r["interval"] for r in rows] == ["08:00", "08:15", "08:30"]
    assert [r["aht"] for r in rows] == [180, 240, 180]  # empty aht cell -> --aht
    for r in rows:
        expected = erlang_c_staffing(
            r["calls"], aht=r["aht"], interval=15, answer_within=20, target_sl=0.8
        )
        assert r["agents"] == expected.agents
    assert rows[2]["agents"] == 0
    table = run(*base, *GOAL)
    assert table.exit_code == 0, table.output
    body = table.stdout.splitlines()[3:]
    assert [line.split()[0] for line in body] == ["08:00", "08:15", "08:30"]


def test_forecast_with_aht_in_every_row_needs_no_aht_option(tmp_path: Path) -> None:
    path = write(tmp_path, "Interval;Calls;AHT\nMon 09:00;55;200\n")  # semicolons, any case
    result = run("--forecast", path, "--interval", "15", "--answer-within", "20", *GOAL)
    assert result.exit_code == 0, result.output
    assert "Mon 09:00" in result.stdout


def test_terminal_escapes_in_labels_are_neutralised(tmp_path: Path) -> None:
    path = write(tmp_path, "interval,calls\n\x1b[2Jevil,10\n")
    result = run(
        "--forecast", path, "--aht", "60", "--interval", "15", "--answer-within", "20", *GOAL
    )
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout


def test_help_documents_the_csv_columns_and_is_translated_when_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result = run("--help")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    for column in ("'interval'", "'calls'", "'aht'"):
        assert column in text
    # The language is chosen after import (seatdesk --lang): help goes through _() on display.
    monkeypatch.setattr(command_module, "_", lambda s: f"<<{s}>>")
    shown = run("--help").stdout
    assert "<<Calls offered in the interval (one interval).>>" in " ".join(shown.split())
    assert "<<Agents needed" in shown


def test_the_command_is_exported_for_the_cli() -> None:
    assert COMMANDS == [staffing]
    assert staffing.name == "staffing"


# ---- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["--calls", "-5", "--aht", "180", "--interval", "30", "--answer-within", "20", *GOAL],
            "--calls",
        ),
        (
            ["--calls", "nan", "--aht", "180", "--interval", "30", "--answer-within", "20", *GOAL],
            "not a finite number",
        ),
        ([*ONE, "--target-sl", "1.5"], "--target-sl"),
        ([*ONE, "--target-sl", "0"], "--target-sl"),
        ([*ONE, "--target-sl", "80%"], "--target-sl"),
        ([*ONE], "--target-sl"),  # missing
        (["--calls", "100", "--interval", "30", "--answer-within", "20", *GOAL], "--aht"),
        ([*ONE, *GOAL, "--shrinkage", "1"], "--shrinkage"),
        ([*ONE, *GOAL, "--max-abandon", "0.05"], "--patience"),
        ([*ONE, *GOAL, "--patience", "0"], "--patience"),
        ([*ONE, *GOAL, "--format", "xml"], "--format"),
        (["--aht", "180", "--interval", "30", "--answer-within", "20", *GOAL], "--forecast"),
        ([*ONE, *GOAL, "--forecast", "x.csv"], "not both"),
        ([*ONE, *GOAL, "--bogus"], "--bogus"),
    ],
)
def test_bad_options_give_one_clear_line(args: list[str], expected: str) -> None:
    line = one_error_line(run(*args))
    assert expected in line


def test_missing_forecast_file(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.csv")
    line = one_error_line(
        run(
            "--forecast",
            missing,
            "--aht",
            "180",
            "--interval",
            "15",
            "--answer-within",
            "20",
            *GOAL,
        )
    )
    assert "not found" in line and "nope.csv" in line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("interval,calls\n08:00,12\n08:15,lots\n", "line 3: calls is not a number: 'lots'"),
        ("interval,calls\n08:00,-4\n", "line 2: calls must be zero or more"),
        ("interval,calls\n08:00,inf\n", "line 2: calls must be a finite number"),
        ("interval,calls,aht\n08:00,10,0\n", "line 2: aht must be more than 0"),
        ("interval,calls\n08:00,\n", "line 2: calls is empty"),
        ("start,volume\n08:00,10\n", "line 1: missing column(s) interval, calls"),
        ("interval,calls\n", "no intervals"),
        ("", "empty"),
        ("interval,calls\n08:00,10\n", "line 2: no aht in the file and no --aht given"),
    ],
)
def test_bad_forecast_files_name_the_line_and_the_reason(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = write(tmp_path, text)
    aht = [] if "no aht" in expected else ["--aht", "180"]
    line = one_error_line(
        run("--forecast", path, *aht, "--interval", "15", "--answer-within", "20", *GOAL)
    )
    assert expected in line
    assert path in line


def test_a_file_that_is_not_text_is_refused_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "forecast.csv"
    path.write_bytes(b"interval,calls\n\xff\xfe\x00\x01,3\n")
    line = one_error_line(
        run(
            "--forecast",
            str(path),
            "--aht",
            "180",
            "--interval",
            "15",
            "--answer-within",
            "20",
            *GOAL,
        )
    )
    assert "UTF-8" in line


# ---- the CSV reader on its own -------------------------------------------------------------------


def test_reader_accepts_bom_tabs_quotes_and_extra_columns(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text('\ufeffcalls\tinterval\tteam\n12.5\t"Mon, 08:00"\tA\n', encoding="utf-8")
    (row,) = read_forecast(path)
    assert (row.line, row.interval, row.calls, row.aht) == (2, "Mon, 08:00", 12.5, None)


def test_reader_reports_the_physical_line_after_blank_lines() -> None:
    with pytest.raises(ForecastError) as info:
        parse_forecast(["interval,calls\n", "\n", "a,1\n", "\n", "b,x\n"])
    assert info.value.line == 5
    assert str(info.value) == "line 5: calls is not a number: 'x'"
    with pytest.raises(ForecastError) as info:
        parse_forecast(["\n", "\n", "interval,calls\n", "a,-1\n"])
    assert info.value.line == 4
