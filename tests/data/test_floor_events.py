"""Seats learn what changed (issue 19, defect 2): deltas from each commit, a gap re-reads.

The batches are derived from the real services' transactions on both databases (on
SQLite through a capturing sender: its feed cannot carry them), and on PostgreSQL they
travel through the real LISTEN/NOTIFY feed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from seatdesk.data.changes import PgChangeFeed, drain_batches
from seatdesk.data.floor_events import Batch, decode, install
from seatdesk.services.container import Backend
from seatdesk.services.dto import SYSTEM, WrapUp
from seatdesk.ui.queue_view import REORDER_SECONDS, SeatFloor, seat_floor
from tests.factories import FLOOR_PASSWORD, customer, floor

RECORD = WrapUp(category="query", disposition="resolved", resolved=True, notes="t")


def _floor(backend: Backend) -> dict[str, Any]:
    """The test floor plus agent3, who serves "general" only (agent1/2 serve every queue)."""
    people = floor(backend)
    backend.users.add_user("agent3", name="Agent3", role="agent", password=FLOOR_PASSWORD,
                           queues=("general",))
    people["agent3"] = backend.users.actor("agent3")
    customer(backend, people["agent1"], "王芳", "13800138000", grade="A", key_account=True)
    customer(backend, people["agent1"], "李雷", "13900139000", grade="C")
    return people


def _work_the_floor(backend: Backend, people: dict[str, Any], clock: Any) -> None:
    """Offers, a claim with a saved record, a key account jumping the queue, a caller who
    hangs up, a ring that rings out back to the queue, a call in a queue agent1 does not
    serve."""
    calls = backend.calls
    agent2 = people["agent2"]
    backend.agents.log_in(agent2)
    first = calls.offer_inbound(SYSTEM, "13900139000", "general")
    calls.offer_inbound(SYSTEM, "13700000001", "general")
    calls.offer_inbound(SYSTEM, "13800138000", "general")  # key account: first in line
    calls.offer_inbound(SYSTEM, "13700000002", "vip")  # not agent1's queue
    gone = calls.offer_inbound(SYSTEM, "13700000003", "general")
    calls.mark_abandoned(SYSTEM, gone)
    taken = calls.claim(agent2, first, answer=True)
    calls.end(agent2, taken.id)
    calls.save_wrap_up(agent2, taken.id, RECORD)
    rung = calls.offer_inbound(SYSTEM, "13700000004", "general", ring=True)
    clock.advance(seconds=30)
    calls.release_stale_offers(SYSTEM, clock() - timedelta(seconds=20))
    assert rung


def _capture(backend: Backend) -> list[Batch]:
    """Batches of every commit of ``backend`` (SQLite: the feed cannot carry them)."""
    sent: list[Batch] = []
    install(backend.db._writer, lambda _s, body: sent.append(decode(len(sent) + 1, body)))
    return sent


def test_deltas_give_the_same_view_as_a_full_read(db_url, clock, monkeypatch):
    backend = Backend.open(db_url, clock)
    try:
        people = _floor(backend)
        seat = people["agent3"]
        if backend.db.is_postgres:
            feed = PgChangeFeed(backend.db.url)
        else:
            monkeypatch.setattr("seatdesk.services.base.Service.signal",
                                _sqlite_signal, raising=True)
            sent = _capture(backend)
        view = seat_floor(backend.calls, seat)
        view.reset(backend.calls.waiting(seat))
        _work_the_floor(backend, people, clock)
        if backend.db.is_postgres:
            batches: list[Batch] = []
            while feed.wait(0.5):
                batches.extend(drain_batches(feed))
            feed.close()
        else:
            batches = sent
        assert batches, "no change batches"
        plan = view.take(batches)
        assert not plan.queue_full, "a full re-read was asked for without a gap"
        assert plan.queue_changed
        expected = backend.calls.waiting(seat)
        assert len(expected) == 3  # the rung-out call back, the key account first
        assert expected[0].customer_name == "王芳"
        assert view.calls() == expected
        assert {c.queue_code for c in view.calls()} == {"general"}
        assert view.gaps == 0
    finally:
        backend.close()


def _sqlite_signal(self: Any, session: Any, topic: Any, key: object = None) -> None:
    from seatdesk.data.floor_events import note_topic
    from seatdesk.data.topics import scoped

    note_topic(session, topic.value if key is None else scoped(topic, key))


@pytest.mark.postgres
def test_batches_are_numbered_one_per_commit(pg_url, clock):
    backend = Backend.open(pg_url, clock)
    feed = PgChangeFeed(backend.db.url)
    try:
        floor(backend)
        drain_until_quiet(feed)
        for n in range(3):
            backend.calls.offer_inbound(SYSTEM, f"1370000000{n}", "general")
        batches = drain_until_quiet(feed)
        seqs = [b.seq for b in batches]
        assert len(seqs) == 3
        assert seqs == list(range(seqs[0], seqs[0] + 3))
        assert all(b.topics == {"queue"} and len(b.calls) == 1 for b in batches)
    finally:
        feed.close()
        backend.close()


def drain_until_quiet(feed: PgChangeFeed) -> list[Batch]:
    batches: list[Batch] = []
    while feed.wait(0.3):
        batches.extend(drain_batches(feed))
    return batches


@pytest.mark.postgres
def test_a_gap_in_the_numbers_reads_the_queue_in_full_and_loses_nothing(pg_url, clock):
    backend = Backend.open(pg_url, clock)
    feed = PgChangeFeed(backend.db.url)
    now = [0.0]
    try:
        people = floor(backend)
        agent1 = people["agent1"]
        view = seat_floor(backend.calls, agent1, clock=lambda: now[0])
        view.reset(backend.calls.waiting(agent1))
        drain_until_quiet(feed)
        kept = backend.calls.offer_inbound(SYSTEM, "13700000001", "general")
        lost = backend.calls.offer_inbound(SYSTEM, "13700000002", "general")
        after = backend.calls.offer_inbound(SYSTEM, "13700000003", "general")
        batches = drain_until_quiet(feed)
        assert len(batches) == 3
        # The second commit's batch never reaches this seat: it might still be committing
        # (numbers are taken before commit), so the seat waits a moment...
        plan = view.take([batches[0], batches[2]])
        assert not plan.queue_full and view.gaps == 0
        now[0] += REORDER_SECONDS
        plan = view.take([], frozenset({"poll"}))  # ...then takes it for lost
        assert plan.queue_full and view.gaps == 1
        assert lost not in view.ids()  # the delta alone would lose it...
        shown = view.read(lambda: backend.calls.waiting(agent1))
        assert [c.id for c in shown] == [kept, lost, after]  # ...the full read does not
        assert shown == backend.calls.waiting(agent1)
    finally:
        feed.close()
        backend.close()


@pytest.mark.postgres
def test_deltas_during_a_full_read_are_applied_on_top_of_it(pg_url, clock):
    backend = Backend.open(pg_url, clock)
    try:
        people = floor(backend)
        agent1, agent2 = people["agent1"], people["agent2"]
        backend.agents.log_in(agent2)
        first = backend.calls.offer_inbound(SYSTEM, "13700000001", "general")
        view = SeatFloor(agent1.user_id)
        feed = PgChangeFeed(backend.db.url)
        stale = backend.calls.waiting(agent1)  # read before the claim below...
        token = view.begin_read()
        backend.calls.claim(agent2, first, answer=True)
        view.take(drain_until_quiet(feed))  # ...whose delta arrives while it "runs"
        view.finish_read(token, stale)
        assert first not in view.ids()
        assert view.calls() == backend.calls.waiting(agent1) == []
        feed.close()
    finally:
        backend.close()


def test_another_seats_change_does_not_concern_me():
    from seatdesk.data.floor_events import SeatChange

    view = SeatFloor(7)
    other = Batch(1, frozenset({"floor"}), seats=(SeatChange(8, "paused"),))
    plan = view.take([other])
    assert not plan.status and not plan.queue_full and not plan.queue_changed
    mine = Batch(2, frozenset({"floor"}), seats=(SeatChange(7, "paused"),))
    assert view.take([mine]).status


def test_feed_lost_and_sqlite_hints_read_everything():
    view = SeatFloor(7)
    plan = view.take([], frozenset({"*"}))
    assert plan.queue_full and plan.status and plan.ring_check
    # After a reconnect numbering starts afresh: no gap is reported for the new numbers.
    view.take([Batch(100, frozenset({"queue"}))])
    view.take([], frozenset({"*"}))
    assert not view.take([Batch(5, frozenset({"queue"}))]).queue_full


def test_the_slow_poll_costs_nothing_once_the_feed_numbers_its_batches():
    # Every idle seat checked its ring on every slow poll (2 s): on a quiet floor of 5,000
    # seats that alone was 2,500 reads a second. A numbered feed says when a call rings
    # here, so the poll needs no read until the safety interval.
    clock = [0.0]
    view = SeatFloor(7, clock=lambda: clock[0])
    assert view.take([], frozenset({"poll"})).ring_check  # no batch yet: check as before
    view.take([Batch(1, frozenset({"queue"}))])
    clock[0] += 10
    plan = view.take([], frozenset({"poll"}))
    assert not plan.ring_check and not plan.queue_full and not plan.status
    clock[0] += 60
    assert view.take([], frozenset({"poll"})).queue_full  # the safety re-read


def test_the_safety_re_read_comes_on_a_busy_floor_too():
    """It was checked only on the slow poll, which a busy floor never reaches (a batch at
    least every 2 s): the safety net was off while busy, and when the floor quietened every
    seat re-read at once (bench_floor, 200 seats: 155 full reads in the same 6 s; seen
    failing first). Now each seat's comes 60 s after its own last read."""
    from seatdesk.ui.queue_view import SAFETY_SECONDS

    clock = [0.0]
    view = SeatFloor(7, clock=lambda: clock[0])
    view.reset([])
    seq = 1
    while clock[0] < SAFETY_SECONDS - 1:
        assert not view.take([Batch(seq, frozenset({"queue"}))]).queue_full
        seq += 1
        clock[0] += 0.5
    clock[0] += 1
    plan = view.take([Batch(seq, frozenset({"queue"}))])
    assert plan.queue_full and plan.ring_check  # due, with no poll in sight
    view.reset([])
    assert not view.take([Batch(seq + 1, frozenset({"queue"}))]).queue_full


def test_a_batch_that_commits_after_a_later_numbered_one_is_no_gap():
    # Measured on the bus at 200 seats and 4 calls/s: 13 such batches in 20 s, each read as
    # a gap by all 200 seats (2,600 full re-reads), though no batch was lost.
    now = [0.0]
    view = SeatFloor(7, clock=lambda: now[0])
    view.take([Batch(1, frozenset({"queue"}))])
    assert not view.take([Batch(3, frozenset({"queue"}))]).queue_full
    now[0] += 0.2
    assert not view.take([Batch(2, frozenset({"queue"}))]).queue_full  # late, not lost
    now[0] += 10
    assert not view.take([], frozenset({"poll"})).queue_full
    assert view.gaps == 0 and view.late == 1


def test_a_hole_the_feed_vouches_for_is_no_gap():
    # A transaction that rolled back after taking its number leaves a hole for good; the
    # bus's stream proves nothing was lost, so the seat does not re-read for it.
    now = [0.0]
    view = SeatFloor(7, clock=lambda: now[0])
    view.take([Batch(1, frozenset({"queue"}), unbroken=True)])
    assert not view.take([Batch(3, frozenset({"queue"}), unbroken=True)]).queue_full
    now[0] += 10
    assert not view.take([], frozenset({"poll"})).queue_full and view.gaps == 0
    # The same hole from a feed that cannot vouch: one re-read once it is overdue.
    plain = SeatFloor(7, clock=lambda: now[0])
    plain.take([Batch(1, frozenset({"queue"})), Batch(3, frozenset({"queue"}))])
    now[0] += REORDER_SECONDS
    assert plain.take([], frozenset({"poll"})).queue_full and plain.gaps == 1
