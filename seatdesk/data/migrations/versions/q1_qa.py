"""QA loop: claims on calls, agents' responses and disputes, evaluation uniqueness.

Revision ID: q1_qa
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "q1_qa"
down_revision = "0001"
branch_labels = ("qa",)
depends_on = None

UtcDateTime = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "qa_claims",
        sa.Column("call_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  nullable=False),
        sa.Column("inspector_id", sa.Integer(), nullable=False),
        sa.Column("claimed_at", UtcDateTime, nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], ondelete="CASCADE",
                                name=op.f("fk_qa_claims_call_id_calls")),
        sa.ForeignKeyConstraint(["inspector_id"], ["users.id"],
                                name=op.f("fk_qa_claims_inspector_id_users")),
        sa.PrimaryKeyConstraint("call_id", name=op.f("pk_qa_claims")),
    )
    with op.batch_alter_table("qa_claims") as batch:
        batch.create_index(batch.f("ix_qa_claims_inspector_id"), ["inspector_id"])
    op.create_table(
        "qa_responses",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("evaluation_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("ruled_by", sa.Integer(), nullable=True),
        sa.Column("ruled_at", UtcDateTime, nullable=True),
        sa.Column("ruling", sa.Text(), nullable=False),
        sa.Column("new_evaluation_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  nullable=True),
        sa.ForeignKeyConstraint(["evaluation_id"], ["qa_evaluations.id"],
                                name=op.f("fk_qa_responses_evaluation_id_qa_evaluations")),
        sa.ForeignKeyConstraint(["agent_id"], ["users.id"],
                                name=op.f("fk_qa_responses_agent_id_users")),
        sa.ForeignKeyConstraint(["ruled_by"], ["users.id"],
                                name=op.f("fk_qa_responses_ruled_by_users")),
        sa.ForeignKeyConstraint(["new_evaluation_id"], ["qa_evaluations.id"],
                                name=op.f("fk_qa_responses_new_evaluation_id_qa_evaluations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_responses")),
        sa.UniqueConstraint("evaluation_id", name=op.f("uq_qa_responses_evaluation_id")),
    )
    with op.batch_alter_table("qa_responses") as batch:
        batch.create_index("ix_qa_responses_state", ["state"])
    with op.batch_alter_table("qa_calibrations") as batch:
        batch.add_column(sa.Column("closed_at", UtcDateTime, nullable=True))
    with op.batch_alter_table("qa_evaluations") as batch:
        batch.create_index(
            "ux_qa_evaluations_call_first", ["call_id"], unique=True,
            sqlite_where=sa.text("revision = 1 AND calibration_id IS NULL"),
            postgresql_where=sa.text("revision = 1 AND calibration_id IS NULL"),
        )
        batch.create_index(
            "ux_qa_evaluations_calibration_inspector", ["calibration_id", "inspector_id"],
            unique=True, sqlite_where=sa.text("calibration_id IS NOT NULL"),
            postgresql_where=sa.text("calibration_id IS NOT NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("qa_evaluations") as batch:
        batch.drop_index("ux_qa_evaluations_calibration_inspector")
        batch.drop_index("ux_qa_evaluations_call_first")
    with op.batch_alter_table("qa_calibrations") as batch:
        batch.drop_column("closed_at")
    op.drop_table("qa_responses")
    op.drop_table("qa_claims")
