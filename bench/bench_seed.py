"""Building a benchmark database: a throwaway SQLite file or PostgreSQL database, migrated
and filled through the real command line (``seatdesk db upgrade``, ``seatdesk seed``).

Both commands run as subprocesses, exactly as an administrator would run them, and are
timed from the outside. Should ``seatdesk seed`` be missing (an older checkout), a small
generator of the bench's own (``python -m bench.bench_seed``) fills the same tables so
the other measurements can still run; the report says which one was used.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import Row, rate

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"

# An ordinary week averages 0.79 of a weekday's calls (quieter Friday and weekend, as
# seatdesk.exchange.seed generates them), so calls ≈ days * calls_per_day * 0.79.
WEEK_FACTOR = (4 * 1.0 + 0.95 + 0.35 + 0.25) / 7


@dataclass(frozen=True)
class Scale:
    """How much history to build: customers, and calls spread over ``days``."""

    name: str
    customers: int
    days: int
    calls_per_day: int

    @property
    def expected_calls(self) -> int:
        return round(self.days * self.calls_per_day * WEEK_FACTOR)


SCALES = {
    # 10k customers / 100k calls: two months of a 50-seat floor.
    "small": Scale("small", customers=10_000, days=60, calls_per_day=2_100),
    # 1M customers / 10M calls: two years of a 500-seat site (~17k calls a weekday).
    "large": Scale("large", customers=1_000_000, days=730, calls_per_day=17_300),
}


# ---- throwaway databases ---------------------------------------------------------------------


@dataclass
class BenchDatabase:
    """One database the bench created and will remove."""

    engine: str  # "sqlite" or "postgresql"
    url: str
    name: str
    admin_url: str | None = None
    directory: Path | None = None

    def drop(self) -> None:
        """Remove the database (PostgreSQL: DROP DATABASE; SQLite: its directory)."""
        if self.engine == "postgresql" and self.admin_url:
            import psycopg

            with psycopg.connect(conninfo(self.admin_url), autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        elif self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)


def conninfo(url: str, dbname: str | None = None) -> str:
    """A libpq connection string for a postgresql:// URL (optionally another database)."""
    from sqlalchemy.engine import make_url

    u = make_url(url.replace("postgresql+psycopg://", "postgresql://"))
    parts = [f"host={u.host or '127.0.0.1'}", f"port={u.port or 5432}",
             f"user={u.username or 'postgres'}", f"dbname={dbname or u.database or 'postgres'}"]
    if u.password:
        parts.append(f"password={u.password}")
    return " ".join(parts)


def create_sqlite(workdir: Path | None = None) -> BenchDatabase:
    """A new, empty SQLite file in its own temporary directory."""
    directory = Path(tempfile.mkdtemp(prefix="seatdesk_bench_", dir=workdir))
    path = directory / "bench.db"
    return BenchDatabase("sqlite", f"sqlite:///{path}", str(path), directory=directory)


def create_postgres(admin_url: str = DEFAULT_PG) -> BenchDatabase:
    """A new database ``seatdesk_bench_<random>`` on the server of ``admin_url``."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"seatdesk_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(conninfo(admin_url), autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = make_url(admin_url.replace("postgresql+psycopg://", "postgresql://")).set(
        drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    return BenchDatabase("postgresql", url, name, admin_url=admin_url)


# ---- running the real command line ----------------------------------------------------------


class CommandFailed(RuntimeError):
    """A seatdesk command exited non-zero; the message carries its last stderr line."""


def seatdesk_cli(url: str, *args: str, timeout: float | None = None) -> tuple[float, str]:
    """Run ``seatdesk --db URL ARGS`` as a subprocess; return (seconds, stdout)."""
    cmd = [sys.executable, "-m", "seatdesk", "--db", url, "--lang", "en", *args]
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=timeout,
                          check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        raise CommandFailed(f"seatdesk {' '.join(args)}: " + (lines[-1] if lines else
                                                                f"exit {done.returncode}"))
    return seconds, done.stdout


def has_seed_command() -> bool:
    """True when this checkout's command line has ``seatdesk seed``."""
    done = subprocess.run([sys.executable, "-m", "seatdesk", "seed", "--help"],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    return done.returncode == 0


def upgrade(db: BenchDatabase) -> Row:
    """``seatdesk db upgrade`` on a fresh database, timed."""
    seconds, _ = seatdesk_cli(db.url, "db", "upgrade")
    return Row("seed", "db upgrade (empty database)", db.engine, seconds, "s")


def count_rows(url: str) -> dict[str, int]:
    """Rows in the tables a seed fills (exact counts: the bench wants the truth)."""
    from sqlalchemy import text

    from seatdesk.data.engine import Database

    db = Database(url)
    try:
        with db.read() as s:
            return {t: int(s.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
                    for t in ("customers", "customer_phones", "contracts", "calls")}
    finally:
        db.dispose()


def seed(db: BenchDatabase, scale: Scale, random_seed: int = 2026,
         timeout: float | None = None) -> list[Row]:
    """Fill ``db`` at ``scale`` through ``seatdesk seed`` (or the fallback); timed rows."""
    if has_seed_command():
        method = "seatdesk seed"
        seconds, _ = seatdesk_cli(
            db.url, "seed", "--customers", str(scale.customers), "--days", str(scale.days),
            "--calls-per-day", str(scale.calls_per_day), "--random-seed", str(random_seed),
            "--demo",
            timeout=timeout)
    else:
        method = "bench fallback generator (no `seatdesk seed` in this checkout)"
        cmd = [sys.executable, "-m", "bench.bench_seed", "--db", db.url,
               "--customers", str(scale.customers), "--calls", str(scale.expected_calls),
               "--random-seed", str(random_seed)]
        started = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=timeout,
                              check=False)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            lines = done.stderr.strip().splitlines()
            raise CommandFailed("fallback seed: " + (lines[-1] if lines else "failed"))
    counts = count_rows(db.url)
    total = sum(counts.values())
    detail: dict[str, Any] = {"method": method, "scale": scale.name, "seconds": seconds,
                              "rows": counts, "rows_per_s": rate(total, seconds)}
    return [
        Row("seed", f"seed {scale.name}: {counts['customers']:,} cust, "
            f"{counts['calls']:,} calls", db.engine, seconds, "s",
            note=f"{method}; {total:,} rows", detail=detail),
        Row("seed", "seed load rate (all tables)", db.engine, rate(total, seconds), "rows/s",
            note=f"{counts['customer_phones']:,} phones, {counts['contracts']:,} contracts"),
    ]


# ---- the fallback generator --------------------------------------------------------------------


def fallback_seed(url: str, customers: int, calls: int, random_seed: int) -> None:
    """Customers with one mobile each and a closed call history, bulk inserted.

    Deliberately plain: only what the lookup and claim benchmarks read. The real
    ``seatdesk seed`` is preferred whenever it exists.
    """
    from sqlalchemy import insert, select

    from seatdesk.data.models import Call, Customer, CustomerPhone, Queue
    from seatdesk.services.container import Backend

    rng = random.Random(random_seed)
    backend = Backend.open(url)
    try:
        backend.users.ensure_queue("general", "General enquiries", name_zh="综合咨询")
        now = datetime.now(UTC).replace(microsecond=0)
        with backend.db.read() as s:
            queue_id = s.scalar(select(Queue.id).where(Queue.code == "general"))
            first = (s.scalar(select(Customer.id).order_by(Customer.id.desc()).limit(1)) or 0) + 1
        chunk = 10_000
        for start in range(first, first + customers, chunk):
            ids = range(start, min(first + customers, start + chunk))
            with backend.db.write() as s:
                s.execute(insert(Customer), [
                    {"id": i, "name": f"客户{i}", "grade": "ABCD"[i % 4], "created_at": now,
                     "updated_at": now} for i in ids])
                s.execute(insert(CustomerPhone), [
                    {"customer_id": i, "number": fallback_number(i)} for i in ids])
        for start in range(0, calls, chunk):
            rows = []
            for _ in range(min(chunk, calls - start)):
                cid = rng.randrange(first, first + customers) if customers else None
                at = now - timedelta(seconds=rng.randrange(86_400 * 60))
                rows.append({"direction": "inbound", "state": "closed", "queue_id": queue_id,
                             "caller_number": fallback_number(cid) if cid else "",
                             "customer_id": cid, "queued_at": at, "answered_at": at,
                             "closed_at": at + timedelta(seconds=240), "talk_seconds": 200})
            with backend.db.write() as s:
                s.execute(insert(Call), rows)
    finally:
        backend.close()


def fallback_number(customer_id: int) -> str:
    """The fallback generator's mobile for a customer (E.164, unique below 10^8)."""
    return f"+86139{customer_id % 100_000_000:08d}"


def main(argv: list[str] | None = None) -> None:
    """``python -m bench.bench_seed --db URL --customers N --calls N``: the fallback seed."""
    parser = argparse.ArgumentParser(description=fallback_seed.__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--random-seed", type=int, default=2026)
    args = parser.parse_args(argv)
    fallback_seed(args.db, args.customers, args.calls, args.random_seed)


if __name__ == "__main__":
    main()
