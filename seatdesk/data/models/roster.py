"""排班: shift templates, shifts, handovers, forecast overrides and roster publication."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from seatdesk.data.models.base import Base, BigId


class ForecastOverride(Base):
    """Calls a lead expects in one interval, typed over the history-based forecast."""

    __tablename__ = "forecast_overrides"
    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    start_minute: Mapped[int]  # minutes after local midnight
    interval_minutes: Mapped[int]
    calls: Mapped[float] = mapped_column(Float)
    set_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[datetime]
    __table_args__ = (
        UniqueConstraint("queue_id", "day", "start_minute", "interval_minutes",
                         name="uq_forecast_overrides_slot"),
    )


class RosterWeek(Base):
    """One team's week of shifts: published weeks are what agents see and export."""

    __tablename__ = "roster_weeks"
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column(Date)  # the Monday
    published_at: Mapped[datetime | None]
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    __table_args__ = (
        UniqueConstraint("team_id", "week_start", name="uq_roster_weeks_team_week"),
    )


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


class RequirementShare(Base):
    """A team's share of a skill group's requirement, set by a lead (else by headcount)."""

    __tablename__ = "requirement_shares"
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    group_key: Mapped[str] = mapped_column(String(200))  # queue codes joined by '+'
    share: Mapped[float] = mapped_column(Float)
    set_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[datetime]
    __table_args__ = (
        UniqueConstraint("team_id", "group_key", name="uq_requirement_shares_team_group"),
    )


class ShiftChange(Base):
    """One change to a published roster week: what the day was, what it became, by whom."""

    __tablename__ = "shift_changes"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column(Date)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    day: Mapped[date] = mapped_column(Date)
    before: Mapped[str] = mapped_column(String(32), default="")  # template code, leave, off, ''
    after: Mapped[str] = mapped_column(String(32), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]  # when a re-publish sent it to the agent
    __table_args__ = (Index("ix_shift_changes_team_week", "team_id", "week_start"),)


class RosterRequest(Base):
    """An agent's request: leave on a day, or a swap of days with a colleague."""

    __tablename__ = "roster_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # leave, swap
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    other_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default="pending")  # approved, refused
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
