"""投诉: complaints and their history, deadline rules and the center's working calendar.

They live in the database rather than in a file so that every seat and every worker
computes the same deadline.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from seatdesk.data.models.base import Base, BigId


class ComplaintDeadlineRule(Base):
    """How long the owner has to answer a complaint, per category and severity.

    An empty category or severity matches any; the most specific rule wins.
    """

    __tablename__ = "complaint_deadline_rules"
    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(32), default="")
    severity: Mapped[str] = mapped_column(String(16), default="")
    hours: Mapped[float] = mapped_column(default=24.0)
    working_hours: Mapped[bool] = mapped_column(default=True)
    __table_args__ = (
        UniqueConstraint("category", "severity", name="uq_complaint_deadline_rules_pair"),
    )


class WorkCalendarRow(Base):
    """The center's working hours (one row, id 1) for deadlines counted in working time."""

    __tablename__ = "work_calendar"
    id: Mapped[int] = mapped_column(primary_key=True)
    tz_name: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    day_start: Mapped[str] = mapped_column(String(5), default="08:30")
    day_end: Mapped[str] = mapped_column(String(5), default="17:30")
    weekdays: Mapped[str] = mapped_column(String(7), default="01234")  # Monday is 0


class CalendarDay(Base):
    """A holiday (working false) or a make-up working day (调休, working true)."""

    __tablename__ = "calendar_days"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(String(100), default="")


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
    # A detail written by the system: message id and parameters, shown in the reader's
    # language (``detail`` keeps the English rendering); empty for what a person typed.
    detail_msgid: Mapped[str] = mapped_column(String(200), default="", server_default="")
    detail_params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Makes automatic escalation idempotent: (complaint, level) escalates once.
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
