"""What one claim costs PostgreSQL: its plan whatever the statistics say, and its statements.

A surge fills the queue faster than autovacuum re-analyses ``calls``: the planner then
works from statistics taken when the queue was nearly empty. The claim must still be one
short scan of the waiting calls in routing order, never a sort of all of them (issue 19,
defect 3), and it must stay so when the prepared statement's generic plan is used (the
driver prepares a statement run five times; a bound ``state`` hides the partial index
from a generic plan).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from seatdesk.data.models import AgentState, AgentStateEvent, AgentStatus, CallEvent
from seatdesk.services.calls import next_call_query
from seatdesk.services.container import Backend
from seatdesk.services.dto import SYSTEM, WrapUp
from tests.factories import floor
from tests.statements import StatementCounter

WRAP = WrapUp(category="query", disposition="resolved", resolved=True, notes="ok")

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_backend(pg_url, clock):
    b = Backend.open(pg_url, clock)
    yield b
    b.close()

SURGE = 40_000


def _function_plan(conn, seat: int) -> str:
    """The plan of the claim's choice as PostgreSQL makes it: the stored function's own
    query, planned under the function's own settings (its proconfig)."""
    body, config = conn.execute(text(
        "SELECT prosrc, proconfig FROM pg_proc WHERE proname = 'seatdesk_next_call'")).one()
    for setting in config or ():
        name, value = setting.split("=", 1)
        conn.execute(text(f"SET LOCAL {name} = {value}"))
    query = re.sub(r"\bseat\b", str(seat), body.strip().rstrip(";"))
    return "\n".join(r[0] for r in conn.exec_driver_sql(
        f"EXPLAIN (ANALYZE, COSTS OFF) {query}"))


def _shared_buffers_read(conn, stmt) -> int:
    """Pages the whole claim statement touched (the function's work included)."""
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
    conn.exec_driver_sql(str(compiled)).all()  # the function planned once, as a seat's is
    plan = "\n".join(r[0] for r in conn.exec_driver_sql(
        f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {compiled}"))
    first = re.search(r"Buffers: shared hit=(\d+)(?: read=(\d+))?", plan)
    assert first, plan
    return int(first.group(1)) + int(first.group(2) or 0)


@pytest.mark.parametrize("generic", [False, True], ids=["pages read", "plan"])
def test_the_claim_is_an_index_scan_after_a_surge_with_stale_statistics(pg_backend, generic):
    backend = pg_backend
    agent = floor(backend)["agent1"]
    general = backend.users.ensure_queue("general", "General")
    engine = backend.db.engine
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE calls SET (autovacuum_enabled = false)"))
        conn.execute(text("ANALYZE calls"))  # statistics of an empty queue
        conn.execute(text(
            "INSERT INTO calls (direction, state, queue_id, caller_number, dialled_number,"
            " route_order, route_rank, queued_at, talk_seconds, hold_seconds, hold_count,"
            " wrap_seconds, question, notes, handed_to, transferred, transfer_target, version)"
            " SELECT 'inbound', 'queued', :q, '+86138' || lpad(g::text, 8, '0'), '', 0,"
            " (g % 6), :t + g * interval '1 millisecond', 0, 0, 0, 0, '', '', '', false, '', 1"
            " FROM generate_series(1, :n) g"), {"q": general.id, "n": SURGE,
                                               "t": datetime(2026, 11, 23, tzinfo=UTC)})
    try:
        with engine.connect() as conn:
            if generic:
                plan = _function_plan(conn, agent.user_id)
                assert "Sort" not in plan, plan  # not every waiting call sorted
                assert "Seq Scan on calls" not in plan, plan
                assert "Index Scan using ix_calls_waiting on calls" in plan, plan
            else:
                pages = _shared_buffers_read(conn, next_call_query(agent.user_id,
                                                                   postgres=True))
                # Sorting the surge reads every page of it (~660); a claim reads a few.
                assert pages < 30, pages
            conn.rollback()
    finally:
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE calls RESET (autovacuum_enabled)"))


def test_one_claim_to_close_cycle_is_at_most_12_statements(pg_backend, monkeypatch):
    """F2 (claim, answered), the caller hangs up (end), the record is saved: issue 19 #4."""
    backend = pg_backend
    agent = floor(backend)["agent1"]
    backend.agents.log_in(agent)
    call_id = backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    counter = StatementCounter(backend.db.engine, monkeypatch)
    claimed = backend.calls.claim_next(agent)
    assert claimed is not None and claimed.id == call_id and claimed.state == "active"
    backend.calls.end(agent, call_id)
    closed = backend.calls.save_wrap_up(agent, call_id, WRAP)
    sent = list(counter.sent)
    assert closed.state == "closed"
    assert len(sent) <= 12, "\n".join(line[:160] for line in sent)
    # Every change still happened, with its events, and the other seats were woken.
    with backend.db.read() as s:
        kinds = list(s.scalars(select(CallEvent.kind).where(CallEvent.call_id == call_id)
                               .order_by(CallEvent.id)))
        seat = s.get(AgentStatus, agent.user_id)
        states = list(s.scalars(select(AgentStateEvent.state)
                                .where(AgentStateEvent.user_id == agent.user_id)
                                .order_by(AgentStateEvent.id)))
    assert kinds == ["queued", "offered", "answered", "ended", "closed"]
    assert seat.state == AgentState.AVAILABLE and seat.current_call_id is None
    assert states[-3:] == [AgentState.ON_CALL, AgentState.WRAP_UP, AgentState.AVAILABLE]
    assert sum("pg_notify" in s for s in sent) >= 3  # one per transaction, at least
