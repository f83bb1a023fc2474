"""Benchmark: a floor of many seats against one PostgreSQL (issue 19).

Every seat is a thread that listens on the desk's own change feed
(``seatdesk.data.changes``, LISTEN/NOTIFY) and refreshes through the desk's own services,
deciding what to re-read exactly as the desk does:

- ``rescan``: the desk as it was before issue 19 (every change re-reads the queue; the
  status line on every ``floor`` change, anyone's; ``waiting()`` of every queue). Kept as
  the baseline measured in the same run.
- ``delta``: the desk's ``seatdesk.ui.queue_view.SeatFloor`` (issue 19, defect 2) once it
  exists: deltas applied to the queue view, status re-read only when the change concerns
  the seat, a full re-read on a sequence gap.
- ``bus``: as ``delta``, but seats read a Redis stream (SEATDESK_BENCH_BUS, default
  127.0.0.1:6379) fed by one ``seatdesk.data.bus.Relay``, the database's only listener.

A driver offers calls at a fixed rate; after ``HOLD`` seconds a seat takes each call,
ends it and saves the record (four changes per call, as on a floor). Measured per
(seats, calls/s): database CPU (every backend of a throwaway cluster, from /proc) per
second and per call, statements per second and per call (pg_stat_statements; a
round trip each), offer → seen on every seat p50/p95, and missed updates (a seat that
never showed a call while it waited, plus seats whose final view differs from the
database's); and how seats kept up: sequence gaps (each a full re-read), batches that
arrived after a later-numbered one (no re-read), full re-reads beyond the start-up one,
and on the bus replays (a reconnect read on from the last entry), trimmed positions and
holes in the numbers the stream vouched for.

Each seat has a connection pool of its own and reads (its ring check, queue, status line)
in a thread of its own while its feed thread goes on, as the desk's workers do; before the
calls it runs each read as often as psycopg waits before preparing a statement, as a
floor's long-running seats have. To say where the CPU goes, each run also prints the
cluster's CPU by backend (seats, handler, driver, relay, PostgreSQL's own; from
``/proc/PID/schedstat``), the connections opened, autovacuum runs, the statements run most
during the calls and at rest, and on the bus offer → appended to the stream.

The cluster is started here (initdb in a temporary directory, pg_stat_statements
preloaded, enough connections for 200 listening seats) so nobody else's load is in the
figures, and removed afterwards. ``python bench/bench_floor.py [--quick] [--modes ...]``;
``run(quick)`` for ``python -m bench``.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # runnable as a plain script from a checkout
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("SEATDESK_HOME", tempfile.mkdtemp(prefix="seatdesk-bench-floor-"))

from bench.common import percentile, write_json  # noqa: E402

HOLD = 1.0  # seconds a call waits before a seat takes it (every seat should show it)
QUEUE = "general"
STATUS_EVERY = 2.0  # the desk's status line re-read period (desk.STATUS_EVERY)
STATUS_SAFETY = 60.0  # ... with change batches (desk.STATUS_SAFETY)
SLOW_POLL = 2.0  # Settings.slow_poll_seconds
# The cluster's CPU at rest (seats listening, no calls) is read over this long after each
# run: at 200 seats a seat's safety round comes about 3 times a second, so 6 s held only
# ~20 of them and an autovacuum run falling inside swung the figure by half.
REST_SECONDS = 15.0
RING_TOPICS = frozenset({"ring", "*", "poll"})
# psycopg prepares a statement on its sixth run on a connection (prepare_threshold 5).
PREPARED_AFTER = 6
QUICK_RESCAN_SEATS = 50  # --quick measures the old desk at 10 and 50 seats only
# The seats are spread over this many processes by default, on both feeds: a real seat is a
# process of its own (one per SSH or browser seat), so 200 seats as threads of ONE process
# measure that process's GIL (a stream wake-up holds it ~95 µs: 19 ms per batch for 200),
# not the feed. With 4 processes of 50 seats, offer → seen p95 at 200 seats on the bus was
# 217 ms, one process's seats lagging together; with 50 processes of 4, 108-150 ms, and it
# is the machine's two cores that limit, as on a floor. ``--procs 1``: one process.
PROCS = 50
BUS_URL = os.environ.get("SEATDESK_BENCH_BUS", "redis://127.0.0.1:6379/0")


# ---- a throwaway PostgreSQL cluster --------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(cmd: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the postgres user."""
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


@dataclass
class Cluster:
    url: str
    datadir: Path

    def postmaster_pid(self) -> int:
        return int((self.datadir / "postmaster.pid").read_text().split()[0])


@contextmanager
def throwaway_cluster(max_connections: int = 700) -> Iterator[Cluster]:
    """A PostgreSQL of our own for the measurement, stopped and deleted afterwards."""
    base = Path(tempfile.mkdtemp(prefix="seatdesk-floor-pg-"))
    datadir = base / "data"
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
    port = _free_port()
    subprocess.run(_as_postgres(["initdb", "-D", str(datadir), "-U", "postgres",
                                 "--auth=trust", "-E", "UTF8", "--no-sync"]),
                   check=True, capture_output=True)
    options = (f"-c port={port} -c listen_addresses=127.0.0.1 "
               f"-c unix_socket_directories={base} -c max_connections={max_connections} "
               "-c shared_preload_libraries=pg_stat_statements -c fsync=off "
               "-c synchronous_commit=off -c pg_stat_statements.track_utility=on")
    subprocess.run(_as_postgres(["pg_ctl", "-D", str(datadir), "-o", options, "-w",
                                 "-l", str(base / "log"), "start"]),
                   check=True, capture_output=True)
    try:
        yield Cluster(f"postgresql://postgres@127.0.0.1:{port}/postgres", datadir)
    finally:
        subprocess.run(_as_postgres(["pg_ctl", "-D", str(datadir), "-m", "immediate", "stop"]),
                       capture_output=True, check=False)
        shutil.rmtree(base, ignore_errors=True)


_TICK = os.sysconf("SC_CLK_TCK")


def _on_cpu(pid: int | str) -> float:
    """Seconds ``pid`` has run, as the scheduler counts it in nanoseconds (``schedstat``):
    utime and stime are counted in 10-ms ticks, and 200 backends' rounding was ±60 ms on
    a rest that used 70 ms."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9


def backend_cpu(postmaster: int) -> dict[int, float]:
    """CPU seconds of each live child of the postmaster (its backends and helpers)."""
    out: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == postmaster:
                out[int(entry)] = _on_cpu(entry)
        except (OSError, IndexError, ValueError):
            continue  # ended meanwhile
    return out


def cluster_cpu_seconds(postmaster: int) -> float:
    """CPU used by the postmaster, its live children and the children it has reaped (those
    only in ticks: the kernel keeps no finer count of a reaped child)."""
    fields = Path(f"/proc/{postmaster}/stat").read_text().rsplit(")", 1)[1].split()
    reaped = (int(fields[13]) + int(fields[14])) / _TICK  # cutime, cstime
    return _on_cpu(postmaster) + reaped + sum(backend_cpu(postmaster).values())


def backend_roles(conn: Any) -> dict[int, str]:
    """Who each backend serves: the bench names its connections (PGAPPNAME, or
    application_name on the URL); PostgreSQL's own processes by their type."""
    rows = conn.execute("SELECT pid, coalesce(nullif(application_name, ''), backend_type) "
                        "FROM pg_stat_activity").fetchall()
    return {int(pid): str(role) for pid, role in rows}


def cpu_by_role(before: dict[int, float], after: dict[int, float],
                roles: dict[int, str]) -> dict[str, float]:
    """CPU spent between two ``backend_cpu`` snapshots, summed by role; a backend that
    was not there at the start counts from zero, one that ended is lost (not counted)."""
    spent: dict[str, float] = {}
    for pid, cpu in after.items():
        role = roles.get(pid, "other")
        spent[role] = spent.get(role, 0.0) + cpu - before.get(pid, 0.0)
    return spent


def sessions(conn: Any) -> int:
    """Connections this database has accepted so far (PostgreSQL 14 and later)."""
    row = conn.execute("SELECT sessions FROM pg_stat_database "
                       "WHERE datname = current_database()").fetchone()
    return int(row[0])


def maintenance(conn: Any) -> dict[str, int]:
    """Autovacuum and autoanalyze runs so far, per table. Each updates the table's row in
    pg_class or pg_statistic, which invalidates every backend's cached copy: a suspect,
    not yet measured apart, for CPU per statement growing with the connected seats."""
    rows = conn.execute("SELECT relname, autovacuum_count + autoanalyze_count "
                        "FROM pg_stat_user_tables").fetchall()
    return {str(name): int(runs) for name, runs in rows}


def statements(conn: Any) -> int:
    row = conn.execute("SELECT coalesce(sum(calls), 0) FROM pg_stat_statements").fetchone()
    return int(row[0])


# ---- the seats ----------------------------------------------------------------------------------


@dataclass
class Services:
    """What a seat process builds: its database and the services the desk calls."""

    db: Any
    calls: Any
    agents: Any
    callbacks: Any

    @classmethod
    def open(cls, url: str) -> Services:
        from seatdesk.data.engine import Database
        from seatdesk.services.agents import AgentService
        from seatdesk.services.callbacks import CallbackService
        from seatdesk.services.calls import CallService

        db = Database(url)
        return cls(db, CallService(db), AgentService(db), CallbackService(db))


@dataclass
class Seat:
    """One simulated seat: the desk's feed, the desk's refresh decisions, its queue view."""

    actor: Any
    services: Services
    mode: str
    feed_factory: Callable[[], Any]
    shown: dict[int, float] = field(default_factory=dict)  # call id -> first shown at
    view_ids: list[int] = field(default_factory=list)
    status_reads: int = 0
    queue_reads: int = 0
    errors: list[str] = field(default_factory=list)
    feed_lost: int = 0  # "*" received (the relay or the feed reconnected)
    gaps: int = 0  # sequence gaps the floor view saw
    late: int = 0  # batches after a later-numbered one (no re-read)
    rereads: int = 0  # full queue reads after the start-up one
    replays: int = 0  # the bus: reconnects that read on from the last entry
    trimmed: int = 0  # the bus: positions trimmed away (a full re-read)
    holes: int = 0  # the bus: holes in the numbers the stream proved no loss
    redis_id: int | None = None
    # What the seat's reader thread is asked to read next (the desk's workers: the feed
    # is never held up by a read; asked for again while one runs, it runs once more).
    _due: dict[str, bool] = field(default_factory=dict)
    _due_lock: threading.Lock = field(default_factory=threading.Lock)
    _wake: threading.Event = field(default_factory=threading.Event)

    def run(self, stop: threading.Event, ready: threading.Barrier) -> None:
        feed = self.feed_factory()
        if hasattr(feed, "replays"):  # the bus: its connection's id, for --cut
            self.redis_id = feed.client_id()
        floor = None
        # Seats of a real floor signed in at different times, so their safety re-reads
        # (every 60 s) are spread out; started together here, they would all land at once.
        phase = random.Random(self.actor.user_id).uniform(0.0, STATUS_SAFETY)
        ahead = [0.0]
        reader: threading.Thread | None = None
        try:
            if self.mode in ("delta", "bus"):
                from seatdesk.ui.queue_view import seat_floor

                floor = seat_floor(self.services.calls, self.actor,
                                   clock=lambda: time.monotonic() + ahead[0])
            self._full_read(floor)
            self._warm()
            ahead[0] = phase  # the view's clock runs ``phase`` ahead once it has read
            ready.wait()
            status_at = time.monotonic() - phase
            if floor is not None:
                reader = threading.Thread(target=self._reader, args=(floor, stop), daemon=True)
                reader.start()
            while not stop.is_set():
                try:
                    topics = feed.wait(SLOW_POLL) or {"poll"}
                except Exception as exc:  # noqa: BLE001 - as the app: reopen, re-read
                    self.errors.append(f"feed: {exc.__class__.__name__}: {exc}")
                    feed.close()
                    feed = self.feed_factory()
                    topics = {"*"}
                self.feed_lost += "*" in topics
                try:
                    if floor is None:
                        status_at = self._rescan(topics, status_at)
                    else:
                        status_at = self._delta(floor, feed, topics, status_at)
                except Exception as exc:  # noqa: BLE001 - counted, the seat goes on
                    self.errors.append(f"{exc.__class__.__name__}: {exc}")
        finally:
            feed.close()
            if reader is not None:
                reader.join(timeout=SLOW_POLL + 5)
            if floor is not None:
                self.gaps, self.late = floor.gaps, floor.late
                self.rereads = floor.full_reads - 1
            else:
                self.rereads = self.queue_reads - 1
            for name in ("replays", "trimmed", "holes"):
                setattr(self, name, getattr(feed, name, 0))

    def summary(self) -> SeatSummary:
        """What the run's figures need of this seat (picklable: it crosses processes)."""
        return SeatSummary(
            shown=dict(self.shown), view_ids=list(self.view_ids), errors=list(self.errors),
            counts={name: int(getattr(self, name)) for name in SeatSummary.COUNTED})

    def _mark(self, ids: list[int]) -> None:
        now = time.monotonic()  # CLOCK_MONOTONIC: one clock for every process (see CLOCK)
        for call_id in ids:
            self.shown.setdefault(call_id, now)
        self.view_ids = ids

    def _full_read(self, floor: Any) -> None:
        calls = self.services.calls.waiting(self.actor)
        self.queue_reads += 1
        if floor is not None:
            floor.reset(calls)
        self._mark([c.id for c in calls])
        # The feed is listening now; a change before this read is in it (as the desk's "*").
        self._status()

    def _warm(self) -> None:
        """Run each of the seat's reads as often as psycopg waits before it prepares a
        statement, as a floor's seats have long since (they run for hours). Without it a
        40-s run at 200 seats measured mostly statements parsed and planned afresh (each
        seat runs its safety reads once a minute), and at 10 seats mostly prepared ones
        (the seat of every call runs them several times a run): the status line cost
        0.40 ms of server time a statement at rest at 200 seats and 0.09 ms at 10."""
        from seatdesk.services.seat_figures import seat_line

        s = self.services
        for _ in range(PREPARED_AFTER):
            s.calls.current_call(self.actor)
            s.calls.waiting(self.actor)
            now = s.callbacks.clock()
            seat_line(s.db, self.actor, now - timedelta(hours=8), now)

    def _status(self) -> None:
        """The desk's status line read (``presence.read_status``: ``seat_line``)."""
        from seatdesk.services.seat_figures import seat_line

        s = self.services
        now = s.callbacks.clock()
        seat_line(s.db, self.actor, now - timedelta(hours=8), now)
        self.status_reads += 1

    def _rescan(self, topics: set[str], status_at: float) -> float:
        """The desk before issue 19 (desk._on_data_changed as it was at c7cec85)."""
        if topics & RING_TOPICS:
            self.services.calls.current_call(self.actor)  # the ring check of an idle seat
        self._mark([c.id for c in self.services.calls.waiting(self.actor)])
        self.queue_reads += 1
        now = time.monotonic()
        if now - status_at >= STATUS_EVERY or "floor" in topics:
            self._status()
            return now
        return status_at

    def _delta(self, floor: Any, feed: Any, topics: set[str], status_at: float) -> float:
        """The desk after issue 19 (desk._plan with seatdesk.ui.queue_view.SeatFloor)."""
        from seatdesk.data.changes import drain_batches

        plan = floor.take(drain_batches(feed), frozenset(topics))
        self._mark(floor.ids())  # the deltas are shown at once, before any read
        now = time.monotonic()
        status = plan.status or now - status_at >= STATUS_SAFETY
        self._ask(ring=plan.ring_check, queue=plan.queue_full, status=status)
        return now if status else status_at

    def _ask(self, **reads: bool) -> None:
        wanted = {name: True for name, due in reads.items() if due}
        if not wanted:
            return
        with self._due_lock:
            self._due.update(wanted)
        self._wake.set()

    def _reader(self, floor: Any, stop: threading.Event) -> None:
        """The seat's reads, off the feed's thread (the desk runs them in workers)."""
        while not stop.is_set():
            if not self._wake.wait(0.5):
                continue
            self._wake.clear()
            with self._due_lock:
                due, self._due = self._due, {}
            try:
                if due.get("ring"):
                    self.services.calls.current_call(self.actor)  # an idle seat's ring check
                if due.get("queue"):
                    floor.read(lambda: self.services.calls.waiting(self.actor))
                    self.queue_reads += 1
                    self._mark(floor.ids())
                if due.get("status"):
                    self._status()
            except Exception as exc:  # noqa: BLE001 - counted, the seat goes on
                self.errors.append(f"read: {exc.__class__.__name__}: {exc}")


@dataclass
class SeatSummary:
    """One seat's part of the figures, sent back by the process that hosted it."""

    COUNTED = ("status_reads", "queue_reads", "feed_lost", "gaps", "late", "rereads",
               "replays", "trimmed", "holes")

    shown: dict[int, float]
    view_ids: list[int]
    errors: list[str]
    counts: dict[str, int]


# ---- where the seats run: threads of this process, or spread over worker processes ---------------


def _seat_factory(url: str, mode: str) -> Callable[[], Any]:
    from seatdesk.data.changes import PgChangeFeed

    if mode == "bus":
        from seatdesk.data.bus import RedisChangeFeed

        return lambda: RedisChangeFeed(BUS_URL, url)
    return lambda: PgChangeFeed(url)


class LocalSeats:
    """Every seat a thread of this process (``--procs 1``; the bench before issue 19's
    third round): 200 seats then share one GIL, which a real floor does not."""

    def __init__(self, url: str, mode: str, actors: list[Any],
                 feed_factory: Callable[[str], Any] | None = None) -> None:
        # A pool of its own for every seat, as every desk has: seats sharing a pool of one
        # kept connection open and close overflow connections whenever two of them read at
        # once (a new backend each time, its catalogue caches cold), which no floor does.
        self.pools = [Services.open(url) for _ in actors]
        make = (lambda: feed_factory(url)) if feed_factory else _seat_factory(url, mode)
        self.floor = [Seat(a, self.pools[i], mode, make)
                      for i, a in enumerate(actors)]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.procs = 1

    def start(self) -> list[int]:
        """Start the seats; once every seat listens and has read its queue, their Redis ids."""
        ready = threading.Barrier(len(self.floor) + 1)
        self._threads = [threading.Thread(target=s.run, args=(self._stop, ready), daemon=True)
                         for s in self.floor]
        for thread in self._threads:
            thread.start()
        ready.wait(timeout=120)
        return [s.redis_id for s in self.floor if s.redis_id is not None]

    def stop(self) -> list[SeatSummary]:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=SLOW_POLL + 5)
        for pool in self.pools:
            pool.db.dispose()
        return [s.summary() for s in self.floor]


def _host_seats(url: str, mode: str, logins: list[str], stop: Any, out: Any) -> None:
    """(a worker process) Host ``logins``' seats as threads until ``stop``; report back."""
    try:
        os.environ["PGAPPNAME"] = "bench seat"  # its backends, for the CPU by role
        from seatdesk.data.engine import Database
        from seatdesk.services.users import UserService

        db = Database(url)
        users = UserService(db)
        actors = [users.actor(login) for login in logins]
        db.dispose()
        seats = LocalSeats(url, mode, actors)
        ids = seats.start()
        out.put(("ready", time.monotonic(), ids))
        stop.wait()
        out.put(("done", time.monotonic(), seats.stop()))
    except BaseException as exc:  # noqa: BLE001 - boundary (bench worker): told to the parent
        out.put(("failed", time.monotonic(), f"{exc.__class__.__name__}: {exc}"))
        raise


class SpreadSeats:
    """The seats spread over ``procs`` worker processes, each hosting its share as threads
    (each seat still runs the desk's own feed and decision code). On a floor every seat is
    a process of its own (one per SSH or browser seat): no seat waits for another's GIL.

    Offer and seen times are ``time.monotonic()`` in different processes: on Linux that is
    CLOCK_MONOTONIC, one clock for the whole system (not per process), so they compare; each
    worker's ready time is checked to fall between the parent's before and after."""

    def __init__(self, url: str, mode: str, actors: list[Any], procs: int) -> None:
        import multiprocessing

        # spawn, not fork: the parent holds database engines and threads a fork would copy.
        ctx = multiprocessing.get_context("spawn")
        self._stop = ctx.Event()
        self._out = ctx.Queue()
        logins = [a.login for a in actors]
        shares = [logins[i::procs] for i in range(procs)]
        self._procs = [ctx.Process(target=_host_seats, args=(url, mode, share, self._stop,
                                                             self._out), daemon=True)
                       for share in shares if share]
        self.procs = len(self._procs)

    def _collect(self, kind: str, timeout: float) -> list[Any]:
        got = []
        for _ in self._procs:
            tag, _at, payload = self._out.get(timeout=timeout)
            if tag == "failed":
                self.kill()
                raise RuntimeError(f"a seat process failed: {payload}")
            if tag != kind:
                raise RuntimeError(f"a seat process said {tag!r}, expected {kind!r}")
            got.append((_at, payload))
        return got

    def start(self) -> list[int]:
        before = time.monotonic()
        for proc in self._procs:
            proc.start()
        got = self._collect("ready", timeout=180)
        after = time.monotonic()
        for at, _ids in got:
            if not before <= at <= after:
                raise RuntimeError("a worker's monotonic clock is not the parent's: "
                                   "offer → seen cannot be compared across processes")
        return [i for _at, ids in got for i in ids]

    def stop(self) -> list[SeatSummary]:
        self._stop.set()
        got = self._collect("done", timeout=SLOW_POLL + 60)
        for proc in self._procs:
            proc.join(timeout=10)
        return [s for _at, summaries in got for s in summaries]

    def kill(self) -> None:
        for proc in self._procs:
            if proc.is_alive():
                proc.kill()


# ---- one measurement ----------------------------------------------------------------------------


@dataclass
class Result:
    mode: str
    seats: int
    rate: float
    calls: int
    seconds: float
    db_cpu_s: float
    idle_cpu_per_s: float
    rest_statements_per_s: float
    statements: int
    seen_p50_ms: float | None
    seen_p95_ms: float | None
    missed: int
    views_off: int
    errors: int
    queue_reads: int
    status_reads: int
    feed_lost: int = 0
    gaps: int = 0
    late: int = 0
    rereads: int = 0
    replays: int = 0
    trimmed: int = 0
    holes: int = 0
    procs: int = 1  # processes the seats were spread over

    def as_row(self) -> dict[str, Any]:
        per_call = self.db_cpu_s / self.calls if self.calls else None
        # What the calls cost beyond the floor at rest (each seat's own periodic reads,
        # which grow with the seats but not with the calls): the seats x calls term.
        above = ((self.db_cpu_s - self.idle_cpu_per_s * self.seconds) / self.calls
                 if self.calls else None)
        return {
            "name": f"{self.mode} {self.seats} seats {self.rate:g} calls/s",
            "mode": self.mode, "seats": self.seats, "calls_per_s": self.rate,
            "calls": self.calls, "seconds": round(self.seconds, 2),
            "db_cpu_per_s": round(self.db_cpu_s / self.seconds, 4),
            "db_idle_cpu_per_s": round(self.idle_cpu_per_s, 4),
            "statements_at_rest_per_s": round(self.rest_statements_per_s, 1),
            "db_cpu_ms_per_call": round(per_call * 1000, 3) if per_call else None,
            "db_cpu_ms_per_call_above_rest": round(above * 1000, 3) if above else None,
            "statements_per_s": round(self.statements / self.seconds, 1),
            "statements_per_call": round(self.statements / self.calls, 1) if self.calls else None,
            "seen_p50_ms": self.seen_p50_ms, "seen_p95_ms": self.seen_p95_ms,
            "missed": self.missed, "views_off": self.views_off, "errors": self.errors,
            "queue_reads": self.queue_reads, "status_reads": self.status_reads,
            "feed_lost": self.feed_lost, "gaps": self.gaps, "late": self.late,
            "full_rereads": self.rereads, "replays": self.replays, "trimmed": self.trimmed,
            "holes": self.holes, "seat_processes": self.procs,
        }


def _setup_floor(url: str, seats: int) -> tuple[list[Any], Any]:
    from seatdesk.data.engine import Database
    from seatdesk.domain import passwords
    from seatdesk.services.agents import AgentService
    from seatdesk.services.users import UserService

    # These seats never sign in: a light scrypt cost keeps 200 of them quick to create (the
    # stored hash carries its parameters, as in the tests).
    passwords._N = 2**8
    db = Database(url)
    users = UserService(db)
    users.ensure_queue(QUEUE, "General")
    users.ensure_queue("other", "Other")  # a queue these seats do not serve
    actors = []
    for n in range(seats):
        login = f"seat{n:04d}"
        users.add_user(login, name=login, role="agent", password="secret123",
                       agent_no=f"{n:04d}", queues=(QUEUE,))
        actor = users.actor(login)
        AgentService(db).log_in(actor)
        actors.append(actor)
    return actors, db


def measure(cluster: Cluster, mode: str, seats: int, rate: float, seconds: float,
            feed_factory: Callable[[str], Any] | None = None, cut: bool = False,
            procs: int = 1) -> Result:
    """One run: a fresh database, ``seats`` listening seats, calls offered at ``rate``/s.

    ``procs`` > 1 spreads the seats over that many worker processes (``SpreadSeats``).
    ``cut`` (the bus): halfway through, Redis drops every seat's connection, as a Redis
    restart or a network cut would; the seats reconnect and replay from their last entry."""
    import psycopg

    from seatdesk.data.engine import Database
    from seatdesk.data.migrate import upgrade

    name = f"floor_{mode}_{seats}_{int(rate * 10)}"
    admin = cluster.url
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    url = admin.rsplit("/", 1)[0] + f"/{name}"
    upgrade(Database(url))
    actors, setup_db = _setup_floor(url, seats)
    setup_db.dispose()
    relay = _start_relay(url) if mode == "bus" else None
    procs = min(procs, seats)
    host: LocalSeats | SpreadSeats
    if procs > 1 and feed_factory is None:
        host = SpreadSeats(url, mode, actors, procs)
    else:
        host = LocalSeats(url, mode, actors, feed_factory)
    try:
        redis_ids = host.start()
        return _drive(cluster, url, host, relay, actors, mode, seats, rate, seconds, cut,
                      redis_ids)
    finally:
        if isinstance(host, SpreadSeats):
            host.kill()  # only if a failure left one running
        if relay is not None and relay.poll() is None:
            relay.kill()


def _drive(cluster: Cluster, url: str, host: LocalSeats | SpreadSeats,
           relay: subprocess.Popen[bytes] | None, actors: list[Any], mode: str, seats: int,
           rate: float, seconds: float, cut: bool, redis_ids: list[int]) -> Result:
    """Offer calls at ``rate`` for ``seconds`` to the started seats; the run's figures."""
    import psycopg

    from seatdesk.data.engine import Database
    from seatdesk.services.calls import CallService
    from seatdesk.services.dto import SYSTEM, WrapUp

    driver = CallService(Database(url + "?application_name=bench+driver"))
    workers = CallService(Database(url + "?application_name=bench+handler"))
    record = WrapUp(category="query", disposition="resolved", resolved=True, notes="bench")
    offered: dict[int, float] = {}
    wall = time.time() - time.monotonic()  # Redis entry ids are wall-clock milliseconds
    handled: list[threading.Thread] = []
    handle_errors: list[str] = []

    def handle(call_id: int, actor: Any) -> None:
        time.sleep(HOLD)
        try:
            workers.claim(actor, call_id, answer=True)
            workers.end(actor, call_id)
            workers.save_wrap_up(actor, call_id, record)
        except Exception as exc:  # noqa: BLE001 - the call stays queued: counted below
            handle_errors.append(f"handle: {exc.__class__.__name__}: {exc}")

    with psycopg.connect(url, autocommit=True, application_name="bench stats") as stats:
        stats.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        # Let the start-up reads settle and every seat pass its first slow poll (an idle
        # seat checks its ring then: 200 at once, not a cost of the calls measured).
        time.sleep(SLOW_POLL + 0.5)
        stats.execute("SELECT pg_stat_statements_reset()")
        per_pid0 = backend_cpu(cluster.postmaster_pid())
        sessions0 = sessions(stats)
        maintained0 = maintenance(stats)
        cpu0, t0 = cluster_cpu_seconds(cluster.postmaster_pid()), time.monotonic()
        n = 0
        while time.monotonic() - t0 < seconds:
            due = t0 + n / rate
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            call_id = driver.offer_inbound(SYSTEM, f"+86138{n:08d}", QUEUE)
            offered[call_id] = time.monotonic()  # the seats' clock too (SpreadSeats)
            # A seat other than the last offered one takes it (seats serve the queue).
            worker = threading.Thread(target=handle, args=(call_id, actors[n % seats]))
            worker.start()
            handled.append(worker)
            n += 1
            if cut and mode == "bus" and n == int(seconds * rate / 2):
                _cut_seats(redis_ids)
        for worker in handled:
            worker.join()
        time.sleep(0.5)  # the last changes reach every seat
        elapsed = time.monotonic() - t0
        cpu = cluster_cpu_seconds(cluster.postmaster_pid()) - cpu0
        count = statements(stats)
        roles = backend_roles(stats)
        opened = sessions(stats) - sessions0
        runs = {t: n - maintained0.get(t, 0) for t, n in maintenance(stats).items()
                if n - maintained0.get(t, 0)}
        print(f"[floor]   autovacuum/analyze runs during the calls: {runs or 'none'}",
              file=sys.stderr, flush=True)
        print(f"[floor]   connections opened during the calls: {opened}", file=sys.stderr,
              flush=True)
        by_role = cpu_by_role(per_pid0, backend_cpu(cluster.postmaster_pid()), roles)
        print("[floor]   CPU by backend: " + ", ".join(
            f"{role} {spent:.2f} s" for role, spent in sorted(by_role.items(),
                                                              key=lambda kv: -kv[1])),
            file=sys.stderr, flush=True)
        # Then the floor at rest, seats listening, no calls: what the seats cost whatever
        # the calls (their safety re-reads, spread over the minute as on a real floor).
        # Measured after the calls, when start-up is long past.
        _print_top(stats, "during the calls", 8)
        stats.execute("SELECT pg_stat_statements_reset()")
        idle0 = cluster_cpu_seconds(cluster.postmaster_pid())
        rest_pid0 = backend_cpu(cluster.postmaster_pid())
        time.sleep(REST_SECONDS)
        idle = (cluster_cpu_seconds(cluster.postmaster_pid()) - idle0) / REST_SECONDS
        rest_by_role = cpu_by_role(rest_pid0, backend_cpu(cluster.postmaster_pid()), roles)
        print("[floor]   at rest, CPU by backend: " + ", ".join(
            f"{role} {spent:.2f} s" for role, spent in sorted(rest_by_role.items(),
                                                              key=lambda kv: -kv[1])[:4]),
            file=sys.stderr, flush=True)
        rest_statements = statements(stats) / REST_SECONDS
        _print_top(stats, "at rest", 10)
    floor = host.stop()
    if relay is not None:
        relay.terminate()
        relay.wait(timeout=10)
        import redis

        from seatdesk.data.bus import channel_for

        client = redis.Redis.from_url(BUS_URL)
        _print_relay_lag(client.xrange(channel_for(url)) or [], offered, wall)
        client.delete(channel_for(url))  # this run's stream
    if os.environ.get("BENCH_FLOOR_DUMP"):  # offer and seen times, for a closer look
        import pickle

        Path(os.environ["BENCH_FLOOR_DUMP"]).write_bytes(pickle.dumps(
            {"offered": offered, "shown": [s.shown for s in floor]}))
    final = {c.id for c in driver.waiting(SYSTEM)}
    seen: list[float] = []
    missed = 0
    for call_id, at in offered.items():
        times = [s.shown.get(call_id) for s in floor]
        missed += sum(1 for x in times if x is None)
        shown = [x for x in times if x is not None]
        if len(shown) == len(times):
            seen.append(max(shown) - at)
    views_off = sum(1 for s in floor if set(s.view_ids) != final)

    def total(name: str) -> int:
        return sum(s.counts[name] for s in floor)

    driver.db.dispose()
    workers.db.dispose()
    return Result(
        mode=mode, seats=seats, rate=rate, calls=len(offered), seconds=elapsed, db_cpu_s=cpu,
        idle_cpu_per_s=idle, rest_statements_per_s=rest_statements,
        statements=count,
        seen_p50_ms=round(percentile(seen, 50) * 1000, 1) if seen else None,
        seen_p95_ms=round(percentile(seen, 95) * 1000, 1) if seen else None,
        missed=missed, views_off=views_off,
        errors=sum(len(s.errors) for s in floor) + len(handle_errors),
        queue_reads=total("queue_reads"), status_reads=total("status_reads"),
        feed_lost=total("feed_lost"), gaps=total("gaps"), late=total("late"),
        rereads=total("rereads"), replays=total("replays"), trimmed=total("trimmed"),
        holes=total("holes"), procs=host.procs)


def _print_relay_lag(entries: list[Any], offered: dict[int, float], wall: float) -> None:
    """Offer → appended to the stream by the relay (the entry id's wall-clock ms), p50/p95:
    the part of offer → seen before any seat has the batch."""
    from seatdesk.data.floor_events import parse_note

    lags = []
    for entry_id, fields in entries:
        payload = fields.get(b"p", b"").decode()
        batch = parse_note(payload)
        if batch is None:
            continue
        appended = int(entry_id.split(b"-")[0]) / 1000.0
        for change in batch.calls:
            if change.state == "queued" and change.call_id in offered:
                lags.append(appended - (offered[change.call_id] + wall))
    if lags:
        print(f"[floor]   offer → on the stream: p50 {percentile(lags, 50) * 1000:.1f} ms, "
              f"p95 {percentile(lags, 95) * 1000:.1f} ms ({len(lags)} offers)",
              file=sys.stderr, flush=True)


def _print_top(stats: Any, when: str, limit: int) -> None:
    """The statements run most since pg_stat_statements was last reset, with their time."""
    for query, calls, ms in stats.execute(
            "SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 70), calls, "
            "round(total_exec_time::numeric, 1) FROM pg_stat_statements "
            "ORDER BY calls DESC LIMIT %s", (limit,)):
        print(f"[floor]   {when}: {calls:5d} x {query} ({ms} ms)", file=sys.stderr,
              flush=True)


def _start_relay(url: str) -> subprocess.Popen[bytes]:
    """The site's relay as on a floor: ``seatdesk events relay``, a process of its own
    (not a thread sharing one GIL with the 200 simulated seats)."""
    import redis

    from seatdesk.data.bus import channel_for

    env = {**os.environ, "SEATDESK_DB": url, "PYTHONPATH": str(ROOT), "PGAPPNAME": "bench relay"}
    relay = subprocess.Popen([sys.executable, "-m", "seatdesk", "events", "relay",
                              "--bus", BUS_URL], env=env, stderr=subprocess.DEVNULL)
    client, key = redis.Redis.from_url(BUS_URL), channel_for(url)
    deadline = time.monotonic() + 60
    while not client.xlen(key):  # its "*": listening and appending
        if relay.poll() is not None or time.monotonic() > deadline:
            relay.kill()
            raise RuntimeError(f"the relay did not start (exit {relay.returncode})")
        time.sleep(0.1)
    client.close()
    return relay


def _cut_seats(redis_ids: list[int]) -> None:
    """Redis drops each seat's connection (by id: nobody else's on a shared Redis)."""
    import redis

    admin = redis.Redis.from_url(BUS_URL)
    for redis_id in redis_ids:
        admin.client_kill_filter(_id=redis_id)
    admin.close()


def available_modes() -> list[str]:
    """rescan always; delta once the desk has it; bus when Redis answers at BUS_URL."""
    modes = ["rescan"]
    try:
        import seatdesk.ui.queue_view  # noqa: F401
    except ModuleNotFoundError:
        return modes
    modes.append("delta")
    try:
        import redis

        redis.Redis.from_url(BUS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001 - no package or no server: no bus rows
        print(f"[floor] no bus runs: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return modes
    return modes + ["bus"]


def grid(quick: bool, rates: list[float] | None = None) -> list[tuple[int, float]]:
    if rates:
        counts = (10, 50, 200)
        return [(c, r) for r in rates for c in counts]
    if quick:
        return [(10, 2.0), (50, 2.0), (200, 2.0)]
    return [(10, 1.0), (10, 4.0), (50, 1.0), (50, 4.0), (200, 1.0), (200, 4.0)]


def run(quick: bool, modes: list[str] | None = None,
        seats: list[int] | None = None, cut: bool = False, procs: int = PROCS,
        rates: list[float] | None = None, seconds: float | None = None) -> dict[str, Any]:
    """Every (mode, seats, rate) of the grid; rows for ``python -m bench``."""
    chosen = modes or available_modes()
    print(f"[floor] seats spread over {procs} processes (threads within each; a real seat is "
          "a process of its own)" if procs > 1 else
          "[floor] every seat a thread of ONE process (--procs 1): they share its GIL",
          file=sys.stderr, flush=True)
    seconds = seconds or (4.0 if quick else 20.0)
    results: list[dict[str, Any]] = []
    load = [round(x, 2) for x in os.getloadavg()]
    with throwaway_cluster() as cluster:
        for mode in chosen:
            for count, rate in grid(quick, rates):
                if seats and count not in seats:
                    continue
                if quick and mode == "rescan" and count > QUICK_RESCAN_SEATS and not seats:
                    continue  # the old desk at 200 seats takes minutes of 2 cores
                print(f"[floor] {mode}: {count} seats at {rate:g} calls/s", file=sys.stderr,
                      flush=True)
                results.append(measure(cluster, mode, count, rate, seconds,
                                       cut=cut, procs=procs).as_row())
    rows = [_table_row(r) for r in results]
    rows.extend(_ratios(results))
    report = {"rows": rows, "raw": results, "load_average_before": load,
              "load_average_after": [round(x, 2) for x in os.getloadavg()],
              "hold_s": HOLD, "seconds_per_run": seconds, "seat_processes": procs}
    write_json(report, "floor")
    return report


def _table_row(r: dict[str, Any]) -> dict[str, Any]:
    note = (f"{r['db_cpu_per_s']:.3f} cpu-s/s ({r['db_idle_cpu_per_s']:.3f} at rest; "
            f"{r['db_cpu_ms_per_call_above_rest']} ms/call above it), "
            f"{r['statements_per_s']:.0f} stmt/s "
            f"({r['statements_per_call']} /call), seen p50 {r['seen_p50_ms']} "
            f"p95 {r['seen_p95_ms']} ms, missed {r['missed']}, views off {r['views_off']}, "
            f"errors {r['errors']}, gaps {r['gaps']}, late {r['late']}, "
            f"full re-reads {r['full_rereads']}, replays {r['replays']}, "
            f"trimmed {r['trimmed']}, holes {r['holes']}, "
            f"{r['seat_processes']} seat process(es)")
    return {"area": "floor", "measurement": r["name"], "engine": "postgresql",
            "value": r["db_cpu_ms_per_call"], "unit": "ms/call", "note": note}


def _ratios(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per mode and rate: DB CPU per call at the most seats over the fewest (goal ≤ 1.5)."""
    out = []
    for mode in sorted({r["mode"] for r in results}):
        for rate in sorted({r["calls_per_s"] for r in results}):
            same = sorted((r for r in results if r["mode"] == mode and r["calls_per_s"] == rate
                           and r["db_cpu_ms_per_call"]), key=lambda r: r["seats"])
            if len(same) < 2:
                continue
            small, big = same[0], same[-1]
            out.append({"area": "floor",
                        "measurement": f"{mode} cpu/call {big['seats']}/{small['seats']} seats",
                        "engine": "postgresql", "value": big["db_cpu_ms_per_call"],
                        "baseline": small["db_cpu_ms_per_call"], "unit": "ms/call",
                        "note": f"at {rate:g} calls/s; goal ratio ≤ 1.5"})
            if small.get("db_cpu_ms_per_call_above_rest") and big.get(
                    "db_cpu_ms_per_call_above_rest"):
                out.append({"area": "floor",
                            "measurement": f"{mode} cpu/call above rest "
                                           f"{big['seats']}/{small['seats']} seats",
                            "engine": "postgresql",
                            "value": big["db_cpu_ms_per_call_above_rest"],
                            "baseline": small["db_cpu_ms_per_call_above_rest"],
                            "unit": "ms/call",
                            "note": f"at {rate:g} calls/s; the rest's CPU per second taken off"})
    return out


# ---- one seat's wake-up on the bus, alone ------------------------------------------------------


def _call_batches(call_id: int, seat: int, queue_id: int) -> list[str]:
    """The four batch bodies of one call as the services send them (offer, take, end,
    wrap-up), each as the relay appends it: ``ev <seq> <json>``."""
    from datetime import datetime

    from seatdesk.data.floor_events import CallChange, SeatChange, encode

    row = {"id": call_id, "queue_code": QUEUE, "queue_name": "General",
           "queue_name_zh": "综合", "caller_number": "138****8000",
           "customer_name": "Zhang Wei", "grade": "gold", "key_account": False,
           "queued_at": datetime(2026, 12, 1, 9, 0, 0), "wait_alert_seconds": 60,
           "target_agent_id": None, "route_rank": 2, "route_order": 0, "queue_id": queue_id}
    return [
        encode(["queue"], [CallChange(call_id, queue_id, "queued", None, row)], [], False),
        encode(["queue", "floor"], [CallChange(call_id, queue_id, "talking", seat)],
               [SeatChange(seat, "on_call")], False),
        encode(["floor"], [CallChange(call_id, queue_id, "ended", seat)],
               [SeatChange(seat, "wrap_up")], False),
        encode(["floor"], [CallChange(call_id, queue_id, "closed", seat)],
               [SeatChange(seat, "available")], False),
    ]


def measure_wakeup(entries: int = 2000, profile: bool = False) -> dict[str, Any]:
    """One seat on the bus: CPU per wake-up (one entry: ``RedisChangeFeed.wait``, then the
    queue view's ``take`` and ``ids``, as ``Seat._delta`` does), on the real Redis.

    The entry is appended just before each ``wait`` so nothing blocks: what is timed is the
    seat's own work (thread CPU), the part 200 seats in one process serialise on its GIL."""
    import cProfile
    import pstats
    import uuid

    import redis

    from seatdesk.data.bus import RedisChangeFeed, channel_for
    from seatdesk.data.changes import drain_batches
    from seatdesk.ui.queue_view import SeatFloor

    db_url = f"postgresql://bench@127.0.0.1/wakeup_{uuid.uuid4().hex[:8]}"  # names the stream
    key = channel_for(db_url)
    writer = redis.Redis.from_url(BUS_URL)
    writer.xadd(key, {"n": 0, "p": "*"})
    feed = RedisChangeFeed(BUS_URL, db_url)
    floor = SeatFloor(7, served=frozenset({1}))
    floor.reset([])
    bodies = [b for n in range(entries // 4 + 1) for b in _call_batches(1000 + n, 9, 1)]
    payloads = [f"ev {seq} {body}" for seq, body in enumerate(bodies[:entries], start=1)]
    spent = 0.0
    prof = cProfile.Profile() if profile else None
    try:
        for n, payload in enumerate(payloads, start=1):
            writer.xadd(key, {"n": n, "p": payload})
            t0 = time.thread_time()
            if prof is not None:
                prof.enable()
            topics = feed.wait(1.0)
            floor.take(drain_batches(feed), frozenset(topics))
            floor.ids()
            if prof is not None:
                prof.disable()
            spent += time.thread_time() - t0
    finally:
        feed.close()
        writer.delete(key)
        writer.close()
    if prof is not None:
        pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(14)
    return {"entries": entries, "us_per_wakeup": round(spent / entries * 1e6, 1),
            "gaps": floor.gaps, "full_reads": floor.full_reads}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="10/50/200 seats at 2 calls/s, 4 s each (rescan: 10/50)")
    parser.add_argument("--modes", default=None,
                        help="rescan,delta,bus (default: all available)")
    parser.add_argument("--seats", default=None, help="only these seat counts, e.g. 10,200")
    parser.add_argument("--cut", action="store_true",
                        help="bus: drop every seat's Redis connection halfway (replays)")
    parser.add_argument("--procs", type=int, default=PROCS,
                        help=f"spread the seats over this many processes (default {PROCS}; "
                        "1: every seat a thread of this one process)")
    parser.add_argument("--rates", default=None,
                        help="calls/s to run at, e.g. 1,2,4 (10/50/200 seats each)")
    parser.add_argument("--seconds", type=float, default=None,
                        help="seconds of calls per run (default 20, --quick 4): longer runs "
                        "count more calls and ride out more of a shared machine's noise")
    parser.add_argument("--wakeup", action="store_true",
                        help="only one bus seat's CPU per wake-up (add --profile: cProfile)")
    parser.add_argument("--profile", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.wakeup:
        # Five runs; the least is the seat's own cost, the rest is the shared machine.
        runs = [measure_wakeup(profile=args.profile and n == 0) for n in range(5)]
        spent = sorted(r["us_per_wakeup"] for r in runs)
        print(f"[floor] bus wake-up: {spent[0]} µs of CPU per entry at least, median "
              f"{spent[2]} (5 runs of {runs[0]['entries']}; gaps "
              f"{sum(r['gaps'] for r in runs)}, full reads {runs[0]['full_reads']} each)")
        return
    modes = args.modes.split(",") if args.modes else None
    seats = [int(x) for x in args.seats.split(",")] if args.seats else None
    rates = [float(x) for x in args.rates.split(",")] if args.rates else None
    report = run(args.quick, modes, seats, args.cut, args.procs, rates, args.seconds)
    from bench.common import format_table, rows_from_module

    print(format_table(rows_from_module("floor", report)))


if __name__ == "__main__":
    main()
