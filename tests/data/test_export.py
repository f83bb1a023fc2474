"""Exports: round trips of the call records, masking by role, permission, audit, dates."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from seatdesk.data.models import AuditEntry, Call, Customer, User
from seatdesk.domain import phone
from seatdesk.domain.errors import InvalidInput, PermissionDenied
from seatdesk.exchange.exporter import call_columns, export_calls, parse_date_range, write_rows
from seatdesk.exchange.seed import SeedOptions, seed

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)


@pytest.fixture
def seeded(backend):
    seed(backend, SeedOptions(customers=60, days=3, calls_per_day=40, random_seed=3))
    return backend


def _db_calls(backend, start, end):
    with backend.db.read() as s:
        rows = s.execute(select(Call, Customer.name, User.name)
                         .outerjoin(Customer, Customer.id == Call.customer_id)
                         .outerjoin(User, User.id == Call.agent_id)).all()
    return {c.id: (c, cust, agent) for c, cust, agent in rows
            if start <= (c.queued_at or c.offered_at) < end}


def test_csv_round_trip_unmasked_for_supervisor(seeded):
    start, end = parse_date_range("2026-11-20", "2026-11-22", SH, now=NOW)
    buffer = io.BytesIO()
    count = export_calls(seeded, seeded.users.actor("demo_super"), start, end, "csv", buffer)
    raw = buffer.getvalue()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    expected = _db_calls(seeded, start, end)
    assert count == len(rows) == len(expected) > 0
    headings = [h for _k, h in call_columns()]
    assert list(rows[0]) == headings
    for row in rows:
        call, customer, agent = expected[int(row["Call"])]
        number = call.caller_number if call.direction.value == "inbound" else call.dialled_number
        assert phone.normalise(row["Number"]) == number
        assert row["Customer"] == (customer or "") and row["Agent"] == (agent or "")
        assert row["Notes"] == call.notes and row["Direction"] == call.direction.value
        assert int(row["Talk (s)"]) == call.talk_seconds
        local = (call.queued_at or call.offered_at).astimezone(SH)
        assert row["Time"] == local.strftime("%Y-%m-%d %H:%M:%S")
        assert row["Resolved"] == {None: "", True: "yes", False: "no"}[call.resolved]


def test_xlsx_round_trip_and_masking_for_team_lead(seeded, tmp_path):
    start, end = parse_date_range("2026-11-20", "2026-11-22", SH, now=NOW)
    out = tmp_path / "calls.xlsx"
    lead = seeded.users.actor("demo_lead")
    count = export_calls(seeded, lead, start, end, "xlsx", out)
    sheet = load_workbook(out, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == tuple(h for _k, h in call_columns())
    # A lead's export holds the calls their own team's agents took (one scope everywhere).
    with seeded.db.read() as s:
        team = set(s.scalars(select(Call.id).join(User, User.id == Call.agent_id)
                             .where(User.team_id == lead.team_id)))
    expected = {k: v for k, v in _db_calls(seeded, start, end).items() if k in team}
    assert 0 < len(expected) < len(_db_calls(seeded, start, end))
    assert count == len(rows) - 1 == len(expected)
    for row in rows[1:]:
        call, customer, _agent = expected[row[0]]
        assert "****" in row[5]  # a lead may export but not see the digits
        assert row[1] == (call.queued_at or call.offered_at).astimezone(SH).replace(tzinfo=None)
        assert (row[6] or "") == (customer or "") and row[16] == call.talk_seconds


def test_permission_and_audit(seeded):
    start, end = parse_date_range("yesterday", "today", SH, now=NOW)
    for login in ("demo_agent", "demo_qa"):
        with pytest.raises(PermissionDenied):
            export_calls(seeded, seeded.users.actor(login), start, end, "json", io.BytesIO())
    buffer = io.BytesIO()
    count = export_calls(seeded, seeded.users.actor("demo_lead"), start, end, "json", buffer)
    items = json.loads(buffer.getvalue())
    assert len(items) == count > 0
    assert datetime.fromisoformat(items[0]["time"]).utcoffset().total_seconds() == 8 * 3600
    with seeded.db.read() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action == "calls.export")).all()
    assert len(entries) == 1
    entry = entries[0]
    assert entry.actor_login == "demo_lead" and entry.detail["rows"] == count
    assert entry.detail["format"] == "json" and entry.detail["masked"] is True


def test_parse_date_range():
    start, end = parse_date_range("2026-11-01", "2026/11/01", "Asia/Shanghai", now=NOW)
    assert start == datetime(2026, 10, 31, 16, tzinfo=UTC)
    assert end == datetime(2026, 11, 1, 16, tzinfo=UTC)  # --to is the whole day
    start, end = parse_date_range("yesterday", "today", SH, now=NOW)
    assert start == datetime(2026, 11, 21, 16, tzinfo=UTC)
    assert end == datetime(2026, 11, 23, 16, tzinfo=UTC)
    with pytest.raises(InvalidInput) as err:
        parse_date_range("2026-13-45", "today", SH, now=NOW)
    assert err.value.field == "--from" and "2026-13-45" in str(err.value)
    with pytest.raises(InvalidInput) as err:
        parse_date_range("today", "banana", SH, now=NOW)
    assert err.value.field == "--to"
    with pytest.raises(InvalidInput) as err:
        parse_date_range("2026-11-05", "2026-11-01", SH, now=NOW)
    assert "before" in str(err.value)


def test_write_rows_guards_text_and_formats():
    columns = [("n", "编号"), ("text", "内容"), ("at", "时间")]
    rows = [{"n": 1, "text": "=HYPERLINK(\"x\")", "at": datetime(2026, 1, 2, 3, 4, tzinfo=SH)},
            {"n": 2, "text": "a\x1b[31mb", "at": None}]
    buffer = io.BytesIO()
    assert write_rows(iter(rows), columns, "csv", buffer) == 2
    back = list(csv.reader(io.StringIO(buffer.getvalue().decode("utf-8-sig"))))
    assert back[0] == ["编号", "内容", "时间"]
    assert back[1] == ["1", "'=HYPERLINK(\"x\")", "2026-01-02 03:04:00"]
    assert back[2] == ["2", "a\u241b[31mb", ""]
    buffer = io.BytesIO()
    write_rows(rows, columns, "xlsx", buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0]
    assert sheet["B2"].value == "'=HYPERLINK(\"x\")" and sheet["B3"].value == "a\u241b[31mb"
    buffer = io.BytesIO()
    assert write_rows([], columns, "json", buffer) == 0 and json.loads(buffer.getvalue()) == []
    with pytest.raises(InvalidInput):
        write_rows(rows, columns, "pdf", io.BytesIO())
