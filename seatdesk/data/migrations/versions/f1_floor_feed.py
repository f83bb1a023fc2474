"""floor feed: the sequence that numbers each change batch a seat receives (issue 19)

Revision ID: f1_floor_feed
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "f1_floor_feed"
down_revision = "0001"
branch_labels = ("floor_feed",)
depends_on = None


def upgrade() -> None:
    # PostgreSQL only: SQLite has no NOTIFY, its seats re-read on every commit.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE SEQUENCE IF NOT EXISTS seatdesk_feed_seq")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP SEQUENCE IF EXISTS seatdesk_feed_seq")
