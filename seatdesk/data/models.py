"""The shared call database: SQLAlchemy 2 typed models for every form DOMAIN.md names.

One schema serves SQLite (embedded) and PostgreSQL (a real floor). Times are stored as
UTC; ``UtcDateTime`` makes SQLite (which has no time zones) hand back aware datetimes.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from importlib import import_module
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from seatdesk.clock import ensure_utc
from seatdesk.data.enums import (  # noqa: F401 - re-exported: models are where they are used
    AgentState,
    CallState,
    Category,
    Direction,
    OutboundOutcome,
    OutboundPurpose,
    Role,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every engine (timestamptz on PostgreSQL)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; times must be aware")
        value = ensure_utc(value)
        # SQLite stores text; dropping the (UTC) offset keeps values sortable as strings.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else ensure_utc(value)


# On SQLite an INTEGER PRIMARY KEY is the rowid; BigInteger would not autoincrement there.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UtcDateTime, dict[str, Any]: JSON, list[Any]: JSON}


def _enum(cls: type[enum.Enum]) -> Enum:
    # Stored as plain strings (no native PG enum) so adding a value is a data change,
    # not a schema migration that locks the calls table.
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", use_alter=True))


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    agent_no: Mapped[str] = mapped_column(String(16), unique=True)  # 工号, said in the greeting
    role: Mapped[Role] = mapped_column(_enum(Role))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
    max_open_callbacks: Mapped[int] = mapped_column(default=50)
    created_at: Mapped[datetime]

    team: Mapped[Team | None] = relationship(foreign_keys=[team_id])


class Queue(Base):
    """A business line callers are queued on (售前, 售后, 投诉...)."""

    __tablename__ = "queues"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_zh: Mapped[str] = mapped_column(String(100), default="")
    priority: Mapped[int] = mapped_column(default=0)  # higher is answered first
    sl_seconds: Mapped[int] = mapped_column(default=20)  # service-level threshold T
    wait_alert_seconds: Mapped[int] = mapped_column(default=60)
    active: Mapped[bool] = mapped_column(default=True)


class UserQueue(Base):
    """Which queues an agent takes calls from (skills)."""

    __tablename__ = "user_queues"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    queue_id: Mapped[int] = mapped_column(
        ForeignKey("queues.id", ondelete="CASCADE"), primary_key=True
    )


class Customer(Base):
    """客户关系卡: the card popped when a customer calls."""

    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    company: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    region: Mapped[str] = mapped_column(String(50), default="")
    grade: Mapped[str] = mapped_column(String(1), default="C")  # A–D by value (80/20)
    key_account: Mapped[bool] = mapped_column(default=False)
    dedicated_agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    risk_flag: Mapped[bool] = mapped_column(default=False)
    risk_reason: Mapped[str] = mapped_column(String(200), default="")
    credit_rating: Mapped[str] = mapped_column(String(10), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    external_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)

    phones: Mapped[list[CustomerPhone]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="CustomerPhone.id"
    )
    contracts: Mapped[list[Contract]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="Contract.id"
    )


class CustomerPhone(Base):
    __tablename__ = "customer_phones"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(20), index=True)  # E.164, see seatdesk.phone
    label: Mapped[str] = mapped_column(String(20), default="mobile")
    customer: Mapped[Customer] = relationship(back_populates="phones")
    __table_args__ = (UniqueConstraint("customer_id", "number", name="uq_customer_phones_pair"),)


class Contract(Base):
    """A purchase or contract: drives warranty and contract-year callbacks."""

    __tablename__ = "contracts"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    reference: Mapped[str] = mapped_column(String(64))
    product: Mapped[str] = mapped_column(String(200), default="")
    signed_on: Mapped[date | None] = mapped_column(Date)
    delivered_at: Mapped[datetime | None]
    accepted_on: Mapped[date | None] = mapped_column(Date)
    warranty_until: Mapped[date | None] = mapped_column(Date)
    amount: Mapped[float | None] = mapped_column(Numeric(14, 2))
    customer: Mapped[Customer] = relationship(back_populates="contracts")


class ScriptVersion(Base):
    """A call script for one category and language; each published edit is a new version."""

    __tablename__ = "scripts"
    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(32))
    lang: Mapped[str] = mapped_column(String(8))
    direction: Mapped[str] = mapped_column(String(10), default="inbound")
    version: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(String(200))
    steps: Mapped[list[Any]] = mapped_column(JSON)  # [{"stage": ..., "text": ...}]
    published: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    __table_args__ = (
        UniqueConstraint("category", "lang", "direction", "version", name="uq_scripts_version"),
    )


# The columns the inbound report reads, carried in its index on PostgreSQL.
REPORT_INBOUND_COLUMNS = (
    "parent_call_id", "answered_at", "abandoned_at", "closed_at", "wait_seconds",
    "talk_seconds", "hold_seconds", "hold_count", "wrap_seconds", "transferred", "resolved",
    "satisfaction", "queue_id", "agent_id", "customer_id", "category", "prior_contact_at",
)
# The columns the outbound report reads, carried in its index on PostgreSQL.
REPORT_OUTBOUND_COLUMNS = ("outbound_outcome", "satisfaction", "agent_id", "outbound_purpose")


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
    wait_seconds: Mapped[int | None]
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
    # seatdesk.data.services.first_contact): the customer's latest earlier contact about the
    # same category, up to 90 days back. The report's repeat count is then a comparison on
    # this row, whatever its window. No foreign key: an id for drill-down, not a constraint.
    prior_contact_id: Mapped[int | None] = mapped_column(BigId)
    prior_contact_at: Mapped[datetime | None]
    draft: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # autosaved wrap-up form
    version: Mapped[int] = mapped_column(default=1)

    __table_args__ = (
        # The claim scan: only waiting calls, already in routing order.
        Index(
            "ix_calls_waiting",
            "route_order",
            "route_rank",
            "queued_at",
            sqlite_where=text("state = 'queued'"),
            postgresql_where=text("state = 'queued'"),
        ),
        Index("ix_calls_queued_at", "queued_at"),
        Index("ix_calls_agent_state", "agent_id", "state"),
        # The seat's calls handled today (status line): see migration k4_agent_closed.
        Index("ix_calls_agent_closed", "agent_id", "closed_at"),
        Index("ix_calls_customer_queued", "customer_id", "queued_at"),
        Index("ix_calls_state", "state"),
        # Reports (seatdesk.kpi): inbound by arrival, covering on PostgreSQL (index-only scans).
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


class Callback(Base):
    """回访: a call owed to a customer, with a due time and an owner (an agent or the pool)."""

    __tablename__ = "callbacks"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    number: Mapped[str] = mapped_column(String(20), default="")
    purpose: Mapped[str] = mapped_column(String(32), default="callback")
    source: Mapped[str] = mapped_column(String(32), default="manual")
    reason: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[datetime]
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the pool
    state: Mapped[str] = mapped_column(String(16), default="open")  # open, done, cancelled
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=3)
    outcome: Mapped[str | None] = mapped_column(String(32))
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"))  # the call that asked
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"))
    # Idempotency key for rule-created callbacks: two workers insert the same key once.
    rule_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    # The last call recorded as an attempt: recording the same call twice counts once.
    # (No foreign key: adding one would make SQLite rebuild the table in the migration.)
    last_call_id: Mapped[int | None] = mapped_column(BigInteger)
    __table_args__ = (
        Index("ix_callbacks_open_due", "state", "due_at"),
        Index("ix_callbacks_owner_state", "owner_id", "state"),
    )


class Complaint(Base):
    """客户投诉: registration, owner, deadline, history, outcome and lesson."""

    __tablename__ = "complaints"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"))
    category: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16), default="normal")
    summary: Mapped[str] = mapped_column(Text, default="")
    customer_wants: Mapped[str] = mapped_column(Text, default="")
    owner_department: Mapped[str] = mapped_column(String(100), default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    level: Mapped[int] = mapped_column(default=0)  # 0 owner, 1 team lead, 2 supervisor, 3 manager
    state: Mapped[str] = mapped_column(String(20), default="registered")
    deadline_at: Mapped[datetime]
    outcome: Mapped[str] = mapped_column(Text, default="")
    company_fault: Mapped[bool | None]
    closing_summary: Mapped[str] = mapped_column(Text, default="")
    lesson: Mapped[str] = mapped_column(Text, default="")
    registered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    __table_args__ = (Index("ix_complaints_state_deadline", "state", "deadline_at"),)


class ComplaintEvent(Base):
    __tablename__ = "complaint_events"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaints.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    detail: Mapped[str] = mapped_column(Text, default="")
    # Makes automatic escalation idempotent: (complaint, level) escalates once.
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)


class QaForm(Base):
    """呼叫质量监控表: a versioned monitoring form; items live in ``definition``."""

    __tablename__ = "qa_forms"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200), default="")
    pass_mark: Mapped[float] = mapped_column(default=80.0)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    published: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    __table_args__ = (UniqueConstraint("code", "version", name="uq_qa_forms_version"),)


class QaEvaluation(Base):
    """One scoring of one call on one form version; revisions chain via ``revision_of``."""

    __tablename__ = "qa_evaluations"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("qa_forms.id"))
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    inspector_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(20), default="draft")
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    score: Mapped[float | None]
    passed: Mapped[bool | None]
    critical_failed: Mapped[bool] = mapped_column(default=False)
    comment: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(default=1)
    revision_of: Mapped[int | None] = mapped_column(ForeignKey("qa_evaluations.id"))
    calibration_id: Mapped[int | None] = mapped_column(ForeignKey("qa_calibrations.id"))
    created_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    __table_args__ = (
        # One first scoring per call outside calibration; one score per inspector per session.
        Index("ux_qa_evaluations_call_first", "call_id", unique=True,
              sqlite_where=text("revision = 1 AND calibration_id IS NULL"),
              postgresql_where=text("revision = 1 AND calibration_id IS NULL")),
        Index("ux_qa_evaluations_calibration_inspector", "calibration_id", "inspector_id",
              unique=True, sqlite_where=text("calibration_id IS NOT NULL"),
              postgresql_where=text("calibration_id IS NOT NULL")),
    )


class QaCalibration(Base):
    __tablename__ = "qa_calibrations"
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"))
    form_id: Mapped[int] = mapped_column(ForeignKey("qa_forms.id"))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class ShiftTemplate(Base):
    __tablename__ = "shift_templates"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    start_minute: Mapped[int]  # minutes after local midnight
    length_minutes: Mapped[int]
    breaks: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [[offset_min, length_min]]
    weekdays: Mapped[str] = mapped_column(String(7), default="1234567")  # ISO days offered


class Shift(Base):
    """One person's planned shift (or leave / day off) on one day of a roster."""

    __tablename__ = "shifts"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16), default="work")  # work, leave, off
    template_id: Mapped[int | None] = mapped_column(ForeignKey("shift_templates.id"))
    start_at: Mapped[datetime | None]
    end_at: Mapped[datetime | None]
    published: Mapped[bool] = mapped_column(default=False)
    # A lead may keep a shift that breaks a roster rule only by saying why.
    override_reason: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (Index("ix_shifts_day_user", "day", "user_id"),)


class Handover(Base):
    """交接班记录: written by the outgoing lead, countersigned by the incoming one."""

    __tablename__ = "handovers"
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    outgoing_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    incoming_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    items: Mapped[list[Any]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default="draft")
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    signed_out_at: Mapped[datetime | None]
    signed_in_at: Mapped[datetime | None]


class AuditEntry(Base):
    """Who viewed, revealed, exported or changed what (客户资料保密)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_login: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(40), index=True)
    entity: Mapped[str] = mapped_column(String(40), default="")
    entity_id: Mapped[str] = mapped_column(String(40), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Notification(Base):
    """A message for one user shown on their screen (escalations, QA results...)."""

    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    ref: Mapped[str] = mapped_column(String(60), default="")
    read_at: Mapped[datetime | None]


# Areas of the product that add tables keep them in modules of their own
# (seatdesk/data/models_<area>.py); importing them here puts every table in Base.metadata.
MODEL_AREAS = ("complaints", "qa", "roster", "reports")


def _load_model_areas() -> None:
    for area in MODEL_AREAS:
        name = f"seatdesk.data.models_{area}"
        try:
            import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


_load_model_areas()
