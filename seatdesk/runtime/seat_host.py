"""The seat host: one pre-forked parent per OS user that forks a desk per attached seat.

A desk's memory is mostly code every process would load for itself (Textual, SQLAlchemy,
psycopg, redis, seatdesk). The host imports it once, freezes it out of the garbage
collector's reach (a collection would write to every object's header and unshare its
page), and forks: each seat's desk shares those pages copy-on-write.

What must not cross a fork is never made in the parent: no database engine or connection
(the child's command line opens its own), no thread (a fork keeps only the caller). The
host refuses to serve if importing the desk started a thread.

The listening socket is owner-only (0600 in a 0700 directory): attaching hands the host a
terminal and has it run a desk as this user, which only this user may ask.
"""

from __future__ import annotations

import gc
import json
import os
import random
import selectors
import signal
import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from io import TextIOWrapper

from seatdesk.domain.errors import SeatdeskError
from seatdesk.domain.i18n import _
from seatdesk.runtime.attach import PASSED_ENV, WEB_DRIVER, WEB_ENV, exit_code, socket_path
from seatdesk.runtime.hang_up import HANG_UP_WITH_ENV, hang_up_with

# The desk a child runs: ``seatdesk ARGV`` as the command line would, returning its status.
RunSeat = Callable[[list[str]], int]
MAX_REQUEST = 64 * 1024


class SeatHostError(SeatdeskError):
    """The seat host cannot start (already running, threads before the fork...)."""


class BadAttachRequest(ValueError):
    """A client's request was cut short or not a JSON object: it is dropped, unanswered."""


@dataclass
class Seat:
    conn: socket.socket
    pid: int


@dataclass
class SeatHost:
    """Accepts attach requests on ``path`` and forks ``run_seat`` for each."""

    run_seat: RunSeat
    path: str = field(default_factory=socket_path)
    seats: dict[int, Seat] = field(default_factory=dict)
    _listener: socket.socket | None = None
    _draining: bool = False
    _selector: selectors.BaseSelector = field(default_factory=selectors.DefaultSelector)

    def listen(self) -> None:
        """Bind the owner-only socket; a live host already there is refused, a stale file
        (a host that was killed) is replaced."""
        directory = os.path.dirname(self.path)
        os.makedirs(directory, mode=0o700, exist_ok=True)
        if os.path.exists(self.path):
            probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                probe.connect(self.path)
            except OSError:
                os.unlink(self.path)
            else:
                raise SeatHostError(_("a seat host already listens on {path}").format(
                    path=self.path))
            finally:
                probe.close()
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)  # never a moment when others may connect
        try:
            listener.bind(self.path)
        finally:
            os.umask(old)
        os.chmod(self.path, 0o600)
        listener.listen(64)
        self._listener = listener

    def serve(self, ready: Callable[[], None] = lambda: None) -> None:
        """Serve until SIGTERM/SIGINT, then wait for the seats still open (a second signal
        ends the host at once; the desks, in their own sessions, keep running)."""
        if threading.active_count() > 1:
            raise SeatHostError(_("the seat host started a thread before forking: "
                                  "its desks would lose it"))
        if self._listener is None:
            self.listen()
        assert self._listener is not None
        gc.collect()
        gc.freeze()  # everything imported so far stays shared with every desk
        wake_r, wake_w = os.pipe()
        os.set_blocking(wake_w, False)
        os.set_blocking(wake_r, False)
        signal.set_wakeup_fd(wake_w)
        for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_args: None)  # the wake-up pipe says which
        selector = self._selector
        selector.register(self._listener, selectors.EVENT_READ, "accept")
        selector.register(wake_r, selectors.EVENT_READ, "signal")
        ready()
        try:
            while not (self._draining and not self.seats):
                for key, _events in selector.select():
                    if key.data == "accept":
                        self._accept(selector)
                    elif key.data == "signal":
                        if self._signals(wake_r, selector):
                            return
                    else:
                        self._client_event(key.data)
        finally:
            signal.set_wakeup_fd(-1)
            self._close_listener(selector)

    def _close_listener(self, selector: selectors.BaseSelector) -> None:
        if self._listener is not None:
            selector.unregister(self._listener)
            self._listener.close()
            self._listener = None
            try:
                os.unlink(self.path)
            except FileNotFoundError:
                pass

    def _signals(self, wake_r: int, selector: selectors.BaseSelector) -> bool:
        """Reap ended desks; True when the host must end now."""
        try:
            received = os.read(wake_r, 256)
        except BlockingIOError:
            received = b""
        self._reap()
        for signum in received:
            if signum in (signal.SIGTERM, signal.SIGINT):
                if self._draining:
                    return True
                self._draining = True
                self._close_listener(selector)
        return False

    def _reap(self) -> None:
        while self.seats:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            seat = self.seats.pop(pid, None)
            if seat is not None:
                self._send(seat.conn, {"exit": exit_code(status)})
                # Out of the selector before it is closed: the next client gets its number.
                self._selector.unregister(seat.conn)
                seat.conn.close()

    def _client_event(self, pid: int) -> None:
        """A client's socket is readable: only its end (hang-up, killed client) is expected;
        the desk is then hung up on, as a closed terminal would."""
        seat = self.seats.get(pid)
        if seat is None:
            return
        try:
            data = seat.conn.recv(4096)
        except OSError:
            data = b""
        if not data:
            try:
                os.kill(pid, signal.SIGHUP)
            except ProcessLookupError:
                pass

    def _accept(self, selector: selectors.BaseSelector) -> None:
        assert self._listener is not None
        conn, _addr = self._listener.accept()
        try:
            request, fds = _receive(conn)
        except (OSError, ValueError):
            conn.close()
            return
        if len(fds) != 3:
            for fd in fds:
                os.close(fd)
            conn.close()
            return
        pid = os.fork()
        if pid == 0:  # the seat's desk; never returns into the host's loop
            selector.close()
            self._become_desk(conn, request, fds)
        for fd in fds:
            os.close(fd)
        self.seats[pid] = Seat(conn, pid)
        self._send(conn, {"pid": pid})
        selector.register(conn, selectors.EVENT_READ, pid)

    def _become_desk(self, conn: socket.socket, request: dict[str, object],
                     fds: list[int]) -> None:
        code = 70
        try:
            _detach_from_host(self, conn)
            _take_terminal(fds)
            _take_environment(request.get("env"))
            argv = request.get("argv")
            args = [str(a) for a in argv] if isinstance(argv, list) else ["run"]
            code = self.run_seat(args)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:  # noqa: BLE001 - boundary (forked desk): never back into the host
            import traceback

            traceback.print_exc()
            code = 70
        finally:
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except (OSError, ValueError):
                    pass
            os._exit(code)

    @staticmethod
    def _send(conn: socket.socket, message: dict[str, object]) -> None:
        try:
            conn.sendall(json.dumps(message).encode() + b"\n")
        except OSError:  # the client is gone; its desk is hung up on by _client_event
            pass


def _receive(conn: socket.socket) -> tuple[dict[str, object], list[int]]:
    conn.settimeout(5.0)  # a client that connects and says nothing must not stall the host
    data, fds, _flags, _addr = socket.recv_fds(conn, MAX_REQUEST, 3)
    while not data.endswith(b"\n"):
        more = conn.recv(MAX_REQUEST)
        if not more:
            raise BadAttachRequest  # the client closed mid-request
        data += more
    conn.settimeout(None)
    request = json.loads(data)
    if not isinstance(request, dict):
        raise BadAttachRequest
    return request, list(fds)


def _detach_from_host(host: SeatHost, conn: socket.socket) -> None:
    """The child leaves the host behind: its sockets, its signal handling, its seed."""
    signal.set_wakeup_fd(-1)
    for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP, signal.SIGWINCH):
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # as Python starts any program
    if host._listener is not None:
        host._listener.close()
    for seat in host.seats.values():
        seat.conn.close()
    host.seats.clear()
    host_pid = os.getppid()
    conn.close()  # the host reports this desk's end; the client's hang-up reaches it there
    os.setsid()  # its own session: a signal to the host's group is not the desk's
    hang_up_with(host_pid)
    random.seed()  # (random also reseeds itself at fork; said here so it is not forgotten)


def _take_terminal(fds: list[int]) -> None:
    """The client's stdin/stdout/stderr become the desk's 0/1/2, and Python's streams with
    them (Textual writes to sys.__stderr__ and reads the size from sys.__stdout__)."""
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    streams = {
        "stdin": TextIOWrapper(os.fdopen(0, "rb", buffering=0, closefd=False),
                               encoding="utf-8", errors="surrogateescape"),
        "stdout": TextIOWrapper(os.fdopen(1, "wb", closefd=False), encoding="utf-8",
                                errors="surrogateescape", line_buffering=True),
        "stderr": TextIOWrapper(os.fdopen(2, "wb", closefd=False), encoding="utf-8",
                                errors="backslashreplace", line_buffering=True),
    }
    for name, stream in streams.items():
        # The __std*__ originals too: typeshed calls them final, but they are the host's.
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)


def _take_environment(env: object) -> None:
    """The host's environment (database, bus) with the seat terminal's own variables."""
    # (HANG_UP_WITH_ENV too: a forked desk ends with its host, armed at the fork.)
    for name in ("COLUMNS", "LINES", HANG_UP_WITH_ENV, *PASSED_ENV, *WEB_ENV):
        os.environ.pop(name, None)
    if not isinstance(env, dict):
        return
    web = env.get("TEXTUAL_DRIVER") == WEB_DRIVER  # a browser's desk: its driver, its size
    for name, value in env.items():
        if isinstance(value, str) and (name in PASSED_ENV or (web and name in WEB_ENV)):
            os.environ[name] = value
