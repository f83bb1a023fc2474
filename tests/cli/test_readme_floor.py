"""README's "Running a real floor", run as written on a fresh SQLite and PostgreSQL database.

The command lines are read from README.md. The one change: the example URL of the
``export SEATDESK_DB=`` line is the test's database. Passwords are typed on standard input,
`seatdesk worker` runs until it is stopped (as a service would be), and `seatdesk run` is
started on a pseudo-terminal until its sign-in screen shows.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pexpect
import psycopg
import pytest
from sqlalchemy import select

from seatdesk.data.models import AuditEntry, Call, Queue, Team, User, UserQueue
from seatdesk.services.container import Backend
from tests.conftest import REQUIRE_PG, _pg_conninfo, _pg_url

ROOT = Path(__file__).resolve().parents[2]
PASSWORDS = {"bootstrap": "root-password-1\nroot-password-1\n",
             "login": "root-password-1\n",
             "user add": "lin-first-pass\nlin-first-pass\n"}


def readme_floor_lines() -> list[str]:
    """The command lines of README's "Running a real floor" block, comments removed."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Running a real floor", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None, "no ```sh block under 'Running a real floor'"
    lines = []
    for raw in block.group(1).splitlines():
        line = re.sub(r"\s+#\s.*$", "", raw).strip()
        if line:
            lines.append(line)
    return lines


@pytest.fixture
def fresh_pg() -> Iterator[str]:
    name = f"seatdesk_readme_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg.connect(_pg_conninfo("postgres"), autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL is required but unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _pg_url(name)
    finally:
        with psycopg.connect(_pg_conninfo("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _shim(tmp_path: Path) -> dict[str, str]:
    """An environment whose `seatdesk` is this checkout, run by this interpreter."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "seatdesk"
    shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m seatdesk "$@"\n')
    shim.chmod(0o755)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SEATDESK_") or k == "SEATDESK_HOME"}
    env["PATH"] = f"{bin_dir}:{env['PATH']}"
    env["PYTHONPATH"] = str(ROOT)
    env["SEATDESK_LANG"] = "en"
    return env


def _run_floor(url: str, tmp_path: Path) -> None:
    lines = readme_floor_lines()
    assert lines[0].startswith("export SEATDESK_DB=")
    env = _shim(tmp_path)
    exports = [f"export SEATDESK_DB={shlex.quote(url)}"]
    ran = []
    for line in lines[1:]:
        script = "; ".join([*exports, line])
        if line.startswith("export "):
            exports.append(line)
            continue
        if line.split()[:2] == ["seatdesk", "worker"]:
            worker = subprocess.Popen(["bash", "-c", "; ".join([*exports, "exec " + line])],
                                      cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, text=True)
            assert worker.stdout is not None
            first = worker.stdout.readline()  # it says it runs, then runs until stopped
            worker.send_signal(signal.SIGTERM)
            out, _ = worker.communicate(timeout=60)
            assert "worker running" in first and "worker stopped" in out, (first, out)
            assert "Error" not in out, out
            ran.append(line)
            continue
        if line.split()[:2] == ["seatdesk", "run"]:
            desk = pexpect.spawn("bash", ["-c", "; ".join([*exports, "exec " + line])],
                                 cwd=str(tmp_path), env=env, dimensions=(30, 100),
                                 encoding="utf-8", timeout=30)
            try:
                desk.expect("sign in")
            finally:
                desk.terminate(force=True)
            ran.append(line)
            continue
        given = next((v for k, v in PASSWORDS.items() if line.startswith(f"seatdesk {k}")), None)
        done = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, input=given,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (line, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr, done.stderr
        ran.append(line)
    assert {"seatdesk db upgrade", "seatdesk user list", "seatdesk run"} <= set(ran)
    _check_the_floor(url)


def _check_the_floor(url: str) -> None:
    backend = Backend.open(url)
    try:
        with backend.db.read() as s:
            lin = s.scalars(select(User).where(User.login == "lin")).one()
            root = s.scalars(select(User).where(User.login == "root")).one()
            assert root.role.value == "admin" and lin.role.value == "agent"
            assert lin.must_change_password  # lin chooses their own at first sign-in
            team = s.scalars(select(Team).where(Team.code == "t1")).one()
            assert lin.team_id == team.id
            general = s.scalars(select(Queue).where(Queue.code == "general")).one()
            assert (general.name_zh, general.sl_seconds, general.acw_seconds) == ("综合", 20, 120)
            assert s.get(UserQueue, (lin.id, general.id)) is not None
            assert len(s.scalars(select(Call.id)).all()) == 2
            actions = set(s.scalars(select(AuditEntry.action)))
            assert {"admin.user.created", "admin.queue.created", "admin.team.created",
                    "admin.system_secret.replaced", "session.opened"} <= actions
            # No demo accounts on a real floor.
            assert s.scalar(select(User.id).where(User.login.like("demo%"))) is None
        assert not backend.users.is_demo()
    finally:
        backend.close()


def test_readme_floor_on_sqlite(tmp_path):
    _run_floor(f"sqlite:///{tmp_path / 'floor.db'}", tmp_path)


@pytest.mark.postgres
def test_readme_floor_on_postgresql(fresh_pg, tmp_path):
    _run_floor(fresh_pg, tmp_path)
