"""Tables of the complaints area: deadline rules and the center's working calendar.

They live in the database rather than in a file so that every seat and every worker
computes the same deadline.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from seatdesk.data.models import Base


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
