"""Calls (the call log and its business record), their events, and the seats' state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from seatdesk.data.models.base import Base, BigId, _enum
from seatdesk.domain.enums import AgentState, CallState, Direction

# The columns the inbound report reads, carried in its index on PostgreSQL.
REPORT_INBOUND_COLUMNS = (
    "parent_call_id", "answered_at", "abandoned_at", "closed_at", "wait_seconds",
    "talk_seconds", "hold_seconds", "hold_count", "wrap_seconds", "transferred", "resolved",
    "satisfaction", "queue_id", "agent_id", "customer_id", "category", "prior_contact_at",
)
# The columns the outbound report reads, carried in its index on PostgreSQL.
REPORT_OUTBOUND_COLUMNS = ("outbound_outcome", "satisfaction", "agent_id", "outbound_purpose")


# The claim's state condition, written as the partial index's predicate: a bound
# parameter would hide ix_calls_waiting from PostgreSQL's generic plans.
WAITING_STATE = "state = 'queued'"
LIVE_PER_SEAT = "state IN ('offered', 'active', 'held', 'wrap_up') AND agent_id IS NOT NULL"


class Call(Base):
    """One call, inbound or outbound: the call log row and its business record."""

    __tablename__ = "calls"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    direction: Mapped[Direction] = mapped_column(_enum(Direction))
    state: Mapped[CallState] = mapped_column(_enum(CallState))
    queue_id: Mapped[int | None] = mapped_column(ForeignKey("queues.id"))
    caller_number: Mapped[str] = mapped_column(String(20), default="")  # E.164 or raw if invalid
    dialled_number: Mapped[str] = mapped_column(String(20), default="")
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Routing order, copied at offer time so claiming is one indexed scan, no joins:
    # queue priority (stored negated: lower sorts first), then key accounts and grade
    # (0 key account, 1–4 grade A–D, 5 unknown caller), then longest wait.
    route_order: Mapped[int] = mapped_column(default=0)
    route_rank: Mapped[int] = mapped_column(default=5)
    target_agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    queued_at: Mapped[datetime | None]
    offered_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    held_since: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    abandoned_at: Mapped[datetime | None]
    # Time to answer (or to abandon): arrival to answer, ring included; ASA and service
    # level are measured on it (docs/measures.md). Its two parts are kept as well.
    wait_seconds: Mapped[int | None]
    queue_seconds: Mapped[int | None]  # waiting in the queue, until it rang at the seat
    ring_seconds: Mapped[int | None]  # ringing at the seat that answered (or was hung up on)
    talk_seconds: Mapped[int] = mapped_column(default=0)
    hold_seconds: Mapped[int] = mapped_column(default=0)
    hold_count: Mapped[int] = mapped_column(default=0)
    wrap_seconds: Mapped[int] = mapped_column(default=0)
    category: Mapped[str | None] = mapped_column(String(32))
    disposition: Mapped[str | None] = mapped_column(String(32))
    question: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    resolved: Mapped[bool | None]
    handed_to: Mapped[str] = mapped_column(String(100), default="")
    transferred: Mapped[bool] = mapped_column(default=False)
    transfer_target: Mapped[str] = mapped_column(String(100), default="")
    satisfaction: Mapped[int | None]
    follow_up_at: Mapped[datetime | None]
    recording_ref: Mapped[str | None] = mapped_column(String(300))
    script_id: Mapped[int | None] = mapped_column(ForeignKey("scripts.id"))
    outbound_purpose: Mapped[str | None] = mapped_column(String(32))
    outbound_outcome: Mapped[str | None] = mapped_column(String(32))
    callback_id: Mapped[int | None] = mapped_column(ForeignKey("callbacks.id", use_alter=True))
    complaint_id: Mapped[int | None] = mapped_column(
        ForeignKey("complaints.id", use_alter=True)
    )
    parent_call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"))
    # First-contact responsibility, decided at wrap-up when the category is final (see
    # seatdesk.services.first_contact): the customer's latest earlier contact about the
    # same category, up to 90 days back. The report's repeat count is then a comparison on
    # this row, whatever its window. No foreign key: an id for drill-down, not a constraint.
    prior_contact_id: Mapped[int | None] = mapped_column(BigId)
    prior_contact_at: Mapped[datetime | None]
    draft: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # autosaved wrap-up form
    version: Mapped[int] = mapped_column(default=1)

    __table_args__ = (
        # The claim scan: only waiting calls, already in the claim's whole routing order
        # (id included, so no sort); the claim names the state as a literal (WAITING) so
        # even a generic plan may use it: migration i2_claim_order.
        Index(
            "ix_calls_waiting",
            "route_order",
            "route_rank",
            "queued_at",
            "id",
            sqlite_where=text(WAITING_STATE),
            postgresql_where=text(WAITING_STATE),
        ),
        # One live call per seat, whatever the code does (a ring and F2 at one moment, the
        # same login in two desks): migration i1_integrity.
        Index(
            "ux_calls_one_live_per_seat",
            "agent_id",
            unique=True,
            sqlite_where=text(LIVE_PER_SEAT),
            postgresql_where=text(LIVE_PER_SEAT),
        ),
        Index("ix_calls_queued_at", "queued_at"),
        Index("ix_calls_agent_state", "agent_id", "state"),
        # The seat's calls handled today (status line): see migration k4_agent_closed.
        Index("ix_calls_agent_closed", "agent_id", "closed_at"),
        Index("ix_calls_customer_queued", "customer_id", "queued_at"),
        Index("ix_calls_state", "state"),
        # Reports (seatdesk.domain.kpi): inbound by arrival, covering on PostgreSQL
        # (index-only scans).
        Index("ix_calls_inbound_report", "queued_at",
              sqlite_where=text("direction = 'inbound'"),
              postgresql_where=text("direction = 'inbound'"),
              postgresql_include=list(REPORT_INBOUND_COLUMNS)),
        Index("ix_calls_outbound_report", "offered_at",
              sqlite_where=text("direction = 'outbound'"),
              postgresql_where=text("direction = 'outbound'"),
              postgresql_include=list(REPORT_OUTBOUND_COLUMNS)),
    )


class CallEvent(Base):
    """Every state change of a call: who, when, from what to what."""

    __tablename__ = "call_events"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    detail: Mapped[str] = mapped_column(Text, default="")


class AgentStatus(Base):
    """The live state of one seat (one row per agent), read by the floor view."""

    __tablename__ = "agent_status"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    state: Mapped[AgentState] = mapped_column(_enum(AgentState))
    reason: Mapped[str] = mapped_column(String(50), default="")
    since: Mapped[datetime]
    current_call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"))
    # The desk's last sign of life (seatdesk.runtime.heartbeat); the daemon marks a seat
    # silent past its limit as lost and repairs its call.
    heartbeat_at: Mapped[datetime | None]


class AgentStateEvent(Base):
    """History of seat states: the raw material for adherence and occupancy."""

    __tablename__ = "agent_state_events"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime]
    state: Mapped[AgentState] = mapped_column(_enum(AgentState))
    reason: Mapped[str] = mapped_column(String(50), default="")
    __table_args__ = (
        Index("ix_agent_state_events_user_at", "user_id", "at"),
        Index("ix_agent_state_events_at", "at"),  # occupancy reports scan a period
    )


class QuarantinedRecord(Base):
    """A journal entry the database refused (kept whole for the agent and the team lead).

    ``payload`` is the entry as JSON text with every non-ASCII and control character
    escaped, so whatever the database refused in it can be stored here.
    """

    __tablename__ = "quarantined_records"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    entry_id: Mapped[str] = mapped_column(String(32), unique=True)
    at: Mapped[datetime]
    typed_at: Mapped[str] = mapped_column(String(40))
    login: Mapped[str] = mapped_column(String(64))
    call_id: Mapped[int | None] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    payload: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
