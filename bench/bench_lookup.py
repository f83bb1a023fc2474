"""Screen pop: ``CustomerService.lookup_by_phone`` on a seeded database, against baselines.

The caller's number arrives as the switch gives it (national format, e.g. 13812345678 or
01062345678), so each lookup includes parsing it to E.164, as the desk does. Half the
numbers belong to customers (sampled at random from ``customer_phones``), half belong to
nobody (unknown callers). Two baselines are timed in the same rounds, on the same engine,
through the same read transaction: ``SELECT 1`` (the cost of any round trip) and a
primary-key fetch of one customer (the cheapest useful query). The ratio to the
primary-key fetch is the figure to watch: it stays near 1–2 only while the lookup is an
index probe, whatever the table size.
"""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import func, select, text

from bench.common import Row, interleaved, ratio, summarise
from seatdesk.data.models import Customer, CustomerPhone
from seatdesk.services.container import Backend


def national(e164: str) -> str:
    """A Chinese E.164 number as a switch shows it: mobiles bare, landlines with a 0."""
    digits = e164.removeprefix("+86")
    return digits if digits.startswith("1") else "0" + digits


def existing_numbers(backend: Backend, count: int, rng: random.Random) -> list[str]:
    """``count`` numbers of real customers, picked by random phone-row ids (no full scan)."""
    with backend.db.read() as s:
        low, high = s.execute(select(func.min(CustomerPhone.id),
                                     func.max(CustomerPhone.id))).one()
        if low is None:
            return []
        numbers: list[str] = []
        while len(numbers) < count:
            ids = [rng.randint(low, high) for _ in range(min(500, count - len(numbers)) * 2)]
            found = s.scalars(select(CustomerPhone.number).where(CustomerPhone.id.in_(ids)))
            numbers.extend(found)
        return numbers[:count]


def missing_numbers(backend: Backend, count: int, rng: random.Random) -> list[str]:
    """``count`` valid mobile numbers that no customer holds (checked in the database)."""
    numbers: list[str] = []
    while len(numbers) < count:
        candidates = {f"+86147{rng.randrange(10**8):08d}" for _ in range(count)}
        with backend.db.read() as s:
            taken = set(s.scalars(select(CustomerPhone.number)
                                  .where(CustomerPhone.number.in_(candidates))))
        numbers.extend(sorted(candidates - taken))
    return rng.sample(numbers, count)


def customer_ids(backend: Backend, count: int, rng: random.Random) -> list[int]:
    """Random existing customer ids for the primary-key baseline."""
    with backend.db.read() as s:
        low, high = s.execute(select(func.min(Customer.id), func.max(Customer.id))).one()
    if low is None:
        return []
    return [rng.randint(low, high) for _ in range(count)]


def run(url: str, engine: str, quick: bool, random_seed: int = 8) -> list[Row]:
    """Time lookups of existing and missing numbers and both baselines; return table rows."""
    rng = random.Random(random_seed)
    per_kind = 300 if quick else 2000
    rounds = 10
    backend = Backend.open(url)
    try:
        known = [national(n) for n in existing_numbers(backend, per_kind, rng)]
        unknown = [national(n) for n in missing_numbers(backend, per_kind, rng)]
        ids = customer_ids(backend, per_kind, rng)
        if not known or not ids:
            return [Row("lookup", "lookup_by_phone", engine, note="no customers seeded")]
        hits = 0

        def lookup_known(number: str) -> None:
            nonlocal hits
            hits += bool(backend.customers.lookup_by_phone(number))

        def lookup_unknown(number: str) -> None:
            if backend.customers.lookup_by_phone(number):
                raise AssertionError(f"{number} was supposed to match nobody")

        def select_one(_: object) -> None:
            with backend.db.read() as s:
                s.execute(text("SELECT 1")).scalar_one()

        def fetch_by_id(customer_id: int) -> None:
            with backend.db.read() as s:
                s.get(Customer, customer_id)

        # Warm the pool, the statement caches and the phone-number metadata first.
        for n in known[:30] + unknown[:30]:
            backend.customers.lookup_by_phone(n)
        for i in ids[:30]:
            fetch_by_id(i)
        hits = 0
        times = interleaved({
            "select1": (select_one, list(range(per_kind))),
            "pk": (fetch_by_id, ids),
            "known": (lookup_known, known),
            "unknown": (lookup_unknown, unknown),
        }, rounds)
    finally:
        backend.close()
    if hits != len(known):
        raise AssertionError(f"only {hits} of {len(known)} existing numbers were found")
    s1, pk = summarise(times["select1"]), summarise(times["pk"])
    rows = [
        Row("lookup", "baseline: SELECT 1 round trip p50", engine, s1.p50 * 1000, "ms",
            detail={"select1": s1.ms()}),
        Row("lookup", "baseline: customer by primary key p50", engine, pk.p50 * 1000, "ms",
            detail={"pk": pk.ms()}),
    ]
    for kind, label in (("known", "existing"), ("unknown", "missing")):
        sm = summarise(times[kind])
        detail: dict[str, Any] = {kind: sm.ms(), "baseline_pk": pk.ms(),
                                  "baseline_select1": s1.ms(), "rounds": rounds}
        for p in ("p50", "p95", "p99"):
            rows.append(Row(
                "lookup", f"lookup_by_phone {label} {p}", engine, getattr(sm, p) * 1000, "ms",
                baseline=getattr(pk, p) * 1000, ratio=ratio(getattr(sm, p), getattr(pk, p)),
                note=f"n={sm.n}, baseline: pk fetch {p}",
                detail=detail if p == "p50" else {}))
    return rows
