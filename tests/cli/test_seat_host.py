"""The seat host: `seatdesk attach` on a real terminal becomes a desk forked by the host.

Real processes on pseudo-terminals (pexpect): a `seatdesk seat-host` on a socket in the
test's directory, and clients as an SSH ForceCommand would run them.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from seatdesk.data.models import AgentStatus
from seatdesk.services.container import Backend
from tests.factories import floor
from tests.probes import process_running

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path, url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SEATDESK_", "TEXTUAL"))}
    env.update(PYTHONPATH=str(ROOT), TERM="xterm-256color", LANG="C.UTF-8",
               SEATDESK_HOME=str(tmp_path / "home"), SEATDESK_DB=url,
               SEATDESK_SEAT_HOST=str(tmp_path / "run" / "seat-host.sock"))
    return env


@pytest.fixture
def floor_url(sqlite_url: str) -> Iterator[str]:
    backend = Backend.open(sqlite_url)
    floor(backend)
    backend.close()
    yield sqlite_url


@pytest.fixture
def host(tmp_path: Path, floor_url: str) -> Iterator[subprocess.Popen[bytes]]:
    env = _env(tmp_path, floor_url)
    proc = subprocess.Popen([sys.executable, "-m", "seatdesk", "seat-host"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sock = Path(env["SEATDESK_SEAT_HOST"])
    deadline = time.monotonic() + 60
    while not sock.exists() or b"listening" not in _peek(proc):
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else b""
        assert time.monotonic() < deadline, "the seat host never listened"
        time.sleep(0.2)
    yield proc
    proc.terminate()
    proc.terminate()  # the second signal: do not wait for seats still open
    proc.wait(timeout=10)


_seen: dict[int, bytes] = {}


def _peek(proc: subprocess.Popen[bytes]) -> bytes:
    """What the host said on stderr so far (read without blocking)."""
    assert proc.stderr is not None
    os.set_blocking(proc.stderr.fileno(), False)
    chunk = proc.stderr.read() or b""
    _seen[proc.pid] = _seen.get(proc.pid, b"") + chunk
    return _seen[proc.pid]


def _attach(tmp_path: Path, url: str, *args: str,
            before: tuple[str, ...] = ()) -> pexpect.spawn:
    return pexpect.spawn(sys.executable, ["-m", "seatdesk", *before, "attach", *args],
                         env=_env(tmp_path, url), dimensions=(30, 100), timeout=30)


def _children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(p) for p in text.split()]


def _drain(desk: pexpect.spawn, seconds: float) -> bytes:
    out = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            out += desk.read_nonblocking(100_000, timeout=0.3)
        except pexpect.TIMEOUT:
            pass
    return out


def _rightmost_column(painted: bytes) -> int:
    """The furthest column the desk moved its cursor to (CSI row;col H)."""
    return max((int(col) for _row, col in re.findall(rb"\x1b\[(\d+);(\d+)H", painted)),
               default=0)


def _sign_in(desk: pexpect.spawn, url: str) -> None:
    desk.expect("sign in")
    time.sleep(1)
    for keys in ("agent1\r", "secret123\r"):
        desk.send(keys)
        time.sleep(0.5)
    backend = Backend.open(url)
    try:
        agent = backend.users.actor("agent1")
        deadline = time.monotonic() + 30
        state = None
        while time.monotonic() < deadline and state != "available":
            _drain(desk, 0.5)
            with backend.db.read() as s:
                status = s.get(AgentStatus, agent.user_id)
                state = status.state.value if status is not None else None
        assert state == "available"
    finally:
        backend.close()


def test_an_attached_seat_signs_in_on_a_desk_forked_by_the_host(host, tmp_path, floor_url):
    desk = _attach(tmp_path, floor_url, "run")
    try:
        _sign_in(desk, floor_url)
        (child,) = _children(host.pid)  # the desk is the host's child, not the client
        assert child != desk.pid
        # The client that stays for the seat is a lean interpreter: no site, no .pth files.
        client = Path(f"/proc/{desk.pid}/cmdline").read_bytes().split(b"\0")
        assert b"-S" in client and b"-I" in client, client
    finally:
        desk.terminate(force=True)


def test_options_typed_before_attach_reach_the_desk(host, tmp_path, floor_url):
    """`seatdesk --lang zh attach run` opens a Chinese desk (it opened in English: the
    options before `attach` were dropped; seen failing first)."""
    desk = _attach(tmp_path, floor_url, "run", before=("--lang", "zh"))
    try:
        desk.expect("登录".encode())
        (child,) = _children(host.pid)
        assert child != desk.pid
    finally:
        desk.terminate(force=True)


def test_a_resize_of_the_seats_terminal_reaches_its_desk(host, tmp_path, floor_url):
    desk = _attach(tmp_path, floor_url, "run")
    try:
        desk.expect("sign in")
        assert _rightmost_column(_drain(desk, 1.5)) <= 100
        desk.setwinsize(30, 160)
        # The desk repainted for 160 columns: it writes beyond the old width.
        assert _rightmost_column(_drain(desk, 3.0)) > 100
    finally:
        desk.terminate(force=True)


def test_the_clients_exit_status_is_the_desks(host, tmp_path, floor_url):
    desk = _attach(tmp_path, floor_url, "no-such-command")
    desk.expect(pexpect.EOF)
    desk.close()
    assert b"No such command" in desk.before
    assert desk.exitstatus == 2


def test_closing_the_seats_terminal_ends_its_desk(host, tmp_path, floor_url):
    desk = _attach(tmp_path, floor_url, "run")
    desk.expect("sign in")
    (child,) = _children(host.pid)
    desk.close(force=False)  # the terminal goes away: the client is hung up on
    deadline = time.monotonic() + 15
    while child in _children(host.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert child not in _children(host.pid)
    assert host.poll() is None  # the host serves on


def test_with_no_host_the_seat_still_starts_in_its_own_process(tmp_path, floor_url):
    desk = _attach(tmp_path, floor_url, "run")
    try:
        desk.expect("no seat host at")
        desk.expect("sign in")
    finally:
        desk.terminate(force=True)


def test_the_hosts_socket_is_its_owners_alone(host, tmp_path):
    sock = tmp_path / "run" / "seat-host.sock"
    assert sock.stat().st_mode & 0o777 == 0o600
    assert sock.parent.stat().st_mode & 0o077 == 0


def test_the_host_serves_seat_after_seat(host, tmp_path, floor_url):
    for _seat in range(3):  # each one's socket is closed and its number reused by the next
        desk = _attach(tmp_path, floor_url, "no-such-command")
        desk.expect(pexpect.EOF)
        desk.close()
        assert desk.exitstatus == 2
    assert host.poll() is None


def test_a_desk_whose_host_is_killed_ends_instead_of_spinning(host, tmp_path, floor_url):
    """A host killed outright (SIGKILL, the OOM killer) tells nobody: its desks must end
    on their own, not run on in their own sessions reading a terminal that is gone (seen:
    two such desks at 42 % of a core each, reading EOF in a loop)."""
    desk = _attach(tmp_path, floor_url, "run")
    try:
        desk.expect("sign in")
        (child,) = _children(host.pid)
        host.kill()
        host.wait(timeout=10)
        deadline = time.monotonic() + 15
        while process_running(child) and time.monotonic() < deadline:
            time.sleep(0.2)
        alive = process_running(child)
        if alive:
            os.kill(child, 9)
        assert not alive, "the desk ran on after its host was killed"
    finally:
        desk.terminate(force=True)
