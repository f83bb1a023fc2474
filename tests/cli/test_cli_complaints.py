"""The command line of the complaints area: worker --once, settings, exports."""

from __future__ import annotations

import json
from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import func, select

from seatdesk.cli.main import main
from seatdesk.data.models import AuditEntry
from seatdesk.services.callbacks import CallbackInput
from seatdesk.services.complaints import ComplaintInput
from seatdesk.services.container import Backend
from tests.factories import customer, floor, hook_secret, prove_floor_users


def _seed(sqlite_url, clock):
    backend = Backend.open(sqlite_url, clock)
    people = floor(backend)
    cid = customer(backend, people["agent1"], "王芳", "13800138000")
    complaint = backend.complaints.register(people["agent1"], ComplaintInput(
        customer_id=cid, category="product", summary="=HYPERLINK(\"x\") 漏水"))
    backend.callbacks.schedule(people["agent1"], CallbackInput(cid, clock() + timedelta(hours=1)))
    return backend, complaint


def test_worker_once_prints_what_it_did(sqlite_url, monkeypatch):
    from datetime import UTC, datetime

    from seatdesk.domain.clock import FrozenClock

    backend, complaint = _seed(sqlite_url, FrozenClock(datetime(2020, 1, 6, 1, 30, tzinfo=UTC)))
    hook_secret(backend, monkeypatch)
    backend.close()
    runner = CliRunner()
    # The CLI runs on the real clock, years after the frozen deadline: it escalates.
    result = runner.invoke(main, ["--db", sqlite_url, "--lang", "en", "worker", "--once"])
    assert result.exit_code == 0, result.output
    assert f"complaints escalated: 1 (#{complaint.id})" in result.output
    assert "callbacks released to the pool: 2" in result.output
    result = runner.invoke(main, ["--db", sqlite_url, "--lang", "en", "worker", "--once"])
    # The new owner has a fresh deadline: nothing escalates twice.
    assert "complaints escalated: 0" in result.output


def test_export_complaints_and_callbacks_are_audited(sqlite_url, clock, tmp_path, monkeypatch):
    prove_floor_users(monkeypatch)
    backend, complaint = _seed(sqlite_url, clock)
    runner = CliRunner()
    out = tmp_path / "complaints.json"
    args = ["--db", sqlite_url, "--lang", "en", "export", "complaints", "--from", "2026-11-01",
            "--to", "2026-11-30", "--format", "json", "--out", str(out), "--as", "lead1"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    rows = json.loads(out.read_text())
    assert [r["id"] for r in rows] == [complaint.id]
    assert rows[0]["phone"] == "138****8000"
    assert rows[0]["created_at"].startswith("2026-11-23T09:30")  # the center's time
    result = runner.invoke(main, ["--db", sqlite_url, "export", "callbacks", "--from",
                                  "2026-11-01", "--to", "2026-11-30", "--as", "super1"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 3 and "+8613800138000" in result.output  # header + 2 callbacks
    # An agent may not export; a bad date is one clean line.
    result = runner.invoke(main, ["--db", sqlite_url, "export", "callbacks", "--from",
                                  "2026-11-01", "--to", "2026-11-30", "--as", "agent1"])
    assert result.exit_code == 1 and "may not" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(main, ["--db", sqlite_url, "export", "complaints", "--from",
                                  "someday", "--to", "2026-11-30", "--as", "lead1"])
    assert result.exit_code == 1 and "someday" in result.output
    with backend.db.read() as s:
        actions = list(s.scalars(select(AuditEntry.action).where(
            AuditEntry.action.like("%.export")).order_by(AuditEntry.id)))
        assert actions == ["complaints.export", "callbacks.export"]
        assert s.scalar(select(func.count(AuditEntry.id))) >= 2
    backend.close()


def test_deadline_rule_and_calendar_commands(sqlite_url, clock, monkeypatch):
    prove_floor_users(monkeypatch)
    backend, _complaint = _seed(sqlite_url, clock)
    runner = CliRunner()
    base = ["--db", sqlite_url, "--lang", "en", "complaint"]
    result = runner.invoke(main, [*base, "deadline-rule", "--category", "billing", "--hours",
                                  "8", "--as", "super1"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, [*base, "calendar", "--start", "09:00", "--end", "18:00",
                                  "--holiday", "2026-12-31", "--as", "super1"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, [*base, "calendar", "--start", "9am", "--as", "super1"])
    assert result.exit_code == 1 and "08:30" in result.output  # says the expected form
    result = runner.invoke(main, [*base, "deadline-rule", "--category", "weather", "--hours",
                                  "8", "--as", "super1"])
    assert result.exit_code == 1 and "category" in result.output
    result = runner.invoke(main, [*base, "list", "--as", "lead1"])
    assert result.exit_code == 0 and "王芳" in result.output
    from seatdesk.data.models.complaints import ComplaintDeadlineRule, WorkCalendarRow

    with backend.db.read() as s:
        assert s.scalar(select(ComplaintDeadlineRule.hours)) == 8
        assert s.get(WorkCalendarRow, 1).day_start == "09:00"
    backend.close()
