"""Engines for both databases behind one code path.

SQLite (embedded): WAL so readers never block the writer, foreign keys on, a busy
timeout, and write transactions that BEGIN IMMEDIATE: a deferred transaction that reads
and then writes can fail with "database is locked" when another seat wrote in between,
and no busy timeout saves it. Reads use a plain deferred BEGIN so they never queue
behind writers.

PostgreSQL (a real floor): psycopg 3; a connection idle for a while is pinged before use,
so a restarted server is survived; a write transaction ends with its pending changes and
change-feed hints in as few statements as possible (``seatdesk.data.oneshot``).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import CursorResult, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    DisconnectionError,
    IntegrityError,
    OperationalError,
)
from sqlalchemy.orm import Session, sessionmaker

from seatdesk.data.oneshot import write_pending
from seatdesk.domain.errors import DatabaseRefused, DatabaseUnavailable, DuplicateRecord
from seatdesk.domain.i18n import _


class DatabaseUrlError(ValueError):
    """The database URL is not one seatdesk can use."""


def _first_line(exc: DBAPIError) -> str:
    lines = str(exc.orig if exc.orig is not None else exc).strip().splitlines()
    return lines[0] if lines else exc.__class__.__name__


@contextmanager
def driver_errors() -> Iterator[None]:
    """Turn the driver's errors into the project's own, where they happen.

    Everything above the data layer sees ``DatabaseUnavailable`` (keep the work, retry)
    or ``DatabaseRefused`` (say what was refused), never a SQLAlchemy exception; a unique
    key taken first is ``DuplicateRecord``, which a service that expects the race catches.
    """
    try:
        yield
    except DBAPIError as exc:
        if _is_outage(exc):
            raise DatabaseUnavailable(_first_line(exc)) from exc
        if _is_duplicate(exc):
            # A unique key another seat took first: the services expect this race.
            raise DuplicateRecord(_first_line(exc)) from exc
        raise DatabaseRefused(_first_line(exc)) from exc


@contextmanager
def savepoint(session: Session) -> Iterator[None]:
    """A nested transaction for rows whose unique key a racing worker may take first.

    The unique violation becomes ``DuplicateRecord`` here (``driver_errors``), so the
    service that expects it catches the project's error; the outer transaction goes on.
    """
    with driver_errors(), session.begin_nested():
        yield


# PostgreSQL's unique_violation; SQLite says it in words (its extended codes are not
# exposed by every Python build).
_UNIQUE_SQLSTATE = "23505"


def _is_duplicate(exc: DBAPIError) -> bool:
    if not isinstance(exc, IntegrityError):
        return False
    if isinstance(exc.orig, sqlite3.Error):
        return "UNIQUE constraint failed" in str(exc.orig)
    return getattr(exc.orig, "sqlstate", None) == _UNIQUE_SQLSTATE


# sqlite3 raises OperationalError for a missing table or bad SQL too; only these mean the
# file cannot be used right now.
_SQLITE_OUTAGES = ("locked", "busy", "unable to open", "disk i/o", "readonly", "disk is full")


def _is_outage(exc: DBAPIError) -> bool:
    if exc.connection_invalidated:
        return True
    if not isinstance(exc, OperationalError):
        return False
    if isinstance(exc.orig, sqlite3.Error):
        return any(word in str(exc.orig).lower() for word in _SQLITE_OUTAGES)
    return True  # psycopg's OperationalError is about the connection


def rows_changed(result: object) -> int:
    """How many rows the UPDATE or DELETE whose ``result`` this is changed.

    ``Session.execute`` is typed as giving a plain ``Result``; for a DML statement it gives a
    ``CursorResult``, the only kind that counts rows. Anything else is a caller's mistake.
    """
    if not isinstance(result, CursorResult):
        raise TypeError(f"{type(result).__name__} counts no rows: not a DML statement's result")
    return int(result.rowcount)


def normalise_url(url: str) -> str:
    """Accept postgres:// and postgresql:// and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, *, echo: bool = False, name: ConnectionName | None = None) -> Engine:
    url = normalise_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUrlError(_("not a database URL: {url!r}").format(url=url)) from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url, echo)
    if backend == "postgresql":
        if parsed.get_driver_name() != "psycopg":
            raise DatabaseUrlError(_("use postgresql+psycopg:// (psycopg 3) for PostgreSQL"))
        return _postgres_engine(url, echo, name or ConnectionName(url))
    raise DatabaseUrlError(_("unsupported database {backend!r}: use sqlite or postgresql")
                           .format(backend=backend))


# A pooled connection unused this long is pinged before use (a restarted server or a
# dropped NAT entry is found then, not by the seat's next action). A connection in steady
# use is not: a ping per transaction was a round trip in every claim (issue 19). A
# connection that fails anyway is invalidated with every older one (SQLAlchemy's
# disconnect handling), and the seat's work is kept and retried (DatabaseUnavailable).
IDLE_BEFORE_PING = 30.0


# What a DBA sees in pg_stat_activity.application_name for a seatdesk connection until the
# process says who it is (``Database.name_connections``, e.g. "seatdesk seat alice").
DEFAULT_CONNECTION_NAME = "seatdesk"
# PostgreSQL keeps the first 63 bytes (NAMEDATALEN - 1) of an application_name.
_NAME_LIMIT = 63


class ConnectionName:
    """The application_name of an engine's connections; None when the URL or PGAPPNAME
    already chose one (the operator's name wins and is never changed)."""

    def __init__(self, url: str) -> None:
        chosen = "application_name" in make_url(url).query or "PGAPPNAME" in os.environ
        self.value: str | None = None if chosen else DEFAULT_CONNECTION_NAME

    def set(self, name: str) -> None:
        if self.value is not None:
            self.value = name.encode("utf-8")[:_NAME_LIMIT].decode("utf-8", "ignore")


def _prepare_threshold(url: str) -> tuple[str, dict[str, Any]]:
    """``?prepare_threshold=none`` (psycopg's own name) taken off the URL into the driver's
    arguments: behind PgBouncer in transaction mode (before 1.21, or without
    max_prepared_statements) a server-side prepared statement made in one transaction is
    gone, or someone else's, in the next; ``none`` turns psycopg's automatic preparing off."""
    parsed = make_url(url)
    if "prepare_threshold" not in parsed.query:
        return url, {}
    raw = parsed.query["prepare_threshold"]
    value = raw if isinstance(raw, str) else raw[-1]
    try:
        threshold = None if value.lower() in ("none", "") else int(value)
    except ValueError:
        raise DatabaseUrlError(_("prepare_threshold takes a number or none, not {value!r}")
                               .format(value=value)) from None
    stripped = parsed.difference_update_query(["prepare_threshold"])
    return stripped.render_as_string(hide_password=False), {"prepare_threshold": threshold}


def _postgres_engine(url: str, echo: bool, name: ConnectionName) -> Engine:
    url, connect_args = _prepare_threshold(url)
    # One connection kept open (a seat at rest holds one, issue 19: 500 seats are 500
    # connections, not 2,000); up to 14 more for bursts, closed when returned.
    engine = create_engine(url, echo=echo, pool_size=1, max_overflow=14,
                           connect_args=connect_args)

    @event.listens_for(engine, "do_connect")
    def _on_connect(_dialect: Any, record: Any, _cargs: Any, cparams: dict[str, Any]) -> None:
        if name.value is not None:
            cparams["application_name"] = name.value
            record.info["application_name"] = name.value

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        if name.value is not None and record.info.get("application_name") != name.value:
            # Opened before the seat signed in: say who holds it now. application_name is
            # a parameter PgBouncer tracks per client, so this survives transaction pooling.
            dbapi_conn.execute("SELECT set_config('application_name', %s, false)",
                               (name.value,))
            dbapi_conn.commit()
            record.info["application_name"] = name.value
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_BEFORE_PING:
            return
        import psycopg  # only a PostgreSQL engine gets here

        try:
            # Outside a transaction: SELECT 1 alone, not BEGIN, SELECT 1 and ROLLBACK. A
            # seat's safety reads come once a minute, so each of them is pinged (issue 19).
            was = dbapi_conn.autocommit
            dbapi_conn.autocommit = True
            try:
                dbapi_conn.execute("SELECT 1")
            finally:
                dbapi_conn.autocommit = was
        except psycopg.Error as exc:  # the connection is gone: the pool opens a new one
            raise DisconnectionError(str(exc)) from exc

    return engine


def _sqlite_engine(url: str, echo: bool) -> Engine:
    engine = create_engine(url, echo=echo, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control from the driver so we can say BEGIN IMMEDIATE ourselves.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if not url.endswith(":memory:") and url != "sqlite://":
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


# One lock per SQLite file per process. SQLite's busy handler retries with growing
# sleeps, which is unfair: under a burst of writers one seat can lose every race and
# hit the busy timeout. Queuing same-process writers on a lock first leaves SQLite
# only the (rare) cross-process contention.
_sqlite_write_locks: dict[str, threading.RLock] = {}
_sqlite_locks_guard = threading.Lock()


def _sqlite_write_lock(url: str) -> threading.RLock:
    with _sqlite_locks_guard:
        return _sqlite_write_locks.setdefault(url, threading.RLock())


def database_identity(url: str) -> str:
    """The database a URL names: engine, host, port and name (a SQLite file's full path)."""
    parsed = make_url(normalise_url(url))
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        name = parsed.database or ":memory:"
        if name != ":memory:":
            from pathlib import Path

            name = str(Path(name).expanduser().resolve())
        return f"sqlite:{name}"
    return (f"{backend}://{parsed.username or ''}@{parsed.host or 'localhost'}:"
            f"{parsed.port or 5432}/{parsed.database or ''}")


# The SQLite files this process has open: an export must never be written over one
# (seatdesk.exchange.exporter.open_output).
_open_sqlite_files: set[str] = set()


def open_sqlite_files() -> frozenset[str]:
    """The resolved paths of the SQLite database files opened by this process."""
    return frozenset(_open_sqlite_files)


class Database:
    """The engine plus the two kinds of session every service uses."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = normalise_url(url)
        self._name = ConnectionName(self.url)
        self.engine = make_engine(self.url, echo=echo, name=self._name)
        self.dialect = self.engine.dialect.name
        read_engine = (
            self.engine.execution_options(sqlite_begin="DEFERRED")
            if self.dialect == "sqlite"
            else self.engine
        )
        self._writer = sessionmaker(self.engine, expire_on_commit=False)
        self._reader = sessionmaker(read_engine, expire_on_commit=False)
        # A read outside any transaction on PostgreSQL (``read_once``); SQLite's deferred
        # BEGIN costs no round trip, so there it is the plain read.
        self._glance = (
            sessionmaker(self.engine.execution_options(isolation_level="AUTOCOMMIT"),
                         expire_on_commit=False)
            if self.dialect == "postgresql"
            else self._reader
        )
        if self.dialect == "postgresql":
            # Each commit that signals a topic sends one batch of what it changed (issue 19).
            from seatdesk.data.floor_events import install

            install(self._writer)
        self._write_lock = _sqlite_write_lock(self.url) if self.dialect == "sqlite" else None
        if self.dialect == "sqlite" and self.identity != "sqlite::memory:":
            _open_sqlite_files.add(self.identity.removeprefix("sqlite:"))

    @property
    def identity(self) -> str:
        """Which database this is, without its password, known without connecting.

        The offline journal stamps it on every entry so a record is only ever written to
        the database it was typed against.
        """
        return database_identity(self.url)

    @property
    def connection_name(self) -> str | None:
        """The application_name this database's connections give PostgreSQL (None: the
        URL or PGAPPNAME chose it)."""
        return self._name.value

    def name_connections(self, name: str) -> None:
        """Name this process's connections, e.g. "seatdesk seat alice", so a DBA sees in
        pg_stat_activity who holds which; open ones take the name at their next use."""
        self._name.set(name)

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed on success, rolled back on error."""
        if self._write_lock is None:
            with driver_errors(), self._writer.begin() as session:
                yield session
                write_pending(session)
            return
        with driver_errors(), self._write_lock, self._writer.begin() as session:
            yield session

    def flush(self, session: Session, *, last: bool = False) -> None:
        """Write what ``session`` holds now. On PostgreSQL in one go; with ``last`` (nothing
        more is written in this transaction) its change batch goes in the same statement."""
        with driver_errors():
            if self.is_postgres:
                write_pending(session, final=last)
            else:
                session.flush()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only transaction that never waits for the write lock."""
        with driver_errors(), self._reader.begin() as session:
            yield session

    @contextmanager
    def read_once(self) -> Iterator[Session]:
        """A read of one statement, or of statements that need no snapshot in common: on
        PostgreSQL outside any transaction, so the server gets the statement alone, not
        BEGIN, the statement and COMMIT (three round trips where one does). The seats'
        frequent reads (the status line, the queue, the ring check) use it: every seat
        makes them once a minute and whenever a change concerns it (issue 19)."""
        with driver_errors(), self._glance.begin() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
