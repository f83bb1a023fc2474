"""The people on the floor: users and their teams, the queues and who serves them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seatdesk.data.models.base import Base, _enum
from seatdesk.domain.enums import Role


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
    # Set by an admin's reset: the next sign-in must choose a new password first.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Languages the agent speaks with callers, comma-separated codes ("zh,en").
    languages: Mapped[str] = mapped_column(String(32), default="zh")
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
    acw_seconds: Mapped[int] = mapped_column(default=120)  # after-call-work limit
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
