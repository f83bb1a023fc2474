"""A seat at rest and its PostgreSQL connections (issue 19: one connection per seat).

The real app signs in through the sign-in screen on PostgreSQL and rests; then
pg_stat_activity says how many connections the seat holds, in which state and under which
name. Targets: with the database's own LISTEN/NOTIFY a seat holds its listener and one
pooled connection (2); with ``SEATDESK_EVENTS`` (a bus) only the pooled one (1), and that
one carries no session state a transaction-mode PgBouncer would lose: no LISTEN, no
server-side prepared statement. Never a connection idle in a transaction.
"""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from seatdesk.services.container import Backend
from seatdesk.services.settings import Settings
from seatdesk.ui.app import SeatdeskApp
from tests.bus_support import redis_or_skip
from tests.factories import FLOOR_PASSWORD, floor
from tests.ui.desk_support import settle, until

pytestmark = pytest.mark.postgres

SEAT_NAME = "seatdesk seat agent1"


def _connections(url: str) -> list[tuple[str, str, str]]:
    """(application_name, state, last query) of every other connection to the database."""
    u = make_url(url)
    with psycopg.connect(host=u.host or "localhost", port=u.port or 5432, user=u.username,
                         password=u.password, dbname="postgres", autocommit=True) as admin:
        rows = admin.execute(
            "SELECT coalesce(application_name, ''), coalesce(state, ''), coalesce(query, '') "
            "FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (u.database,)).fetchall()
    return [(str(a), str(b), str(c)) for a, b, c in rows]


def _held_at_rest(url: str, at_most: int) -> list[tuple[str, str, str]]:
    """The connections once the count settles: a connection just closed (an overflow one
    returned by a worker) stays in pg_stat_activity until its server process exits."""
    import time

    deadline = time.monotonic() + 3.0
    held = _connections(url)
    while len(held) > at_most and time.monotonic() < deadline:
        time.sleep(0.1)
        held = _connections(url)
    return held


async def _signed_in_at_rest(url: str, clock, settings: Settings):  # type: ignore[no-untyped-def]
    setup = Backend.open(url, clock)
    floor(setup)
    setup.close()
    app = SeatdeskApp(lambda: Backend.open(url, clock), settings, login="agent1", clock=clock)
    return app


async def _sign_in_and_rest(app, pilot) -> None:  # type: ignore[no-untyped-def]
    await until(app, pilot, lambda: app.screen.__class__.__name__ == "LoginScreen")
    await pilot.click("#password")
    await pilot.press(*FLOOR_PASSWORD, "enter")
    assert await until(app, pilot, lambda: getattr(getattr(app.screen, "status", None),
                                                   "state", None) == "available")
    await settle(app, pilot)
    for _ in range(4):  # at rest: the desk's timers and the feed's slow poll run meanwhile
        await pilot.pause(0.5)
    await settle(app, pilot)


async def test_a_seat_at_rest_on_listen_notify_holds_its_listener_and_one_more(pg_url, clock):
    app = await _signed_in_at_rest(pg_url, clock, Settings(db_url=pg_url, events_url=""))
    async with app.run_test(size=(120, 40)) as pilot:
        await _sign_in_and_rest(app, pilot)
        held = _held_at_rest(pg_url, 2)
        assert [name for name, _s, _q in held] == [SEAT_NAME] * len(held), held
        assert len(held) <= 2, held
        assert not [s for _n, s, _q in held if s.startswith("idle in transaction")], held
    app.backend.close()


async def test_a_seat_at_rest_on_a_bus_holds_one_connection_pgbouncer_can_share(pg_url, clock):
    """With a bus, and ``?prepare_threshold=none`` as a transaction-mode PgBouncer needs."""
    bus = redis_or_skip()
    url = f"{pg_url}?prepare_threshold=none"
    app = await _signed_in_at_rest(url, clock, Settings(db_url=url, events_url=bus))
    async with app.run_test(size=(120, 40)) as pilot:
        await _sign_in_and_rest(app, pilot)
        for _ in range(8):  # more than psycopg's default threshold (5) for preparing
            app.backend.users.actor("agent1")
        held = _held_at_rest(pg_url, 1)
        assert len(held) <= 1, held
        assert [name for name, _s, _q in held] == [SEAT_NAME] * len(held), held
        assert not [s for _n, s, _q in held if s.startswith("idle in transaction")], held
        # The pooled connection itself (the pool keeps one): nothing a transaction-mode
        # pooler would lose when it hands the server connection to another client.
        with app.backend.db.engine.connect() as conn:
            listening = conn.execute(text("SELECT count(*) FROM pg_listening_channels()"))
            assert listening.scalar_one() == 0
            prepared = conn.execute(text("SELECT count(*) FROM pg_prepared_statements"))
            assert prepared.scalar_one() == 0
    app.backend.close()


def test_a_prepare_threshold_that_is_not_a_number_is_refused_before_connecting():
    from seatdesk.data.engine import DatabaseUrlError, make_engine

    with pytest.raises(DatabaseUrlError, match="prepare_threshold"):
        make_engine("postgresql://u@127.0.0.1:1/x?prepare_threshold=often")
