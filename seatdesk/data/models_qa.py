"""QA tables beyond the shared schema: claims on calls, and agents' responses/disputes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from seatdesk.data.models import Base, BigId


class QaClaim(Base):
    """An inspector's claim on a call: the primary key makes it one claim per call."""

    __tablename__ = "qa_claims"
    call_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True
    )
    inspector_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    claimed_at: Mapped[datetime]


class QaResponse(Base):
    """The agent's answer to one submitted evaluation: acknowledged, or disputed (申诉).

    One per evaluation row (unique), so a revision can be answered once; a dispute is
    ruled by the team lead or a supervisor: upheld, or changed into a new revision.
    """

    __tablename__ = "qa_responses"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("qa_evaluations.id"), unique=True
    )
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(16))  # acknowledged | disputed
    reasons: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # item key -> reason
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16))  # acknowledged | open | upheld | changed
    ruled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ruled_at: Mapped[datetime | None]
    ruling: Mapped[str] = mapped_column(Text, default="")
    new_evaluation_id: Mapped[int | None] = mapped_column(ForeignKey("qa_evaluations.id"))
    __table_args__ = (Index("ix_qa_responses_state", "state"),)
