"""Floor events: what changed in a write transaction, in the words a seat needs.

Before issue 19 a commit told every seat only *that* something changed ("queue",
"floor"), and every seat re-read its queue and status line: the database's work grew with
seats × changes. Now each write transaction that signals a topic sends **one** batch: its
topics, a sequence number, and an event per call or seat whose state it changed (the
call, its queue, its new state, the seat concerned; a call that is waiting carries its
queue row, so a seat adds it without a query).

The batch is derived from the session here, at commit, rather than written by each
service: every writer is covered, including ones added later. A bulk UPDATE of calls or
seats (which the session cannot see row by row) marks the batch ``full``: seats re-read.

On PostgreSQL the batch is one ``pg_notify`` whose sequence number is ``nextval`` of
``seatdesk_feed_seq`` (migration f1); a seat that sees a number jump re-reads in full.
A transaction that rolls back after taking a number leaves a harmless gap (one
unnecessary re-read). SQLite has no NOTIFY: its feed still says only "*".

Every seat receives every batch, whatever its role, so a batch carries only what the
queue pane of the least privileged role shows: the caller's number masked
(``domain.phone.mask``). A seat that sees numbers unmasked reads them itself
(``ui.queue_view``: one point read per batch that adds waiting calls).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, event, inspect, select, text
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, sessionmaker

from seatdesk.data.models import AgentStatus, Call, Customer, Queue
from seatdesk.data.topics import CHANGE_CHANNEL
from seatdesk.domain import phone
from seatdesk.domain.enums import CallState

FEED_SEQUENCE = "seatdesk_feed_seq"
# A NOTIFY payload must stay under 8000 bytes; a bigger batch is sent as "re-read".
MAX_PAYLOAD = 7000
BATCH_PREFIX = "ev "

_TOPICS = "seatdesk_topics"
_CALLS = "seatdesk_changed_calls"
_SEATS = "seatdesk_changed_seats"
_FULL = "seatdesk_full"


@dataclass(frozen=True)
class CallChange:
    """A call's new state; ``row`` (the queue pane's fields) when it is waiting."""

    call_id: int
    queue_id: int | None
    state: str
    agent_id: int | None
    row: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class SeatChange:
    """A seat's new state (its status line needs a re-read; nobody else's does)."""

    user_id: int
    state: str


@dataclass(frozen=True)
class Batch:
    """One committed transaction's changes, numbered by the feed."""

    seq: int
    topics: frozenset[str]
    calls: tuple[CallChange, ...] = ()
    seats: tuple[SeatChange, ...] = ()
    full: bool = False  # the changes are not all listed: re-read
    # The feed proves no batch before this one was lost (the bus's stream): a jump in
    # ``seq`` is then a rolled-back or later-committing number, not a missed batch.
    unbroken: bool = False

    def concerns(self, user_id: int | None) -> bool:
        """Whether this batch changed something of seat ``user_id``'s own."""
        return self.full or any(s.user_id == user_id for s in self.seats) or any(
            c.agent_id == user_id for c in self.calls)


@dataclass
class _Pending:
    calls: dict[int, Call] = field(default_factory=dict)
    seats: dict[int, AgentStatus] = field(default_factory=dict)


# ---- waiting rows: the one select the queue pane and the events share --------------------------


def waiting_select() -> Select[Any]:
    """The queue pane's columns of waiting calls, in the order seats take them."""
    columns: list[Any] = [
        Call.id, Queue.code, Queue.name, Queue.name_zh, Call.caller_number, Customer.name,
        Customer.grade, Customer.key_account, Call.queued_at, Queue.wait_alert_seconds,
        Call.target_agent_id, Call.route_rank, Call.route_order, Call.queue_id]
    return (
        select(*columns)
        .join(Queue, Queue.id == Call.queue_id)
        .outerjoin(Customer, Customer.id == Call.customer_id)
        .where(Call.state == CallState.QUEUED)
        .order_by(Call.route_order, Call.route_rank, Call.queued_at, Call.id)
    )


ROW_KEYS = ("id", "queue_code", "queue_name", "queue_name_zh", "caller_number",
            "customer_name", "grade", "key_account", "queued_at", "wait_alert_seconds",
            "target_agent_id", "route_rank", "route_order", "queue_id")


def row_dict(row: Iterable[Any]) -> dict[str, Any]:
    return dict(zip(ROW_KEYS, row, strict=True))


def wire_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A waiting call's row as it may travel to every seat: its number masked."""
    number = row["caller_number"]
    return {**row, "caller_number": phone.mask(number) if number else number}


# ---- collecting what a transaction changed -------------------------------------------------


def note_topic(session: Session, topic: str) -> None:
    """Remember ``topic`` for this transaction's batch (sent at commit)."""
    topics: list[str] = session.info.setdefault(_TOPICS, [])
    if topic not in topics:
        topics.append(topic)


def _pending(session: Session) -> _Pending:
    found = session.info.get(_CALLS)
    if found is None:
        found = session.info[_CALLS] = _Pending()
    return found


def _after_flush(session: Session, _context: object) -> None:
    note_objects(session, list(session.new) + list(session.dirty))


def note_objects(session: Session, objects: Iterable[object]) -> None:
    """Remember the calls and seats among ``objects`` (about to be written) for the batch.

    Called by the ORM's flush, and by ``data.oneshot`` for what it writes itself."""
    pending = _pending(session)
    for obj in objects:
        if isinstance(obj, Call):
            insp = inspect(obj)
            if obj in session.new or insp.attrs.state.history.has_changes() \
                    or obj.state == CallState.QUEUED:
                pending.calls[obj.id] = obj
        elif isinstance(obj, AgentStatus):
            pending.seats[obj.user_id] = obj


def _on_execute(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and any(
            m.class_ in (Call, AgentStatus) for m in state.all_mappers):
        state.session.info[_FULL] = True


def _state_value(value: Any) -> str:
    return str(getattr(value, "value", value))


def collect(session: Session) -> tuple[list[CallChange], list[SeatChange], bool]:
    """The changes this transaction made so far (flushing first), and whether all are known."""
    session.flush()
    pending: _Pending = session.info.get(_CALLS) or _Pending()
    queued = [c.id for c in pending.calls.values() if c.state == CallState.QUEUED]
    rows: dict[int, dict[str, Any]] = {}
    if queued:
        for r in session.execute(waiting_select().where(Call.id.in_(queued))):
            rows[r[0]] = wire_row(row_dict(r))
    calls = [CallChange(c.id, c.queue_id, _state_value(c.state), c.agent_id, rows.get(c.id))
             for c in pending.calls.values()]
    seats = [SeatChange(s.user_id, _state_value(s.state)) for s in pending.seats.values()]
    return calls, seats, bool(session.info.get(_FULL))


def ready_body(session: Session) -> str | None:
    """The batch body if it can be sent now, with no query: topics were signalled and no
    changed call is waiting (a waiting call's queue row is read at commit instead).
    ``forget`` must follow once it is sent."""
    topics: list[str] | None = session.info.get(_TOPICS)
    if not topics:
        return None
    pending: _Pending = session.info.get(_CALLS) or _Pending()
    if any(c.state == CallState.QUEUED for c in pending.calls.values()):
        return None
    calls = [CallChange(c.id, c.queue_id, _state_value(c.state), c.agent_id)
             for c in pending.calls.values()]
    seats = [SeatChange(s.user_id, _state_value(s.state)) for s in pending.seats.values()]
    return encode(topics, calls, seats, bool(session.info.get(_FULL)))


def forget(session: Session) -> None:
    """The batch was sent: nothing is left for the commit to send."""
    _forget(session)


def encode(topics: Iterable[str], calls: Iterable[CallChange], seats: Iterable[SeatChange],
           full: bool) -> str:
    """The batch body (without its sequence number): compact JSON."""
    # "m": the rows' numbers are masked (a seat masks a row of an older writer itself).
    body: dict[str, Any] = {"t": list(topics), "m": 1}
    if full:
        body["f"] = 1
    body["c"] = [[c.call_id, c.queue_id, c.state, c.agent_id,
                  _jsonable(c.row) if c.row is not None else None] for c in calls]
    body["s"] = [[s.user_id, s.state] for s in seats]
    text_ = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    if len(text_.encode()) > MAX_PAYLOAD:
        text_ = json.dumps({"t": list(topics), "f": 1, "c": [], "s": []},
                           separators=(",", ":"))
    return text_


def _jsonable(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}


def decode(seq: int, body: str) -> Batch:
    """A batch from its wire form (the inverse of ``encode``)."""
    data = json.loads(body)
    calls = []
    for call_id, queue_id, state, agent_id, row in data.get("c", []):
        if row is not None and isinstance(row.get("queued_at"), str):
            row = {**row, "queued_at": datetime.fromisoformat(row["queued_at"])}
        if row is not None and not data.get("m"):
            row = wire_row(row)  # from a writer older than masking on the wire
        calls.append(CallChange(call_id, queue_id, state, agent_id, row))
    seats = tuple(SeatChange(u, s) for u, s in data.get("s", []))
    return Batch(seq, frozenset(data.get("t", [])), tuple(calls), seats, bool(data.get("f")))


def parse_note(payload: str) -> Batch | None:
    """A NOTIFY payload as a batch, or None for a plain topic hint."""
    if not payload.startswith(BATCH_PREFIX):
        return None
    seq, _sep, body = payload[len(BATCH_PREFIX):].partition(" ")
    return decode(int(seq), body)


# ---- sending at commit ----------------------------------------------------------------------


Sender = Callable[[Session, str], None]


def notify(session: Session, body: str) -> None:
    """Send a batch on PostgreSQL: numbered by the feed's sequence, delivered at commit."""
    session.execute(
        text(f"SELECT pg_notify(:channel, '{BATCH_PREFIX}' || nextval('{FEED_SEQUENCE}') "
             "|| ' ' || :body)"),
        {"channel": CHANGE_CHANNEL, "body": body})


def _sender(send: Sender) -> Callable[[Session], None]:
    def before_commit(session: Session) -> None:
        topics: list[str] | None = session.info.get(_TOPICS)
        if not topics:
            return
        calls, seats, full = collect(session)
        send(session, encode(topics, calls, seats, full))
        _forget(session)

    return before_commit


def _forget(session: Session) -> None:
    for key in (_TOPICS, _CALLS, _FULL):
        session.info.pop(key, None)


def install(factory: sessionmaker[Session], send: Sender = notify) -> None:
    """Collect changes in ``factory``'s sessions and ``send`` one batch at each commit
    that signalled a topic (``note_topic``)."""
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "do_orm_execute", _on_execute)
    event.listen(factory, "before_commit", _sender(send))
    event.listen(factory, "after_transaction_end", _transaction_end)


def _transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the whole transaction, not a savepoint
        _forget(session)


# Plain hints (a NOTIFY of a bare topic, from a writer that sends no batch) about these
# topics may have changed a seat's queue or status: the seat re-reads.
FLOOR_TOPICS = frozenset({"queue", "floor", "ring"})


def plain_hint(topic: str) -> Batch:
    """A bare topic hint as an unnumbered batch (re-read if it is about the floor)."""
    return Batch(-1, frozenset({topic}), full=topic in FLOOR_TOPICS)
