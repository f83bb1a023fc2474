"""Tables of the roster area: hand overrides of the forecast and roster publication."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from seatdesk.data.models import Base


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
