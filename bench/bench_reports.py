"""Benchmark: the KPI report at call-center scale, on SQLite and PostgreSQL.

Loads a call history with ``seatdesk.exchange.seed`` (bulk COPY / executemany), then times
a one-month ``--by day`` report and a one-day ``--by interval`` report, each against a
baseline measured in the same run: a bare ``SELECT count(*)`` of the inbound calls of the
same period. Prints a table and writes bench/results/reports.json.

    python bench/bench_reports.py            # SQLite 1M calls, PostgreSQL ~5M calls
    python bench/bench_reports.py --quick    # small, for a smoke run

Sizes: BENCH_SQLITE_CALLS, BENCH_PG_CALLS (approximate totals); BENCH_PG_URL (an admin URL).
Targets: PostgreSQL 10M calls month/day <= 1 s, day/interval <= 0.3 s; SQLite 1M <= 1 s.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from bench.common import write_json  # noqa: E402
from seatdesk.data.migrate import upgrade  # noqa: E402
from seatdesk.domain.clock import FrozenClock  # noqa: E402
from seatdesk.exchange.seed import SeedOptions, seed  # noqa: E402
from seatdesk.services.container import Backend  # noqa: E402
from seatdesk.services.dto import SYSTEM  # noqa: E402
from seatdesk.services.reports import period_bounds  # noqa: E402

NOW = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)  # noon in Shanghai, a Monday
PG_ADMIN = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PG_DB = "seatdesk_bench_reports"


def _timed(fn: Any, repeat: int) -> float:
    """Median wall time of ``repeat`` runs after one warm-up, in milliseconds."""
    fn()
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(runs)


def _baseline(backend: Backend, first: date, last: date) -> int:
    start, end = period_bounds(first, last, ZoneInfo("Asia/Shanghai"))
    with backend.db.read() as s:
        if backend.db.is_postgres:
            p = {"s": start, "e": end}
        else:
            fmt = "%Y-%m-%d %H:%M:%S.%f"
            p = {"s": start.replace(tzinfo=None).strftime(fmt),
                 "e": end.replace(tzinfo=None).strftime(fmt)}
        return int(s.execute(text(
            "SELECT count(*) FROM calls WHERE direction = 'inbound' "
            "AND queued_at >= :s AND queued_at < :e"), p).scalar_one())


def _measure(backend: Backend, engine: str, calls: int, repeat: int) -> dict[str, Any]:
    today = NOW.date()
    month_first, month_last = today - timedelta(days=30), today - timedelta(days=1)
    day = today - timedelta(days=2)
    out: dict[str, Any] = {"engine": engine, "calls": calls}
    for name, first, last, by in [("month_by_day", month_first, month_last, "day"),
                                  ("day_by_interval", day, day, "interval")]:
        report_ms = _timed(lambda f=first, la=last, b=by: backend.reports.kpi(  # noqa: B023
            SYSTEM, f, la, b), repeat)
        base_ms = _timed(lambda f=first, la=last: _baseline(backend, f, la), repeat)
        report = backend.reports.kpi(SYSTEM, first, last, by)
        out[name] = {"report_ms": round(report_ms, 1), "baseline_count_ms": round(base_ms, 1),
                     "calls_in_period": _baseline(backend, first, last),
                     "offered": report.total.values["offered"], "rows": len(report.rows)}
    return out


def _load(backend: Backend, calls: int, quick: bool) -> int:
    days = 60 if quick else 365
    per_day = max(50, int(calls / days * 1.27))  # weekends are quieter in the seed
    t0 = time.perf_counter()
    rep = seed(backend, SeedOptions(customers=min(200_000, max(2000, calls // 20)), days=days,
                                    calls_per_day=per_day, random_seed=7))
    print(f"  seeded {rep.calls:,} calls in {time.perf_counter() - t0:.0f} s", flush=True)
    return rep.calls


def bench_sqlite(calls: int, quick: bool, repeat: int) -> dict[str, Any]:
    path = Path(tempfile.mkdtemp()) / "bench.db"
    backend = Backend.open(f"sqlite:///{path}", FrozenClock(NOW))
    upgrade(backend.db)
    n = _load(backend, calls, quick)
    with backend.db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    try:
        return _measure(backend, "sqlite", n, repeat)
    finally:
        backend.close()
        path.unlink(missing_ok=True)


def bench_postgres(calls: int, quick: bool, repeat: int) -> dict[str, Any] | None:
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(PG_ADMIN)
    conninfo = (f"host={admin.host} port={admin.port or 5432} user={admin.username} "
                f"dbname={admin.database}")
    try:
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{PG_DB}"')
    except psycopg.OperationalError as exc:
        print(f"  PostgreSQL skipped: {exc}")
        return None
    url = admin.set(database=PG_DB).render_as_string(hide_password=False)
    backend = Backend.open(url, FrozenClock(NOW))
    try:
        upgrade(backend.db)
        n = _load(backend, calls, quick)
        with backend.db.engine.connect().execution_options(
                isolation_level="AUTOCOMMIT") as conn:
            # Sets the visibility map, so the covering index gives index-only scans.
            conn.exec_driver_sql("VACUUM ANALYZE calls")
        return _measure(backend, "postgresql", n, repeat)
    finally:
        backend.close()
        if os.environ.get("BENCH_KEEP") != "1":
            with psycopg.connect(conninfo, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')


def run(quick: bool) -> dict[str, Any]:
    """Run the benchmark on both engines; returns (and writes) the figures."""
    sqlite_calls = int(os.environ.get("BENCH_SQLITE_CALLS", 20_000 if quick else 1_000_000))
    pg_calls = int(os.environ.get("BENCH_PG_CALLS", 20_000 if quick else 5_000_000))
    repeat = 3 if quick else 5
    results: dict[str, Any] = {"quick": quick, "at": datetime.now(UTC).isoformat(),
                               "engines": []}
    for name, bench, calls in (("SQLite", bench_sqlite, sqlite_calls),
                               ("PostgreSQL", bench_postgres, pg_calls)):
        if calls <= 0:
            continue
        print(f"{name}, ~{calls:,} calls", flush=True)
        try:
            figures = bench(calls, quick, repeat)
        except Exception as exc:  # noqa: BLE001 - one engine failing keeps the other's figures
            print(f"  {name} failed: {exc.__class__.__name__}: {exc}", flush=True)
            continue
        if figures:
            print(f"  {json.dumps(figures)}", flush=True)
            results["engines"].append(figures)
    print(f"\n{'engine':<11} {'calls':>11} {'report':<16} {'in period':>10} "
          f"{'report ms':>10} {'count(*) ms':>12}")
    for e in results["engines"]:
        for name in ("month_by_day", "day_by_interval"):
            r = e[name]
            print(f"{e['engine']:<11} {e['calls']:>11,} {name:<16} {r['calls_in_period']:>10,} "
                  f"{r['report_ms']:>10.1f} {r['baseline_count_ms']:>12.1f}")
    write_json(results, "reports")
    return results


if __name__ == "__main__":
    run(quick="--quick" in sys.argv)
