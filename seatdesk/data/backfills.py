"""Set-based backfills that migrations and the bulk seed share (plain SQL, no services)."""

from __future__ import annotations

# How far back the wrap-up looks for the earlier contact: the longest window a report
# accepts (ReportService validates repeat_days <= 90).
PRIOR_LOOKBACK_DAYS = 90


def backfill_prior_contacts_sql(dialect: str) -> str:
    """One set-based UPDATE giving every contact its earlier contact (as the wrap-up does).

    LAG over (customer, category) in (queued_at, id) order finds each call's latest earlier
    first leg in one sorted pass. Used by the migration that added the columns and by the
    seed after a bulk load; a test checks it gives what the wrap-up gives.
    """
    if dialect == "postgresql":
        lookback = f"calls.queued_at - interval '{PRIOR_LOOKBACK_DAYS} days'"
    else:
        lookback = (f"strftime('%Y-%m-%d %H:%M:%f', calls.queued_at, "
                    f"'-{PRIOR_LOOKBACK_DAYS} days')")
    return f"""
UPDATE calls SET prior_contact_id = p.prev_id, prior_contact_at = p.prev_at
FROM (
  SELECT id, LAG(id) OVER w AS prev_id, LAG(queued_at) OVER w AS prev_at
  FROM calls
  WHERE direction = 'inbound' AND parent_call_id IS NULL AND customer_id IS NOT NULL
    AND category IS NOT NULL AND state <> 'abandoned' AND queued_at IS NOT NULL
  WINDOW w AS (PARTITION BY customer_id, category ORDER BY queued_at, id)
) AS p
WHERE calls.id = p.id AND p.prev_id IS NOT NULL
  AND calls.answered_at IS NOT NULL AND calls.closed_at IS NOT NULL
  AND p.prev_at >= {lookback}"""

