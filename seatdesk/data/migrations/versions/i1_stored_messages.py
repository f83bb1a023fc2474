"""stored messages: rule-generated callback reasons, notifications and complaint timeline
entries as msgid + parameters

Text written by rules for later readers (a callback's reason, a notification) was stored
in the writer's language, so a Chinese desk read the worker's English. The message id
(English source text) and its parameters are stored beside the text, which keeps the
English rendering for readers and tools that know nothing of them; a reader sees
``render(msgid, params)`` in their own language. Adding nullable/defaulted columns is a
metadata change on PostgreSQL and SQLite (no table rewrite).

Revision ID: i1_stored_messages
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "i1_stored_messages"
down_revision = "0001"
branch_labels = ("i18n",)
depends_on = None


def upgrade() -> None:
    op.add_column("callbacks", sa.Column("reason_msgid", sa.String(length=200),
                                         server_default="", nullable=False))
    op.add_column("callbacks", sa.Column("reason_params", sa.JSON(), nullable=True))
    op.add_column("notifications", sa.Column("text_msgid", sa.String(length=200),
                                             server_default="", nullable=False))
    op.add_column("notifications", sa.Column("text_params", sa.JSON(), nullable=True))
    op.add_column("complaint_events", sa.Column("detail_msgid", sa.String(length=200),
                                                server_default="", nullable=False))
    op.add_column("complaint_events", sa.Column("detail_params", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("complaint_events") as batch:
        batch.drop_column("detail_params")
        batch.drop_column("detail_msgid")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("text_params")
        batch.drop_column("text_msgid")
    with op.batch_alter_table("callbacks") as batch:
        batch.drop_column("reason_params")
        batch.drop_column("reason_msgid")
