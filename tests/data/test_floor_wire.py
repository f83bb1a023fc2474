"""What the floor's change batches carry on the wire (issue 19): nothing confidential.

Every seat receives every batch (NOTIFY reaches every listener; the bus every
subscriber), whatever its role, so a batch may carry only what the queue pane of the least
privileged role (an agent) shows: the caller's number masked. A seat whose role sees
numbers unmasked gets them with one point read of the new waiting calls.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from sqlalchemy import event

from seatdesk.data.changes import PgChangeFeed, drain_batches
from seatdesk.data.topics import CHANGE_CHANNEL
from seatdesk.domain import phone
from seatdesk.services.container import Backend
from seatdesk.services.dto import SYSTEM
from seatdesk.ui.queue_view import seat_floor
from tests.factories import customer, floor

pytestmark = pytest.mark.postgres

NUMBER = "13800138000"
MIDDLE = "3800138"  # digits of the number that the masked form hides


def _quiet(feed: PgChangeFeed) -> list[Any]:
    batches: list[Any] = []
    while feed.wait(0.3):
        batches.extend(drain_batches(feed))
    return batches


def test_a_new_waiting_call_travels_with_its_number_masked(pg_url, clock):
    backend = Backend.open(pg_url, clock)
    raw = psycopg.connect(pg_url.replace("+psycopg", ""), autocommit=True)
    try:
        people = floor(backend)
        customer(backend, people["agent1"], "王芳", NUMBER, grade="A")
        raw.execute(f"LISTEN {CHANGE_CHANNEL}")
        backend.calls.offer_inbound(SYSTEM, NUMBER, "general")
        payloads = [n.payload for n in raw.notifies(timeout=1.0)]
        assert payloads, "no NOTIFY for the offer"
        wire = " ".join(payloads)
        assert MIDDLE not in wire, f"the full number is on the wire: {wire}"
        assert phone.mask("+86" + NUMBER) in wire or phone.mask(NUMBER) in wire
    finally:
        raw.close()
        backend.close()


def _count_statements(backend: Backend) -> list[str]:
    seen: list[str] = []
    engine = backend.db.engine

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    return seen


def test_a_supervisor_still_sees_the_full_number_by_one_point_read(pg_url, clock):
    backend = Backend.open(pg_url, clock)
    feed = PgChangeFeed(backend.db.url)
    try:
        people = floor(backend)
        customer(backend, people["agent1"], "王芳", NUMBER, grade="A")
        boss, agent = people["super1"], people["agent1"]
        boss_view = seat_floor(backend.calls, boss)
        agent_view = seat_floor(backend.calls, agent)
        boss_view.reset(backend.calls.waiting(boss))
        agent_view.reset(backend.calls.waiting(agent))
        _quiet(feed)
        first = backend.calls.offer_inbound(SYSTEM, NUMBER, "general")
        second = backend.calls.offer_inbound(SYSTEM, "13900139000", "general")
        batches = _quiet(feed)
        assert len(batches) == 2
        statements = _count_statements(backend)
        # The agent: the delta is the view, no query.
        plan = agent_view.take(batches)
        assert plan.queue_changed and not plan.queue_full
        assert statements == []
        assert agent_view.calls() == backend.calls.waiting(agent)
        statements.clear()
        # The supervisor: the delta asks for a read, which is one point read of the two calls.
        plan = boss_view.take(batches)
        assert plan.queue_full
        shown = boss_view.read(lambda: pytest.fail("a full read for two numbers"))
        assert len(statements) == 1, statements
        assert [c.id for c in shown] == [first, second]
        assert shown == backend.calls.waiting(boss)
        assert MIDDLE in shown[0].caller_number
        # A later change of a shown call needs no read: its number is known.
        statements.clear()
        backend.calls.mark_abandoned(SYSTEM, second)
        plan = boss_view.take(_quiet(feed))
        assert not plan.queue_full and boss_view.ids() == [first]
        assert MIDDLE in boss_view.calls()[0].caller_number
    finally:
        feed.close()
        backend.close()


def test_an_agent_may_not_read_unmasked_numbers(pg_url, clock):
    from seatdesk.domain.errors import PermissionDenied
    from seatdesk.services.floor_view import caller_numbers

    backend = Backend.open(pg_url, clock)
    try:
        people = floor(backend)
        call = backend.calls.offer_inbound(SYSTEM, NUMBER, "general")
        with pytest.raises(PermissionDenied):
            caller_numbers(backend.calls, people["agent1"], [call])
        assert MIDDLE in caller_numbers(backend.calls, people["super1"], [call])[call]
    finally:
        backend.close()
