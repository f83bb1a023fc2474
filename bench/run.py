"""The benchmark runner: ``python -m bench [--quick] [--engines sqlite,postgresql]
[--scale small|large] [--pg-url URL]``.

Per engine it builds a throwaway database through the real command line (``seatdesk db
upgrade`` then ``seatdesk seed``, timed), measures the screen-pop lookup against
baselines and the claim race with 1/10/50 seat processes, and drops the database. Then
it runs the other areas' benchmark modules (desk, staffing, reports) where they exist,
and prints one table; the same rows, with the machine's description, go to
``bench/results/bench-<date>.json`` (and ``latest.json``).

Exit status: 0 when everything ran and no call was claimed twice or lost, 1 if the
claim race found a double claim or a lost call, 2 for unusable arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import import_module
from typing import Any

from bench import bench_seed
from bench.common import Row, format_table, machine, rows_from_module, write_json

ENGINES = ("sqlite", "postgresql")
PEER_MODULES = (("desk", "bench.bench_desk"), ("startup", "bench.bench_startup"),
                ("staffing", "bench.bench_staffing"), ("reports", "bench.bench_reports"),
                ("floor", "bench.bench_floor"), ("memory", "bench.bench_memory"))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="seatdesk benchmarks at call-center scale (always against a baseline "
                    "measured in the same run).")
    parser.add_argument("--quick", action="store_true",
                        help="small scale and fewer repetitions (a few minutes)")
    parser.add_argument("--engines", default=",".join(ENGINES),
                        help="comma-separated: sqlite,postgresql (default: both)")
    parser.add_argument("--scale", choices=sorted(bench_seed.SCALES), default=None,
                        help="small: 10k customers/100k calls; large: 1M/10M "
                             "(default: small; --quick always uses small)")
    parser.add_argument("--pg-url", default=os.environ.get("SEATDESK_BENCH_PG",
                                                           bench_seed.DEFAULT_PG),
                        help="PostgreSQL server to create the throwaway database on "
                             "(default: SEATDESK_BENCH_PG or %(default)s)")
    parser.add_argument("--only", default="seed,lookup,claim,peers",
                        help="comma-separated parts to run: seed,lookup,claim,peers")
    parser.add_argument("--keep", action="store_true",
                        help="keep the benchmark databases (prints their URLs)")
    parser.add_argument("--workdir", default=None, help="where the SQLite file goes")
    args = parser.parse_args(argv)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = [e for e in engines if e not in ENGINES]
    if unknown or not engines:
        parser.error(f"--engines takes {','.join(ENGINES)}, not {args.engines!r}")
    args.engine_list = engines
    if args.quick and args.scale == "large":
        parser.error("--quick runs at small scale; drop --quick to use --scale large")
    args.scale = args.scale or "small"
    parts = {p.strip() for p in args.only.split(",") if p.strip()}
    bad = parts - {"seed", "lookup", "claim", "peers"}
    if bad:
        parser.error(f"--only takes seed,lookup,claim,peers, not {','.join(sorted(bad))}")
    args.parts = parts
    return args


def say(message: str) -> None:
    """Progress on stderr, so stdout carries only the table."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _attempt(rows: list[Row], area: str, engine: str, what: str,
             fn: Callable[[], list[Row]]) -> bool:
    """Run one part; a failure becomes a row saying so (the rest of the run goes on)."""
    try:
        rows.extend(fn())
        return True
    except Exception as exc:  # noqa: BLE001 - one broken part must not sink the others
        say(f"{what} on {engine or 'n/a'} failed: {exc.__class__.__name__}: {exc}")
        rows.append(Row(area, what, engine, note=f"FAILED: {exc.__class__.__name__}: "
                        f"{str(exc).splitlines()[0] if str(exc) else ''}",
                        detail={"traceback": traceback.format_exc()}))
        return False


def bench_engine(engine: str, args: argparse.Namespace, pool: Any) -> list[Row]:
    """Build, measure and drop one engine's database."""
    from bench import bench_claim, bench_lookup

    rows: list[Row] = []
    scale = bench_seed.SCALES[args.scale]
    try:
        db = (bench_seed.create_sqlite(args.workdir) if engine == "sqlite"
              else bench_seed.create_postgres(args.pg_url))
    except Exception as exc:  # noqa: BLE001 - e.g. PostgreSQL not running: skip, say why
        say(f"{engine}: cannot create a database, skipped ({exc.__class__.__name__}: {exc})")
        return [Row("setup", "create benchmark database", engine,
                    note=f"skipped: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")]
    say(f"{engine}: database {db.name}")
    try:
        if not _attempt(rows, "seed", engine, "db upgrade", lambda: [bench_seed.upgrade(db)]):
            return rows
        if "seed" in args.parts or {"lookup"} & args.parts:
            say(f"{engine}: seeding at {scale.name} scale ({scale.customers:,} customers, "
                f"~{scale.expected_calls:,} calls)")
            if not _attempt(rows, "seed", engine, f"seed {scale.name}",
                            lambda: bench_seed.seed(db, scale)):
                return rows
        if "lookup" in args.parts:
            say(f"{engine}: customer lookup by phone")
            _attempt(rows, "lookup", engine, "lookup_by_phone",
                     lambda: bench_lookup.run(db.url, engine, args.quick))
        if "claim" in args.parts and pool is not None:
            say(f"{engine}: claim race, {'/'.join(map(str, bench_claim.SEAT_COUNTS))} seats")
            _attempt(rows, "claim", engine, "claim race",
                     lambda: bench_claim.run(db.url, engine, args.quick, pool))
    finally:
        if args.keep:
            say(f"{engine}: kept {db.url}")
        else:
            try:
                db.drop()
            except Exception as exc:  # noqa: BLE001 - report, do not hide the results
                say(f"{engine}: could not drop {db.name}: {exc}")
    return rows


def bench_peers(quick: bool) -> tuple[list[Row], dict[str, Any]]:
    """Run the other areas' ``run(quick)`` where their module exists; merge their rows."""
    rows: list[Row] = []
    raw: dict[str, Any] = {}
    for area, name in PEER_MODULES:
        try:
            module = import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                rows.append(Row(area, name, note=f"FAILED to import: {exc}"))
            else:
                rows.append(Row(area, name, note="skipped: module not present yet"))
            continue
        except Exception as exc:  # noqa: BLE001
            rows.append(Row(area, name, note=f"FAILED to import: {exc.__class__.__name__}: {exc}"))
            continue
        say(f"{area}: {name}.run(quick={quick})")
        started = time.perf_counter()
        try:
            # Their progress output goes to stderr so stdout carries only the table.
            with contextlib.redirect_stdout(sys.stderr):
                result = module.run(quick)
        except Exception as exc:  # noqa: BLE001
            rows.append(Row(area, f"{name}.run", note=f"FAILED: {exc.__class__.__name__}: {exc}",
                            detail={"traceback": traceback.format_exc()}))
            continue
        raw[area] = result
        rows.extend(rows_from_module(area, result))
        say(f"{area}: done in {time.perf_counter() - started:.1f}s")
    return rows, raw


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks, print the table, write the JSON; see the module docstring."""
    args = parse_args(argv)
    started = time.perf_counter()
    pg_info = (bench_seed.conninfo(args.pg_url) if "postgresql" in args.engine_list else None)
    info = machine(pg_info)
    say(f"{info['cores']} cores, {info['memory_gib']} GiB, Python {info['python']}, "
        f"SQLite {info['sqlite']}, PostgreSQL {info['postgresql'] or '-'}, "
        f"load {info['load_average']}")
    rows: list[Row] = []
    pool = None
    if "claim" in args.parts:
        from bench.bench_claim import SEAT_COUNTS, SeatPool

        # Started first: the seat processes import seatdesk while the databases are built.
        pool = SeatPool(max(SEAT_COUNTS))
    try:
        for engine in args.engine_list:
            rows.extend(bench_engine(engine, args, pool))
    finally:
        if pool is not None:
            pool.close()
    peers: dict[str, Any] = {}
    if "peers" in args.parts:
        peer_rows, peers = bench_peers(args.quick)
        rows.extend(peer_rows)
    elapsed = time.perf_counter() - started
    print(format_table(rows))
    failures = [r for r in rows if r.note.startswith("FAIL:")]
    report = {
        "benchmark": "seatdesk",
        "mode": "quick" if args.quick else "full",
        "scale": args.scale,
        "engines": args.engine_list,
        "machine": info,
        "load_average_after": _load(),
        "seconds": round(elapsed, 1),
        "rows": [r.as_json() for r in rows],
        "peers_raw": peers,
    }
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    path = write_json(report, f"bench-{stamp}")
    write_json(report, "latest")
    print(f"\n{len(rows)} rows in {elapsed:.0f}s; JSON: {path}")
    if failures:
        print(f"{len(failures)} integrity failure(s): calls claimed twice or lost",
              file=sys.stderr)
        return 1
    return 0


def _load() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None
