"""QA workflow: sampling plans, coaching, dispute reason codes, who revised a score.

Revision ID: q2_qa_workflow
Revises: q1_qa
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "q2_qa_workflow"
down_revision = "q1_qa"
branch_labels = None
depends_on = None

UtcDateTime = sa.DateTime(timezone=True)
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("qa_evaluations") as batch:
        batch.add_column(sa.Column("revised_by", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_qa_evaluations_revised_by_users"), "users",
                                 ["revised_by"], ["id"])
    with op.batch_alter_table("qa_responses") as batch:
        batch.add_column(sa.Column("reason_codes", sa.JSON(), nullable=False,
                                   server_default="{}"))
    with op.batch_alter_table("qa_responses") as batch:
        batch.alter_column("reason_codes", server_default=None)
    op.create_table(
        "qa_sample_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("period_start", UtcDateTime, nullable=False),
        sa.Column("period_end", UtcDateTime, nullable=False),
        sa.Column("per_agent", sa.Integer(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"],
                                name=op.f("fk_qa_sample_plans_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_sample_plans")),
    )
    op.create_table(
        "qa_sample_items",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("call_id", BigId, nullable=False),
        sa.Column("inspector_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["qa_sample_plans.id"], ondelete="CASCADE",
                                name=op.f("fk_qa_sample_items_plan_id_qa_sample_plans")),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], ondelete="CASCADE",
                                name=op.f("fk_qa_sample_items_call_id_calls")),
        sa.ForeignKeyConstraint(["inspector_id"], ["users.id"],
                                name=op.f("fk_qa_sample_items_inspector_id_users")),
        sa.PrimaryKeyConstraint("plan_id", "call_id", name=op.f("pk_qa_sample_items")),
    )
    with op.batch_alter_table("qa_sample_items") as batch:
        batch.create_index(batch.f("ix_qa_sample_items_inspector_id"), ["inspector_id"])
    op.create_table(
        "qa_coaching",
        sa.Column("id", BigId, nullable=False),
        sa.Column("evaluation_id", BigId, nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("item_keys", sa.JSON(), nullable=False),
        sa.Column("due_at", UtcDateTime, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("acknowledged_at", UtcDateTime, nullable=True),
        sa.ForeignKeyConstraint(["evaluation_id"], ["qa_evaluations.id"],
                                name=op.f("fk_qa_coaching_evaluation_id_qa_evaluations")),
        sa.ForeignKeyConstraint(["agent_id"], ["users.id"],
                                name=op.f("fk_qa_coaching_agent_id_users")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"],
                                name=op.f("fk_qa_coaching_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_coaching")),
    )
    with op.batch_alter_table("qa_coaching") as batch:
        batch.create_index(batch.f("ix_qa_coaching_agent_id"), ["agent_id"])


def downgrade() -> None:
    op.drop_table("qa_coaching")
    op.drop_table("qa_sample_items")
    op.drop_table("qa_sample_plans")
    with op.batch_alter_table("qa_responses") as batch:
        batch.drop_column("reason_codes")
    with op.batch_alter_table("qa_evaluations") as batch:
        batch.drop_constraint(op.f("fk_qa_evaluations_revised_by_users"), type_="foreignkey")
        batch.drop_column("revised_by")
