"""Benchmark: memory and database connections per signed-in seat at rest (issue 19).

Every program runs as its own process in a real terminal (a pseudo-terminal, 120x40):

- baseline: ``bench/bare_textual.py``, a bare Textual app of the same Textual (a Header,
  a DataTable of 20 waiting callers, an Input; nothing of seatdesk's);
- a seat: the real command an agent runs, ``seatdesk --db URL --lang en run --as LOGIN``;
  the password is typed on the sign-in screen and the seat counts as ready once its desk
  shows it ``available`` with the queue (20 callers waiting), on a throwaway database made
  for the run: SQLite, and PostgreSQL with the database's own LISTEN/NOTIFY, and
  PostgreSQL with ``SEATDESK_EVENTS=redis://…`` (one ``seatdesk events relay`` beside).

After every process is ready it rests (``REST_SECONDS``) and its memory is read from
``/proc/PID/smaps_rollup``: RSS (every page it maps, shared ones counted in full), PSS
(shared pages divided among the processes that map them) and USS (its private pages).
Each kind is measured with 1 process and with N at once (N=20, 5 with --quick).

**The 2x target is judged on the marginal PSS**: (PSS of N processes - PSS of 1) / (N-1),
the memory one more seat adds to a host that already runs seats; the bare app's marginal
PSS is measured the same way in the same run. RSS counts the Python binary, libpython and
every shared library once per process, so it overstates what 500 seats cost; PSS of a lone
process leans on whatever else on the machine maps the same files. The 500-seat host
total is PSS(1) + 499 x marginal PSS.

Connections: on PostgreSQL, pg_stat_activity is read while the seats rest, per seat and by
state (``idle in transaction`` must be 0) and by ``application_name``.

``python bench/bench_memory.py [--quick] [--seats N]``; ``run(quick)`` for ``python -m bench``.
"""

from __future__ import annotations

import argparse
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import bench_seed  # noqa: E402
from bench.common import Row, format_table, spawn_on_terminal, write_json  # noqa: E402

MiB = 1024 * 1024
TARGET_RATIO = 2.0
HOST_SEATS = 500
HOST_BUDGET_GIB = 20.0
REST_SECONDS = 8.0
PASSWORD = "bench-memory-1"
BUS_URL = os.environ.get("SEATDESK_BENCH_BUS", "redis://127.0.0.1:6379/0")

# Terminal control sequences, removed to find the painted text (as bench_startup does).
ESCAPES = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]"
                     rb"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
                     rb"|\x1b[()][0-9A-Za-z]|\x1b[=>78]")
BARE_MARK = b"bare-app-ready"
SIGN_IN_MARK = b"Password"
DESK_MARK = b"available"


# ---- programs in terminals --------------------------------------------------------------------


@dataclass
class Terminal:
    """One program on its own pty; the drainer reads its output so it never blocks."""

    pid: int
    fd: int
    marks: dict[str, bytes]
    seen: set[str] = field(default_factory=set)
    tail: bytes = b""
    closed: bool = False

    def feed(self, chunk: bytes) -> None:
        text = ESCAPES.sub(b"", self.tail + chunk)
        for name, needle in self.marks.items():
            if name not in self.seen and needle in text:
                self.seen.add(name)
        self.tail = text[-512:]

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def stop(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        try:
            os.close(self.fd)
        except OSError:
            pass


class Drainer:
    """Reads every terminal's output in one thread: a program whose terminal is not read
    stops when the pty's buffer fills, and would never reach its desk."""

    def __init__(self) -> None:
        self._terminals: list[Terminal] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="pty-drainer", daemon=True)
        self._thread.start()

    def spawn(self, argv: list[str], env: dict[str, str], marks: dict[str, bytes],
              size: tuple[int, int] = (120, 40)) -> Terminal:
        pid, fd = spawn_on_terminal(argv, env, size)
        term = Terminal(pid, fd, marks)
        with self._lock:
            self._terminals.append(term)
        return term

    def _loop(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                live = {t.fd: t for t in self._terminals if not t.closed}
            if not live:
                time.sleep(0.05)
                continue
            try:
                ready, _w, _x = select.select(list(live), [], [], 0.05)
            except (OSError, ValueError):
                time.sleep(0.05)
                continue
            for fd in ready:
                term = live[fd]
                try:
                    chunk = os.read(fd, 1 << 16)
                except OSError:
                    chunk = b""
                if chunk:
                    term.feed(chunk)
                else:
                    term.closed = True

    def wait(self, terms: list[Terminal], mark: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(mark in t.seen for t in terms):
                return
            dead = [t for t in terms if t.closed and mark not in t.seen]
            if dead:
                break
            time.sleep(0.05)
        missing = [t for t in terms if mark not in t.seen]
        tail = missing[0].tail.decode("utf-8", "replace")[-300:] if missing else ""
        status = ""
        if missing:
            pid, code = os.waitpid(missing[0].pid, os.WNOHANG)
            status = f" (exited, status {code})" if pid else " (still running)"
        raise RuntimeError(f"{len(missing)} of {len(terms)} never showed {mark!r}; "
                           f"one{status} ended with {tail!r}")

    def stop(self, terms: list[Terminal]) -> None:
        """Kill these programs; they leave the drainer first (a closed descriptor in its
        select would stop it reading every other terminal)."""
        leaving = {id(t) for t in terms}
        with self._lock:
            self._terminals = [t for t in self._terminals if id(t) not in leaving]
        for term in terms:
            term.closed = True
            term.stop()

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            terms, self._terminals = self._terminals, []
        for term in terms:
            term.stop()
        self._thread.join(timeout=2)


# ---- memory --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Memory:
    """One process's memory from /proc/PID/smaps_rollup, in bytes, and its threads."""

    rss: int
    pss: int
    uss: int
    threads: int


def read_memory(pid: int) -> Memory:
    fields: dict[str, int] = {}
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
        for line in rollup:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                fields[parts[0].rstrip(":")] = int(parts[1]) * 1024
    threads = 0
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("Threads:"):
                threads = int(line.split()[1])
    return Memory(rss=fields["Rss"], pss=fields["Pss"],
                  uss=fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0),
                  threads=threads)


@dataclass(frozen=True)
class Group:
    """The memory of n processes of one kind, read together while they rest."""

    kind: str
    memories: tuple[Memory, ...]
    connections: dict[str, Any] | None = None
    # Processes a seat needs besides its desk (seat host: the attach clients and the host
    # parent): in the seat's PSS total, not in the per-desk means.
    overhead: tuple[Memory, ...] = ()

    @property
    def n(self) -> int:
        return len(self.memories)

    def mean(self, what: str) -> float:
        return sum(getattr(m, what) for m in self.memories) / self.n

    def total(self, what: str) -> int:
        return sum(getattr(m, what) for m in self.memories + self.overhead)


def marginal_pss(one: Group, many: Group) -> float:
    """What one more process adds: (PSS of N - PSS of 1) / (N - 1)."""
    if many.n <= 1:
        return float(one.total("pss"))
    return (many.total("pss") - one.total("pss")) / (many.n - 1)


# ---- the databases and the programs -------------------------------------------------------------


def logins(n: int) -> list[str]:
    return [f"mem_agent{i:02d}" for i in range(1, n + 1)]


def prepare(db: bench_seed.BenchDatabase, seats: int) -> None:
    """Schema, reference data, ``seats`` agents, 1,000 customers, 20 callers waiting."""
    from bench.bench_desk import bulk_customers
    from seatdesk.data.migrate import upgrade
    from seatdesk.exchange.seed import ensure_reference_data
    from seatdesk.services.container import Backend
    from seatdesk.services.dto import SYSTEM

    backend = Backend.open(db.url)
    try:
        upgrade(backend.db)
        ensure_reference_data(backend)
        for i, login in enumerate(logins(seats)):
            backend.users.add_user(login, name=f"Agent {i + 1}", role="agent",
                                   password=PASSWORD, team="t1", agent_no=f"{7000 + i}")
        backend.scripts.ensure_defaults(SYSTEM)
        bulk_customers(backend, 1000)
        for i in range(20):
            backend.calls.offer_inbound(SYSTEM, f"+8613700{i:06d}", "general")
    finally:
        backend.close()


def seatdesk_command() -> str:
    beside = Path(sys.executable).parent / "seatdesk"
    return str(beside) if beside.exists() else (shutil.which("seatdesk") or "seatdesk")


def base_env(home: Path) -> dict[str, str]:
    env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor",
           "SEATDESK_HOME": str(home), "LANG": "C.UTF-8"}
    for name in ("TEXTUAL", "SEATDESK_EVENTS", "PGAPPNAME"):
        env.pop(name, None)
    return env


def start_bare(drainer: Drainer, n: int, env: dict[str, str], timeout: float) -> list[Terminal]:
    argv = [sys.executable, str(ROOT / "bench" / "bare_textual.py")]
    terms = [drainer.spawn(argv, env, {"ready": BARE_MARK}) for _ in range(n)]
    drainer.wait(terms, "ready", timeout)
    return terms


def start_seats(drainer: Drainer, url: str, n: int, env: dict[str, str],
                timeout: float, attach: bool = False) -> list[Terminal]:
    """N seats signed in through the sign-in screen, each showing its desk.

    With ``attach`` each seat is what an SSH ForceCommand runs on a seat host:
    ``python -m seatdesk attach --db URL ... run`` (the standard-library client)."""
    program = ([sys.executable, "-m", "seatdesk", "attach"] if attach
               else [seatdesk_command()])
    terms = [drainer.spawn([*program, "--db", url, "--lang", "en", "run",
                            "--as", login], env,
                           {"sign-in": SIGN_IN_MARK, "desk": DESK_MARK})
             for login in logins(n)]
    drainer.wait(terms, "sign-in", timeout)
    time.sleep(1.0)  # the password field has the focus once the screen has mounted
    for term in terms:
        term.send(PASSWORD.encode() + b"\r")
    drainer.wait(terms, "desk", timeout)
    return terms


def connections(admin_url: str, database: str) -> dict[str, Any]:
    """The database's connections now: total, by state, by application_name."""
    import psycopg

    with psycopg.connect(bench_seed.conninfo(admin_url), autocommit=True) as admin:
        rows = admin.execute(
            "SELECT coalesce(application_name, ''), coalesce(state, ''), count(*) "
            "FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid() "
            "GROUP BY 1, 2 ORDER BY 1, 2", (database,)).fetchall()
    by_state: dict[str, int] = {}
    by_name: dict[str, int] = {}
    for name, state, count in rows:
        by_state[state] = by_state.get(state, 0) + count
        label = re.sub(r"mem_agent\d+", "<login>", name)
        by_name[label] = by_name.get(label, 0) + count
    return {"total": sum(by_state.values()), "by_state": by_state, "by_name": by_name}


def seat_connections(before: dict[str, Any], after: dict[str, Any], n: int) -> dict[str, Any]:
    """The seats' share of the connections: what is there now minus what was before them."""
    total = after["total"] - before["total"]
    idle_tx = (after["by_state"].get("idle in transaction", 0)
               - before["by_state"].get("idle in transaction", 0))
    return {"seats": n, "total": total, "per_seat": total / n, "idle_in_transaction": idle_tx,
            "by_state": after["by_state"], "by_name": after["by_name"]}


@contextmanager
def relay(url: str, env: dict[str, str]) -> Iterator[None]:
    """``seatdesk events relay`` for the database: the bus's only publisher."""
    proc = subprocess.Popen([seatdesk_command(), "--db", url, "events", "relay", "--bus",
                             BUS_URL], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        time.sleep(2.0)
        if proc.poll() is not None:
            raise RuntimeError(f"seatdesk events relay exited with {proc.returncode}")
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def measure(terms: list[Terminal], kind: str, rest: float,
            host: SeatHostProcess | None = None) -> Group:
    """The processes' memory after a rest; with a seat host, its desks are measured and
    the clients (terminals) and the host parent are the seats' overhead."""
    time.sleep(rest)
    if host is None:
        return Group(kind, tuple(read_memory(t.pid) for t in terms))
    desks = host.desks()
    if len(desks) != len(terms):
        raise RuntimeError(f"{len(terms)} seats attached but the host has {len(desks)} desks")
    return Group(kind, tuple(read_memory(pid) for pid in desks),
                 overhead=(read_memory(host.proc.pid), *(read_memory(t.pid) for t in terms)))


# ---- the run -------------------------------------------------------------------------------------


@dataclass
class Scenario:
    engine: str  # sqlite, postgresql
    events: str  # "file", "listen", "redis"
    seat_host: bool = False  # desks forked by one `seatdesk seat-host`, via `seatdesk attach`

    @property
    def label(self) -> str:
        name = {"file": "sqlite", "listen": "pg listen", "redis": "pg+redis"}[self.events]
        return f"{name} via seat host" if self.seat_host else name


SCENARIOS = (Scenario("sqlite", "file"), Scenario("postgresql", "listen"),
             Scenario("postgresql", "redis"), Scenario("postgresql", "redis", seat_host=True))


@dataclass
class SeatHostProcess:
    """A running `seatdesk seat-host`: its desks are its children."""

    proc: subprocess.Popen[bytes]
    socket: Path

    def desks(self) -> list[int]:
        pid = self.proc.pid
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


    def wait_desks_gone(self, timeout: float = 20.0) -> None:
        """The clients were killed: the host hangs up on their desks; wait until they end."""
        deadline = time.monotonic() + timeout
        while self.desks() and time.monotonic() < deadline:
            time.sleep(0.2)
        left = self.desks()
        if left:
            raise RuntimeError(f"desks {left} outlived their killed clients")


@contextmanager
def seat_host(env: dict[str, str], workdir: Path, timeout: float) -> Iterator[SeatHostProcess]:
    """One seat host for the scenario, listening once it has loaded the desk."""
    sock = workdir / "seat-host" / "seat-host.sock"
    env["SEATDESK_SEAT_HOST"] = str(sock)
    proc = subprocess.Popen([sys.executable, "-m", "seatdesk", "seat-host"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()  # "seat host listening on ...", after the preload
        if proc.poll() is not None or not sock.exists():
            raise RuntimeError(f"seatdesk seat-host did not start: {line!r}")
        yield SeatHostProcess(proc, sock)
    finally:
        for _second in (1, 2):  # the second signal: do not wait for desks still open
            proc.terminate()
            time.sleep(0.2)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_scenario(scenario: Scenario, drainer: Drainer, seats: int, env: dict[str, str],
                 pg_url: str, workdir: Path, rest: float, timeout: float) -> tuple[Group, Group]:
    db = (bench_seed.create_sqlite(workdir) if scenario.engine == "sqlite"
          else bench_seed.create_postgres(pg_url))
    try:
        prepare(db, seats)
        seat_env = dict(env)
        if scenario.events == "redis":
            seat_env["SEATDESK_EVENTS"] = BUS_URL
        with (relay(db.url, env) if scenario.events == "redis" else _nothing(),
              seat_host(seat_env, workdir, timeout) if scenario.seat_host
              else _nothing() as host):
            groups = []
            for n in (1, seats):
                before = connections(pg_url, db.name) if db.engine == "postgresql" else None
                terms = start_seats(drainer, db.url, n, seat_env, timeout,
                                    attach=scenario.seat_host)
                try:
                    group = measure(terms, scenario.label, rest, host)
                    if before is not None:
                        after = connections(pg_url, db.name)
                        group = Group(group.kind, group.memories,
                                      seat_connections(before, after, n), group.overhead)
                finally:
                    drainer.stop(terms)
                    if host is not None:
                        host.wait_desks_gone()
                groups.append(group)
                time.sleep(1.0)  # the server notices the closed connections
        return groups[0], groups[1]
    finally:
        db.drop()


@contextmanager
def _nothing() -> Iterator[None]:
    yield None


def rows_for(bare1: Group, bareN: Group, seat1: Group, seatN: Group) -> list[dict[str, Any]]:
    """The table rows of one scenario against the bare app of the same run."""
    engine = seat1.kind
    bare_marg = marginal_pss(bare1, bareN)
    seat_marg = marginal_pss(seat1, seatN)
    host = (seat1.total("pss") + (HOST_SEATS - 1) * seat_marg) / 2**30
    out = [
        {"measurement": "RSS, 1 process", "engine": engine, "value": seat1.mean("rss") / MiB,
         "unit": "MiB", "baseline": bare1.mean("rss") / MiB,
         "note": "shared libraries counted in full"},
        {"measurement": f"RSS per process, {seatN.n} at once", "engine": engine,
         "value": seatN.mean("rss") / MiB, "unit": "MiB", "baseline": bareN.mean("rss") / MiB},
        {"measurement": f"marginal PSS per seat ({seatN.n})", "engine": engine,
         "value": seat_marg / MiB, "unit": "MiB", "baseline": bare_marg / MiB,
         "note": f"the target: ≤{TARGET_RATIO:g}x bare (one more seat on a host)"},
        {"measurement": f"USS per process, {seatN.n} at once", "engine": engine,
         "value": seatN.mean("uss") / MiB, "unit": "MiB", "baseline": bareN.mean("uss") / MiB,
         "note": "private pages only"},
        {"measurement": f"host total for {HOST_SEATS} seats", "engine": engine,
         "value": host, "unit": "GiB",
         "note": f"budget {HOST_BUDGET_GIB:g} GiB; PSS(1) + {HOST_SEATS - 1} x marginal"},
        {"measurement": "threads per process", "engine": engine, "value": seatN.mean("threads"),
         "baseline": bareN.mean("threads")},
    ]
    if seatN.overhead:
        host_parent, *clients = seatN.overhead
        out.append({"measurement": f"PSS of the seat host parent ({seatN.n} desks)",
                    "engine": engine, "value": host_parent.pss / MiB, "unit": "MiB",
                    "note": "once per host, in the totals"})
        out.append({"measurement": f"PSS per attach client ({seatN.n})", "engine": engine,
                    "value": sum(c.pss for c in clients) / len(clients) / MiB, "unit": "MiB",
                    "note": "one per seat, in the marginal PSS"})
    for row in out:
        if row.get("baseline"):
            row["ratio"] = row["value"] / row["baseline"]
    conns = seatN.connections
    if conns is not None:
        out.append({"measurement": f"connections per seat at rest ({seatN.n})",
                    "engine": engine, "value": conns["per_seat"], "unit": "conn",
                    "note": f"idle in transaction {conns['idle_in_transaction']}; "
                            + ", ".join(f"{k or '-'}: {v}" for k, v in conns["by_name"].items()),
                    "detail": conns})
    return out


def run(quick: bool = False, seats: int | None = None, pg_url: str | None = None,
        scenarios: tuple[Scenario, ...] = SCENARIOS) -> dict[str, Any]:
    """The figures as ``{"rows": [...]}`` (``python -m bench``'s shape for a module)."""
    seats = seats or (5 if quick else 20)
    rest = REST_SECONDS / 2 if quick else REST_SECONDS
    timeout = 60.0 + 6.0 * seats  # two shared cores start 20 desks slowly
    pg_url = pg_url or os.environ.get("SEATDESK_BENCH_PG", bench_seed.DEFAULT_PG)
    workdir = Path(tempfile.mkdtemp(prefix="seatdesk-bench-memory-"))
    env = base_env(workdir / "home")
    drainer = Drainer()
    rows: list[dict[str, Any]] = []
    groups: dict[str, Any] = {}
    try:
        bare = []
        for n in (1, seats):
            terms = start_bare(drainer, n, env, timeout)
            try:
                bare.append(measure(terms, "bare", rest))
            finally:
                drainer.stop(terms)
        bare1, bareN = bare
        groups["bare"] = [_group_json(g) for g in bare]
        for scenario in scenarios:
            print(f"memory: {scenario.label}, 1 and {seats} seats", file=sys.stderr, flush=True)
            try:
                seat1, seatN = run_scenario(scenario, drainer, seats, env, pg_url, workdir,
                                            rest, timeout)
            except Exception as exc:  # noqa: BLE001 - one scenario failing (no Redis) keeps the others
                rows.append({"measurement": "seats", "engine": scenario.label,
                             "note": f"FAILED: {exc.__class__.__name__}: {exc}"})
                continue
            groups[scenario.label] = [_group_json(seat1), _group_json(seatN)]
            rows.extend(rows_for(bare1, bareN, seat1, seatN))
    finally:
        drainer.close()
        shutil.rmtree(workdir, ignore_errors=True)
    return {"rows": rows, "seats": seats, "rest_seconds": rest, "target_ratio": TARGET_RATIO,
            "judged_on": "marginal PSS per seat (N at once) against the bare app's",
            "bare_app": "bench/bare_textual.py", "groups": groups}


def _group_json(group: Group) -> dict[str, Any]:
    return {"kind": group.kind, "n": group.n,
            "rss_mib": [round(m.rss / MiB, 1) for m in group.memories],
            "pss_mib": [round(m.pss / MiB, 1) for m in group.memories],
            "uss_mib": [round(m.uss / MiB, 1) for m in group.memories],
            "threads": [m.threads for m in group.memories],
            "overhead_pss_mib": [round(m.pss / MiB, 1) for m in group.overhead],
            "connections": group.connections}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 seats instead of 20")
    parser.add_argument("--seats", type=int, default=None, help="N concurrent seats")
    parser.add_argument("--only", default=",".join(s.label for s in SCENARIOS),
                        help="comma-separated scenarios: sqlite,pg listen,pg+redis")
    args = parser.parse_args(argv)
    wanted = {w.strip() for w in args.only.split(",")}
    report = run(args.quick, args.seats,
                 scenarios=tuple(s for s in SCENARIOS if s.label in wanted))
    rows = [Row(area="memory", measurement=r["measurement"], engine=r.get("engine", ""),
                value=r.get("value"), unit=r.get("unit", ""), baseline=r.get("baseline"),
                ratio=r.get("ratio"), note=r.get("note", "")) for r in report["rows"]]
    print(format_table(rows))
    print(f"judged on: {report['judged_on']} (bare app: {report['bare_app']})")
    print(f"written {write_json(report, 'memory').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
