"""质检: monitoring forms, evaluations, calibration, claims on calls and agents' disputes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from seatdesk.data.models.base import Base, BigId, UtcDateTime


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
    # item key -> a reason from the list (DISPUTE_REASONS), beside the free text
    reason_codes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    new_evaluation_id: Mapped[int | None] = mapped_column(ForeignKey("qa_evaluations.id"))
    __table_args__ = (Index("ix_qa_responses_state", "state"),)


class QaForm(Base):
    """呼叫质量监控表: a versioned monitoring form; items live in ``definition``."""

    __tablename__ = "qa_forms"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200), default="")
    pass_mark: Mapped[float] = mapped_column(default=80.0)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    published: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    __table_args__ = (UniqueConstraint("code", "version", name="uq_qa_forms_version"),)


class QaEvaluation(Base):
    """One scoring of one call on one form version; revisions chain via ``revision_of``."""

    __tablename__ = "qa_evaluations"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("qa_forms.id"))
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    inspector_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(20), default="draft")
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    score: Mapped[float | None]
    passed: Mapped[bool | None]
    critical_failed: Mapped[bool] = mapped_column(default=False)
    comment: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(default=1)
    revision_of: Mapped[int | None] = mapped_column(ForeignKey("qa_evaluations.id"))
    # Who ruled the dispute that made this revision; the inspector stays the inspector.
    revised_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    calibration_id: Mapped[int | None] = mapped_column(ForeignKey("qa_calibrations.id"))
    created_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    __table_args__ = (
        # One first scoring per call outside calibration; one score per inspector per session.
        Index("ux_qa_evaluations_call_first", "call_id", unique=True,
              sqlite_where=text("revision = 1 AND calibration_id IS NULL"),
              postgresql_where=text("revision = 1 AND calibration_id IS NULL")),
        Index("ux_qa_evaluations_calibration_inspector", "calibration_id", "inspector_id",
              unique=True, sqlite_where=text("calibration_id IS NOT NULL"),
              postgresql_where=text("calibration_id IS NOT NULL")),
    )


class QaCalibration(Base):
    __tablename__ = "qa_calibrations"
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"))
    form_id: Mapped[int] = mapped_column(ForeignKey("qa_forms.id"))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class QaSamplePlan(Base):
    """A sampling plan for one period: quotas and rules; its picks are QaSampleItem rows."""

    __tablename__ = "qa_sample_plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    period_start: Mapped[datetime] = mapped_column(UtcDateTime)
    period_end: Mapped[datetime] = mapped_column(UtcDateTime)
    per_agent: Mapped[int] = mapped_column(default=0)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    seed: Mapped[int] = mapped_column(default=1)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class QaSampleItem(Base):
    """One call a plan picked, why (quota, complaint, short) and the inspector it is for."""

    __tablename__ = "qa_sample_items"
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("qa_sample_plans.id", ondelete="CASCADE"), primary_key=True)
    call_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True)
    inspector_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(String(16))  # quota | complaint | short


class QaCoaching(Base):
    """A coaching task for an agent from an evaluation: what to improve, by when."""

    __tablename__ = "qa_coaching"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    evaluation_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("qa_evaluations.id"))
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    what: Mapped[str] = mapped_column(Text)
    item_keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(16), default="open")  # open | acknowledged
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
