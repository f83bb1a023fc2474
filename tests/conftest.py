"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, a frozen clock.

PostgreSQL tests need the server on 127.0.0.1:5432 (or SEATDESK_TEST_PG). Where it is
unreachable they skip, unless SEATDESK_REQUIRE_PG=1 (as .ci/run sets): then they fail,
so CI always tests the real shared database.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text

from seatdesk.data.engine import Database
from seatdesk.data.migrate import upgrade
from seatdesk.data.models import Base
from seatdesk.domain.clock import FrozenClock
from seatdesk.services.container import Backend

PG_ADMIN = os.environ.get("SEATDESK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
REQUIRE_PG = os.environ.get("SEATDESK_REQUIRE_PG") == "1"


def _pg_conninfo(dbname: str) -> str:
    from sqlalchemy.engine import make_url

    u = make_url(PG_ADMIN)
    return (f"host={u.host or '127.0.0.1'} port={u.port or 5432} user={u.username or 'postgres'}"
            + (f" password={u.password}" if u.password else "") + f" dbname={dbname}")


def _pg_url(dbname: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(PG_ADMIN).set(drivername="postgresql+psycopg", database=dbname) \
        .render_as_string(hide_password=False)


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    """Tests create many users; a lighter scrypt cost keeps them fast.

    The stored hash records its own parameters, so verification is the real code path.
    """
    from seatdesk.domain import passwords

    saved = passwords._N
    passwords._N = 2**8
    yield
    passwords._N = saved


@pytest.fixture(autouse=True)
def _english_unless_asked() -> Iterator[None]:
    """The language is process-wide: a test that switches to Chinese must not leak it."""
    from seatdesk.domain.i18n import set_language

    set_language("en")
    yield
    set_language("en")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own data directory, never the user's real one."""
    monkeypatch.setenv("SEATDESK_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SEATDESK_DB", raising=False)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once; each test copies it (much faster than migrating)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    db.dispose()
    return path


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A throwaway PostgreSQL database for this test run, migrated to head."""
    name = f"seatdesk_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(_pg_conninfo("postgres"), autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL is required (SEATDESK_REQUIRE_PG=1) but unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = _pg_url(name)
    db = Database(url)
    upgrade(db)
    db.dispose()
    try:
        yield url
    finally:
        with psycopg.connect(_pg_conninfo("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _truncate_pg(db: Database) -> None:
    """Empty every table between tests.

    DELETE with foreign-key triggers off (the test role is a superuser) is several times
    faster than TRUNCATE for the handful of rows a test leaves behind.
    """
    with db.engine.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(text(f'DELETE FROM "{table.name}"'))


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "seatdesk.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def pg_url(pg_database: str) -> Iterator[str]:
    db = Database(pg_database)
    _truncate_pg(db)
    db.dispose()
    yield pg_database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Each data test runs on both engines."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 11, 23, 1, 30, tzinfo=UTC))  # 09:30 in Shanghai


@pytest.fixture
def backend(db_url: str, clock: FrozenClock) -> Iterator[Backend]:
    b = Backend.open(db_url, clock)
    try:
        yield b
    finally:
        b.close()
