"""The desk's status line: the seat's state, today's figures and its callback alerts.

Every seat re-reads it whenever a change concerns it and once a minute besides (issue 19):
on a floor of 200 seats that is several reads a second, so it is one statement in one
transaction, not four statements in three.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import event

from seatdesk.services.callbacks import CallbackInput
from seatdesk.services.container import Backend
from seatdesk.services.dto import SYSTEM, WrapUp
from seatdesk.ui.screens.desk.presence import read_status
from tests.factories import customer, floor
from tests.statements import StatementCounter

WRAP = WrapUp(category="query", disposition="resolved", resolved=True, notes="ok")


def _seat(backend: Backend, actor, since):
    """What ``read_status`` reads of the desk's seat: its backend, who, and today's start."""
    return SimpleNamespace(backend=backend, actor=actor, today_start=lambda: since)


def _busy_morning(backend: Backend, clock):
    """agent1: two calls closed today (one before ``since``), callbacks soon and late."""
    people = floor(backend)
    agent = people["agent1"]
    backend.agents.log_in(agent)
    handled = []
    for n in range(2):
        call_id = backend.calls.offer_inbound(SYSTEM, f"1380013800{n}", "general")
        backend.calls.claim(agent, call_id, answer=True)
        clock.advance(seconds=90 + 30 * n)
        backend.calls.end(agent, call_id)
        clock.advance(seconds=20)
        backend.calls.save_wrap_up(agent, call_id, WRAP)
        handled.append(call_id)
        if n == 0:
            clock.advance(seconds=1)
            since = clock()  # the first call closed before "today" starts
    cid = customer(backend, agent, "郑一", "13800138005")
    backend.callbacks.schedule(agent, CallbackInput(cid, clock() + timedelta(minutes=10)))
    backend.callbacks.schedule(agent, CallbackInput(cid, clock() + timedelta(minutes=1)))
    backend.callbacks.schedule(agent, CallbackInput(cid, clock() + timedelta(days=1)))
    clock.advance(minutes=5)
    return people, agent, since


def test_the_status_line_shows_state_figures_and_alerts(backend, clock):
    people, agent, since = _busy_morning(backend, clock)
    status = read_status(_seat(backend, agent, since))
    assert status.state == "available" and status.since is not None
    assert status.handled_today == 1
    # The second call: 120 s of talk and 20 s of wrap-up (the clock's own seconds).
    assert status.average_handle_seconds == 140
    assert (status.callbacks_due, status.callbacks_overdue) == (1, 1)
    assert (status.callbacks_due, status.callbacks_overdue) == backend.callbacks.alerts(agent)
    # A seat never signed in: no row of its own, nothing handled, nothing due.
    other = read_status(_seat(backend, people["agent2"], since))
    assert (other.state, other.handled_today, other.callbacks_due) == ("logged_out", 0, 0)


@pytest.mark.postgres
def test_the_status_line_is_one_statement(pg_url, clock, monkeypatch):
    backend = Backend.open(pg_url, clock)
    try:
        _people, agent, since = _busy_morning(backend, clock)
        read_status(_seat(backend, agent, since))  # the connection opened and named
        counter = StatementCounter(backend.db.engine, monkeypatch)
        # What PostgreSQL said of the transaction after each statement: none was open.
        after: list[object] = []

        def seen(conn, *_args) -> None:
            after.append(conn.connection.dbapi_connection.info.transaction_status)

        event.listen(backend.db.engine, "after_cursor_execute", seen)
        status = read_status(_seat(backend, agent, since))
        event.remove(backend.db.engine, "after_cursor_execute", seen)
        sent = list(counter.sent)
    finally:
        backend.close()
    assert status.handled_today == 1 and status.callbacks_overdue == 1
    selects = [s for s in sent if s.startswith("SELECT")]
    assert len(selects) == 1, "\n".join(line[:160] for line in sent)
    assert len(sent) <= 3, "\n".join(line[:160] for line in sent)  # BEGIN, SELECT, end
    assert after == [TransactionStatus.IDLE], "the status line ran in a transaction"
