"""roster: forecast overrides, roster weeks, template weekdays, shift override reasons

Revision ID: r1_roster
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import seatdesk.data.models

revision = "r1_roster"
down_revision = "0001"
branch_labels = ("roster",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forecast_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("queue_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("start_minute", sa.Integer(), nullable=False),
        sa.Column("interval_minutes", sa.Integer(), nullable=False),
        sa.Column("calls", sa.Float(), nullable=False),
        sa.Column("set_by", sa.Integer(), nullable=True),
        sa.Column("set_at", seatdesk.data.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["queue_id"], ["queues.id"], ondelete="CASCADE",
                                name=op.f("fk_forecast_overrides_queue_id_queues")),
        sa.ForeignKeyConstraint(["set_by"], ["users.id"],
                                name=op.f("fk_forecast_overrides_set_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecast_overrides")),
        sa.UniqueConstraint("queue_id", "day", "start_minute", "interval_minutes",
                            name="uq_forecast_overrides_slot"),
    )
    op.create_table(
        "roster_weeks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("published_at", seatdesk.data.models.UtcDateTime(timezone=True),
                  nullable=True),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="CASCADE",
                                name=op.f("fk_roster_weeks_team_id_teams")),
        sa.ForeignKeyConstraint(["published_by"], ["users.id"],
                                name=op.f("fk_roster_weeks_published_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_weeks")),
        sa.UniqueConstraint("team_id", "week_start", name="uq_roster_weeks_team_week"),
    )
    with op.batch_alter_table("shift_templates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("weekdays", sa.String(length=7), nullable=False,
                                      server_default="1234567"))
    with op.batch_alter_table("shifts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("override_reason", sa.Text(), nullable=False,
                                      server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("shifts", schema=None) as batch_op:
        batch_op.drop_column("override_reason")
    with op.batch_alter_table("shift_templates", schema=None) as batch_op:
        batch_op.drop_column("weekdays")
    op.drop_table("roster_weeks")
    op.drop_table("forecast_overrides")
