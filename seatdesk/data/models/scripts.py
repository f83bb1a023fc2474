"""Call scripts: each published edit is a new version."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from seatdesk.data.models.base import Base


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
