"""complaints: deadline rules, work calendar, callback attempt bookkeeping

Revision ID: c1_complaints
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c1_complaints"
down_revision = "0001"
branch_labels = ("complaints",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "complaint_deadline_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("hours", sa.Double(), nullable=False),
        sa.Column("working_hours", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_deadline_rules")),
        sa.UniqueConstraint("category", "severity",
                            name="uq_complaint_deadline_rules_pair"),
    )
    op.create_table(
        "work_calendar",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tz_name", sa.String(length=64), nullable=False),
        sa.Column("day_start", sa.String(length=5), nullable=False),
        sa.Column("day_end", sa.String(length=5), nullable=False),
        sa.Column("weekdays", sa.String(length=7), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_calendar")),
    )
    op.create_table(
        "calendar_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("working", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_calendar_days")),
    )
    with op.batch_alter_table("callbacks") as batch:
        batch.add_column(sa.Column("last_call_id", sa.BigInteger(), nullable=True))
        batch.create_index("ix_callbacks_owner_state", ["owner_id", "state"])


def downgrade() -> None:
    with op.batch_alter_table("callbacks") as batch:
        batch.drop_index("ix_callbacks_owner_state")
        batch.drop_column("last_call_id")
    op.drop_table("calendar_days")
    op.drop_table("work_calendar")
    op.drop_table("complaint_deadline_rules")
