"""claim order: the waiting-calls index carries the claim's whole ORDER BY (id included)

The claim orders waiting calls by (route_order, route_rank, queued_at, id) and takes the
first. ``ix_calls_waiting`` stopped at queued_at, so PostgreSQL had to sort: after a surge
with statistics from a near-empty queue it sorted all 40,000 waiting rows for every claim
(~260 ms instead of a fraction of a millisecond, issue 19). With id in the index an
ordered index scan can answer it without a sort; but while the statistics say the queue
is nearly empty the planner still prefers a bitmap scan and a sort "of 13 rows". So on
PostgreSQL the claim's choice is made by ``seatdesk_next_call(seat)``, a function whose
own planner settings (no sort, no bitmap or sequential scan) leave the ordered scan of
``ix_calls_waiting`` as the only plan, whatever the statistics say. It returns the id of
the next waiting call the seat may take, locked (SKIP LOCKED), in routing order; SQLite
keeps the same query in ``seatdesk.services.calls.next_call_query``.

Lock: the index is rebuilt with a plain CREATE INDEX (a SHARE lock on ``calls`` while it
builds: reads go on, writes wait); it covers only waiting calls, so it is quick.

Revision ID: i2_claim_order
Revises: i1_integrity
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "i2_claim_order"
down_revision = "i1_integrity"
branch_labels = None
depends_on = None

_WAITING = "state = 'queued'"


def _waiting_index(*columns: str) -> None:
    op.drop_index("ix_calls_waiting", table_name="calls")
    op.create_index("ix_calls_waiting", "calls", list(columns),
                    sqlite_where=sa.text(_WAITING), postgresql_where=sa.text(_WAITING))


# The claim's order and conditions, as next_call_query writes them for SQLite.
NEXT_CALL_FUNCTION = """
CREATE OR REPLACE FUNCTION seatdesk_next_call(seat integer) RETURNS bigint
LANGUAGE sql VOLATILE
SET enable_sort = off SET enable_bitmapscan = off SET enable_seqscan = off
AS $$
    SELECT c.id FROM calls c
    WHERE c.state = 'queued'
      AND (c.target_agent_id IS NULL OR c.target_agent_id = seat)
      AND (c.queue_id IN (SELECT q.queue_id FROM user_queues q WHERE q.user_id = seat)
           OR NOT EXISTS (SELECT 1 FROM user_queues q WHERE q.user_id = seat))
    ORDER BY c.route_order, c.route_rank, c.queued_at, c.id
    LIMIT 1
    FOR UPDATE OF c SKIP LOCKED
$$
"""

# F2 in one statement: lock the seat's row first (the one lock order, see
# CallService._lock_seat), then, in a fresh snapshot that sees whatever committed while
# it waited, the seat's own ringing/live/held/wrap-up call if it has one (the claim is
# refused), else the next waiting call, locked.
SEAT_PICK_FUNCTION = """
CREATE OR REPLACE FUNCTION seatdesk_seat_pick(seat integer) RETURNS bigint
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    busy bigint;
BEGIN
    PERFORM 1 FROM agent_status WHERE user_id = seat FOR UPDATE;
    SELECT id INTO busy FROM calls
    WHERE agent_id = seat AND state IN ('offered', 'active', 'held', 'wrap_up') LIMIT 1;
    IF busy IS NOT NULL THEN
        RETURN busy;
    END IF;
    RETURN seatdesk_next_call(seat);
END
$$
"""


def upgrade() -> None:
    _waiting_index("route_order", "route_rank", "queued_at", "id")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(NEXT_CALL_FUNCTION)
        op.execute(SEAT_PICK_FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS seatdesk_seat_pick(integer)")
        op.execute("DROP FUNCTION IF EXISTS seatdesk_next_call(integer)")
    _waiting_index("route_order", "route_rank", "queued_at")
