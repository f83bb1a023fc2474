"""report index: the report indexes carry every column the report reads

The inbound report reads ``prior_contact_at`` (repeat contacts, added by k2) and its
index did not carry it, so PostgreSQL had to visit the table for every call of the
period; the outbound index carried no columns at all. With them, both report queries
are answered from the indexes alone (index-only scans on a vacuumed table; autovacuum
keeps the visibility map current in production).

Lock: on PostgreSQL both indexes are dropped and rebuilt with a plain CREATE INDEX inside
the migration's transaction. That holds a SHARE lock on ``calls`` for the build (reads go
on; new, answered and wrapped-up calls wait), in the order of a minute per 10 million
calls. Run the upgrade in a quiet hour. SQLite's indexes are plain partial indexes and do
not change, but are rebuilt the same way so both engines follow one path.

Revision ID: k3_report_index
Revises: k2_reports_speed
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "k3_report_index"
down_revision = "k2_reports_speed"
branch_labels = None
depends_on = None

# Kept in step with seatdesk.data.models.REPORT_INBOUND_COLUMNS.
_BEFORE = [
    "parent_call_id", "answered_at", "abandoned_at", "closed_at", "wait_seconds",
    "talk_seconds", "hold_seconds", "hold_count", "wrap_seconds", "transferred", "resolved",
    "satisfaction", "queue_id", "agent_id", "customer_id", "category",
]
_AFTER = [*_BEFORE, "prior_contact_at"]
# Kept in step with seatdesk.data.models.REPORT_OUTBOUND_COLUMNS.
_OUTBOUND_AFTER = ["outbound_outcome", "satisfaction", "agent_id", "outbound_purpose"]
_INBOUND = sa.text("direction = 'inbound'")
_OUTBOUND = sa.text("direction = 'outbound'")


def _rebuild(inbound: list[str], outbound: list[str]) -> None:
    op.drop_index("ix_calls_inbound_report", table_name="calls")
    op.create_index("ix_calls_inbound_report", "calls", ["queued_at"], unique=False,
                    sqlite_where=_INBOUND, postgresql_where=_INBOUND,
                    postgresql_include=inbound)
    op.drop_index("ix_calls_outbound_report", table_name="calls")
    op.create_index("ix_calls_outbound_report", "calls", ["offered_at"], unique=False,
                    sqlite_where=_OUTBOUND, postgresql_where=_OUTBOUND,
                    postgresql_include=outbound)


def upgrade() -> None:
    _rebuild(_AFTER, _OUTBOUND_AFTER)


def downgrade() -> None:
    _rebuild(_BEFORE, [])
