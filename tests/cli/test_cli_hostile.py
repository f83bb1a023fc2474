"""Hostile and odd input on the command line: one clear line and a non-zero exit, never a
traceback, never a destroyed file, never a terminal taken over by stored text."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from seatdesk.cli.main import main
from seatdesk.data.models import User
from seatdesk.services.container import Backend
from seatdesk.services.dto import SYSTEM, WrapUp
from tests.factories import FLOOR_PASSWORD, floor


def run(db: str, *args: str, env: dict[str, str] | None = None,
        input: str | None = None) -> tuple[int, str]:
    """The CLI in-process; fails the test on a traceback (an exception click did not end).

    Each --as is proven with the floor users' password, as a script would."""
    env = {"SEATDESK_PASSWORD": FLOOR_PASSWORD, **(env or {})}
    result = CliRunner().invoke(main, ["--db", db, "--lang", "en", *args], env=env,
                                input=input)
    output = result.output  # both streams, as the terminal shows them
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"traceback for {args!r}: {result.exception!r}") \
            from result.exception
    assert "Traceback" not in output, output
    return result.exit_code, output


@pytest.fixture
def floor_db(sqlite_url: str, clock) -> str:
    backend = Backend.open(sqlite_url)
    try:
        floor(backend)
    finally:
        backend.close()
    return sqlite_url


def _export(db: str, out: str, *extra: str) -> tuple[int, str]:
    return run(db, "export", "calls", "--from", "2026-11-01", "--to", "2026-11-02",
               "--format", "csv", "--out", out, "--as", "super1", *extra)


# ---- item 11: --out overwrites anything ------------------------------------------------


def test_out_refuses_an_existing_file_unless_forced(floor_db, tmp_path):
    target = tmp_path / "calls.csv"
    target.write_text("keep me")
    code, out = _export(floor_db, str(target))
    assert code != 0 and "--force" in out and target.read_text() == "keep me"
    code, out = _export(floor_db, str(target), "--force")
    assert code == 0 and target.read_text() != "keep me"


def test_out_never_writes_over_the_database_or_the_journal(floor_db, tmp_path):
    import sqlite3

    db_file = Path(floor_db.removeprefix("sqlite:///"))

    def users() -> int:
        with sqlite3.connect(db_file) as conn:
            return int(conn.execute("SELECT count(*) FROM users").fetchone()[0])

    before = users()
    for forced in ((), ("--force",)):
        code, out = _export(floor_db, str(db_file), *forced)
        assert code != 0 and "database" in out
    # Proving who acts writes to the database (the sign-in is recorded), so its bytes may
    # change; what must hold is that it is still the database, not an export over it.
    assert db_file.read_bytes().startswith(b"SQLite format 3\x00") and users() == before
    journal = Path(os.environ["SEATDESK_HOME"]) / "journal.jsonl"
    journal.parent.mkdir(parents=True, exist_ok=True)
    journal.write_text('{"waiting": 1}\n')
    code, out = _export(floor_db, str(journal), "--force")
    assert code != 0 and "journal" in out and journal.read_text() == '{"waiting": 1}\n'


def test_out_never_follows_a_symlink(floor_db, tmp_path):
    precious = tmp_path / "precious.txt"
    precious.write_text("precious")
    link = tmp_path / "link.csv"
    link.symlink_to(precious)
    for forced in ((), ("--force",)):
        code, out = _export(floor_db, str(link), *forced)
        assert code != 0 and "link" in out
    assert precious.read_text() == "precious"
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "not-yet.txt")
    code, _out = _export(floor_db, str(dangling))
    assert code != 0 and not (tmp_path / "not-yet.txt").exists()


def test_every_export_command_guards_its_out(floor_db, tmp_path):
    target = tmp_path / "x.csv"
    target.write_text("keep me")
    commands = [
        ("report", "kpi", "--from", "2026-11-01", "--format", "csv", "--as", "super1"),
        ("report", "qa", "--from", "2026-11-01", "--to", "2026-11-02", "--format", "csv",
         "--as", "super1"),
        ("export", "complaints", "--from", "2026-11-01", "--to", "2026-11-02", "--as",
         "super1"),
        ("export", "callbacks", "--from", "2026-11-01", "--to", "2026-11-02", "--as",
         "super1"),
    ]
    for args in commands:
        code, out = run(floor_db, *args, "--out", str(target))
        assert code != 0 and target.read_text() == "keep me", (args, out)


# ---- item 12: stored text reaching the terminal ----------------------------------------


HOSTILE = "Eve\x1b]0;pwned\x07\x1b]52;c;ZWNobyBoaQ==\x07\x1b[2J\x9b2J"


def test_tables_neutralise_stored_names(floor_db):
    backend = Backend.open(floor_db)
    try:
        with backend.db.write() as s:
            s.execute(update(User).where(User.login == "agent1").values(name=HOSTILE))
        agent = backend.users.actor("agent1")
        backend.agents.log_in(agent)
        call_id = backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
        backend.calls.take(agent, call_id, lang="en")
    finally:
        backend.close()
    for args in (("user", "list", "--as", "admin1"),
                 ("report", "kpi", "--from", "today", "--by", "agent", "--as", "super1")):
        code, out = run(floor_db, *args)
        assert code == 0, out
        assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out, args
        assert "Eve" in out


def test_names_with_control_characters_are_refused(floor_db):
    code, out = run(floor_db, "user", "add", "eve", "--name", "Eve\x1b[2J", "--role", "agent",
                    "--password-stdin", "--as", "admin1", input="secret123\n")
    assert code != 0 and "control" in out


# ---- item 13: numbers in unusual forms -------------------------------------------------


def test_unusual_numbers_are_masked_by_digits(backend):
    people = floor(backend)
    agent = people["agent1"]
    for raw in ("13800138000#", "*13800138000", "p13800138000", "138-0013-8000 ext 9"):
        call_id = backend.calls.offer_inbound(SYSTEM, raw, "general")
        waiting = {w.id: w for w in backend.calls.waiting(agent)}
        assert "0013" not in waiting[call_id].caller_number, raw
        assert "0013" not in backend.calls.get(people["qa1"], call_id).caller_number, raw
        popped = backend.calls.take(agent, call_id, lang="en")
        assert "0013" not in popped.call.caller_number, raw
        assert "0013" not in backend.calls.get(agent, call_id).caller_number, raw
        # The supervisor, who may see digits, sees them.
        assert "0013" in backend.calls.get(people["super1"], call_id).caller_number
        backend.calls.end(agent, call_id)
        backend.calls.save_wrap_up(agent, call_id, WrapUp(
            category="query", disposition="resolved", resolved=True))


# ---- item 15: tracebacks and unbounded runs found by fuzzing ---------------------------


@pytest.mark.parametrize("args", [
    ("export", "calls", "--from", "2026-11-01", "--to", "2026-11-02", "--out", "",
     "--as", "super1"),
    ("export", "calls", "--from", "2026-11-01", "--to", "2026-11-02", "--out",
     "/no/such/folder/calls.csv", "--as", "super1"),
    ("export", "calls", "--from", "2026-11-01", "--to", "2026-11-02", "--out",
     "x" * 3000, "--as", "super1"),
    ("report", "kpi", "--from", "2026-11-01", "--tz", "Z" * 3000, "--as", "super1"),
    ("call", "abandon", "999999999999"),
    ("call", "abandon", "99999999999999999999999"),
    ("simulate", "--patience", "1e999", "--duration", "1"),
    ("simulate", "--rate", "1e999", "--duration", "1"),
    ("seed", "--customers", "999999999999"),
    ("worker", "--once", "--release-after", "999999999999"),
    ("report", "kpi", "--from", "0001-01-01", "--as", "super1"),
    ("report", "kpi", "--from", "2026-01-01", "--to", "9999-12-31", "--as", "super1"),
    ("report", "qa", "--from", "0001-01-01", "--to", "2026-01-01", "--as", "super1"),
    ("report", "qa", "--from", "2026-01-01", "--to", "9999-12-31", "--as", "super1"),
    ("export", "calls", "--from", "0001-01-01", "--to", "2026-11-02", "--as", "super1"),
    ("export", "calls", "--from", "2026-11-01", "--to", "9999-12-31", "--as", "super1"),
])
def test_odd_values_get_one_line_and_a_non_zero_exit(floor_db, tmp_path, args):
    started = time.monotonic()
    code, out = run(floor_db, *args)
    assert code != 0, out
    lines = [line for line in out.splitlines() if line.strip()]
    assert 1 <= len(lines) <= 3, out  # one message (click adds Usage/Try lines for options)
    assert time.monotonic() - started < 10


def test_an_unknown_seatdesk_tz_is_one_line(floor_db):
    for args in (("export", "calls", "--from", "2026-11-01", "--to", "2026-11-02"),
                 ("report", "kpi", "--from", "2026-11-01")):
        code, out = run(floor_db, *args, "--as", "super1", env={"SEATDESK_TZ": "Mars/Olympus"})
        assert code != 0 and "Mars/Olympus" in out, args


def test_db_upgrade_on_a_newer_schema_is_one_line(floor_db):
    backend = Backend.open(floor_db)
    try:
        with backend.db.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'z9_from_the_future'"
                                 " WHERE version_num = 'k4_agent_closed'")
    finally:
        backend.close()
    code, out = run(floor_db, "db", "upgrade")
    assert code != 0 and "newer" in out


def test_staffing_with_a_huge_call_count_is_bounded(floor_db):
    started = time.monotonic()
    code, out = run(floor_db, "staffing", "--calls", "1e12", "--aht", "180", "--interval", "30",
                    "--answer-within", "20", "--target-sl", "0.8")
    assert code != 0 and time.monotonic() - started < 5, out
