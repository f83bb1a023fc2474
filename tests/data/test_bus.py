"""Floor events through Redis (issue 19): the relay republishes, seats subscribe.

Against the real Redis server (SEATDESK_TEST_REDIS, default 127.0.0.1:6379) and the real
PostgreSQL. Skipped when Redis is not reachable, unless SEATDESK_REQUIRE_BUS=1 (CI), where
that is a failure.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from seatdesk.data.bus import RedisChangeFeed, Relay, wait_connected
from seatdesk.data.changes import drain_batches, open_feed
from seatdesk.data.floor_events import Batch
from seatdesk.services.container import Backend
from seatdesk.services.dto import SYSTEM
from seatdesk.ui.queue_view import seat_floor
from tests.bus_support import redis_or_skip
from tests.factories import floor

pytestmark = pytest.mark.postgres


@pytest.fixture
def redis_url() -> str:
    return redis_or_skip()


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
