"""回访: callbacks owed to customers, with a due time, an owner and attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from seatdesk.data.models.base import Base, BigId


class Callback(Base):
    """回访: a call owed to a customer, with a due time and an owner (an agent or the pool)."""

    __tablename__ = "callbacks"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    number: Mapped[str] = mapped_column(String(20), default="")
    purpose: Mapped[str] = mapped_column(String(32), default="callback")
    source: Mapped[str] = mapped_column(String(32), default="manual")
    reason: Mapped[str] = mapped_column(Text, default="")
    # A reason written by a rule: its message id and parameters, rendered in the reader's
    # language (``reason`` keeps the English rendering); empty for reasons people typed.
    reason_msgid: Mapped[str] = mapped_column(String(200), default="", server_default="")
    reason_params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
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
