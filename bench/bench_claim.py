"""Claiming calls under contention: 1, 10 and 50 seats racing for one queue.

Each seat is its own process (multiprocessing "spawn", so nothing is shared but the
database) with its own ``Backend``, exactly as seats on a floor are separate programs.
A batch of calls is offered first; then every seat, released at the same moment, loops
``claim_next`` → ``save_wrap_up`` until the queue is empty. Per seat count the bench
reports:

- throughput: claims per second of the whole floor (each cycle is a claim and a saved
  record, the two write transactions a seat needs before it may take the next call: a
  seat in wrap-up takes no other call, issue 14);
- claim latency p50/p95 as each seat saw it;
- double claims and lost calls, verified from the database afterwards (every call of the
  batch offered exactly once, to the seat that reported it, and none left queued), plus
  the seats' own reports. Both must be 0; anything else is a bug, not a slow result.

The seat processes are spawned once (``SeatPool``) and reused for every engine and seat
count: spawning 50 Python processes costs more than the measurement itself on 2 cores.
"""

from __future__ import annotations

import multiprocessing as mp
import queue as queue_mod
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bench.common import Row, rate, ratio, summarise

BENCH_QUEUE = "bench"
SEAT_COUNTS = (1, 10, 50)
READY_TIMEOUT = 120.0
RUN_TIMEOUT = 900.0


@dataclass(frozen=True)
class SeatAgent:
    """What a seat process needs to act as one agent (plain data: it crosses processes)."""

    user_id: int
    login: str
    agent_no: str


# ---- the seat process ------------------------------------------------------------------------


def seat_process(inbox: Any, outbox: Any, go: Any) -> None:
    """A seat: waits for (url, agent, seat_no) orders, then claims until the queue is empty.

    A seat holds its own ``Database`` and ``CallService`` (the same code path the desk's
    Backend uses for F2) rather than a whole ``Backend``: importing every service pulls the
    roster optimiser (ortools, pandas), about 2 s of CPU per process, which 50 seats on a
    2-core machine would turn into minutes of set-up without changing what is measured.
    """
    # Imported now, while the runner is still preparing, not after the start signal.
    from seatdesk.data.engine import Database
    from seatdesk.services.calls import CallService

    seats: dict[str, CallService] = {}
    while True:
        order = inbox.get()
        if order is None:
            break
        url, agent, seat_no = order
        try:
            calls = seats.get(url) or CallService(Database(url))
            seats[url] = calls
            result = _race(calls, agent, seat_no, outbox, go)
        except Exception as exc:  # noqa: BLE001 - reported to the runner, never swallowed
            outbox.put(("failed", seat_no, f"{exc.__class__.__name__}: {exc}"))
            continue
        outbox.put(result)
    for calls in seats.values():
        calls.db.dispose()


def _race(calls: Any, agent: SeatAgent, seat_no: int, outbox: Any, go: Any) -> tuple:
    from sqlalchemy import text

    from seatdesk.services.dto import Actor, WrapUp

    record = WrapUp(category="query", disposition="resolved", resolved=True, notes="bench")
    actor = Actor(user_id=agent.user_id, login=agent.login, role="agent", name=agent.login,
                  agent_no=agent.agent_no)
    with calls.db.read() as s:  # open the connection before the start signal
        s.execute(text("SELECT 1"))
    outbox.put(("ready", seat_no))
    go.wait()
    claimed: list[int] = []
    latencies: list[float] = []
    errors: list[str] = []
    clock = time.perf_counter
    started = time.time()
    while len(errors) < 20:
        t0 = clock()
        try:
            view = calls.claim_next(actor, answer=True)
        except Exception as exc:  # noqa: BLE001 - counted: a seat retries like a person would
            errors.append(f"{exc.__class__.__name__}: {str(exc).splitlines()[0][:120]}")
            continue
        latency = clock() - t0
        if view is None:
            break
        claimed.append(view.id)
        latencies.append(latency)
        try:
            calls.save_wrap_up(actor, view.id, record)
        except Exception as exc:  # noqa: BLE001
            errors.append(f"save: {exc.__class__.__name__}: {str(exc).splitlines()[0][:120]}")
    return ("done", seat_no, claimed, latencies, errors, started, time.time())


class SeatPool:
    """``size`` spawned seat processes, reused for every race."""

    def __init__(self, size: int) -> None:
        ctx = mp.get_context("spawn")
        self.go = ctx.Event()
        self.outbox = ctx.Queue()
        self.inboxes = [ctx.Queue() for _ in range(size)]
        self.processes = [
            ctx.Process(target=seat_process, args=(inbox, self.outbox, self.go), daemon=True,
                        name=f"bench-seat-{i}")
            for i, inbox in enumerate(self.inboxes)
        ]
        started = time.perf_counter()
        for p in self.processes:
            p.start()
        self.spawn_seconds = time.perf_counter() - started
        self.last_ready_seconds = 0.0

    @property
    def size(self) -> int:
        return len(self.processes)

    def race(self, url: str, agents: list[SeatAgent]) -> tuple[list[tuple], float]:
        """Release ``len(agents)`` seats together; return their reports and the wall time."""
        if len(agents) > self.size:
            raise ValueError(f"{len(agents)} seats asked of a pool of {self.size}")
        self.go.clear()
        for seat_no, agent in enumerate(agents):
            self.inboxes[seat_no].put((url, agent, seat_no))
        waiting = set(range(len(agents)))
        reports: list[tuple] = []
        deadline = time.monotonic() + READY_TIMEOUT
        while waiting:
            msg = self._next(deadline, "seats to get ready")
            if msg[0] == "ready":
                waiting.discard(msg[1])
            else:  # failed before the start: it will not report again
                waiting.discard(msg[1])
                reports.append(msg)
        self.last_ready_seconds = time.monotonic() - (deadline - READY_TIMEOUT)
        pending = len(agents) - len(reports)
        started = time.perf_counter()
        self.go.set()
        deadline = time.monotonic() + RUN_TIMEOUT
        while pending:
            reports.append(self._next(deadline, "seats to empty the queue"))
            pending -= 1
        wall = time.perf_counter() - started
        self.go.clear()
        return reports, wall

    def _next(self, deadline: float, what: str) -> tuple:
        while True:
            try:
                return self.outbox.get(timeout=1.0)
            except queue_mod.Empty:
                if not all(p.is_alive() for p in self.processes):
                    raise RuntimeError(f"a seat process died while waiting for {what}") from None
                if time.monotonic() > deadline:
                    raise TimeoutError(f"timed out waiting for {what}") from None

    def close(self) -> None:
        """Tell every seat to stop, then wait for them (terminating stragglers)."""
        for inbox in self.inboxes:
            inbox.put(None)
        for p in self.processes:
            p.join(timeout=10)
            if p.is_alive():
                p.terminate()
                p.join(timeout=5)

    def __enter__(self) -> SeatPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---- preparing the floor and the queue ----------------------------------------------------------


def prepare_agents(url: str, count: int) -> list[SeatAgent]:
    """``count`` agents on the bench queue, created directly (one shared password hash)."""
    from sqlalchemy import select

    from seatdesk.data.models import Role, User, UserQueue
    from seatdesk.domain.passwords import hash_password
    from seatdesk.services.container import Backend

    backend = Backend.open(url)
    try:
        queue = backend.users.ensure_queue(BENCH_QUEUE, "Benchmark line", name_zh="压测专线")
        now = backend.clock()
        shared_hash = hash_password("bench-not-a-login")  # scrypt per seat would dominate
        agents: list[SeatAgent] = []
        with backend.db.write() as s:
            for i in range(1, count + 1):
                login, agent_no = f"bench_seat_{i:02d}", f"9{i:03d}"
                user = s.scalar(select(User).where(User.login == login))
                if user is None:
                    user = User(login=login, name=f"压测座席{i}", agent_no=agent_no,
                                role=Role.AGENT, password_hash=shared_hash, created_at=now)
                    s.add(user)
                    s.flush()
                    s.add(UserQueue(user_id=user.id, queue_id=queue.id))
                agents.append(SeatAgent(user.id, login, agent_no))
        return agents
    finally:
        backend.close()


def offer_batch(url: str, count: int, marker: str) -> float:
    """Queue ``count`` calls on the bench queue, as ``offer_inbound`` would; return seconds.

    Written in one bulk insert (the offer path is not what is measured here); every call
    carries ``marker`` in recording_ref so the verification finds exactly this batch.
    """
    from sqlalchemy import insert, select

    from seatdesk.data.models import Call, CallEvent, CallState, Direction, Queue
    from seatdesk.services.container import Backend

    backend = Backend.open(url)
    started = time.perf_counter()
    try:
        now = backend.clock()
        with backend.db.write() as s:
            queue_id, priority = s.execute(select(Queue.id, Queue.priority)
                                           .where(Queue.code == BENCH_QUEUE)).one()
            s.execute(insert(Call), [
                {"direction": Direction.INBOUND, "state": CallState.QUEUED, "queue_id": queue_id,
                 "caller_number": f"+86147{i:08d}", "route_order": -priority,
                 "route_rank": 1 + i % 5, "queued_at": now - timedelta(milliseconds=count - i),
                 "recording_ref": marker}
                for i in range(count)])
            ids = list(s.scalars(select(Call.id).where(Call.recording_ref == marker)))
            s.execute(insert(CallEvent), [
                {"call_id": i, "at": now, "kind": "queued", "to_state": "queued",
                 "detail": BENCH_QUEUE} for i in ids])
        return time.perf_counter() - started
    finally:
        backend.close()


@dataclass(frozen=True)
class Integrity:
    """What the database says about one batch after the race."""

    offered: int
    claimed_by_seats: int
    double_claims: int
    lost: int
    left_queued: int
    problems: tuple[str, ...]


def verify(url: str, marker: str, reports: list[tuple]) -> Integrity:
    """Check every call of the batch was offered once, to the seat that says it took it."""
    from sqlalchemy import func, select

    from seatdesk.data.models import Call, CallEvent
    from seatdesk.services.container import Backend

    claimed_by: dict[int, list[int]] = {}
    for r in reports:
        if r[0] == "done":
            for call_id in r[2]:
                claimed_by.setdefault(call_id, []).append(r[1])
    backend = Backend.open(url)
    try:
        with backend.db.read() as s:
            calls = {cid: (state.value, agent) for cid, state, agent in s.execute(
                select(Call.id, Call.state, Call.agent_id).where(Call.recording_ref == marker))}
            offers = Counter(dict(s.execute(
                select(CallEvent.call_id, func.count())
                .join(Call, Call.id == CallEvent.call_id)
                .where(Call.recording_ref == marker, CallEvent.kind == "offered")
                .group_by(CallEvent.call_id)).tuples().all()))
            agent_of_event = dict(s.execute(
                select(CallEvent.call_id, func.min(CallEvent.actor_id))
                .join(Call, Call.id == CallEvent.call_id)
                .where(Call.recording_ref == marker, CallEvent.kind == "offered")
                .group_by(CallEvent.call_id)).tuples().all())
    finally:
        backend.close()
    problems: list[str] = []
    double = {cid for cid, n in offers.items() if n > 1}
    double |= {cid for cid, seats in claimed_by.items() if len(seats) > 1}
    mismatched = {cid for cid, (_, agent) in calls.items()
                  if cid in agent_of_event and agent != agent_of_event[cid]}
    double |= mismatched
    queued = {cid for cid, (state, _) in calls.items() if state == "queued"}
    lost = queued | {cid for cid in calls if offers.get(cid, 0) == 0 or cid not in claimed_by}
    strangers = set(claimed_by) - set(calls)
    if double:
        problems.append(f"{len(double)} calls claimed more than once, e.g. {sorted(double)[:5]}")
    if lost:
        problems.append(f"{len(lost)} calls never claimed, e.g. {sorted(lost)[:5]}")
    if strangers:
        problems.append(f"seats claimed {len(strangers)} calls outside the batch")
    return Integrity(offered=len(calls), claimed_by_seats=sum(map(len, claimed_by.values())),
                     double_claims=len(double), lost=len(lost), left_queued=len(queued),
                     problems=tuple(problems))


# ---- the measurement -------------------------------------------------------------------------


def run(url: str, engine: str, quick: bool, pool: SeatPool,
        seat_counts: tuple[int, ...] = SEAT_COUNTS) -> list[Row]:
    """Race 1, 10 and 50 seats for a batch of calls each; return table rows."""
    batch = 400 if quick else 2000
    agents = prepare_agents(url, max(seat_counts))
    rows: list[Row] = []
    single_rate: float | None = None
    single_p50: float | None = None
    for seats in seat_counts:
        if seats > pool.size:
            rows.append(Row("claim", f"{seats} seats", engine, note="pool too small, skipped"))
            continue
        marker = f"bench-{engine}-{seats}-{time.time_ns()}"
        offer_s = offer_batch(url, batch, marker)
        reports, wall = pool.race(url, agents[:seats])
        check = verify(url, marker, reports)
        done = [r for r in reports if r[0] == "done"]
        failed = [r for r in reports if r[0] == "failed"]
        latencies = [x for r in done for x in r[3]]
        errors = [e for r in done for e in r[4]] + [r[2] for r in failed]
        # The seats' own clocks bracket the race more tightly than the pool's messaging.
        span = (max(r[6] for r in done) - min(r[5] for r in done)) if done else wall
        claims = len(latencies)
        throughput = rate(claims, span)
        lat = summarise(latencies) if latencies else None
        if seats == seat_counts[0]:
            single_rate = throughput
            single_p50 = lat.p50 if lat else None
        detail: dict[str, Any] = {
            "seats": seats, "batch": batch, "offer_seconds": offer_s, "race_seconds": span,
            "pool_wall_seconds": wall, "ready_seconds": pool.last_ready_seconds,
            "claims": claims,
            "latency": lat.ms() if lat else None, "errors": errors[:20],
            "error_count": len(errors), "integrity": check.__dict__,
            "per_seat_claims": sorted((len(r[2]) for r in done), reverse=True),
        }
        err_note = f"; {len(errors)} errors: {errors[0]}" if errors else ""
        rows.append(Row("claim", f"throughput, {seats} seat{'s' if seats > 1 else ''}",
                        engine, throughput, "calls/s",
                        baseline=single_rate if seats != seat_counts[0] else None,
                        ratio=ratio(throughput, single_rate or 0)
                        if seats != seat_counts[0] else None,
                        note=f"{claims} claims in {span:.1f}s (claim+end cycles); "
                             f"vs 1 seat{err_note}", detail=detail))
        if lat:
            rows.append(Row("claim", f"claim latency p50, {seats} seats", engine,
                            lat.p50 * 1000, "ms", baseline=None if seats == seat_counts[0]
                            else (single_p50 or 0) * 1000,
                            ratio=None if seats == seat_counts[0]
                            else ratio(lat.p50, single_p50 or 0), note="vs 1 seat"))
            rows.append(Row("claim", f"claim latency p95, {seats} seats", engine,
                            lat.p95 * 1000, "ms", note=f"p99 {lat.p99 * 1000:.1f} ms"))
        ok = not check.problems and check.offered == batch
        rows.append(Row("claim", f"double claims / lost calls, {seats} seats", engine,
                        check.double_claims + check.lost, "calls",
                        note=("OK: " if ok else "FAIL: ")
                        + f"{check.double_claims} double, {check.lost} lost, "
                          f"{check.left_queued} left queued of {check.offered}"
                        + ("; " + "; ".join(check.problems) if check.problems else ""),
                        detail={"integrity": check.__dict__}))
    return rows
