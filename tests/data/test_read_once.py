"""``Database.read_once``: the seats' frequent one-statement reads, outside a transaction.

A seat's status line, queue and ring check are read once a minute by every seat and
whenever a change concerns it (issue 19). In a transaction each is BEGIN, the statement
and COMMIT: three round trips where one does. On PostgreSQL ``read_once`` sends the
statement alone; the server itself says whether a transaction was open.
"""

from __future__ import annotations

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import text

from seatdesk.data.engine import Database
from seatdesk.data.models import Call
from seatdesk.services.container import Backend
from seatdesk.services.dto import SYSTEM
from tests.factories import floor

pytestmark = pytest.mark.postgres


def _server_status(session) -> TransactionStatus:
    """The transaction status PostgreSQL reported with its last ReadyForQuery."""
    return session.connection().connection.dbapi_connection.info.transaction_status


def test_a_single_read_opens_no_transaction(pg_url):
    db = Database(pg_url)
    try:
        with db.read_once() as s:
            assert s.execute(text("SELECT 1")).scalar() == 1
            assert _server_status(s) == TransactionStatus.IDLE
        with db.read() as s:  # a read that needs one snapshot still has its transaction
            s.execute(text("SELECT 1"))
            assert _server_status(s) == TransactionStatus.INTRANS
        with db.write() as s:  # and the pool's connection is back to transactions
            s.execute(text("SELECT 1"))
            assert _server_status(s) == TransactionStatus.INTRANS
        with db.read_once() as s:
            assert _server_status(s) == TransactionStatus.IDLE
    finally:
        db.dispose()


def test_a_write_after_a_single_read_is_still_one_transaction(pg_url, clock):
    backend = Backend.open(pg_url, clock)
    try:
        agent = floor(backend)["agent1"]
        backend.agents.log_in(agent)
        assert backend.calls.waiting(agent) == []
        call_id = backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
        with backend.db.read_once() as s:
            number = s.get(Call, call_id).caller_number
        # A write that fails part-way leaves nothing behind: it was not in autocommit.
        with pytest.raises(RuntimeError), backend.db.write() as s:
            s.get(Call, call_id).caller_number = "13900000000"
            s.flush()
            raise RuntimeError("the seat's network went")
        with backend.db.read_once() as s:
            assert s.get(Call, call_id).caller_number == number
        assert [c.id for c in backend.calls.waiting(agent)] == [call_id]
    finally:
        backend.close()
