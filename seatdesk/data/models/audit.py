"""The audit trail (who saw or changed what) and the notifications shown to one user."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from seatdesk.data.models.base import Base, BigId


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
    # The message id and parameters, rendered in the reader's language (``text``: English).
    text_msgid: Mapped[str] = mapped_column(String(200), default="", server_default="")
    text_params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    ref: Mapped[str] = mapped_column(String(60), default="")
    read_at: Mapped[datetime | None]
