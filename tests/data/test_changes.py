"""The change feed wakes seats when another connection commits."""

from __future__ import annotations

import threading
import time

from seatdesk.data.changes import open_feed
from seatdesk.services.container import Backend
from seatdesk.services.dto import SYSTEM
from tests.factories import floor


def test_feed_wakes_on_a_commit_from_another_connection(db_url, clock):
    writer = Backend.open(db_url, clock)
    floor(writer)
    feed = open_feed(writer.db, poll_seconds=0.02)
    try:
        assert feed.wait(0.2) == set()  # nothing changed yet
        timer = threading.Timer(0.1, lambda: writer.calls.offer_inbound(
            SYSTEM, "13800138000", "general"))
        started = time.monotonic()
        timer.start()
        topics = feed.wait(5.0)
        elapsed = time.monotonic() - started
        timer.join()
        assert topics, "no change seen"
        assert elapsed < 2.0
        if writer.db.is_postgres:
            assert "queue" in topics
    finally:
        feed.close()
        writer.close()


def test_reads_do_not_wake_the_feed(sqlite_url, clock):
    b = Backend.open(sqlite_url, clock)
    people = floor(b)
    feed = open_feed(b.db, poll_seconds=0.02)
    try:
        feed.wait(0.05)
        b.calls.waiting(people["agent1"])
        assert feed.wait(0.2) == set()
    finally:
        feed.close()
        b.close()


def test_every_hint_of_one_commit_arrives_together(pg_url, clock):
    # A ring committed together with other changes must not lose its hint: the seat
    # would wait for the slow poll (up to 2 s) before popping the call.
    from sqlalchemy import text

    from seatdesk.data.engine import Database

    db = Database(pg_url)
    feed = open_feed(db)
    try:
        with db.write() as s:
            for topic in ("floor", "queue", "ring"):
                s.execute(text("SELECT pg_notify('seatdesk_changes', :t)"), {"t": topic})
        assert feed.wait(2.0) == {"floor", "queue", "ring"}
    finally:
        feed.close()
        db.dispose()
