"""`seatdesk report kpi`: table, exports that round-trip, one-line errors, audit."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import select

from seatdesk.cli.main import main
from seatdesk.data.models import AuditEntry
from seatdesk.services.container import Backend
from tests.data.test_reports import build_hand_floor
from tests.factories import prove_floor_users


@pytest.fixture
def floor_db(sqlite_url, clock, monkeypatch):
    backend = Backend.open(sqlite_url, clock)
    build_hand_floor(backend)
    backend.close()
    monkeypatch.setenv("SEATDESK_DB", sqlite_url)
    prove_floor_users(monkeypatch)
    return sqlite_url


def run(*args: str):
    return CliRunner().invoke(main, ["--lang", "en", "report", "kpi", *args])


def test_table_shows_the_days(floor_db):
    result = run("--from", "2026-11-20", "--to", "2026-11-21", "--as", "super1")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    fri = next(line for line in lines if line.startswith("2026-11-20")).split()
    assert fri[1:4] == ["6", "4", "1"]  # offered, answered, abandoned
    assert lines[-1].split()[:2] == ["Total", "8"]


def test_csv_and_xlsx_round_trip_with_chinese_headings(floor_db, tmp_path):
    out_csv, out_xlsx = tmp_path / "k.csv", tmp_path / "k.xlsx"
    # The center's numbers: a supervisor's report (a lead's shows their team, see
    # tests/data/test_team_scope.py).
    common = ["--from", "2026-11-20", "--to", "2026-11-21", "--as", "super1",
              "--measures", "offered,service_level,aht"]
    r1 = CliRunner().invoke(main, ["--lang", "zh", "report", "kpi", *common, "--format", "csv",
                                   "--out", str(out_csv)])
    r2 = CliRunner().invoke(main, ["--lang", "zh", "report", "kpi", *common, "--format",
                                   "xlsx", "--out", str(out_xlsx)])
    assert r1.exit_code == 0 and r2.exit_code == 0, r1.output + r2.output
    raw = out_csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads the Chinese as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["时段", "呼入量", "服务水平", "平均处理时长"]
    assert rows[1] == ["2026-11-20", "6", "0.4", "132.0"]
    assert rows[-1][0] == "合计" and rows[-1][1] == "8"
    sheet = load_workbook(out_xlsx).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0] == rows[0]
    assert cells[1] == ["2026-11-20", 6, 0.4, 132.0]
    for from_csv, from_xlsx in zip(rows[1:], cells[1:], strict=True):
        assert from_csv[0] == from_xlsx[0]
        assert [float(v) for v in from_csv[1:]] == [float(v) for v in from_xlsx[1:]]
    backend = Backend.open(floor_db)
    with backend.db.read() as s:
        formats = sorted(s.scalars(select(AuditEntry.detail)
                                   .where(AuditEntry.action == "report.export")),
                         key=lambda d: d["format"])
    backend.close()
    assert [d["format"] for d in formats] == ["csv", "xlsx"]
    assert formats[0]["rows"] == 3  # two days and the total


def test_json_by_agent(floor_db):
    result = run("--from", "2026-11-20", "--to", "2026-11-21", "--by", "agent", "--format",
                 "json", "--measures", "offered,handled", "--as", "super1")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    agent1 = next(row for row in data if row["agent"] == "Agent1 (agent1)")
    assert agent1 == {"agent": "Agent1 (agent1)", "offered": 4, "handled": 4}


@pytest.mark.parametrize("args, message", [
    (["--from", "31/31/2026"], "cannot read '31/31/2026' as a date"),
    (["--from", "2026-11-21", "--to", "2026-11-01"], "is before --from"),
    (["--from", "2026-11-01", "--measures", "speed"], "unknown measure 'speed'"),
    (["--from", "2026-11-01", "--format", "xlsx"], "needs --out"),
    (["--from", "2025-01-01", "--to", "2026-11-01"], "at most 400"),
    (["--from", "2026-11-01", "--tz", "Mars/Base"], "unknown time zone"),
])
def test_bad_input_is_one_clear_line(floor_db, args, message):
    result = run(*args, "--as", "super1")
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_agents_may_not_run_reports(floor_db):
    result = run("--from", "2026-11-20", "--as", "agent1")
    assert result.exit_code == 1
    assert "may not view reports" in result.output
