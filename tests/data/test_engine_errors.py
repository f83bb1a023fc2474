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
