"""Change feed: how a seat learns that the queue or a record changed somewhere else.

PostgreSQL: LISTEN on the channel every service NOTIFYs in its transaction. Each commit
sends one numbered batch of what it changed (``floor_events``), so a seat applies it
instead of re-querying; a slow poll covers a lost connection. SQLite: ``PRAGMA
data_version`` on a connection of our own changes whenever any other connection commits;
checking it is a few microseconds, so we poll it every 100 ms (and the seat re-reads).
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any, Protocol

from sqlalchemy.engine import make_url

from seatdesk.data.engine import Database
from seatdesk.data.floor_events import Batch, parse_note, plain_hint
from seatdesk.data.topics import CHANGE_CHANNEL


class ChangeFeed(Protocol):
    def wait(self, timeout: float) -> set[str]:
        """Block up to ``timeout`` seconds; return the topics changed ({} if none)."""

    def close(self) -> None: ...


def drain_batches(feed: object) -> list[Batch]:
    """What the feed learnt beyond topics (PostgreSQL's batches; nothing on SQLite)."""
    drain = getattr(feed, "drain_batches", None)
    return list(drain()) if drain is not None else []


class SqliteChangeFeed:
    def __init__(self, path: str, poll_seconds: float = 0.1) -> None:
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._poll = poll_seconds
        self._version = self._read()

    def _read(self) -> int:
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def wait(self, timeout: float) -> set[str]:
        deadline = time.monotonic() + timeout
        while True:
            version = self._read()
            if version != self._version:
                self._version = version
                return {"*"}
            left = deadline - time.monotonic()
            if left <= 0:
                return set()
            time.sleep(min(self._poll, left))

    def close(self) -> None:
        self._conn.close()


class PgChangeFeed:
    def __init__(self, url: str, application_name: str | None = None) -> None:
        # Imported here: a SQLite seat never needs the driver (about 6 MiB per seat,
        # bench/bench_memory.py).
        import psycopg

        u = make_url(url)
        named: dict[str, Any] = ({} if application_name is None
                                 else {"application_name": application_name})
        self._conn = psycopg.connect(
            host=u.host or "localhost", port=u.port or 5432, user=u.username,
            password=u.password, dbname=u.database, autocommit=True, **named,
        )
        self._conn.execute(f"LISTEN {CHANGE_CHANNEL}")
        self.application_name = application_name

        self._batches: list[Batch] = []

    def wait(self, timeout: float) -> set[str]:
        # stop_after=1 returns as soon as something arrives, with everything that came in
        # the same packet (one commit's hints travel together). Closing the generator after
        # the first note, as this once did, dropped the rest of the batch.
        topics: set[str] = set()
        for note in self._conn.notifies(timeout=timeout, stop_after=1):
            batch = parse_note(note.payload)
            if batch is None:
                batch = plain_hint(note.payload)  # a bare topic (a writer with no batch)
            self._batches.append(batch)
            topics |= batch.topics
        return topics

    def drain_batches(self) -> list[Batch]:
        """The change batches received by the last ``wait`` calls, in commit order."""
        batches, self._batches = self._batches, []
        return batches

    def rename(self, application_name: str) -> None:
        """(feed thread) Say in pg_stat_activity who listens, once the seat signed in."""
        self._conn.execute("SELECT set_config('application_name', %s, false)",
                           (application_name,))
        self.application_name = application_name

    def close(self) -> None:
        self._conn.close()


def open_feed(db: Database, poll_seconds: float = 0.1, events_url: str = "") -> ChangeFeed:
    """The seat's feed: the bus when ``events_url`` names one (SEATDESK_EVENTS), else the
    database's own (LISTEN/NOTIFY, or SQLite's data_version)."""
    if events_url:
        from seatdesk.data.bus import RedisChangeFeed

        return RedisChangeFeed(events_url, db.url)
    if db.is_postgres:
        return PgChangeFeed(db.url, db.connection_name)
    database = make_url(db.url).database
    if not database or database == ":memory:":
        raise ValueError("an in-memory SQLite database has no change feed")
    return SqliteChangeFeed(database, poll_seconds)
