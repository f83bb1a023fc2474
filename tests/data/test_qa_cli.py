"""`seatdesk report qa` and `seatdesk qa form export|import`."""

from __future__ import annotations

import json

from click.testing import CliRunner

from seatdesk.cli.main import main
from seatdesk.exchange.qa_default_form import ensure_default_form
from seatdesk.services.container import Backend
from tests.data.qa_helpers import closed_call, perfect
from tests.factories import floor, prove_floor_users


def _scored(db_url, clock):
    backend = Backend.open(db_url, clock)
    people = floor(backend)
    ensure_default_form(backend)
    ev = backend.qa.start_evaluation(people["qa1"], closed_call(backend, people["agent1"]))
    backend.qa.submit(people["qa1"], ev.id, perfect(ev.form))
    backend.close()


def test_report_qa_formats(db_url, clock, tmp_path, monkeypatch):
    prove_floor_users(monkeypatch)
    _scored(db_url, clock)
    run = CliRunner().invoke
    args = ["--db", db_url, "--lang", "en", "report", "qa", "--from", "2026-11-01",
            "--to", "2026-11-30", "--as", "super1"]
    table = run(main, args)
    assert table.exit_code == 0, table.output
    assert "agent1" in table.output and "100.0" in table.output
    as_json = run(main, [*args, "--format", "json", "--by", "item"])
    rows = json.loads(as_json.output)
    assert {r["key"] for r in rows} >= {"opening.greeting", "critical.no_argument"}
    out = tmp_path / "qa.xlsx"
    assert run(main, [*args, "--format", "xlsx", "--out", str(out)]).exit_code == 0
    assert out.stat().st_size > 0
    bad = run(main, [*args[:-2], "--as", "agent1"])
    assert bad.exit_code == 1 and "may not" in bad.output and "Traceback" not in bad.output
    bad_date = run(main, [*args[:6], "--from", "someday", *args[8:]])
    assert bad_date.exit_code == 1 and "someday" in bad_date.output


def test_form_export_edit_import(db_url, clock, tmp_path, monkeypatch):
    prove_floor_users(monkeypatch)
    _scored(db_url, clock)
    run = CliRunner().invoke
    path = tmp_path / "form.toml"
    out = run(main, ["--db", db_url, "qa", "form", "export", str(path), "--as", "super1"])
    assert out.exit_code == 0, out.output
    text = path.read_text(encoding="utf-8")
    assert "五声十一字" in text
    path.write_text(text.replace("pass_mark = 80", "pass_mark = 90"), encoding="utf-8")
    out = run(main, ["--db", db_url, "qa", "form", "import", str(path), "--as", "super1"])
    assert out.exit_code == 0 and "version 2" in out.output
    path.write_text(text.replace('type = "scale"', 'type = "stars"', 1), encoding="utf-8")
    out = run(main, ["--db", db_url, "qa", "form", "import", str(path), "--as", "super1"])
    assert out.exit_code == 1 and "'five_voices': type must be one of" in out.output
    out = run(main, ["--db", db_url, "qa", "form", "import", str(path), "--as", "qa1"])
    assert out.exit_code == 1
    backend = Backend.open(db_url, clock)
    assert backend.qa.form(backend.users.actor("qa1")).form.pass_mark == 90
    backend.close()
