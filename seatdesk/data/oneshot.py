"""A write transaction's changes and its change batch in one PostgreSQL statement.

The ORM flushes a call's state change as four statements (UPDATE calls, UPDATE
agent_status, INSERT call_events, INSERT agent_state_events) and a service's NOTIFY was a
fifth: each a round trip the seat waits for, and the shared database's CPU (issue 19).
PostgreSQL accepts data-modifying statements as parts of one WITH; so when a session's
pending work is only that (rows changed by primary key, rows added to append-only
tables), it is sent as

    WITH w0 AS (UPDATE ...), w1 AS (INSERT ...), ... SELECT pg_notify(channel, batch)

where the batch is the numbered list of what changed (``floor_events``), so seats apply
it without a query. Anything else (deletes, new rows whose ids the code reads back) is
flushed by the ORM as before, and ``floor_events`` sends the batch at commit. Either way
the batch is delivered only if the transaction commits, as NOTIFY always was.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Insert, Update, func, insert, inspect, literal, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import instance_state

from seatdesk.data.floor_events import (
    BATCH_PREFIX,
    FEED_SEQUENCE,
    forget,
    note_objects,
    ready_body,
)
from seatdesk.data.topics import CHANGE_CHANNEL

# Tables whose new rows nobody reads back in the transaction that adds them (history,
# audit): their ids may stay unknown, so they can be written without RETURNING.
APPEND_ONLY = frozenset({"call_events", "agent_state_events", "audit_log"})

def _through_relationships(obj: Any) -> bool:
    """Whether a change goes through a relationship (its keys are set only by a flush)."""
    state = inspect(obj)
    return any(state.attrs[rel.key].history.has_changes()
               or (state.key is None and state.dict.get(rel.key) is not None)
               for rel in state.mapper.relationships)


def _changed(obj: Any) -> dict[str, Any] | None:
    """The changed columns of a persistent object, or None if it cannot be one UPDATE."""
    state = inspect(obj)
    mapper = state.mapper
    if len(mapper.tables) != 1 or _through_relationships(obj) or _updates_itself(mapper):
        return None
    values: dict[str, Any] = {}
    for attr in mapper.column_attrs:
        history = state.attrs[attr.key].history
        if history.added or history.deleted:
            column = attr.columns[0]
            if column.primary_key:
                return None
            values[column.key] = history.added[0] if history.added else None
    return values


def _updates_itself(mapper: Any) -> bool:
    """Whether an UPDATE of this table sets columns of its own (``onupdate``): only the
    ORM's flush fills those in, so such a row must go through it."""
    return any(c.onupdate is not None or c.server_onupdate is not None
               for c in mapper.local_table.columns)


def _added(obj: Any) -> dict[str, Any] | None:
    """The columns of a new append-only row, or None if it must go through the ORM."""
    state = inspect(obj)
    mapper = state.mapper
    if len(mapper.tables) != 1 or mapper.local_table.name not in APPEND_ONLY \
            or _through_relationships(obj):
        return None
    values: dict[str, Any] = {}
    for attr in mapper.column_attrs:
        column = attr.columns[0]
        if attr.key in state.dict:
            values[column.key] = state.dict[attr.key]
        elif column.server_default is not None and column.default is None:
            return None  # the database's own default: only an INSERT without it gives it
        elif not column.primary_key:
            values[column.key] = _default(column)
    return values


def _default(column: Any) -> Any:
    """A column's Python-side default, as the ORM would have filled it in."""
    default = column.default
    if default is None:
        return None
    if default.is_scalar:
        return default.arg
    if default.is_callable:
        return default.arg(None)
    return None


def _one_statement(session: Session) -> tuple[list[Update | Insert], list[Any], list[Any]] | None:
    if session.deleted:
        return None
    parts: list[Update | Insert] = []
    dirty, new = [], []
    for obj in session.dirty:
        if not session.is_modified(obj):
            continue
        values = _changed(obj)
        if values is None:
            return None
        if values:
            mapper = inspect(obj).mapper
            table = mapper.local_table
            keys = mapper.primary_key_from_instance(obj)
            where = [col == key for col, key in zip(mapper.primary_key, keys, strict=True)]
            parts.append(update(table).where(*where).values(values))
        dirty.append(obj)
    # New rows in the order they were added, one multi-row INSERT per table: its rows
    # take their ids in that order (the order of a call's events is its history).
    rows: dict[Any, list[dict[str, Any]]] = {}
    for obj in sorted(session.new, key=lambda o: instance_state(o).insert_order or 0):
        values = _added(obj)
        if values is None:
            return None
        rows.setdefault(inspect(obj).mapper.local_table, []).append(values)
        new.append(obj)
    parts.extend(insert(table).values(values) for table, values in rows.items())
    return parts, dirty, new


def _batch_column(body: str) -> ColumnElement[Any]:
    """The NOTIFY of a numbered change batch (``floor_events``), as a column of the SELECT."""
    return func.pg_notify(CHANGE_CHANNEL, func.concat(
        BATCH_PREFIX, func.nextval(FEED_SEQUENCE), " ", body))


def write_pending(session: Session, *, final: bool = True) -> None:
    """Send the session's pending changes (PostgreSQL) in the fewest statements; at the end
    of the transaction (``final``) its change batch goes in the same statement when it can.

    A batch that needs a query (a call back in the queue carries its queue row) or a flush
    the ORM must do is sent by ``floor_events`` at commit, as one more statement."""
    planned = _one_statement(session)
    if planned is None:
        session.flush()  # the flush notes its calls and seats for the batch itself
        return
    parts, dirty, new = planned
    note_objects(session, [*dirty, *new])
    body = ready_body(session) if final else None
    if not parts and body is None:
        return
    columns = [_batch_column(body)] if body is not None else [literal(1)]
    stmt = select(*columns).add_cte(*(part.cte(f"w{i}") for i, part in enumerate(parts)))
    session.connection().execute(stmt)  # not session.execute: that would autoflush
    if body is not None:
        forget(session)
    for obj in dirty:  # written: the ORM must not write them again at commit
        state = instance_state(obj)
        state._commit_all(state.dict, session.identity_map)
    for obj in new:  # history rows: nothing in the transaction reads them back
        session.expunge(obj)
