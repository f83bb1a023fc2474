"""The data layer turns driver errors into the project's own, so nothing above sniffs SQLAlchemy."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import text

from seatdesk.data.engine import Database
from seatdesk.data.migrate import is_current
from seatdesk.domain.errors import DatabaseRefused, DatabaseUnavailable, SeatdeskError
from seatdesk.runtime.journal import is_outage
from seatdesk.ui.errors import ServiceFailed, user_message


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_server_that_is_down_is_database_unavailable():
    db = Database(f"postgresql://postgres@127.0.0.1:{_closed_port()}/nowhere?connect_timeout=2")
    with pytest.raises(DatabaseUnavailable) as caught:
        with db.read() as s:
            s.execute(text("SELECT 1"))
    assert "cannot reach the database" in str(caught.value)
    assert is_outage(caught.value)
    assert user_message(caught.value) == (
        "the database cannot be reached; your work is kept, retrying")
    with pytest.raises(DatabaseUnavailable):
        is_current(db)  # the migration check at every desk start, too


def test_a_refused_statement_is_database_refused(db_url):
    db = Database(db_url)
    with pytest.raises(DatabaseRefused) as caught:
        with db.write() as s:
            s.execute(text("SELECT * FROM no_such_table"))
    assert isinstance(caught.value, SeatdeskError)
    assert not is_outage(caught.value)
    assert "database error" in str(caught.value)
    db.dispose()


def test_service_failed_carries_the_refused_field():
    from seatdesk.domain.errors import InvalidInput

    failed = ServiceFailed.of(InvalidInput("choose the call's category", "category"))
    assert (failed.text, failed.field) == ("choose the call's category", "category")
    assert ServiceFailed.of(KeyError("x")).text == "unexpected error: KeyError"


def test_service_failed_keeps_the_refusal_for_a_screen_that_says_more():
    """The roster screens add their own words for a broken rule, and say an outage with its
    detail (nothing there is kept and retried, as the desk's message would promise)."""
    from seatdesk.domain.roster.rules import Violation
    from seatdesk.services.roster import RuleBroken

    broken = RuleBroken([Violation("rest", None, None, "only 9 h rest")])
    failed = ServiceFailed.of(broken)
    assert failed.refusal is broken and failed.refusal_text == failed.text == "only 9 h rest"
    outage = ServiceFailed.of(DatabaseUnavailable("connection refused"))
    assert outage.outage and outage.refusal_text == (
        "cannot reach the database (connection refused)")
    bug = ServiceFailed.of(KeyError("x"))
    assert bug.refusal is None and bug.refusal_text == "unexpected error: KeyError"


def _terminate_pooled_connections(db: Database) -> None:
    """What a server restart does to a pooled connection: its backend goes away."""
    with db.read() as s:  # the pooled connection's own backend, about to be killed
        pid = s.execute(text("SELECT pg_backend_pid()")).scalar_one()
    import psycopg

    from tests.conftest import _pg_conninfo

    with psycopg.connect(_pg_conninfo("postgres"), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


@pytest.mark.postgres
def test_a_connection_idle_past_the_limit_is_pinged_and_replaced(pg_url, monkeypatch):
    """No ping per transaction (issue 19), but a seat back from a pause never sees the
    connection the server dropped meanwhile."""
    from seatdesk.data import engine as engine_module

    db = Database(pg_url)
    try:
        _terminate_pooled_connections(db)
        monkeypatch.setattr(engine_module, "IDLE_BEFORE_PING", 0.0)  # "a while" has passed
        with db.write() as s:
            assert s.execute(text("SELECT 1")).scalar_one() == 1
    finally:
        db.dispose()


@pytest.mark.postgres
def test_a_busy_connection_dropped_by_the_server_fails_once_then_works(pg_url):
    """A connection in steady use is not pinged: if the server drops it, that one
    transaction is an outage (the seat's work is kept and retried) and the next works."""
    db = Database(pg_url)
    try:
        _terminate_pooled_connections(db)
        with pytest.raises(DatabaseUnavailable):
            with db.write() as s:
                s.execute(text("SELECT 1"))
        with db.write() as s:
            assert s.execute(text("SELECT 1")).scalar_one() == 1
    finally:
        db.dispose()


@pytest.mark.postgres
def test_the_idle_ping_is_one_statement_alone(pg_url, monkeypatch, tmp_path):
    """The ping of a connection idle past the limit comes on every seat's once-a-minute
    safety read: SELECT 1 alone, not BEGIN, SELECT 1 and ROLLBACK (issue 19). What the
    server was sent is read from libpq's own trace of the connection."""
    from psycopg.pq import Trace

    from seatdesk.data import engine as engine_module

    db = Database(pg_url)
    try:
        with db.engine.connect() as conn:  # the pool's one connection, opened
            pgconn = conn.connection.dbapi_connection.pgconn
        trace = tmp_path / "trace"
        with trace.open("w") as out:
            pgconn.trace(out.fileno())
            pgconn.set_trace_flags(Trace.SUPPRESS_TIMESTAMPS)
            monkeypatch.setattr(engine_module, "IDLE_BEFORE_PING", 0.0)
            with db.read_once() as s:
                assert s.execute(text("SELECT 2")).scalar_one() == 2
            pgconn.untrace()
        sent = [line for line in trace.read_text().splitlines() if line.startswith("F")]
    finally:
        db.dispose()
    said = "\n".join(sent)
    assert "SELECT 1" in said, said  # it was pinged
    assert "BEGIN" not in said and "ROLLBACK" not in said, said
