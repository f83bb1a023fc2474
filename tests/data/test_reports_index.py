"""The fast paths of the KPI report give what the plain GROUP BY gives, from the indexes.

PostgreSQL runs time reports as one aggregate per bucket (reports_sql.over_buckets) and
inlines the queues' service-level thresholds; these tests compare both with the plain
queries on random calls, and check that the report queries can be answered from the
report indexes alone (index-only scans), so a column added to a query without adding it
to its index fails here rather than in production.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text, update

from seatdesk.data.models import Queue
from seatdesk.services import reports as reports_module
from seatdesk.services import reports_sql as rs
from seatdesk.services.container import Backend
from seatdesk.services.reports import bucket_ranges, period_bounds
from tests.data.test_reports import build_hand_floor, inbound
from tests.factories import floor

SH = ZoneInfo("Asia/Shanghai")
FIRST, LAST = date(2026, 11, 18), date(2026, 11, 20)


def _random_calls(backend: Backend, n: int = 120) -> None:
    """Calls spread over the period and a day either side, many near local midnight."""
    people = floor(backend)
    agent = people["agent1"].user_id
    rnd = random.Random(13)
    start, _ = period_bounds(FIRST, LAST, SH)
    with backend.db.write() as s:
        queues = list(s.scalars(select(Queue.id)))
        s.execute(update(Queue).where(Queue.id == queues[0]).values(sl_seconds=10))
        for _ in range(n):
            day = rnd.randint(-1, 3)
            sec = rnd.choice([rnd.randint(0, 86399), rnd.randint(86340, 86399),
                              rnd.randint(0, 59)])
            at = start + timedelta(days=day, seconds=sec)
            answered = rnd.random() < 0.8
            s.add(inbound(rnd.choice(queues), at, wait=rnd.randint(0, 40), answered=answered,
                          agent=agent, talk=rnd.randint(30, 400), wrap=rnd.randint(0, 60),
                          resolved=rnd.random() < 0.7, satisfaction=rnd.choice([None, 3, 5])))


def _plain_group_by(backend: Backend, by: str) -> dict[str, dict[str, float]]:
    """The inbound bases per bucket from the plain GROUP BY query (the reference)."""
    start, end = period_bounds(FIRST, LAST, SH)
    with backend.db.read() as s:
        d = rs.Dialect(s.get_bind().dialect.name, SH, start, end)
        sql = rs.inbound_sql(d, rs.Grouping(by), sl_seconds=None, short_abandon=5)
        assert sql is not None
        rows = s.execute(text(sql), {"start": d.param(start), "end": d.param(end)}).mappings()
        return {str(r["k"]): {k: float(v or 0) for k, v in r.items() if k != "k"}
                for r in rows}


@pytest.mark.parametrize("by", ["day", "interval"])
def test_bucket_statement_equals_group_by(backend, by):
    _random_calls(backend)
    actor = backend.users.actor("super1")
    first, last = (FIRST, LAST) if by == "day" else (LAST, LAST)
    report = backend.reports.kpi(actor, first, last, by)
    got = {row.key: {k: float(row.bases.get(k) or 0) for k in ("offered", "answered",
                                                             "answered_in_sl", "talk_sum",
                                                             "sat_n", "wait_max")}
           for row in report.rows if row.bases.get("offered")}
    expected = {k: {b: v[b] for b in ("offered", "answered", "answered_in_sl", "talk_sum",
                                      "sat_n", "wait_max")}
                for k, v in _plain_group_by(backend, by).items()
                if v["offered"] and (by == "day" or k.startswith(last.isoformat()))}
    assert got == expected
    assert sum(v["offered"] for v in got.values()) > 0


def test_inlined_thresholds_equal_the_join(backend, monkeypatch):
    _random_calls(backend)
    actor = backend.users.actor("super1")
    inlined = backend.reports.kpi(actor, FIRST, LAST, "queue")
    monkeypatch.setattr(reports_module, "MAX_INLINED_QUEUES", 0)
    joined = backend.reports.kpi(actor, FIRST, LAST, "queue")
    assert [(r.key, r.bases) for r in inlined.rows] == [(r.key, r.bases) for r in joined.rows]
    # The queue with a 10 s threshold really uses it: some answered waits lie in 11-20 s.
    assert any(r.bases["answered_in_sl"] != r.bases["answered"] for r in inlined.rows
               if r.bases.get("answered"))


def test_thresholds_sql_is_a_case_on_the_call():
    assert rs.sl_threshold({2: 30, 1: None}) == \
        "(CASE c.queue_id WHEN 1 THEN 20 WHEN 2 THEN 30 ELSE 20 END)"
    assert rs.sl_threshold({}) == "20"
    assert rs.sl_threshold(None) == "COALESCE(q.sl_seconds, 20)"


@pytest.mark.postgres
def test_report_queries_read_only_the_report_indexes(pg_url, clock):
    """Index-only scans are PostgreSQL's, so this runs there only (never skipped in CI)."""
    from seatdesk.services.container import Backend

    backend = Backend.open(pg_url, clock)
    try:
        _assert_index_only_plans(backend)
    finally:
        backend.close()


def _assert_index_only_plans(backend) -> None:
    build_hand_floor(backend)
    start, end = period_bounds(FIRST, LAST, SH)
    ranges = bucket_ranges("day", FIRST, LAST, 30, SH)
    params = {"start": start, "end": end, "bucket_keys": [k for k, _, _ in ranges],
              "bucket_starts": [b0 for _, b0, _ in ranges],
              "bucket_ends": [b1 for _, _, b1 in ranges]}
    d = rs.Dialect("postgresql", SH, start, end)
    bucket = rs.Grouping("bucket", lo="b.b0", hi="b.b1")
    with backend.db.read() as s:
        queue_sl = {qid: sl for qid, sl in s.execute(select(Queue.id, Queue.sl_seconds))}
    with backend.db.engine.connect() as conn, conn.begin() as tx:
        # On a tiny table the planner would take another index or the table; with only
        # the report indexes left (dropped in this transaction, rolled back below) and
        # table scans off, it must say whether the report index alone answers the query.
        others = conn.execute(text(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'calls' AND indexname "
            "NOT IN ('ix_calls_inbound_report', 'ix_calls_outbound_report') "
            "AND indexname NOT LIKE 'pk%'"
        )).scalars().all()
        for name in others:
            conn.execute(text(f'DROP INDEX "{name}"'))
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        conn.execute(text("SET LOCAL enable_bitmapscan = off"))
        for sql, index in [
            (rs.over_buckets(rs.inbound_sql(d, bucket, sl_seconds=None, short_abandon=5,
                                            queue_sl=queue_sl)), "ix_calls_inbound_report"),
            (rs.over_buckets(rs.outbound_sql(d, bucket)), "ix_calls_outbound_report"),
            (rs.inbound_sql(d, rs.Grouping("agent"), sl_seconds=20, short_abandon=5),
             "ix_calls_inbound_report"),
            (rs.outbound_sql(d, rs.Grouping("category")), "ix_calls_outbound_report"),
        ]:
            assert sql is not None
            plan = "\n".join(r[0] for r in conn.execute(text(f"EXPLAIN {sql}"), params))
            assert f"Index Only Scan using {index}" in plan, plan
        tx.rollback()


def test_instants_of_the_buckets_are_utc():
    ranges = bucket_ranges("day", FIRST, FIRST, 30, SH)
    assert ranges == [("2026-11-18", datetime(2026, 11, 17, 16, tzinfo=UTC),
                       datetime(2026, 11, 18, 16, tzinfo=UTC))]
