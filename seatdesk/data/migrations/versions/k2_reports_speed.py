"""reports speed: each call's earlier contact, stored at wrap-up, backfilled here

Repeat contacts become a comparison on the row instead of a window over a week of calls
per report. The backfill is one set-based UPDATE, the same SQL the seed uses
(seatdesk.data.backfills.backfill_prior_contacts_sql; a test checks it gives
what the wrap-up gives).

Revision ID: k2_reports_speed
Revises: k1_reports
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from seatdesk.data.models import UtcDateTime

revision = "k2_reports_speed"
down_revision = "k1_reports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from seatdesk.data.backfills import backfill_prior_contacts_sql

    with op.batch_alter_table("calls") as batch:
        batch.add_column(sa.Column("prior_contact_id", sa.BigInteger().with_variant(
            sa.Integer(), "sqlite"), nullable=True))
        batch.add_column(sa.Column("prior_contact_at", UtcDateTime(timezone=True), nullable=True))
    op.execute(sa.text(backfill_prior_contacts_sql(op.get_bind().dialect.name)))


def downgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.drop_column("prior_contact_at")
        batch.drop_column("prior_contact_id")
