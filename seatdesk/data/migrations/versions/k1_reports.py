"""reports: indexes for the KPI report (inbound by arrival, outbound by dial, seat states)

Revision ID: k1_reports
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "k1_reports"
down_revision = "0001"
branch_labels = ("reports",)
depends_on = None

# Kept in step with seatdesk.data.models.REPORT_INBOUND_COLUMNS (the drift test checks).
_INBOUND_INCLUDE = [
    "parent_call_id", "answered_at", "abandoned_at", "closed_at", "wait_seconds",
    "talk_seconds", "hold_seconds", "hold_count", "wrap_seconds", "transferred", "resolved",
    "satisfaction", "queue_id", "agent_id", "customer_id", "category",
]
_INBOUND = sa.text("direction = 'inbound'")
_OUTBOUND = sa.text("direction = 'outbound'")


def upgrade() -> None:
    op.create_index("ix_calls_inbound_report", "calls", ["queued_at"], unique=False,
                    sqlite_where=_INBOUND, postgresql_where=_INBOUND,
                    postgresql_include=_INBOUND_INCLUDE)
    op.create_index("ix_calls_outbound_report", "calls", ["offered_at"], unique=False,
                    sqlite_where=_OUTBOUND, postgresql_where=_OUTBOUND)
    op.create_index("ix_agent_state_events_at", "agent_state_events", ["at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_agent_state_events_at", table_name="agent_state_events")
    op.drop_index("ix_calls_outbound_report", table_name="calls")
    op.drop_index("ix_calls_inbound_report", table_name="calls")
