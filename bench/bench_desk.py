"""Benchmark: the seat desk's speed on a headless seat (Textual ``run_test``).

Measured in this process, each against a baseline taken in the same run:

1. Screen pop, offer -> queue row: from ``calls.offer_inbound`` committing (another
   "phone system" thread with its own connection pool) to the row being in the desk's queue
   table, through the real change feed (PRAGMA data_version poll on SQLite, LISTEN/NOTIFY on
   PostgreSQL). And offer with ``ring`` -> card: the ACD rings this idle seat; from the
   commit to the caller's card and script applied and then painted. p50/p95.
   With ``--db`` (a seeded database) also the status line's queries for the agent with
   the most calls, against a primary-key fetch.
2. F2 -> card and script: from the F2 action to the customer card and the script being
   applied on the UI thread ("applied"), to the first frame rendered after that ("painted",
   hooked on ``App._display``), and until the process is idle again (``Pilot.pause``,
   which includes the follow-up writes and the queue refresh). p50/p95.
   Baseline: the same service calls (claim, card, script) made directly.
3. Start-up is measured by ``bench/bench_startup.py`` (the real command in a terminal).
4. Queue pane with 5,000 waiting calls: the first fill, a diff refresh (one call answered,
   one arriving), the one-second wait tick, against rebuilding the whole table (the
   baseline); peak memory (RSS) of the process.

Customers are bulk-inserted (quick: 10,000; full: 100,000) so the caller lookup runs over a
realistic index. Run: ``python bench/bench_desk.py [--quick]``; results also go to
``bench/results/desk.json``; ``run(quick)`` returns the same dictionary.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import platform
import resource
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # runnable as a plain script from a checkout
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("SEATDESK_HOME", tempfile.mkdtemp(prefix="seatdesk-bench-"))

from sqlalchemy import insert, select  # noqa: E402

from bench.common import write_json  # noqa: E402
from seatdesk.data.engine import Database  # noqa: E402
from seatdesk.data.migrate import upgrade  # noqa: E402
from seatdesk.data.models import Call, CallState, Customer, CustomerPhone, Direction, Queue  # noqa: E402,E501
from seatdesk.domain.errors import NotFound  # noqa: E402
from seatdesk.domain.i18n import set_language  # noqa: E402
from seatdesk.services.container import Backend  # noqa: E402
from seatdesk.services.dto import SYSTEM  # noqa: E402
from seatdesk.services.settings import Settings  # noqa: E402
from seatdesk.ui.app import SeatdeskApp  # noqa: E402
from seatdesk.ui.screens.desk import DeskScreen  # noqa: E402
from seatdesk.ui.screens.desk.feed import FloorFeed  # noqa: E402

PG_ADMIN = os.environ.get("SEATDESK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


# ---- data ------------------------------------------------------------------------------


def _number(i: int) -> str:
    return f"+86139{i:08d}"


def bulk_customers(backend: Backend, count: int) -> None:
    """Customers with one mobile each, inserted in batches (the services are too slow here)."""
    now = datetime.now(UTC)
    batch = 5000
    with backend.db.write() as s:
        for start in range(0, count, batch):
            rows = [{"name": f"客户{i}", "company": "", "grade": "ABCD"[i % 4],
                     "key_account": i % 50 == 0, "created_at": now, "updated_at": now}
                    for i in range(start, min(count, start + batch))]
            s.execute(insert(Customer), rows)
        ids = list(s.scalars(select(Customer.id).order_by(Customer.id)))
        for start in range(0, len(ids), batch):
            s.execute(insert(CustomerPhone), [
                {"customer_id": cid, "number": _number(n), "label": "mobile"}
                for n, cid in enumerate(ids[start:start + batch], start)])


def bulk_waiting(backend: Backend, count: int) -> None:
    """``count`` calls waiting in the queue (unknown numbers, so no joins dominate)."""
    now = datetime.now(UTC)
    with backend.db.write() as s:
        queue_id = s.scalar(select(Queue.id).where(Queue.code == "general"))
        s.execute(insert(Call), [
            {"direction": Direction.INBOUND, "state": CallState.QUEUED, "queue_id": queue_id,
             "caller_number": f"+86135{i:08d}", "route_order": 0, "route_rank": 5,
             "queued_at": now - timedelta(seconds=count - i)}
            for i in range(count)])


def prepare(url: str, customers: int) -> dict[str, Any]:
    backend = Backend.open(url)
    upgrade(backend.db)
    backend.users.ensure_queue("general", "General", name_zh="综合")
    backend.users.add_user("bench_agent", name="Bench", role="agent", password="secret123",
                           agent_no="1024")
    backend.scripts.ensure_defaults(SYSTEM)
    started = time.perf_counter()
    bulk_customers(backend, customers)
    seeded = time.perf_counter() - started
    backend.close()
    return {"customers": customers, "seed_seconds": round(seeded, 1)}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))], 2)


def summary(ms: list[float]) -> dict[str, float]:
    return {"n": len(ms), "p50_ms": pct(ms, 0.5), "p95_ms": pct(ms, 0.95),
            "max_ms": round(max(ms), 2)}


# ---- measurements ----------------------------------------------------------------------


async def _wait_for(predicate: Any, timeout: float = 10.0, step: float = 0.002) -> float:
    """Poll (for set-up steps only: polling the UI thread would slow what is measured)."""
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("the desk did not show it in time")
        await asyncio.sleep(step)
    return time.perf_counter()


class Probe:
    """Times taken on the UI thread by hooks, awaited without polling.

    The desk's handlers record when a queue update or a call was applied, and the
    display hook records each rendered frame; the benchmark sleeps on an event that those
    hooks set, so it takes no GIL time from the desk while the desk works.
    """

    def __init__(self) -> None:
        self.changed = asyncio.Event()
        self.queue_ids: dict[int, float] = {}  # call id -> when first applied to the table
        self.applied: dict[int, float] = {}  # call id -> when shown with card and script
        self.paints: list[float] = []

    def poke(self) -> None:
        self.changed.set()

    async def until(self, condition: Any, timeout: float = 10.0) -> None:
        deadline = time.perf_counter() + timeout
        while not condition():
            self.changed.clear()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError("the desk did not show it in time")
            try:
                await asyncio.wait_for(self.changed.wait(), remaining)
            except TimeoutError:
                pass

    async def frame_after(self, moment: float) -> float:
        await self.until(lambda: bool(self.paints) and self.paints[-1] >= moment)
        return next(t for t in self.paints if t >= moment)

    def attach(self, app: Any) -> None:
        display = app._display

        def painted(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if renderable is not None:
                self.paints.append(time.perf_counter())
                self.poke()

        app._display = painted
        probe = self
        queue_loaded = DeskScreen.on_queue_loaded
        call_loaded = DeskScreen.show_call  # every call shown, by message or by a worker

        def on_queue_loaded(desk: DeskScreen, message: Any) -> None:
            queue_loaded(desk, message)
            now = time.perf_counter()
            for call in message.calls:
                probe.queue_ids.setdefault(call.id, now)
            probe.poke()

        def on_call_loaded(desk: DeskScreen, message: Any) -> None:
            call_loaded(desk, message)
            shown = desk.call
            if shown is not None and desk.card is not None and desk.script_pane.script:
                probe.applied.setdefault(shown.id, time.perf_counter())
            probe.poke()

        show_floor = FloorFeed.show_floor

        def on_floor_shown(feed: FloorFeed) -> None:
            # With numbered change batches (PostgreSQL) a new caller arrives as a delta
            # painted from the seat's floor view, with no QueueLoaded (issue 19).
            show_floor(feed)
            floor = feed.planner.floor
            if floor is not None:
                now = time.perf_counter()
                for call in floor.calls():
                    probe.queue_ids.setdefault(call.id, now)
                probe.poke()

        DeskScreen.on_queue_loaded = on_queue_loaded  # type: ignore[method-assign]
        FloorFeed.show_floor = on_floor_shown  # type: ignore[method-assign]
        DeskScreen.show_call = on_call_loaded  # type: ignore[method-assign]


async def screen_pop(url: str, samples: int, numbers: list[str]) -> dict[str, Any]:
    """Offer -> queue row, ring -> card, and F2 -> card + script, on one headless seat."""
    backend = Backend.open(url)
    phone_backend = Backend.open(url)  # the phone system is another process in real life
    actor = backend.users.actor("bench_agent")
    app = SeatdeskApp(backend, Settings(db_url=url), actor=actor)
    offer_ms: list[float] = []
    take_ms: list[float] = []
    applied_ms: list[float] = []
    direct_ms: list[float] = []
    paint_ms: list[float] = []
    probe = Probe()
    probe.attach(app)
    loop = asyncio.get_running_loop()

    def phone(number: str, ring: bool, out: list[float]) -> None:
        """The phone system offering a call from its own thread and connections.

        Routed to this seat (as a switch routes a call to an agent): on a database seeded
        with other agents, the ring and F2 must reach the seat that is measured.
        """
        call_id = phone_backend.calls.offer_inbound(SYSTEM, number, "general", ring=ring,
                                                    target_agent_id=actor.user_id)
        out.extend((time.perf_counter(), call_id))
        loop.call_soon_threadsafe(probe.poke)

    async with app.run_test(size=(120, 40)) as pilot:
        desk = app.screen
        assert isinstance(desk, DeskScreen)
        await _wait_for(lambda: desk.status.state == "available")
        # A seat in steady state: start-up over, its objects frozen out of the collector's
        # full passes (SeatdeskApp does this a few seconds after start).
        await _wait_for(lambda: gc.get_freeze_count() > 0, timeout=30)
        await app.workers.wait_for_complete()
        for i in range(samples):
            committed: list[float] = []
            thread = threading.Thread(
                target=phone, args=(numbers[i % len(numbers)], False, committed))
            thread.start()
            await probe.until(lambda c=committed: len(c) == 2)
            call_id = int(committed[1])
            await probe.until(lambda cid=call_id: cid in probe.queue_ids)
            offer_ms.append((probe.queue_ids[call_id] - committed[0]) * 1000)
            thread.join()
            # The F2 binding's action is called directly: Pilot.press adds its own waits
            # for the whole screen to go idle, which would be measured instead of the desk.
            pressed = time.perf_counter()
            desk.action_take_next()
            await probe.until(lambda cid=call_id: cid in probe.applied)
            shown = probe.applied[call_id]
            applied_ms.append((shown - pressed) * 1000)
            # The first frame the compositor renders after the update is the paint the seat
            # sees (headless, Textual renders the frame and skips only the terminal write).
            paint_ms.append((await probe.frame_after(shown) - pressed) * 1000)
            await pilot.pause()  # until the whole process is idle again
            take_ms.append((time.perf_counter() - pressed) * 1000)
            # Close the call through the desk, as a seat would.
            form = desk.form
            for name, value in (("category", "query"), ("disposition", "information"),
                                ("resolved", True)):
                form.query_one(f"#{name}").value = value  # type: ignore[attr-defined]
            await pilot.press("ctrl+s")
            await _wait_for(lambda: desk.call is None)
            await app.workers.wait_for_complete()
        # Screen pop with the ACD ringing this (available, idle) seat: from the offer's
        # commit in the phone system's thread to the card and script on the seat's screen.
        ring_applied_ms: list[float] = []
        ring_paint_ms: list[float] = []
        for i in range(samples):
            rung: list[float] = []
            thread = threading.Thread(
                target=phone, args=(numbers[(i + samples) % len(numbers)], True, rung))
            thread.start()
            await probe.until(lambda r=rung: len(r) == 2)
            call_id = int(rung[1])
            await probe.until(lambda cid=call_id: cid in probe.applied)
            shown = probe.applied[call_id]
            ring_applied_ms.append((shown - rung[0]) * 1000)
            ring_paint_ms.append((await probe.frame_after(shown) - rung[0]) * 1000)
            thread.join()
            # The caller hangs up while it rings: the seat is free for the next sample.
            phone_backend.calls.mark_abandoned(SYSTEM, call_id)
            await _wait_for(lambda: desk.call is None and desk.status.state == "available")
            await app.workers.wait_for_complete()
            await pilot.pause()
        # Baseline: the same three service calls without any UI.
        for i in range(samples):
            number = numbers[(i + 2 * samples) % len(numbers)]
            call_id = phone_backend.calls.offer_inbound(SYSTEM, number, "general")
            started = time.perf_counter()
            view = backend.calls.claim(actor, call_id)
            if view.customer_id is not None:
                backend.customers.card(actor, view.customer_id)
            backend.scripts.published(view.category, "en", "inbound")
            direct_ms.append((time.perf_counter() - started) * 1000)
            backend.calls.end(actor, call_id)
            from seatdesk.services.dto import WrapUp

            backend.calls.save_wrap_up(actor, call_id, WrapUp(
                category="query", disposition="information", resolved=True))
    backend.close()
    phone_backend.close()
    take = summary(take_ms)
    direct = summary(direct_ms)
    return {"offer_to_queue_row": summary(offer_ms),
            "ring_offer_to_card_applied": summary(ring_applied_ms),
            "ring_offer_to_card_painted": summary(ring_paint_ms),
            "f2_to_card_and_script_applied": summary(applied_ms),
            "f2_to_card_and_script_painted": summary(paint_ms),
            "f2_to_card_and_script": take,
            "baseline_services_only": direct,
            # What the seat sees (painted) against the same database work without a UI.
            "f2_vs_services_p50_ratio": round(
                summary(paint_ms)["p50_ms"] / max(direct["p50_ms"], 0.01), 1)}


async def queue_pane(url: str, waiting: int) -> dict[str, Any]:
    """Diffed refresh vs a full rebuild with ``waiting`` calls in the queue."""
    backend = Backend.open(url)
    bulk_waiting(backend, waiting)
    actor = backend.users.actor("bench_agent")
    started = time.perf_counter()
    calls = backend.calls.waiting(actor)
    query_ms = (time.perf_counter() - started) * 1000
    app = SeatdeskApp(backend, Settings(db_url=url), actor=actor)
    result: dict[str, Any] = {"waiting": len(calls), "query_ms": round(query_ms, 1)}
    async with app.run_test(size=(120, 40)) as pilot:
        desk = app.screen
        assert isinstance(desk, DeskScreen)
        await _wait_for(lambda: bool(desk.query("#queue"))
                        and desk.queue_table.row_count == len(calls), timeout=60)
        await pilot.pause()
        table = desk.queue_table
        now = datetime.now(UTC)
        diff_ms, rebuild_ms, tick_ms = [], [], []
        for i in range(5):
            changed = calls[1:] + calls[:1]  # the head answered, a new caller at the end
            started = time.perf_counter()
            table.apply(changed, now)
            diff_ms.append((time.perf_counter() - started) * 1000)
            calls = changed
            started = time.perf_counter()
            table.tick(now + timedelta(seconds=i + 1))
            tick_ms.append((time.perf_counter() - started) * 1000)
        await pilot.pause()
        for _ in range(3):
            started = time.perf_counter()
            table.clear()
            table._calls.clear()
            table._cells.clear()
            table._wait_shown.clear()
            table._order = []
            table.apply(calls, now)
            rebuild_ms.append((time.perf_counter() - started) * 1000)
            await pilot.pause()
    backend.close()
    d, r = statistics.median(diff_ms), statistics.median(rebuild_ms)
    result.update({"diff_refresh_ms": round(d, 2), "full_rebuild_ms": round(r, 1),
                   "rebuild_vs_diff_ratio": round(r / max(d, 0.001), 1),
                   "tick_visible_rows_ms": round(statistics.median(tick_ms), 2),
                   "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                                        / 1024, 1)})
    return result


# ---- engines ---------------------------------------------------------------------------


def _pg_database() -> tuple[str, Any] | None:
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(PG_ADMIN)
    info = f"host={u.host or '127.0.0.1'} port={u.port or 5432} user={u.username or 'postgres'}"
    name = f"seatdesk_bench_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(info + " dbname=postgres", autocommit=True,
                             connect_timeout=3) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        return None

    def drop() -> None:
        with psycopg.connect(info + " dbname=postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    url = u.set(drivername="postgresql+psycopg", database=name).render_as_string(
        hide_password=False)
    return url, drop


def run(quick: bool) -> dict[str, Any]:
    """Every measurement on SQLite and (when reachable) PostgreSQL."""
    set_language("en")
    customers = 10_000 if quick else 100_000
    samples = 12 if quick else 40
    report: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "platform": platform.platform()},
        "quick": quick, "engines": {}}
    engines: list[tuple[str, str, Any]] = []
    tmp = Path(tempfile.mkdtemp(prefix="seatdesk-bench-db-"))
    engines.append(("sqlite", f"sqlite:///{tmp / 'bench.db'}", None))
    pg = _pg_database()
    if pg is not None:
        engines.append(("postgresql", pg[0], pg[1]))
    for name, url, drop in engines:
        try:
            entry = prepare(url, customers)
            numbers = [_number((i * 7919) % customers) for i in range(3 * samples)]
            entry["screen_pop"] = asyncio.run(screen_pop(url, samples, numbers))
            entry["queue_5000"] = asyncio.run(queue_pane(url, 5000))
            report["engines"][name] = entry
        finally:
            Database(url).dispose()
            if drop is not None:
                drop()
    return report


def _print(report: dict[str, Any]) -> None:
    print(f"{'engine':<11} {'measure':<34} {'p50 ms':>9} {'p95 ms':>9}  note")
    for name, e in report["engines"].items():
        pop = e["screen_pop"]
        for key in ("offer_to_queue_row", "ring_offer_to_card_applied",
                    "ring_offer_to_card_painted", "f2_to_card_and_script_applied",
                    "f2_to_card_and_script_painted", "f2_to_card_and_script",
                    "baseline_services_only"):
            s = pop[key]
            calls = f", {e['calls']:,} calls" if "calls" in e else ""
            print(f"{name:<11} {key:<34} {s['p50_ms']:>9} {s['p95_ms']:>9}  "
                  f"n={s['n']}, {e['customers']:,} customers{calls}")
        print(f"{name:<11} {'F2 painted / services-only (p50)':<34} "
              f"{pop['f2_vs_services_p50_ratio']:>9}x")
        if "status_refresh" in e:
            st = e["status_refresh"]
            print(f"{name:<11} {'status line queries (busiest agent)':<34} "
                  f"{st['status_queries']['p50_ms']:>9} {st['status_queries']['p95_ms']:>9}  "
                  f"{st['agent_calls']:,} calls of the agent; {st['ratio_p50']}x a pk fetch")
        if "queue_5000" not in e:
            continue
        q = e["queue_5000"]
        print(f"{name:<11} {'queue 5000: diff refresh':<34} {q['diff_refresh_ms']:>9}")
        print(f"{name:<11} {'queue 5000: full rebuild (baseline)':<34} "
              f"{q['full_rebuild_ms']:>9}  rebuild/diff {q['rebuild_vs_diff_ratio']}x")
        print(f"{name:<11} {'queue 5000: 1 s tick (visible rows)':<34} "
              f"{q['tick_visible_rows_ms']:>9}  query {q['query_ms']} ms, "
              f"peak RSS {q['peak_rss_mb']} MB")


def status_refresh(backend: Backend, samples: int) -> dict[str, Any]:
    """The desk's status-line queries for the agent with the most calls, vs a pk fetch.

    What a seat re-reads every few seconds: its state, today's handled count, its
    callback alerts. At 10M calls the count once read every call the agent ever closed.
    """
    from sqlalchemy import func

    from seatdesk.data.models import User

    with backend.db.read() as s:
        busiest, handled = s.execute(
            select(Call.agent_id, func.count(Call.id)).where(Call.agent_id.is_not(None))
            .group_by(Call.agent_id).order_by(func.count(Call.id).desc()).limit(1)).one()
        login = s.scalar(select(User.login).where(User.id == busiest))
        some_customer = s.scalar(select(Customer.id).limit(1))
    actor = backend.users.actor(login)
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    ms: dict[str, list[float]] = {"status": [], "pk": []}
    for _ in range(samples):
        started = time.perf_counter()
        backend.agents.status(actor)
        backend.calls.handled_today(actor, today)
        backend.callbacks.alerts(actor)
        ms["status"].append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        with backend.db.read() as s:
            s.get(Customer, some_customer)
        ms["pk"].append((time.perf_counter() - started) * 1000)
    status, pk = summary(ms["status"]), summary(ms["pk"])
    return {"agent_calls": handled, "status_queries": status, "baseline_pk_fetch": pk,
            "ratio_p50": round(status["p50_ms"] / max(pk["p50_ms"], 0.01), 1)}


def run_existing(name: str, url: str, samples: int) -> dict[str, Any]:
    """The screen-pop figures on an existing, seeded database (e.g. 1M customers, 10M calls).

    Adds the bench seat if missing, and ends calls still waiting from the seeding (so F2
    takes the calls this benchmark offers); callers are drawn at random from the
    customers' numbers.
    """
    import random

    from sqlalchemy import func, update

    set_language("en")
    backend = Backend.open(url)
    try:
        backend.users.actor("bench_agent")
    except NotFound:
        backend.users.add_user("bench_agent", name="Bench", role="agent",
                               password="secret123", agent_no="9024")
    backend.scripts.ensure_defaults(SYSTEM)
    with backend.db.write() as s:
        s.execute(update(Call).where(Call.state.in_([CallState.QUEUED, CallState.OFFERED]))
                  .values(state=CallState.ABANDONED))
        customers = s.scalar(select(func.count(Customer.id))) or 0
        calls = s.scalar(select(func.count(Call.id))) or 0
        low, high = s.execute(select(func.min(CustomerPhone.id),
                                     func.max(CustomerPhone.id))).one()
        rng = random.Random(2026)
        numbers = []
        while len(numbers) < 3 * samples:
            number = s.scalar(select(CustomerPhone.number)
                              .where(CustomerPhone.id >= rng.randint(low, high)).limit(1))
            # One customer behind the number: the pop shows a card, not a choice.
            owners = s.scalar(select(func.count(func.distinct(CustomerPhone.customer_id)))
                              .where(CustomerPhone.number == number)) if number else 0
            if owners == 1 and number not in numbers:
                numbers.append(number)
    status = status_refresh(backend, samples)
    backend.close()
    entry = {"customers": customers, "calls": calls, "existing_database": True,
             "status_refresh": status,
             "screen_pop": asyncio.run(screen_pop(url, samples, numbers))}
    return {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                        "platform": platform.platform()},
            "quick": False, "engines": {name: entry}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k customers, fewer samples")
    parser.add_argument("--db", action="append", default=[], metavar="NAME=URL",
                        help="measure the screen pop on an existing seeded database instead "
                             "(repeatable), e.g. postgresql=postgresql+psycopg://.../large")
    args = parser.parse_args(argv)
    if args.db:
        report: dict[str, Any] = {"engines": {}}
        for item in args.db:
            name, _, url = item.partition("=")
            part = run_existing(name, url, 12 if args.quick else 40)
            report["engines"].update(part["engines"])
            report["machine"] = part["machine"]
        _print(report)
        print(f"written {write_json(report, 'desk-existing').relative_to(ROOT)}")
        return 0
    report = run(args.quick)
    _print(report)
    print(f"written {write_json(report, 'desk').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
