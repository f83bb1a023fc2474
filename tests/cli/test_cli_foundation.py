"""The real command line, end to end, on a SQLite file and once on PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from seatdesk.cli.main import main

# Every demo user's password; boss changes theirs to it too, so one SEATDESK_PASSWORD proves
# whoever --as names (identity on the command line: see tests/cli/test_cli_identity.py).
PASSWORD = "demo1234"


def _run(db: str, *args: str, input: str | None = None,
         env: dict[str, str] | None = None) -> tuple[int, str]:
    env = {"SEATDESK_PASSWORD": PASSWORD, **(env or {})}
    result = CliRunner().invoke(main, ["--db", db, "--lang", "en", *args], input=input, env=env)
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "Traceback" not in output, output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, output


def _system_secret(db: str) -> dict[str, str]:
    """The phone hook's environment: a new system secret, made by the demo admin."""
    result = CliRunner().invoke(main, ["--db", db, "system-secret", "--as", "demo_admin"],
                                env={"SEATDESK_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.output
    return {"SEATDESK_SYSTEM_SECRET": result.stdout.strip()}


def _floor(db: str) -> dict[str, str]:
    """A demo database with a supervisor `boss`; returns the phone hook's environment."""
    assert _run(db, "db", "upgrade")[0] == 0
    code, out = _run(db, "seed", "--demo", "--customers", "40", "--days", "2",
                     "--calls-per-day", "30")
    assert code == 0 and "40 customers" in out
    code, out = _run(db, "user", "add", "boss", "--name", "Boss", "--role", "supervisor",
                     "--password-stdin", "--as", "demo_admin", input="secret123\n")
    assert code == 0 and "boss" in out
    code, out = _run(db, "password", "--as", "boss", "--password-stdin",
                     input=f"secret123\n{PASSWORD}\n")
    assert code == 0, out
    return _system_secret(db)


def _walk_through(db: str, tmp_path: Path) -> None:
    hook = _floor(db)
    code, out = _run(db, "call", "offer", "--number", "138 0013 8000", env=hook)
    assert code == 0
    call_id = int(out.strip().splitlines()[-1])
    assert _run(db, "call", "abandon", str(call_id), env=hook)[0] == 0
    code, out = _run(db, "call", "offer", "--number", "13900139000", "--ring", env=hook)
    assert code == 0 and int(out.strip().splitlines()[-1]) > call_id  # no seat free: queued
    csv_file = tmp_path / "in.csv"
    csv_file.write_text("姓名,手机,等级\n测试客户,13912345678,B\n", encoding="utf-8-sig")
    code, out = _run(db, "import", "customers", str(csv_file), "--as", "boss")
    assert code == 0 and "1 created, 0 updated, 0 unchanged" in out
    code, out = _run(db, "import", "customers", str(csv_file), "--as", "boss")
    assert code == 0 and "0 created, 0 updated, 1 unchanged" in out
    out_file = tmp_path / "calls.json"
    code, out = _run(db, "export", "calls", "--from", "2000-01-01", "--to", "today",
                     "--format", "json", "--out", str(out_file), "--as", "demo_super")
    assert code == 0
    rows = json.loads(out_file.read_text())
    # An abandoned call belongs to the center: in a supervisor's export, in no team's.
    assert any(r["call_id"] == call_id and r["state"] == "abandoned" for r in rows)
    code, out = _run(db, "export", "calls", "--from", "2000-01-01", "--to", "today",
                     "--format", "json", "--out", str(out_file), "--force", "--as", "demo_lead")
    assert code == 0
    assert call_id not in {r["call_id"] for r in json.loads(out_file.read_text())}
    code, out = _run(db, "simulate", "--duration", "2", "--rate", "120", "--random-seed", "1",
                     env=hook)
    assert code == 0 and "offered" in out


def test_cli_end_to_end_sqlite(tmp_path):
    _walk_through(f"sqlite:///{tmp_path / 'cli.db'}", tmp_path)


@pytest.mark.postgres
def test_cli_end_to_end_postgresql(pg_url, tmp_path):
    _walk_through(pg_url, tmp_path)


BAD_INPUT = [
    ("user", "add", "x", "--name", "X", "--role", "pilot", "--password-stdin"),
    ("user", "add", "b!d login", "--name", "X", "--role", "agent", "--password-stdin"),
    ("call", "offer", "--number", "12345", "--queue", "nope"),
    ("call", "abandon", "999999"),
    ("call", "abandon", "abc"),
    ("seed", "--demo", "--customers", "-5"),
    ("seed", "--demo"),  # not empty any more: refused without --append
    ("seed", "--customers", "5"),  # demo data only when asked for
    ("import", "customers", "missing.csv", "--as", "boss"),
    ("import", "customers", "BADCSV", "--as", "boss"),
    ("import", "customers", "BADCSV", "--as", "demo_agent"),
    ("import", "customers", "BADCSV", "--map", "nonsense", "--as", "boss"),
    ("import", "customers", "BADCSV", "--as", "nobody"),
    ("export", "calls", "--from", "banana", "--to", "today", "--as", "boss"),
    ("export", "calls", "--from", "today", "--to", "2001-01-01", "--as", "boss"),
    ("export", "calls", "--from", "today", "--to", "today", "--as", "demo_agent"),
    ("export", "calls", "--from", "today", "--to", "today", "--format", "pdf", "--as", "boss"),
    ("export", "calls", "--from", "today", "--to", "today"),
    ("simulate", "--rate", "-1"),
]


def test_bad_input_gives_one_clear_line(tmp_path):
    db = f"sqlite:///{tmp_path / 'bad.db'}"
    assert _run(db, "call", "offer", "--number", "13800138000")[0] != 0  # not initialised
    hook = _floor(db)
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text("姓名,手机\n,13800138000\n王五,12\n", encoding="utf-8")
    for args in BAD_INPUT:
        args = tuple(str(bad_csv) if a == "BADCSV" else a for a in args)
        code, out = _run(db, *args, input="secret123\n", env=hook)
        assert code != 0, args
        errors = [line for line in out.splitlines() if line.startswith(("Error", "line "))]
        assert errors, (args, out)
    code, out = _run(db, "import", "customers", str(bad_csv), "--as", "boss")
    assert "line 2: name" in out and "line 3: phones" in out and "nothing imported" in out
    assert _run(db, "--db", "mysql://x/y", "user", "list")[0] != 0


def test_every_command_is_found_where_the_lazy_loader_looks():
    """`seatdesk run` loads only its own area's module: the map must match the modules."""
    from importlib import import_module

    from seatdesk.cli.registry import COMMAND_HOMES, COMMAND_MODULES

    found = {}
    for name in COMMAND_MODULES:
        for command in getattr(import_module(name), "COMMANDS", []):
            found[command.name] = name
    assert found == COMMAND_HOMES
    result = CliRunner().invoke(main, ["--help"])
    assert all(name in result.output for name in COMMAND_HOMES)


def test_the_worker_daemon_is_a_module_of_its_own():
    """`seatdesk worker` runs every area's timed rules, not only the complaints': its own module."""
    from seatdesk.cli.registry import COMMAND_HOMES

    assert COMMAND_HOMES["worker"] == "seatdesk.cli.daemon"
    result = CliRunner().invoke(main, ["worker", "--help"])
    assert result.exit_code == 0
    assert "Run the timed rules" in result.output
