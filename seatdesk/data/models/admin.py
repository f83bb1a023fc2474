"""Models: administration (command-line sessions, the system identity's secret)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from seatdesk.data.models.base import Base


class CliSession(Base):
    """A `seatdesk login` session: only the token's SHA-256 is stored; expiring, revocable."""

    __tablename__ = "cli_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class SystemSecret(Base):
    """The secret the phone hook and the timed-rules daemon prove the system identity with."""

    __tablename__ = "system_secrets"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(64), default="")


class SiteSetting(Base):
    """A fact about this installation (``demo``: the database holds demo data and users)."""

    __tablename__ = "site_settings"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
