"""`seatdesk attach`: a seat's terminal handed to the seat host, which forks its desk.

This process stays alive for the whole seat (its terminal's session is this process's), so
it imports only the standard library: every megabyte here is paid once per seat. It sends
its stdin/stdout/stderr over the host's Unix socket (SCM_RIGHTS) with the desk's options
and the terminal's variables, learns the desk's pid, forwards SIGWINCH/SIGHUP/SIGTERM to
it (the kernel signals this process's group, not the desk's, which has its own session)
and exits with the desk's exit status. With no host listening, the desk runs here instead.

Protocol (one JSON object per line): the client sends ``{"argv": [...], "env": {...}}``
with the three descriptors; the host answers ``{"pid": N}`` and, when the desk ends,
``{"exit": CODE}``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

SOCKET_ENV = "SEATDESK_SEAT_HOST"
# Set by the lean client when no host answers: the full interpreter it hands over to runs
# the desk in its own process instead of looking for a host again.
IN_PROCESS_ENV = "SEATDESK_ATTACH_IN_PROCESS"
SOCKET_NAME = "seat-host.sock"

# What a seat's terminal decides about its desk; the rest of the desk's environment (the
# database, the bus) is the host's. COLUMNS/LINES are never passed: the desk must read its
# size from the terminal, or a resize would not take.
PASSED_ENV = ("TERM", "COLORTERM", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_MESSAGES",
              "NO_COLOR", "SEATDESK_LANG", "SSH_CONNECTION", "SSH_CLIENT")
# A browser seat's desk (`seatdesk serve --seat-host`) has no terminal: textual-serve names
# Textual's web driver and gives the page's size in its environment. Passed only with that
# driver, and no other driver is taken.
WEB_DRIVER = "textual.drivers.web_driver:WebDriver"
WEB_ENV = ("TEXTUAL_DRIVER", "COLUMNS", "ROWS")
FORWARDED_SIGNALS = (signal.SIGWINCH, signal.SIGHUP, signal.SIGTERM, signal.SIGINT)
# After a hang-up the terminal is gone: how long to wait for the desk to report its end.
HANGUP_GRACE_SECONDS = 5


def socket_path() -> str:
    """Where this OS user's seat host listens; the host and the client agree on it.

    SEATDESK_SEAT_HOST names it outright; else the seatdesk home (SEATDESK_HOME), else the
    user's runtime directory, else a directory of this user's own under /tmp.
    """
    given = os.environ.get(SOCKET_ENV)
    if given:
        return given
    home = os.environ.get("SEATDESK_HOME")
    if home:
        return os.path.join(home, SOCKET_NAME)
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime:
        return os.path.join(runtime, "seatdesk", SOCKET_NAME)
    return os.path.join("/tmp", f"seatdesk-{os.getuid()}", SOCKET_NAME)


def exit_code(status: int) -> int:
    """A wait status as a shell shows it: the code, or 128 + the signal that ended it."""
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


def read_line(conn: socket.socket, buffer: bytearray) -> dict[str, object] | None:
    """The next JSON line from ``conn`` (None at end of stream); ``buffer`` keeps the rest."""
    while b"\n" not in buffer:
        try:
            chunk = conn.recv(4096)
        except InterruptedError:
            continue
        if not chunk:
            return None
        buffer.extend(chunk)
    line, _sep, rest = bytes(buffer).partition(b"\n")
    buffer[:] = rest
    message: dict[str, object] = json.loads(line)
    return message


def _connect(path: str) -> socket.socket | None:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
    except OSError:  # no file, nobody listening, or not ours to open
        conn.close()
        return None
    return conn


def attach(argv: Sequence[str], fallback: Callable[[list[str]], int]) -> int:
    """Run the desk ``seatdesk ARGV`` through the seat host; its exit status is returned."""
    from seatdesk.runtime.hang_up import hang_up_with_server

    hang_up_with_server()  # a browser seat's client ends with its server, and its desk too
    args = list(argv) or ["run"]
    if os.environ.pop(IN_PROCESS_ENV, None):  # the lean client found no host, and said so
        return fallback(args)
    path = socket_path()
    conn = _connect(path)
    if conn is None:
        return _in_process(args, path, fallback)
    with conn:
        passed = PASSED_ENV + (WEB_ENV if os.environ.get("TEXTUAL_DRIVER") == WEB_DRIVER else ())
        env = {name: os.environ[name] for name in passed if name in os.environ}
        request = json.dumps({"argv": args, "env": env}).encode() + b"\n"
        socket.send_fds(conn, [request], [0, 1, 2])
        buffer = bytearray()
        hello = read_line(conn, buffer)
        if hello is None or not isinstance(hello.get("pid"), int):
            return _in_process(args, path, fallback)
        desk = int(str(hello["pid"]))
        hung_up: list[bool] = []

        def forward(signum: int, _frame: object) -> None:
            if signum == signal.SIGHUP and not hung_up:
                hung_up.append(True)
                signal.alarm(HANGUP_GRACE_SECONDS)
            try:
                os.kill(desk, signum)
            except ProcessLookupError:
                pass

        for signum in FORWARDED_SIGNALS:
            signal.signal(signum, forward)
        signal.signal(signal.SIGALRM, _give_up)
        try:
            done = read_line(conn, buffer)
        except TimeoutError:
            done = None
        if done is None or not isinstance(done.get("exit"), int):
            return 129 if hung_up else 1  # the host went away mid-seat
        return int(str(done["exit"]))


def become_lean(args: Sequence[str]) -> None:
    """Replace this interpreter by a lean one for the seat's lifetime; returns only if not.

    A client started the usual way (``python -m seatdesk``, the ``seatdesk`` script) has
    run ``site``: every .pth file of the installation, some 3 MiB of memory per seat that
    the client never uses (bench/bench_memory.py: PSS per attach client). The lean one is
    the same Python with ``-I -S``, finding seatdesk by this file's place alone.
    """
    if sys.flags.no_site or os.environ.get(IN_PROCESS_ENV):
        return  # already lean, or sent back here to run the desk in this process
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    boot = (f"import sys; sys.path.insert(0, {root!r}); "
            "from seatdesk.runtime.attach import lean_main; sys.exit(lean_main())")
    try:
        os.execv(sys.executable, [sys.executable, "-I", "-S", "-c", boot, *args])
    except OSError:
        return  # no interpreter to exec: this one attaches


def lean_main() -> int:
    """The lean client (``become_lean``): ``sys.argv[1:]`` is what follows ``attach``."""
    return attach(sys.argv[1:], _back_to_full)


def _back_to_full(args: list[str]) -> NoReturn:
    """No host: the desk needs the full installation, so the full interpreter runs it."""
    os.environ[IN_PROCESS_ENV] = "1"
    os.execv(sys.executable, [sys.executable, "-m", "seatdesk", "attach", *args])


def _give_up(_signum: int, _frame: object) -> None:
    raise TimeoutError


def _in_process(args: list[str], path: str, fallback: Callable[[list[str]], int]) -> int:
    """No seat host: the seat still starts, as `seatdesk run` would, and says so in a line."""
    from seatdesk.domain.i18n import _, detect_language, set_language

    set_language(detect_language())
    print(_("seatdesk: no seat host at {path}; the desk runs in this process").format(
        path=path), file=sys.stderr, flush=True)
    return fallback(args)
