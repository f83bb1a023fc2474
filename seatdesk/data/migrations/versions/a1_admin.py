"""admin: forced password change, agent languages, queue after-call-work limit,
command-line sessions, the system identity's secret, site settings (demo)

Revision ID: a1_admin
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import seatdesk.data.models

revision = "a1_admin"
down_revision = "0001"
branch_labels = ("admin",)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("must_change_password", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("languages", sa.String(length=32), nullable=False,
                                      server_default="zh"))
    with op.batch_alter_table("queues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("acw_seconds", sa.Integer(), nullable=False,
                                      server_default="120"))
    op.create_table(
        "cli_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", seatdesk.data.models.UtcDateTime(timezone=True),
                  nullable=False),
        sa.Column("expires_at", seatdesk.data.models.UtcDateTime(timezone=True),
                  nullable=False),
        sa.Column("revoked_at", seatdesk.data.models.UtcDateTime(timezone=True),
                  nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_cli_sessions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cli_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_cli_sessions_token_hash")),
    )
    op.create_index(op.f("ix_cli_sessions_user_id"), "cli_sessions", ["user_id"])
    op.create_table(
        "system_secrets",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", seatdesk.data.models.UtcDateTime(timezone=True),
                  nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_system_secrets")),
    )
    op.create_table(
        "site_settings",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_site_settings")),
    )


def downgrade() -> None:
    op.drop_table("site_settings")
    op.drop_table("system_secrets")
    op.drop_index(op.f("ix_cli_sessions_user_id"), table_name="cli_sessions")
    op.drop_table("cli_sessions")
    with op.batch_alter_table("queues", schema=None) as batch_op:
        batch_op.drop_column("acw_seconds")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("languages")
        batch_op.drop_column("must_change_password")
