"""Floor events through a Redis stream, for a floor too big for one database's LISTEN/NOTIFY.

PostgreSQL stays the system of record and still numbers each commit's batch
(``floor_events``); what changes is who tells the seats. With ``SEATDESK_EVENTS=redis://…``
one relay per site (``seatdesk events relay``) LISTENs on the database, the only
listener, and appends every note, in commit order, to a Redis stream named after the
database (XADD, trimmed to about ``MAXLEN`` entries); each seat reads the stream from its
last entry (XREAD BLOCK) instead of holding a LISTEN connection. The database then works
per commit, not per seat per commit, and a seat at rest holds no database connection of
its own for the feed (so it can sit behind PgBouncer in transaction mode).

The stream keeps what it was given, so a seat that falls behind or reconnects reads what
it missed from its last entry on: a replay, not a re-read. Each entry carries the relay's
own count ``n`` (0 for the "*" a relay appends when it starts, then 1, 2, …), so a seat
knows it read every entry: a jump in ``n`` means entries were trimmed away before the
seat read them, and it re-reads in full. With the entries proven contiguous, a hole in the
database's numbers is a transaction that rolled back after taking its number, or one
that committed after a later-numbered one, never a loss: the batches are marked
``unbroken`` and the seat does not re-read for it.

Why a relay at all: commits made while no relay listened are in no message; a relay that
(re)starts appends "*" (n = 0) and every seat re-reads once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from seatdesk.data.engine import database_identity
from seatdesk.data.floor_events import Batch, parse_note, plain_hint

FEED_LOST = "*"
# How long a relay waits before trying again after losing the database or Redis.
RETRY_SECONDS = 1.0
# The session advisory lock a database's relay holds (pg_try_advisory_lock takes a bigint):
# the ASCII of "sdrelay!" less its top bit, recognisable in pg_locks (classid, objid).
RELAY_LOCK = int.from_bytes(b"sdrelay!", "big") & 0x7FFF_FFFF_FFFF_FFFF
# About this many entries are kept (XADD MAXLEN ~): at 20 batches a second, over 8
# minutes for a seat to come back and replay; one entry is well under 1 KiB.
MAXLEN = 10_000
# A seat's feed retries a lost Redis connection quietly this long, then gives up (the desk
# reopens the feed and re-reads).
OUTAGE_SECONDS = 15.0
_READ_COUNT = 500  # entries per XREAD


def channel_for(db_url: str) -> str:
    """The Redis stream of one database's floor (sites sharing a Redis do not mix)."""
    return f"seatdesk:floor:{database_identity(db_url)}"


def _client(bus_url: str, *, retries: bool = True,
            on_connect: Callable[[], None] | None = None) -> Any:
    try:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry
    except ModuleNotFoundError as exc:  # the optional extra is not installed
        raise RuntimeError("SEATDESK_EVENTS needs the redis package: "
                           "pip install 'seatdesk[bus]'") from exc
    options: dict[str, Any] = {"socket_connect_timeout": 3, "health_check_interval": 30}
    if not retries:
        # The seat's feed sees a lost connection itself, to resume from its last entry.
        options["retry"] = Retry(NoBackoff(), 0)
    if on_connect is not None:
        hook = on_connect

        def connected(connection: Any) -> None:
            connection.on_connect()
            hook()

        options["redis_connect_func"] = connected
    return redis.Redis.from_url(bus_url, **options)


def _connection_errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def _bulk(value: bytes) -> bytes:
    return b"$%d\r\n%s\r\n" % (len(value), value)


def xread_command(key: str, last_id: str, block_ms: int) -> bytes:
    """The seat's one command, ``XREAD COUNT … BLOCK … STREAMS key last_id``, as RESP.

    Packed here, not by redis-py: its encoder walks all nine arguments on every wake-up
    (a third of the feed's own CPU per entry, measured with ``bench_floor.py --wakeup``),
    where only the block time and the last id change."""
    return b"".join((_XREAD_HEAD, _bulk(b"%d" % block_ms), _XREAD_STREAMS,
                     _bulk(key.encode()), _bulk(last_id.encode())))


_XREAD_HEAD = b"*8\r\n" + b"".join(
    _bulk(x) for x in (b"XREAD", b"COUNT", b"%d" % _READ_COUNT, b"BLOCK"))
_XREAD_STREAMS = _bulk(b"STREAMS")


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class RedisChangeFeed:
    """A seat's change feed from the stream: the same topics and batches as ``PgChangeFeed``."""

    def __init__(self, bus_url: str, db_url: str) -> None:
        self._connects = 0
        self._client = _client(bus_url, retries=False, on_connect=self._connected)
        self._key = channel_for(db_url)
        self._batches: list[Batch] = []
        self._broken_since: float | None = None
        self._reconnected = False
        self.replays = 0  # reconnects after which the seat read on from its last entry
        self.trimmed = 0  # entries gone before the seat read them: re-read in full
        self.holes = 0  # holes in the database's numbers the stream proved harmless
        self._last_seq: int | None = None
        # Start at the stream's newest entry: the desk re-reads once as the feed opens,
        # and everything after that entry is replayed on top of that read.
        newest = self._client.xrevrange(self._key, count=1)
        if newest:
            entry_id, fields = newest[0]
            self._last_id: str = _text(entry_id)
            self._next_n: int | None = int(fields[b"n"]) + 1
        else:
            self._last_id, self._next_n = "0-0", None
        # The feed's own connection, held while it lives: it is always blocked in XREAD,
        # and a wake-up through it costs a fraction of the client's per-command path (200
        # seats in one process, 4 entries/s: fan-out p50 53 ms through the client, 33 here).
        self._conn = self._client.connection_pool.get_connection()

    def client_id(self) -> int:
        """The id Redis knows this seat's connection by (``CLIENT KILL ID``)."""
        self._conn.send_command("CLIENT", "ID")
        return int(self._conn.read_response())

    def _read(self, block_ms: int) -> Any:
        """One XREAD from the last entry read (the connection reconnects if it was lost)."""
        self._conn.send_packed_command([xread_command(self._key, self._last_id, block_ms)])
        return self._conn.read_response()

    def _connected(self) -> None:
        # The feed's connection reconnects on the next XREAD after it was dropped; a seat
        # that had one before then reads on from its last entry (counted as a replay).
        self._connects += 1
        self._reconnected = self._connects > 1

    @property
    def position(self) -> str:
        """The id of the last entry read."""
        return self._last_id

    def wait(self, timeout: float) -> set[str]:
        """Block up to ``timeout`` s for entries; return the topics of all that are there."""
        block = max(1, int(timeout * 1000))
        try:
            try:
                reply = self._read(block)
            except _connection_errors():
                reply = self._read(block)  # a dropped connection: reconnect once at once
        except _connection_errors():
            now = time.monotonic()
            if self._broken_since is None:
                self._broken_since = now
            elif now - self._broken_since > OUTAGE_SECONDS:
                raise
            time.sleep(min(timeout, RETRY_SECONDS))  # Redis is down: not in a tight loop
            return set()
        topics: set[str] = set()
        self._broken_since = None
        if self._reconnected:
            self._reconnected = False
            if reply:
                self.replays += 1
        streams = reply.items() if isinstance(reply, dict) else reply or ()  # RESP3 or 2
        for _key, entries in streams:
            for entry_id, flat in entries:
                fields = dict(zip(flat[::2], flat[1::2], strict=True))
                self._last_id = _text(entry_id)
                self._take(int(fields[b"n"]), _text(fields[b"p"]), topics)
        return topics

    def _take(self, n: int, payload: str, topics: set[str]) -> None:
        if n == 0 or (self._next_n is not None and n != self._next_n):
            if n != 0:
                self.trimmed += 1  # the entries in between were trimmed away unread
            # A relay (re)started, or entries were lost: re-read; the numbers start afresh.
            topics.add(FEED_LOST)
            self._last_seq = None
        self._next_n = n + 1
        if payload == FEED_LOST:
            topics.add(FEED_LOST)
            return
        batch = parse_note(payload)
        if batch is None:
            batch = plain_hint(payload)
        else:
            if self._last_seq is not None and batch.seq > self._last_seq + 1:
                self.holes += 1
            self._last_seq = max(batch.seq, self._last_seq or 0)
            # Every entry since the last one read is here: a hole in the numbers is no loss.
            # (Built directly: ``dataclasses.replace`` costs several times more per entry.)
            batch = Batch(batch.seq, batch.topics, batch.calls, batch.seats, batch.full,
                          unbroken=True)
        self._batches.append(batch)
        topics |= batch.topics

    def drain_batches(self) -> list[Batch]:
        batches, self._batches = self._batches, []
        return batches

    def close(self) -> None:
        try:
            self._client.connection_pool.release(self._conn)
        finally:
            self._client.close()


class Relay:
    """LISTEN on the database, append each note to the stream (one relay per site)."""

    def __init__(self, db_url: str, bus_url: str,
                 listen: Callable[[str], Any] | None = None, maxlen: int = MAXLEN,
                 announce: Callable[[bool], None] = lambda _leading: None) -> None:
        self.db_url = db_url
        self.bus_url = bus_url
        self.channel = channel_for(db_url)
        self.maxlen = maxlen
        self._listen = listen or _pg_listener
        self.published = 0
        self.connected = threading.Event()  # listening and publishing (for tests, status)
        self.standing_by = threading.Event()  # another relay publishes for this database
        self._announce = announce  # told True on taking the lead, False on standing by

    def _append(self, client: Any, n: int, payload: str) -> None:
        client.xadd(self.channel, {"n": n, "p": payload}, maxlen=self.maxlen,
                    approximate=True)

    def run(self, stop: threading.Event) -> None:
        """Relay until ``stop`` is set; reconnects to either side after a failure."""
        client = None
        while not stop.is_set():
            conn = None
            try:
                client = client or _client(self.bus_url)
                conn = self._listen(self.db_url)
                if not self._lead(conn, stop):
                    break
                # Whatever was committed while nobody listened is in no entry: seats re-read.
                n = 0
                self._append(client, n, FEED_LOST)
                self.connected.set()
                while not stop.is_set():
                    for note in conn.notifies(timeout=0.5):
                        n += 1
                        self._append(client, n, note.payload)
                        self.published += 1
            except Exception:  # noqa: BLE001 - boundary (relay thread): database or Redis gone, retry; seats re-read
                self.connected.clear()
                client = None
                stop.wait(RETRY_SECONDS)
            finally:
                if conn is not None:
                    try:
                        conn.close()
                    except Exception:  # noqa: BLE001, S110 - boundary (relay thread): closing a broken connection
                        pass
        self.connected.clear()
        self.standing_by.clear()

    def _lead(self, conn: Any, stop: threading.Event) -> bool:
        """Become the database's one relay; False if told to stop while waiting.

        A second relay would append every batch again, numbered by its own counter: seats
        would apply each change twice and see numbers out of order. So a relay holds a
        session advisory lock on its listening connection, and another one started for
        the same database waits for it: a standby that takes over, with a fresh "*" for
        the seats, as soon as the first relay's connection ends (it stops, dies or loses
        the database).
        """
        while not stop.is_set():
            row = conn.execute("SELECT pg_try_advisory_lock(%s)", (RELAY_LOCK,)).fetchone()
            if row is not None and row[0]:
                self.standing_by.clear()
                self._announce(True)
                return True
            if not self.standing_by.is_set():
                self.standing_by.set()
                self._announce(False)
            stop.wait(RETRY_SECONDS)
        return False


def _pg_listener(db_url: str) -> Any:
    import psycopg
    from sqlalchemy.engine import make_url

    from seatdesk.data.engine import normalise_url
    from seatdesk.data.topics import CHANGE_CHANNEL

    u = make_url(normalise_url(db_url))
    conn = psycopg.connect(host=u.host or "localhost", port=u.port or 5432, user=u.username,
                           password=u.password, dbname=u.database, autocommit=True)
    conn.execute(f"LISTEN {CHANGE_CHANNEL}")
    return conn


def wait_connected(relay: Relay, timeout: float = 10.0) -> bool:
    """Wait until ``relay`` listens and publishes (a start-up helper)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if relay.connected.wait(0.05):
            return True
    return False
