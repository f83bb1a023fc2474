"""staffing: requirement shares, published-roster change history, agents' requests, breaks

Revision ID: r2_staffing
Revises: r1_roster
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import seatdesk.data.models

revision = "r2_staffing"
down_revision = "r1_roster"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "requirement_shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("group_key", sa.String(length=200), nullable=False),
        sa.Column("share", sa.Float(), nullable=False),
        sa.Column("set_by", sa.Integer(), nullable=True),
        sa.Column("set_at", seatdesk.data.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="CASCADE",
                                name=op.f("fk_requirement_shares_team_id_teams")),
        sa.ForeignKeyConstraint(["set_by"], ["users.id"],
                                name=op.f("fk_requirement_shares_set_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requirement_shares")),
        sa.UniqueConstraint("team_id", "group_key", name="uq_requirement_shares_team_group"),
    )
    op.create_table(
        "shift_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("before", sa.String(length=32), nullable=False),
        sa.Column("after", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("changed_at", seatdesk.data.models.UtcDateTime(timezone=True),
                  nullable=False),
        sa.Column("sent_at", seatdesk.data.models.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="CASCADE",
                                name=op.f("fk_shift_changes_team_id_teams")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_shift_changes_user_id_users")),
        sa.ForeignKeyConstraint(["changed_by"], ["users.id"],
                                name=op.f("fk_shift_changes_changed_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shift_changes")),
    )
    op.create_index("ix_shift_changes_team_week", "shift_changes", ["team_id", "week_start"])
    op.create_table(
        "roster_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("other_user_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", seatdesk.data.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("created_at", seatdesk.data.models.UtcDateTime(timezone=True),
                  nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_roster_requests_user_id_users")),
        sa.ForeignKeyConstraint(["other_user_id"], ["users.id"],
                                name=op.f("fk_roster_requests_other_user_id_users")),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"],
                                name=op.f("fk_roster_requests_decided_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_requests")),
    )
    op.create_index("ix_roster_requests_user_id", "roster_requests", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_roster_requests_user_id", table_name="roster_requests")
    op.drop_table("roster_requests")
    op.drop_index("ix_shift_changes_team_week", table_name="shift_changes")
    op.drop_table("shift_changes")
    op.drop_table("requirement_shares")
