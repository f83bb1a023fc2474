"""Identity on the command line: every command that acts for a person proves who it is.

Before issue 16, `--as demo_super` needed no password and `user add mallory --role admin`
ran with no identity at all.
"""

from __future__ import annotations

import os
import stat

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from seatdesk.cli.identity import session_path
from seatdesk.cli.main import main
from seatdesk.data.models import AuditEntry, User
from seatdesk.services.container import Backend
from tests.factories import FLOOR_PASSWORD, floor, hook_secret


@pytest.fixture
def floor_url(db_url, clock, monkeypatch):
    monkeypatch.delenv("SEATDESK_PASSWORD", raising=False)
    monkeypatch.delenv("SEATDESK_SYSTEM_SECRET", raising=False)
    monkeypatch.delenv("SEATDESK_USER", raising=False)
    backend = Backend.open(db_url, clock)
    floor(backend)
    backend.close()
    return db_url


def _cli(url: str, *args: str, env: dict[str, str] | None = None, input: str | None = None):
    result = CliRunner().invoke(main, ["--db", url, "--lang", "en", *args], env=env,
                                input=input)
    assert "Traceback" not in result.output
    return result


EXPORT = ("export", "calls", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "json")


def test_as_without_proof_is_refused(floor_url):
    result = _cli(floor_url, *EXPORT, "--as", "super1")
    assert result.exit_code != 0 and "prove who you are" in result.output


def test_user_add_needs_an_admin(floor_url):
    result = _cli(floor_url, "user", "add", "mallory", "--name", "M", "--role", "admin",
                  "--password-stdin", input="mallory-pass\n")
    assert result.exit_code != 0
    result = _cli(floor_url, "user", "add", "mallory", "--name", "M", "--role", "admin",
                  "--password-stdin", "--as", "super1", input="mallory-pass\n",
                  env={"SEATDESK_PASSWORD": FLOOR_PASSWORD})
    assert result.exit_code != 0 and "may not manage users" in result.output
    with Backend.open(floor_url).db.read() as s:
        assert s.scalar(select(User.id).where(User.login == "mallory")) is None


def test_a_wrong_password_counts_toward_the_lockout(floor_url):
    for _ in range(5):
        result = _cli(floor_url, *EXPORT, "--as", "super1", env={"SEATDESK_PASSWORD": "guess"})
        assert result.exit_code != 0 and "wrong login or password" in result.output
    # Locked now: even the right password is refused, and the desk's sign-in agrees.
    result = _cli(floor_url, *EXPORT, "--as", "super1",
                  env={"SEATDESK_PASSWORD": FLOOR_PASSWORD})
    assert result.exit_code != 0
    backend = Backend.open(floor_url)
    with backend.db.read() as s:
        assert s.scalar(select(User.locked_until).where(User.login == "super1")) is not None
        failed = s.scalars(select(AuditEntry.action).where(
            AuditEntry.action.in_(["login.failed", "login.locked"]))).all()
    backend.close()
    assert failed.count("login.failed") == 5 and failed.count("login.locked") == 1


def test_a_disabled_user_cannot_act(floor_url):
    env = {"SEATDESK_PASSWORD": FLOOR_PASSWORD}
    assert _cli(floor_url, *EXPORT, "--as", "super1", env=env).exit_code == 0
    assert _cli(floor_url, "user", "disable", "super1", "--as", "admin1", env=env).exit_code == 0
    result = _cli(floor_url, *EXPORT, "--as", "super1", env=env)
    assert result.exit_code != 0 and "wrong login or password" in result.output


def test_login_session_is_private_expires_and_is_revocable(floor_url):
    result = _cli(floor_url, "login", "--as", "super1", input=f"{FLOOR_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    path = session_path(floor_url)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert FLOOR_PASSWORD not in path.read_text()
    assert _cli(floor_url, *EXPORT).exit_code == 0  # the session proves super1
    # --as someone else is not proven by super1's session.
    assert _cli(floor_url, *EXPORT, "--as", "lead1").exit_code != 0
    # A file others may read is not trusted.
    os.chmod(path, 0o644)
    assert _cli(floor_url, *EXPORT).exit_code != 0
    os.chmod(path, 0o600)
    ended = _cli(floor_url, "user", "end-sessions", "super1", "--as", "admin1",
                 env={"SEATDESK_PASSWORD": FLOOR_PASSWORD})
    assert ended.exit_code == 0 and "1 session of super1 ended" in ended.output
    result = _cli(floor_url, *EXPORT)
    assert result.exit_code != 0 and "session" in result.output
    assert _cli(floor_url, "logout").exit_code == 0
    assert not path.exists()


def test_a_wrong_password_at_login_counts_too(floor_url):
    for _ in range(5):
        assert _cli(floor_url, "login", "--as", "agent1", input="nope\n").exit_code != 0
    result = _cli(floor_url, "login", "--as", "agent1", input=f"{FLOOR_PASSWORD}\n")
    assert result.exit_code != 0


def test_the_phone_hook_and_the_daemon_need_the_system_secret(floor_url, monkeypatch):
    offer = ("call", "offer", "--number", "13800138000")
    for args in (offer, ("call", "abandon", "1"), ("worker", "--once"),
                 ("simulate", "--duration", "1")):
        result = _cli(floor_url, *args)
        assert result.exit_code != 0 and "system secret" in result.output, args
        result = _cli(floor_url, *args, env={"SEATDESK_SYSTEM_SECRET": "guessed"})
        assert result.exit_code != 0 and "system secret" in result.output, args
    backend = Backend.open(floor_url)
    hook_secret(backend, monkeypatch)
    backend.close()
    result = _cli(floor_url, *offer)
    assert result.exit_code == 0 and result.output.strip().isdigit()


def test_a_forced_password_change_comes_first(floor_url):
    env = {"SEATDESK_PASSWORD": FLOOR_PASSWORD}
    assert _cli(floor_url, "user", "must-change-password", "super1", "--as", "admin1",
                env=env).exit_code == 0
    result = _cli(floor_url, *EXPORT, "--as", "super1", env=env)
    assert result.exit_code != 0 and "seatdesk password" in result.output
    result = _cli(floor_url, "password", "--as", "super1", "--password-stdin",
                  input=f"{FLOOR_PASSWORD}\nbrand-new-pass\n")
    assert result.exit_code == 0, result.output
    assert _cli(floor_url, *EXPORT, "--as", "super1",
                env={"SEATDESK_PASSWORD": "brand-new-pass"}).exit_code == 0


def test_the_demo_never_signs_in_on_a_real_floor(floor_url):
    """`seatdesk demo --db REAL --as root` would sign in with no password: refused."""
    from seatdesk.cli.desk import _refuse_a_real_floor
    from seatdesk.domain.errors import PermissionDenied

    backend = Backend.open(floor_url)
    try:
        with pytest.raises(PermissionDenied):
            _refuse_a_real_floor(backend)
        backend.users.mark_demo()
        _refuse_a_real_floor(backend)  # a demo database: the demo may run
    finally:
        backend.close()


def test_on_a_terminal_the_password_is_asked_hidden(floor_url, tmp_path):
    import sys

    import pexpect

    from tests.cli.test_readme_floor import ROOT

    env = {**os.environ, "PYTHONPATH": str(ROOT), "SEATDESK_LANG": "en"}
    env.pop("SEATDESK_PASSWORD", None)
    args = ["-m", "seatdesk", "--db", floor_url, *EXPORT, "--as", "super1"]
    prompt = pexpect.spawn(sys.executable, args, env=env, encoding="utf-8", timeout=60)
    prompt.expect("Password for super1")
    prompt.sendline(FLOOR_PASSWORD)
    prompt.expect(pexpect.EOF)
    prompt.close()
    assert prompt.exitstatus == 0
    assert FLOOR_PASSWORD not in (prompt.before or "")  # not echoed
