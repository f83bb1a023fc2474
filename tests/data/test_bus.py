"""Floor events through a Redis stream (issue 19): the relay appends, seats read on.

Against the real Redis server (SEATDESK_TEST_REDIS, default 127.0.0.1:6379) and the real
PostgreSQL. Skipped when Redis is not reachable, unless SEATDESK_REQUIRE_BUS=1 (CI), where
that is a failure.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from seatdesk.data.bus import RedisChangeFeed, Relay, channel_for, wait_connected
from seatdesk.data.changes import drain_batches, open_feed
from seatdesk.data.floor_events import Batch
from seatdesk.services.container import Backend
from seatdesk.services.dto import SYSTEM
from seatdesk.ui.queue_view import seat_floor
from tests.bus_support import redis_or_skip
from tests.factories import floor

pytestmark = pytest.mark.postgres


@pytest.fixture
def redis_url(pg_url: str) -> Iterator[str]:
    url = redis_or_skip()
    yield url
    import redis

    redis.Redis.from_url(url).delete(channel_for(pg_url))  # each test database's stream


@contextmanager
def relaying(pg_url: str, redis_url: str, **options: Any) -> Iterator[Relay]:
    relay = Relay(pg_url, redis_url, **options)
    stop = threading.Event()
    thread = threading.Thread(target=relay.run, args=(stop,), daemon=True)
    thread.start()
    try:
        assert wait_connected(relay)
        yield relay
    finally:
        stop.set()
        thread.join(timeout=5)


def _quiet(feed: Any) -> tuple[list[Batch], set[str]]:
    batches: list[Batch] = []
    topics: set[str] = set()
    while (got := feed.wait(0.5)):
        topics |= got
        batches.extend(drain_batches(feed))
    return batches, topics


def test_the_relay_carries_numbered_batches_to_a_seat(pg_url, redis_url, clock):
    backend = Backend.open(pg_url, clock)
    feed = open_feed(backend.db, events_url=redis_url)
    assert isinstance(feed, RedisChangeFeed)
    relay = Relay(pg_url, redis_url)
    stop = threading.Event()
    thread = threading.Thread(target=relay.run, args=(stop,), daemon=True)
    try:
        people = floor(backend)
        agent = people["agent1"]
        thread.start()
        assert wait_connected(relay)
        view = seat_floor(backend.calls, agent)
        view.reset(backend.calls.waiting(agent))
        _batches, topics = _quiet(feed)
        assert "*" in topics  # the relay (re)connected: seats re-read once
        offered = [backend.calls.offer_inbound(SYSTEM, f"1370000000{n}", "general")
                   for n in range(3)]
        batches, _topics = _quiet(feed)
        seqs = [b.seq for b in batches]
        assert seqs == list(range(seqs[0], seqs[0] + 3))
        plan = view.take(batches)
        assert plan.queue_changed and not plan.queue_full
        assert view.ids() == offered
        assert view.calls() == backend.calls.waiting(agent)
    finally:
        stop.set()
        thread.join(timeout=5)
        feed.close()
        backend.close()


def test_a_relay_that_loses_the_database_tells_seats_to_reread(pg_url, redis_url):
    attempts = []

    def flaky(url: str) -> Any:
        from seatdesk.data.bus import _pg_listener

        attempts.append(url)
        if len(attempts) == 1:
            raise OSError("database restarting")
        return _pg_listener(url)

    feed = RedisChangeFeed(redis_url, pg_url)
    relay = Relay(pg_url, redis_url, listen=flaky)
    stop = threading.Event()
    thread = threading.Thread(target=relay.run, args=(stop,), daemon=True)
    try:
        feed.wait(0.1)  # subscribed
        thread.start()
        assert wait_connected(relay)
        _batches, topics = _quiet(feed)
        assert len(attempts) == 2 and "*" in topics
    finally:
        stop.set()
        thread.join(timeout=5)
        feed.close()


def test_the_relay_command_says_what_it_needs(sqlite_url, monkeypatch):
    from click.testing import CliRunner

    from seatdesk.cli.main import main

    monkeypatch.setenv("SEATDESK_DB", sqlite_url)
    monkeypatch.delenv("SEATDESK_EVENTS", raising=False)
    result = CliRunner().invoke(main, ["events", "relay"])
    assert result.exit_code == 1 and "no bus" in result.output
    assert "Traceback" not in result.output
    result = CliRunner().invoke(main, ["events", "relay", "--bus", "redis://127.0.0.1:1/0"])
    assert result.exit_code == 1 and "needs PostgreSQL" in result.output


def _seat(backend: Backend, redis_url: str, pg_url: str) -> tuple[Any, Any, Any]:
    """agent1's feed on the bus and floor view, read in full once the relay is heard."""
    agent = floor(backend)["agent1"]
    feed = RedisChangeFeed(redis_url, pg_url)
    view = seat_floor(backend.calls, agent)
    return agent, feed, view


def _kill_connection(redis_url: str, feed: RedisChangeFeed) -> None:
    """Redis drops the seat's connection (as a restart or a network cut would)."""
    import redis

    own = feed.client_id()
    assert redis.Redis.from_url(redis_url).client_kill_filter(_id=own) == 1


def test_a_seat_that_was_disconnected_catches_up_by_replay(pg_url, redis_url, clock):
    backend = Backend.open(pg_url, clock)
    try:
        agent, feed, view = _seat(backend, redis_url, pg_url)
        with relaying(pg_url, redis_url):
            _quiet(feed)  # the relay's "*"
            view.reset(backend.calls.waiting(agent))
            _kill_connection(redis_url, feed)
            offered = [backend.calls.offer_inbound(SYSTEM, f"1370000000{n}", "general")
                       for n in range(3)]
            backend.calls.mark_abandoned(SYSTEM, offered[1])
            batches, topics = _quiet(feed)
        assert "*" not in topics
        plan = view.take(batches)
        assert not plan.queue_full and view.gaps == 0
        assert view.ids() == [offered[0], offered[2]]
        assert view.calls() == backend.calls.waiting(agent)
        assert feed.replays == 1  # it reconnected and read on from its last entry
    finally:
        feed.close()
        backend.close()


def test_a_seat_whose_entries_were_trimmed_away_rereads_in_full(pg_url, redis_url, clock):
    import redis

    backend = Backend.open(pg_url, clock)
    try:
        agent, feed, view = _seat(backend, redis_url, pg_url)
        with relaying(pg_url, redis_url):
            _quiet(feed)
            view.reset(backend.calls.waiting(agent))
            for n in range(3):  # the seat reads nothing meanwhile
                backend.calls.offer_inbound(SYSTEM, f"1370000000{n}", "general")
            _wait_for_entries(redis_url, pg_url, 4)
            # The relay's MAXLEN trims the oldest entries; here, all but the newest.
            redis.Redis.from_url(redis_url).xtrim(channel_for(pg_url), maxlen=1,
                                                  approximate=False)
            batches, topics = _quiet(feed)
        assert "*" in topics and feed.trimmed == 1
        plan = view.take(batches, frozenset(topics))
        assert plan.queue_full
        shown = view.read(lambda: backend.calls.waiting(agent))
        assert len(shown) == 3 and shown == backend.calls.waiting(agent)
    finally:
        feed.close()
        backend.close()


def _wait_for_entries(redis_url: str, pg_url: str, count: int) -> None:
    import time

    import redis

    client = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + 5
    while client.xlen(channel_for(pg_url)) < count:
        assert time.monotonic() < deadline, "the relay did not append the batches"
        time.sleep(0.05)


def test_a_relay_restart_makes_seats_reread(pg_url, redis_url, clock):
    backend = Backend.open(pg_url, clock)
    try:
        agent, feed, view = _seat(backend, redis_url, pg_url)
        with relaying(pg_url, redis_url):
            _quiet(feed)
            view.reset(backend.calls.waiting(agent))
        # Committed while no relay listens: in no entry.
        unheard = backend.calls.offer_inbound(SYSTEM, "13700000001", "general")
        with relaying(pg_url, redis_url):
            batches, topics = _quiet(feed)
        assert "*" in topics
        plan = view.take(batches, frozenset(topics))
        assert plan.queue_full
        assert [c.id for c in view.read(lambda: backend.calls.waiting(agent))] == [unheard]
    finally:
        feed.close()
        backend.close()


def test_a_rolled_back_number_costs_no_reread_on_the_stream(pg_url, redis_url, clock):
    import psycopg

    from seatdesk.data.floor_events import FEED_SEQUENCE

    backend = Backend.open(pg_url, clock)
    try:
        agent, feed, view = _seat(backend, redis_url, pg_url)
        with relaying(pg_url, redis_url):
            _quiet(feed)
            view.reset(backend.calls.waiting(agent))
            first = backend.calls.offer_inbound(SYSTEM, "13700000001", "general")
            # A writer that took a number and rolled back (a claim that found nothing).
            with psycopg.connect(pg_url.replace("+psycopg", "")) as conn:
                conn.execute(f"SELECT nextval('{FEED_SEQUENCE}')")
                conn.rollback()
            second = backend.calls.offer_inbound(SYSTEM, "13700000002", "general")
            batches, topics = _quiet(feed)
        assert [b.seq for b in batches][1] == batches[0].seq + 2  # a hole in our numbers
        plan = view.take(batches, frozenset(topics))
        assert not plan.queue_full and view.gaps == 0 and feed.holes == 1
        assert view.ids() == [first, second]
    finally:
        feed.close()
        backend.close()


def test_the_bus_carries_no_full_number(pg_url, redis_url, clock):
    import redis

    from tests.factories import customer

    backend = Backend.open(pg_url, clock)
    try:
        people = floor(backend)
        customer(backend, people["agent1"], "王芳", "13800138000")
        with relaying(pg_url, redis_url):
            backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
            _wait_for_entries(redis_url, pg_url, 2)
        entries = redis.Redis.from_url(redis_url).xrange(channel_for(pg_url))
        wire = b" ".join(v for _id, fields in entries for v in fields.values()).decode()
        assert "王芳" in wire and "3800138" not in wire, wire
    finally:
        backend.close()


# ---- the seat's wake-up path (issue 19, third round): cheaper, the same entries ------------------


def test_the_feed_sends_xread_exactly_as_redis_py_packs_it():
    # The feed packs its one command itself (a wake-up packed nine arguments through
    # redis-py's encoder every time); the bytes must be the ones redis-py would send.
    import redis

    from seatdesk.data.bus import xread_command

    conn = redis.Redis().connection_pool.make_connection()
    for key, last_id, block in (("seatdesk:floor:pg-1", "0-0", 1),
                                ("seatdesk:floor:x", "1733040000123-17", 2000)):
        expected = b"".join(conn.pack_command("XREAD", "COUNT", 500, "BLOCK", block,
                                              "STREAMS", key, last_id))
        assert xread_command(key, last_id, block) == expected


def test_a_seat_reads_every_entry_in_order_with_its_own_numbers(redis_url, pg_url):
    # Entries one at a time and several at once, a Chinese name (bytes, not characters,
    # in the wire's lengths), ids that grow longer: every batch arrives once, in order.
    import redis

    from seatdesk.data.floor_events import BATCH_PREFIX, CallChange, encode, parse_note

    writer = redis.Redis.from_url(redis_url)
    key = channel_for(pg_url)
    writer.delete(key)
    writer.xadd(key, {"n": 0, "p": "*"}, id="0-1")  # ids of our own below: short, then long
    feed = RedisChangeFeed(redis_url, pg_url)
    row = {"id": 1, "queue_code": "general", "queue_name": "综合", "queue_name_zh": "综合",
           "caller_number": "138****8000", "customer_name": "张伟", "grade": "gold",
           "key_account": False, "queued_at": None, "wait_alert_seconds": 60,
           "target_agent_id": None, "route_rank": 1, "route_order": 0, "queue_id": 3}
    payloads = [BATCH_PREFIX + f"{seq} " + encode(
        ["queue"], [CallChange(seq, 3, "queued", None, {**row, "id": seq})], [], False)
        for seq in range(1, 13)]
    try:
        got: list[Batch] = []
        for n, payload in enumerate(payloads[:4], start=1):  # one per wake-up
            writer.xadd(key, {"n": n, "p": payload}, id=f"{n}-{10 ** n}")
            assert feed.wait(1.0) == {"queue"}
            got.extend(drain_batches(feed))
        for n, payload in enumerate(payloads[4:], start=5):  # a seat that lagged: all at once
            writer.xadd(key, {"n": n, "p": payload}, id=f"{n}-{10 ** n}")
        assert feed.wait(1.0) == {"queue"}
        got.extend(drain_batches(feed))
        assert feed.position == f"12-{10 ** 12}"
        assert feed.wait(0.05) == set()  # nothing left, nothing read twice
    finally:
        feed.close()
        writer.delete(key)
    expected = [parse_note(p) for p in payloads]
    assert [b.seq for b in got] == list(range(1, 13))
    assert all(b.unbroken for b in got)
    assert [b.calls for b in got] == [e.calls for e in expected if e is not None]
    assert got[0].calls[0].row is not None and got[0].calls[0].row["customer_name"] == "张伟"
    assert (feed.trimmed, feed.holes) == (0, 0)


def test_a_second_relay_stands_by_and_takes_over_when_the_first_ends(pg_url, redis_url,
                                                                     clock):
    """Two relays on one database each appended every batch, numbered from their own
    counters: seats saw every change twice and numbers out of order (seen failing first).
    The second waits instead, and publishes once the first is gone."""
    import time

    import redis

    backend = Backend.open(pg_url, clock)
    client = redis.Redis.from_url(redis_url)
    stream = channel_for(pg_url)
    try:
        floor(backend)
        with relaying(pg_url, redis_url) as first:
            second = Relay(pg_url, redis_url)
            stop = threading.Event()
            thread = threading.Thread(target=second.run, args=(stop,), daemon=True)
            thread.start()
            try:
                deadline = time.monotonic() + 10
                while not second.standing_by.is_set():
                    assert time.monotonic() < deadline, "the second relay never stood by"
                    time.sleep(0.05)
                before = client.xlen(stream)
                backend.calls.offer_inbound(SYSTEM, "13700000001", "general")
                _wait_for_entries(redis_url, pg_url, before + 1)
                time.sleep(1.0)  # a second relay's copy would be there by now
                assert client.xlen(stream) == before + 1
                assert not second.connected.is_set() and first.connected.is_set()
            except BaseException:
                stop.set()
                raise
        # The first relay ended: the second takes the lead and tells seats to re-read.
        assert wait_connected(second)
        before = client.xlen(stream)
        backend.calls.offer_inbound(SYSTEM, "13700000002", "general")
        _wait_for_entries(redis_url, pg_url, before + 1)
        stop.set()
        thread.join(timeout=5)
    finally:
        backend.close()


def test_a_second_relay_command_says_it_stands_by_then_takes_over(pg_url, redis_url):
    """What an operator who starts a second `seatdesk events relay` reads, and then reads
    once the first one stops."""
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root), "SEATDESK_DB": pg_url,
           "SEATDESK_EVENTS": redis_url, "SEATDESK_LANG": "en"}

    def start() -> subprocess.Popen[bytes]:
        proc = subprocess.Popen([sys.executable, "-m", "seatdesk", "events", "relay"],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        assert proc.stderr is not None
        os.set_blocking(proc.stderr.fileno(), False)
        return proc

    said: dict[int, bytes] = {}

    def until_said(proc: subprocess.Popen[bytes], words: bytes) -> None:
        deadline = time.monotonic() + 30
        while words not in said.setdefault(proc.pid, b""):
            assert proc.poll() is None, said[proc.pid]
            assert time.monotonic() < deadline, said[proc.pid]
            assert proc.stderr is not None
            said[proc.pid] += proc.stderr.read() or b""
            time.sleep(0.1)

    first = start()
    second = None
    try:
        until_said(first, b"relaying floor events")
        second = start()
        until_said(second, b"standing by: another relay")
        first.terminate()
        first.wait(timeout=10)
        until_said(second, b"relaying floor events")
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=10)
