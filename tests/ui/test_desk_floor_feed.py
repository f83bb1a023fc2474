"""The desk applies the change feed's deltas (issue 19, defect 2), on PostgreSQL's feed.

Another seat pausing is not this seat's business: its status line is not re-read. A call
arriving reaches the queue pane as a delta, without re-reading the queue.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from seatdesk.services.container import Backend
from seatdesk.services.dto import SYSTEM
from tests.bus_support import redis_or_skip
from tests.ui.desk_support import desk_app, desk_floor, settle, until

pytestmark = pytest.mark.postgres


@pytest.fixture
def redis_url() -> str:
    return redis_or_skip()


class Counted:
    """Counts the calls of one service method (the real method still runs)."""

    def __init__(self, target: Any, name: str, monkeypatch: Any = None) -> None:
        self.count = 0
        real = getattr(target, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return real(*args, **kwargs)

        if monkeypatch is None:
            setattr(target, name, counted)  # an instance of this test's own
        else:
            monkeypatch.setattr(target, name, counted)  # a module: put back afterwards


def _shown(desk: Any) -> set[int]:
    table = desk._queue_table
    return {c.id for c in table.calls} if table is not None else set()


async def test_another_seats_change_does_not_reread_my_status_or_queue(pg_url, clock,
                                                                       monkeypatch):
    from seatdesk.services import seat_figures

    backend = Backend.open(pg_url, clock)
    writer = Backend.open(pg_url, clock)  # the rest of the floor, its own connections
    try:
        people = desk_floor(backend)["people"]
        agent1, agent2 = people["agent1"], people["agent2"]
        writer.agents.log_in(agent2)
        app = desk_app(backend, pg_url, clock, agent1)
        async with app.run_test() as pilot:
            desk = app.screen
            await settle(app, pilot)
            assert await until(app, pilot, lambda: desk.status.state == "available")
            # The feed is listening once a first change has reached the desk.
            warm = writer.calls.offer_inbound(SYSTEM, "13700000001", "general")
            assert await until(app, pilot, lambda: warm in _shown(desk))
            await asyncio.sleep(0.3)
            await settle(app, pilot)
            # The status line's one read (``presence.read_status``).
            status = Counted(seat_figures, "seat_line", monkeypatch)
            waiting = Counted(backend.calls, "waiting")
            for _ in range(3):
                writer.agents.pause(agent2, "break")
                await asyncio.sleep(0.1)
                writer.agents.resume(agent2)
                await asyncio.sleep(0.1)
            await settle(app, pilot)
            assert status.count == 0, "another seat's pause re-read this seat's status"
            fresh = writer.calls.offer_inbound(SYSTEM, "13700000002", "general")
            assert await until(app, pilot, lambda: fresh in _shown(desk))
            await asyncio.sleep(0.3)
            await settle(app, pilot)
            assert status.count == 0, "another seat's pause re-read this seat's status"
            assert waiting.count == 0, "a delta re-read the queue"
            assert _shown(desk) == {c.id for c in backend.calls.waiting(agent1)}
            # My own change is mine: the status line follows it.
            writer.agents.pause(agent1, "break")
            assert await until(app, pilot, lambda: desk.status.state == "paused")
            assert status.count >= 1
    finally:
        writer.close()
        backend.close()


def test_collapsed_change_hints_keep_every_topic():
    # Hints that pile up while the UI is busy collapse into one message; before issue 19
    # the newer replaced the older with its topics, so a "*" (the feed reconnected: re-read
    # everything) or a "ring" followed by a "queue" hint was lost.
    from seatdesk.ui.messages import DataChanged

    older, newer = DataChanged(frozenset({"*", "ring"})), DataChanged(frozenset({"queue"}))
    assert newer.can_replace(older)
    assert newer.topics == {"*", "ring", "queue"}


async def test_the_desk_hears_of_changes_through_the_bus(pg_url, clock, redis_url):
    import threading

    from seatdesk.data.bus import RedisChangeFeed, Relay, wait_connected
    from seatdesk.domain.i18n import set_language
    from seatdesk.services.settings import Settings
    from seatdesk.ui.app import SeatdeskApp

    backend = Backend.open(pg_url, clock)
    writer = Backend.open(pg_url, clock)
    relay = Relay(pg_url, redis_url)
    stop = threading.Event()
    thread = threading.Thread(target=relay.run, args=(stop,), daemon=True)
    thread.start()
    try:
        agent1 = desk_floor(backend)["people"]["agent1"]
        assert wait_connected(relay)
        set_language("en")
        app = SeatdeskApp(backend, Settings(db_url=pg_url, lang="en", events_url=redis_url),
                          actor=agent1, clock=clock)
        feeds: list[Any] = []
        opened = app._feed_factory

        def remember() -> Any:
            feeds.append(opened())
            return feeds[-1]

        app._feed_factory = remember
        async with app.run_test() as pilot:
            desk = app.screen
            await settle(app, pilot)
            assert await until(app, pilot, lambda: desk.status.state == "available")
            assert await until(app, pilot, lambda: bool(feeds))
            assert isinstance(feeds[0], RedisChangeFeed)
            # The feed is listening once a first change has reached the desk.
            warm = writer.calls.offer_inbound(SYSTEM, "13700000001", "general")
            assert await until(app, pilot, lambda: warm in _shown(desk))
            await asyncio.sleep(0.3)
            await settle(app, pilot)
            waiting = Counted(backend.calls, "waiting")
            fresh = writer.calls.offer_inbound(SYSTEM, "13700000002", "general")
            assert await until(app, pilot, lambda: fresh in _shown(desk))
            assert waiting.count == 0  # a delta from the bus, no re-read
    finally:
        stop.set()
        thread.join(timeout=5)
        writer.close()
        backend.close()
        import redis

        from seatdesk.data.bus import channel_for

        redis.Redis.from_url(redis_url).delete(channel_for(pg_url))  # this test's stream


async def test_a_ring_reaches_the_seat_as_a_batch_without_the_poll(pg_url, clock):
    # The slow poll no longer checks the ring on a numbered feed (and re-reads only every
    # 60 s): the ring's own batch, the call offered to this seat, must pop it.
    backend = Backend.open(pg_url, clock)
    writer = Backend.open(pg_url, clock)
    try:
        agent1 = desk_floor(backend)["people"]["agent1"]
        app = desk_app(backend, pg_url, clock, agent1)
        async with app.run_test() as pilot:
            desk = app.screen
            await settle(app, pilot)
            assert await until(app, pilot, lambda: desk.status.state == "available")
            warm = writer.calls.offer_inbound(SYSTEM, "13700000001", "vip")
            assert await until(app, pilot, lambda: warm in _shown(desk))
            rung = writer.calls.offer_inbound(SYSTEM, "13800138000", "general", ring=True)
            assert await until(app, pilot, lambda: desk.call is not None
                               and desk.call.id == rung)
            assert desk.call.state == "offered"
    finally:
        writer.close()
        backend.close()


async def test_a_supervisors_desk_shows_a_new_callers_full_number(pg_url, clock):
    # The batch carries the number masked (every seat receives it); a supervisor's desk
    # reads the new call's number itself: one point read, not the queue in full.
    backend = Backend.open(pg_url, clock)
    writer = Backend.open(pg_url, clock)
    try:
        boss = desk_floor(backend)["people"]["super1"]
        app = desk_app(backend, pg_url, clock, boss)
        async with app.run_test() as pilot:
            await settle(app, pilot)
            app.open_screen("desk")  # a supervisor's home is the reports
            await settle(app, pilot)
            desk = app.screen
            assert await until(app, pilot, lambda: desk.status.state == "available")
            warm = writer.calls.offer_inbound(SYSTEM, "13700000001", "general")
            assert await until(app, pilot, lambda: warm in _shown(desk))
            await asyncio.sleep(0.3)
            await settle(app, pilot)
            waiting = Counted(backend.calls, "waiting")
            fresh = writer.calls.offer_inbound(SYSTEM, "13800138000", "general")
            assert await until(app, pilot, lambda: fresh in _shown(desk))
            await settle(app, pilot)
            shown = {c.id: c for c in desk._queue_table.calls}
            assert "3800138" in shown[fresh].caller_number, shown[fresh].caller_number
            assert waiting.count == 0, "the queue was read in full for one number"
            assert desk.floor.number_reads >= 1
    finally:
        writer.close()
        backend.close()
