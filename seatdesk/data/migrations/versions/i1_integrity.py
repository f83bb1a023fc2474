"""integrity: one live call per seat, time to answer with its parts, seat heartbeats,
quarantined journal records

- ``ux_calls_one_live_per_seat``: a partial unique index on ``calls(agent_id)`` over the
  states a seat is busy with (offered, active, held, wrap_up). Before it is built, a seat
  holding several such calls (possible before this release) keeps its newest; the older
  ones are closed with a ``repaired`` event, so the index can be created.
- ``calls.queue_seconds`` and ``calls.ring_seconds``; ``calls.wait_seconds`` becomes the
  time to answer (arrival to answer, ring included). Backfilled: the old wait (arrival to
  ring) becomes the queue time, the ring is answer minus ring start, and the wait is
  recomputed from arrival to answer. Calls that rang at arrival (old wait NULL) get a
  queue time of 0. Abandoned calls keep their wait (arrival to hang-up).
- ``agent_status.heartbeat_at``: the desk's last sign of life.
- ``quarantined_records``: journal entries the database refused, for the agent and lead.

Lock: the backfill updates every answered inbound call (minutes per 10 million rows on
PostgreSQL; run the upgrade in a quiet hour).

Revision ID: i1_integrity
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "i1_integrity"
down_revision = "0001"
branch_labels = ("integrity",)
depends_on = None

_BUSY = "state IN ('offered', 'active', 'held', 'wrap_up') AND agent_id IS NOT NULL"


def _seconds(later: str, earlier: str) -> str:
    if op.get_bind().dialect.name == "postgresql":
        return f"CAST(ROUND(EXTRACT(EPOCH FROM ({later} - {earlier}))) AS INTEGER)"
    return f"CAST(ROUND((julianday({later}) - julianday({earlier})) * 86400) AS INTEGER)"


def upgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.add_column(sa.Column("queue_seconds", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("ring_seconds", sa.Integer(), nullable=True))
    with op.batch_alter_table("agent_status") as batch:
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))

    op.execute(
        "UPDATE calls SET "
        f"queue_seconds = COALESCE(wait_seconds, 0), "
        f"ring_seconds = CASE WHEN offered_at IS NULL THEN 0 "
        f"ELSE {_seconds('answered_at', 'offered_at')} END, "
        f"wait_seconds = {_seconds('answered_at', 'queued_at')} "
        "WHERE answered_at IS NOT NULL AND queued_at IS NOT NULL AND direction = 'inbound'"
    )

    # Older duplicates of a seat's busy calls are closed so the unique index can be built.
    dupes = op.get_bind().execute(sa.text(
        f"SELECT c.id, c.state FROM calls c WHERE {_BUSY.replace('state', 'c.state')} "
        "AND EXISTS (SELECT 1 FROM calls n WHERE n.agent_id = c.agent_id AND n.id > c.id "
        f"AND {_BUSY.replace('state', 'n.state').replace('agent_id IS', 'n.agent_id IS')})"
    )).all()
    for call_id, state in dupes:
        op.get_bind().execute(sa.text(
            "INSERT INTO call_events (call_id, at, kind, from_state, to_state, detail) "
            "VALUES (:id, CURRENT_TIMESTAMP, 'repaired', :state, 'closed', "
            "'a second live call at the seat, closed by migration i1_integrity')"
        ), {"id": call_id, "state": state})
        op.get_bind().execute(sa.text(
            "UPDATE calls SET state = 'closed', closed_at = CURRENT_TIMESTAMP, "
            "version = version + 1 WHERE id = :id"), {"id": call_id})
    op.create_index("ux_calls_one_live_per_seat", "calls", ["agent_id"], unique=True,
                    sqlite_where=sa.text(_BUSY), postgresql_where=sa.text(_BUSY))

    op.create_table(
        "quarantined_records",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("entry_id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("typed_at", sa.String(length=40), nullable=False),
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("call_id", sa.BigInteger(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarantined_records")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_quarantined_records_entry_id")),
    )


def downgrade() -> None:
    op.drop_table("quarantined_records")
    op.drop_index("ux_calls_one_live_per_seat", table_name="calls")
    with op.batch_alter_table("agent_status") as batch:
        batch.drop_column("heartbeat_at")
    with op.batch_alter_table("calls") as batch:
        batch.drop_column("ring_seconds")
        batch.drop_column("queue_seconds")
