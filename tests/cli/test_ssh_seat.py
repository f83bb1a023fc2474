"""SSH seats: the command sshd's ForceCommand runs starts the desk with no shell environment.

docs/deployment.md puts ``ForceCommand /usr/local/bin/seatdesk --config
/etc/seatdesk/seat.conf run`` on the seat host: signing in over SSH starts the desk and
nothing else, and the settings (the database URL) sit in a file only the service account
may read. Here that command runs under ``env -i`` (no variable but the terminal's) on a
pseudo-terminal, as sshd would start it, until the sign-in screen shows.
"""

from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path

import pexpect

from seatdesk.data.models import AgentStatus
from seatdesk.services.container import Backend
from tests.factories import floor

ROOT = Path(__file__).resolve().parents[2]


def _installed_seatdesk(tmp_path: Path) -> Path:
    """Stands for /usr/local/bin/seatdesk: this checkout, run by this interpreter."""
    program = tmp_path / "seatdesk"
    program.write_text(f"#!/bin/sh\nPYTHONPATH={shlex.quote(str(ROOT))} exec "
                       f"{shlex.quote(sys.executable)} -m seatdesk \"$@\"\n")
    program.chmod(0o755)
    return program


def _settings(tmp_path: Path, url: str, mode: int) -> Path:
    conf = tmp_path / "seat.conf"
    conf.write_text(f"# the seat host's settings (docs/deployment.md)\nSEATDESK_DB={url}\n"
                    f"SEATDESK_HOME={tmp_path / 'service-home'}\nSEATDESK_LANG=en\n")
    conf.chmod(mode)
    return conf


def _force_command(program: Path, conf: Path) -> list[str]:
    # sshd runs ForceCommand through the account's shell with a bare environment.
    return ["-i", "TERM=xterm-256color", "SSH_ORIGINAL_COMMAND=bash", "/bin/sh", "-c",
            f"{program} --config {conf} run"]


def test_the_forced_command_starts_the_desk_with_no_environment(sqlite_url, tmp_path):
    backend = Backend.open(sqlite_url)
    floor(backend)
    program = _installed_seatdesk(tmp_path)
    conf = _settings(tmp_path, sqlite_url, 0o600)
    desk = pexpect.spawn("env", _force_command(program, conf), dimensions=(30, 100),
                         encoding="utf-8", timeout=30)
    try:
        desk.expect("sign in")
        time.sleep(1)
        for keys in ("agent1\r", "secret123\r"):
            desk.send(keys)
            time.sleep(0.5)
        # The desk itself, over the database the file names: the seat is signed in.
        agent = backend.users.actor("agent1")
        deadline = time.monotonic() + 30
        state = None
        while time.monotonic() < deadline and state != "available":
            try:  # keep the terminal drained, as an SSH client would
                desk.read_nonblocking(100_000, timeout=0.5)
            except pexpect.TIMEOUT:
                pass
            with backend.db.read() as s:
                status = s.get(AgentStatus, agent.user_id)
                state = status.state.value if status is not None else None
        assert state == "available"
    finally:
        desk.terminate(force=True)
        backend.close()


def test_a_settings_file_others_can_read_is_refused(sqlite_url, tmp_path):
    program = _installed_seatdesk(tmp_path)
    conf = _settings(tmp_path, sqlite_url, 0o644)
    out = pexpect.run("env", args=_force_command(program, conf), encoding="utf-8", timeout=30)
    assert "may be read by others" in out and "chmod 600" in out
    assert "Traceback" not in out
