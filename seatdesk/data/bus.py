"""Floor events through Redis, for a floor too big for one database's LISTEN/NOTIFY.

PostgreSQL stays the system of record and still numbers each commit's batch
(``floor_events``); what changes is who tells the seats. With ``SEATDESK_EVENTS=redis://…``
one relay per site (``seatdesk events relay``) LISTENs on the database, the only
listener, and republishes every note, in commit order, on a Redis channel named after the
database; each seat subscribes there instead of holding a LISTEN connection. The
database then works per commit, not per seat per commit, and a seat at rest holds no
database connection of its own for the feed (so it can sit behind PgBouncer in
transaction mode).

Redis pub/sub does not keep messages: a seat that misses one sees a gap in the numbers,
and a relay that reconnects publishes "*"; either way seats re-read in full (the same
fallback as the database feed).
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


def channel_for(db_url: str) -> str:
    """The Redis channel of one database's floor (sites sharing a Redis do not mix)."""
    return f"seatdesk:floor:{database_identity(db_url)}"


def _client(bus_url: str) -> Any:
    try:
        import redis
    except ModuleNotFoundError as exc:  # the optional extra is not installed
        raise RuntimeError("SEATDESK_EVENTS needs the redis package: "
                           "pip install 'seatdesk[bus]'") from exc
    return redis.Redis.from_url(bus_url, socket_connect_timeout=3, health_check_interval=30)


class RedisChangeFeed:
    """A seat's change feed from the bus: the same topics and batches as ``PgChangeFeed``."""

    def __init__(self, bus_url: str, db_url: str) -> None:
        self._client = _client(bus_url)
        self._pubsub = self._client.pubsub(ignore_subscribe_messages=True)
        self._pubsub.subscribe(channel_for(db_url))
        self._batches: list[Batch] = []

    def wait(self, timeout: float) -> set[str]:
        """Block up to ``timeout`` s for a note; return with every note already here."""
        topics: set[str] = set()
        deadline = time.monotonic() + timeout
        while not topics:
            left = deadline - time.monotonic()
            if left <= 0:
                return topics
            # None also for a subscription notice (ignored): keep waiting while time is left.
            message = self._pubsub.get_message(timeout=left)
            while message is not None:
                if message.get("type") == "message":
                    self._take(message["data"], topics)
                message = self._pubsub.get_message(timeout=0)
        return topics

    def _take(self, data: bytes | str, topics: set[str]) -> None:
        payload = data.decode() if isinstance(data, bytes) else data
        if payload == FEED_LOST:
            topics.add(FEED_LOST)  # the relay lost the database for a while: re-read
            return
        batch = parse_note(payload) or plain_hint(payload)
        self._batches.append(batch)
        topics |= batch.topics

    def drain_batches(self) -> list[Batch]:
        batches, self._batches = self._batches, []
        return batches

    def close(self) -> None:
        try:
            self._pubsub.close()
        finally:
            self._client.close()


class Relay:
    """LISTEN on the database, publish each note on the bus (one per site)."""

    def __init__(self, db_url: str, bus_url: str,
                 listen: Callable[[str], Any] | None = None) -> None:
        self.db_url = db_url
        self.bus_url = bus_url
        self.channel = channel_for(db_url)
        self._listen = listen or _pg_listener
        self.published = 0
        self.connected = threading.Event()  # listening and publishing (for tests, status)

    def run(self, stop: threading.Event) -> None:
        """Relay until ``stop`` is set; reconnects to either side after a failure."""
        client = None
        while not stop.is_set():
            conn = None
            try:
                client = client or _client(self.bus_url)
                conn = self._listen(self.db_url)
                # Whatever was committed while nobody listened is in no message.
                client.publish(self.channel, FEED_LOST)
                self.connected.set()
                while not stop.is_set():
                    for note in conn.notifies(timeout=0.5):
                        client.publish(self.channel, note.payload)
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
