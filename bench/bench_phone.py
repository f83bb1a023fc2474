"""Benchmark: the desk driving a real SIP phone (baresip on loopback), headless seat.

1. INVITE -> card and script painted: from the caller's phone sending the INVITE (its
   ``dial`` command handed to baresip: an upper bound of the INVITE reaching the seat's
   phone) and from the seat's phone reporting the call (CALL_INCOMING on ctrl_tcp), to the
   caller's card and the script applied on the desk and the next frame rendered. p50/p95.
   Twice: SIP calls straight to the seat's phone (the INVITE creates the call), and calls
   the dial plan first offers to seatdesk's ACD (``call offer --ring``, then Dial): then
   the card is often up before the INVITE arrives (counted as 0).
2. F2 -> SIP 200 OK: from the F2 action to the caller's phone reporting the call answered
   (the 200 OK received: an upper bound of it being sent). p50/p95.
   Baseline for both: a ctrl_tcp round trip to the seat's phone (a command that does
   nothing), measured in the same run.

On a fresh database (``--customers N`` bulk-loaded) or an existing seeded one (``--db URL``,
e.g. 1M customers / 10M calls). Run: ``python bench/bench_phone.py [--db URL] [--samples N]``;
results go to ``bench/results/phone.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import platform
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("SEATDESK_HOME", tempfile.mkdtemp(prefix="seatdesk-bench-"))

from sqlalchemy import func, select, update  # noqa: E402

from bench.bench_desk import Probe, _pg_database, _wait_for, prepare, summary  # noqa: E402
from bench.common import write_json  # noqa: E402
from seatdesk.data.models import Call, CallState, Customer, CustomerPhone  # noqa: E402
from seatdesk.domain.errors import NotFound  # noqa: E402
from seatdesk.domain.i18n import set_language  # noqa: E402
from seatdesk.services.container import Backend  # noqa: E402
from seatdesk.services.dto import SYSTEM  # noqa: E402
from seatdesk.services.settings import Settings  # noqa: E402
from seatdesk.telephony.adapter import PhoneError, PhoneEvent, PhoneEventKind  # noqa: E402
from seatdesk.telephony.baresip import BaresipPhone  # noqa: E402
from seatdesk.telephony.baresip_process import BaresipProcess, tone_wav  # noqa: E402
from seatdesk.ui.app import SeatdeskApp  # noqa: E402
from seatdesk.ui.screens.desk import DeskScreen  # noqa: E402

CALLERS = 4  # caller phones (numbers) used in turn


def _numbers(url: str, count: int) -> list[str]:
    """Numbers of ``count`` customers who alone own their number (the pop shows a card)."""
    backend = Backend.open(url)
    with backend.db.read() as s:
        lonely = (select(CustomerPhone.number)
                  .group_by(CustomerPhone.number)
                  .having(func.count(func.distinct(CustomerPhone.customer_id)) == 1)
                  .where(CustomerPhone.number.like("+86%"))
                  .limit(count))
        numbers = list(s.scalars(lonely))
    backend.close()
    return numbers


def _bench_seat(url: str) -> None:
    backend = Backend.open(url)
    try:
        backend.users.actor("bench_agent")
    except NotFound:
        backend.users.add_user("bench_agent", name="Bench", role="agent",
                               password="secret123", agent_no="9024")
    backend.scripts.ensure_defaults(SYSTEM)
    with backend.db.write() as s:
        # Calls left waiting by a seeding would be taken by F2 instead of the one measured.
        s.execute(update(Call).where(Call.state.in_([CallState.QUEUED, CallState.OFFERED]))
                  .values(state=CallState.ABANDONED))
    backend.close()


async def measure(url: str, samples: int, work: Path) -> dict[str, Any]:
    tone = tone_wav(work / "tone.wav", seconds=10)
    seat_proc = BaresipProcess.start(work / "seat", "bench_agent", source_wav=tone)
    numbers = _numbers(url, CALLERS)
    callers = [BaresipProcess.start(work / f"caller{i}", n, source_wav=tone, record=False)
               for i, n in enumerate(numbers)]
    os.environ["SEATDESK_PHONE"] = str(seat_proc.directory)
    os.environ["SEATDESK_RECORDINGS"] = str(work / "recordings")
    caller_phones = [c.phone() for c in callers]
    answered: dict[int, float] = {}
    for i, cp in enumerate(caller_phones):
        def on_caller(ev: PhoneEvent, i: int = i) -> None:
            if ev.kind == PhoneEventKind.ANSWERED:
                answered[i] = time.perf_counter()
        cp.subscribe(on_caller)
    backend = Backend.open(url)
    actor = backend.users.actor("bench_agent")
    app = SeatdeskApp(backend, Settings(db_url=url), actor=actor)
    probe = Probe()
    probe.attach(app)
    incoming: list[float] = []
    invite_ms: list[float] = []
    incoming_ms: list[float] = []
    f2_ms: list[float] = []
    rtt_ms: list[float] = []
    acd_invite_ms: list[float] = []
    acd_offer_ms: list[float] = []
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            desk = app.screen
            assert isinstance(desk, DeskScreen)
            await _wait_for(lambda: desk.status.state == "available", timeout=30)
            await _wait_for(lambda: desk.phone.live, timeout=30)
            await _wait_for(lambda: gc.get_freeze_count() > 0, timeout=30)
            seat_phone = desk.phone.phone
            assert isinstance(seat_phone, BaresipPhone)
            loop = asyncio.get_running_loop()

            def on_seat(ev: PhoneEvent) -> None:
                if ev.kind == PhoneEventKind.INCOMING:
                    incoming.append(ev.at)  # stamped by the phone's reader on arrival
                    loop.call_soon_threadsafe(probe.poke)
            seat_phone.subscribe(on_seat)
            phone_backend = Backend.open(url)  # the PBX's own connections

            def acd_then_dial(caller: BaresipPhone, number: str, out: list[float]) -> None:
                """The dial plan: `call offer --ring` (seatdesk's ACD), then Dial()."""
                phone_backend.calls.offer_inbound(SYSTEM, number, "general", ring=True,
                                                  target_agent_id=actor.user_id)
                out.append(time.perf_counter())
                caller.dial(seat_proc.sip_uri)

            for i in range(2 * samples):
                acd = i >= samples  # first direct SIP calls, then calls the ACD rang
                which = i % len(caller_phones)
                caller = caller_phones[which]
                answered.pop(which, None)
                before = len(incoming)
                offered: list[float] = []
                sent = time.perf_counter()
                if acd:
                    threading.Thread(target=acd_then_dial,
                                     args=(caller, numbers[which], offered)).start()
                else:
                    threading.Thread(target=caller.dial, args=(seat_proc.sip_uri,)).start()
                await probe.until(lambda b=before: len(incoming) > b)
                await probe.until(lambda: desk.call is not None and desk.call.id in probe.applied)
                assert desk.call is not None
                call_id = desk.call.id
                shown = probe.applied[call_id]
                painted = await probe.frame_after(shown)
                if acd:
                    # Painted before the INVITE arrived counts as 0: the card was up first.
                    acd_invite_ms.append(max(0.0, painted - incoming[before]) * 1000)
                    acd_offer_ms.append((painted - offered[0]) * 1000)
                else:
                    invite_ms.append((painted - sent) * 1000)
                    incoming_ms.append((painted - incoming[before]) * 1000)
                pressed = time.perf_counter()
                desk.action_take_next()
                await _wait_for(lambda w=which: w in answered, timeout=10)
                f2_ms.append((answered[which] - pressed) * 1000)
                try:
                    await _wait_for(lambda: desk.call is not None
                                    and desk.call.state == "active")
                except TimeoutError:
                    notes = [n.message for n in app._notifications]
                    raise TimeoutError(f"sample {i} (acd={acd}): the desk shows {desk.call}; "
                                       f"notifications {notes}") from None
                caller.hang_up()
                await _wait_for(lambda: desk.call is not None and desk.call.state == "wrap_up")
                for name, value in (("category", "query"), ("disposition", "information"),
                                    ("resolved", True)):
                    desk.form.query_one(f"#{name}").value = value  # type: ignore[attr-defined]
                await pilot.press("ctrl+s")
                await _wait_for(lambda: desk.call is None, timeout=10)
                await _wait_for(lambda: desk.status.state == "available", timeout=10)
                await app.workers.wait_for_complete()
                await pilot.pause()
            for _ in range(samples):
                started = time.perf_counter()
                # No call: a round trip that does nothing (refused or not, it is answered).
                with contextlib.suppress(PhoneError):
                    seat_phone.command("callstat")
                rtt_ms.append((time.perf_counter() - started) * 1000)
    finally:
        backend.close()
        with contextlib.suppress(NameError):
            phone_backend.close()
        for cp in caller_phones:
            cp.close()
        for proc in [seat_proc, *callers]:
            proc.stop()
    return {"invite_sent_to_card_painted": summary(invite_ms),
            "seat_phone_incoming_to_card_painted": summary(incoming_ms),
            "acd_rung_invite_to_card_painted": summary(acd_invite_ms),
            "acd_offer_commit_to_card_painted": summary(acd_offer_ms),
            "f2_to_200_ok": summary(f2_ms),
            "baseline_ctrl_tcp_round_trip": summary(rtt_ms) if rtt_ms else None}


def _counts(url: str) -> dict[str, int]:
    backend = Backend.open(url)
    with backend.db.read() as s:
        counts = {"customers": s.scalar(select(func.count(Customer.id))) or 0,
                  "calls": s.scalar(select(func.count(Call.id))) or 0}
    backend.close()
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None, metavar="URL",
                        help="an existing seeded database (default: a fresh PostgreSQL one)")
    parser.add_argument("--customers", type=int, default=100_000,
                        help="customers bulk-loaded into the fresh database")
    parser.add_argument("--samples", type=int, default=30)
    args = parser.parse_args(argv)
    if shutil.which("baresip") is None:
        print("baresip is not installed (apt-get install baresip-core)")
        return 1
    set_language("en")
    drop = None
    url = args.db
    seeded: dict[str, Any] = {}
    if url is None:
        made = _pg_database()
        if made is None:
            print("PostgreSQL is not reachable; give --db URL")
            return 1
        url, drop = made
        seeded = prepare(url, args.customers)
    _bench_seat(url)
    work = Path(tempfile.mkdtemp(prefix="seatdesk-phone-bench-"))
    try:
        result = asyncio.run(measure(url, args.samples, work))
        report = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                              "platform": platform.platform()},
                  "database": {**_counts(url), **seeded,
                               "engine": "postgresql" if "postgresql" in url else "sqlite"},
                  "phone": result}
    finally:
        if drop is not None:
            drop()
        shutil.rmtree(work, ignore_errors=True)
    for name, value in report["phone"].items():
        if value:
            print(f"{name:40} p50 {value['p50_ms']:7.1f} ms   p95 {value['p95_ms']:7.1f} ms"
                  f"   (n={value['n']})")
    print(f"written {write_json(report, 'phone').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
