"""The SQL behind the reports: one GROUP BY query per source of data, both engines.

Every query returns ``k`` (the bucket or group key) and base totals named as in
``seatdesk.domain.kpi``; the measures are computed from those. Time buckets are taken in the
center's zone: PostgreSQL converts with ``AT TIME ZONE`` (DST included); SQLite, which
stores naive UTC text, shifts by the zone's UTC offset, switching offset at each DST
transition inside the period (worked out in Python, see ``sqlite_offset_modifier``).

Only validated integers and zone names are inlined into the SQL; instants are bound.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

_ZONE_NAME = re.compile(r"^[A-Za-z0-9_+\-/]+$")
SQLITE_TS = "%Y-%m-%d %H:%M:%S.%f"  # how UtcDateTime stores instants on SQLite

LOGGED_IN = ("available", "ringing", "on_call", "on_hold", "wrap_up")
BUSY = ("on_call", "on_hold", "wrap_up")
QA_COUNTED = ("submitted",)  # an agent's answer lives in qa_responses, not the state


def sqlite_ts(value: datetime) -> str:
    """An aware instant as SQLite stores it (naive UTC text, sortable)."""
    return value.astimezone(UTC).replace(tzinfo=None).strftime(SQLITE_TS)


def offset_segments(tz: ZoneInfo, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """The zone's UTC offsets over [start, end): [(from_instant, offset_seconds), ...].

    Scans in 6-hour steps and bisects each change to the second; zones change offset at
    most a few times a year, so this is a handful of steps even for a year's report.
    """

    def offset(at: datetime) -> int:
        delta = at.astimezone(tz).utcoffset()
        return int(delta.total_seconds()) if delta else 0

    segments = [(start, offset(start))]
    step = timedelta(hours=6)
    at = start
    while at < end:
        nxt = min(at + step, end)
        if offset(nxt) != segments[-1][1]:
            lo, hi = at, nxt
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                if offset(mid) == segments[-1][1]:
                    lo = mid
                else:
                    hi = mid
            segments.append((hi.replace(microsecond=0), offset(hi)))
        at = nxt
    return segments


@dataclass(frozen=True)
class Dialect:
    """SQL fragments that differ between SQLite and PostgreSQL."""

    name: str  # sqlite or postgresql
    tz: ZoneInfo
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if not _ZONE_NAME.match(self.tz.key):
            raise ValueError(f"unusable time zone name {self.tz.key!r}")

    @property
    def pg(self) -> bool:
        return self.name == "postgresql"

    def param(self, value: datetime) -> datetime | str:
        """Bind value for an instant compared with stored timestamps."""
        return value if self.pg else sqlite_ts(value)

    # -- time --

    def sqlite_offset_modifier(self, col: str) -> str:
        """The SQLite date-function modifier that turns ``col`` into local time."""
        segments = offset_segments(self.tz, self.start, self.end)
        if len(segments) == 1:
            return f"'{segments[0][1]:+d} seconds'"
        parts = [
            f"WHEN {col} < '{sqlite_ts(segments[i + 1][0])}' THEN '{segments[i][1]:+d} seconds'"
            for i in range(len(segments) - 1)
        ]
        return f"(CASE {' '.join(parts)} ELSE '{segments[-1][1]:+d} seconds' END)"

    def bucket(self, col: str, by: str, interval_minutes: int) -> str:
        """The bucket key of instant ``col`` as text in local time (see kpi.time_buckets)."""
        n = int(interval_minutes)
        if self.pg:
            local = f"({col} AT TIME ZONE '{self.tz.key}')"
            if by == "day":
                return f"to_char({local}, 'YYYY-MM-DD')"
            if by == "month":
                return f"to_char({local}, 'YYYY-MM')"
            if by == "week":
                # Weeks end on Friday (DOW 5): move forward (12 - dow) % 7 days.
                return (f"to_char(({local})::date + ((12 - EXTRACT(DOW FROM {local})::int) % 7), "
                        "'YYYY-MM-DD')")
            if by == "interval":
                return (f"to_char({local}, 'YYYY-MM-DD HH24:') || "
                        f"lpad(((EXTRACT(MINUTE FROM {local})::int / {n}) * {n})::text, 2, '0')")
        else:
            mod = self.sqlite_offset_modifier(col)
            if by == "day":
                return f"strftime('%Y-%m-%d', {col}, {mod})"
            if by == "month":
                return f"strftime('%Y-%m', {col}, {mod})"
            if by == "week":
                # 'weekday 5' moves forward to the next Friday, or stays on a Friday.
                return f"date({col}, {mod}, 'weekday 5')"
            if by == "interval":
                return (f"strftime('%Y-%m-%d %H:', {col}, {mod}) || "
                        f"substr('0' || (CAST(strftime('%M', {col}, {mod}) AS INTEGER) "
                        f"/ {n} * {n}), -2)")
        raise ValueError(f"{by!r} is not a time grouping")

    def seconds_between(self, a: str, b: str) -> str:
        """Seconds from instant ``a`` to instant ``b``."""
        if self.pg:
            return f"EXTRACT(EPOCH FROM ({b} - {a}))"
        return f"round((julianday({b}) - julianday({a})) * 86400.0, 3)"

    def greatest(self, a: str, b: str) -> str:
        return f"GREATEST({a}, {b})" if self.pg else f"max({a}, {b})"

    def least(self, a: str, b: str) -> str:
        return f"LEAST({a}, {b})" if self.pg else f"min({a}, {b})"

    def days_before(self, col: str, days: int) -> str:
        if self.pg:
            return f"({col} - interval '{int(days)} days')"
        return f"strftime('%Y-%m-%d %H:%M:%f', {col}, '-{int(days)} days')"

    def ts(self, name: str) -> str:
        """A bound instant parameter (typed on PostgreSQL so GREATEST/LEAST resolve)."""
        return f"CAST(:{name} AS timestamptz)" if self.pg else f":{name}"


@dataclass(frozen=True)
class Grouping:
    """What the rows of a report are: time buckets, or agents, teams, queues, categories."""

    by: str
    interval_minutes: int = 30
    # The period's bounds in the WHERE clause: the bound parameters, or (for "bucket")
    # the columns of the bucket row of ``over_buckets``.
    lo: str = ":start"
    hi: str = ":end"
    # A team lead's report: only the work of the agents of team ``:scope_team``.
    team_scoped: bool = False

    @property
    def is_time(self) -> bool:
        return self.by in ("day", "week", "month", "interval")


def _key(d: Dialect, g: Grouping, *, time: str, person: str | None, queue: str | None,
         category: str | None) -> tuple[str, str] | None:
    """(key expression, extra join) for one source, or None if it has no such key.

    A team-scoped grouping adds an inner join that keeps only rows of the team's agents
    (calls no agent took, such as those abandoned in the queue, belong to no team).
    """
    found = _unscoped_key(d, g, time=time, person=person, queue=queue, category=category)
    if found is None or not g.team_scoped:
        return found
    if not person:
        return None
    expr, join = found
    return expr, f"{join} JOIN users su ON su.id = {person} AND su.team_id = :scope_team"


def _unscoped_key(d: Dialect, g: Grouping, *, time: str, person: str | None,
                  queue: str | None, category: str | None) -> tuple[str, str] | None:
    if g.by in ("total", "span"):
        return f"'{g.by}'", ""
    if g.by == "bucket":
        return "b.k", ""
    if g.is_time:
        return d.bucket(time, g.by, g.interval_minutes), ""
    if g.by == "agent":
        return (person, "") if person else None
    if g.by == "team":
        if not person:
            return None
        return "tu.team_id", f"LEFT JOIN users tu ON tu.id = {person}"
    if g.by == "queue":
        return (queue, "") if queue else None
    if g.by == "category":
        return (category, "") if category else None
    raise ValueError(f"unknown grouping {g.by!r}")


def _group(g: Grouping) -> str:
    """GROUP BY the key; a "span" (one bucket's range, bound by the caller) is one aggregate.

    SQLite groups by sorting every row with all its aggregated columns; for a time report
    it is far cheaper to run one plain aggregate per bucket over the index range (the
    empty ones return nothing, like an empty group).
    """
    return "HAVING COUNT(*) > 0" if g.by in ("span", "bucket") else "GROUP BY 1"


def _when(cond: str, value: str = "1") -> str:
    """The count of rows meeting ``cond``, or the sum of ``value`` over them (0 if none).

    An aggregate FILTER skips the other rows before any work on them: on SQLite this
    halves the time of the inbound scan against SUM(CASE WHEN ... ELSE 0 END).
    """
    if value == "1":
        return f"COUNT(*) FILTER (WHERE {cond})"
    return f"COALESCE(SUM({value}) FILTER (WHERE {cond}), 0)"


def over_buckets(sql: str | None) -> str | None:
    """Run a "bucket" query once per time bucket, all in one statement (PostgreSQL).

    The buckets are bound as three arrays (``:bucket_keys``, ``:bucket_starts``,
    ``:bucket_ends``, from ``reports.bucket_ranges``); each is one plain aggregate over
    its index range. No bucket expression is computed per row and nothing is grouped:
    PostgreSQL cannot estimate how many groups a time expression makes (it takes the
    number of distinct instants), so a GROUP BY sorts the whole period on disk.
    """
    if sql is None:
        return None
    return f"""
SELECT x.* FROM unnest(CAST(:bucket_keys AS text[]), CAST(:bucket_starts AS timestamptz[]),
                       CAST(:bucket_ends AS timestamptz[])) AS b(k, b0, b1)
CROSS JOIN LATERAL ({sql}) x"""


def sl_threshold(queue_sl: dict[int, int | None] | None) -> str:
    """Each call's service-level threshold: its queue's sl_seconds, else 20 seconds.

    With the queues known (a small table, read first) this is a CASE on the call's own
    column, which saves joining every call of the period to its queue.
    """
    if queue_sl is None:
        return "COALESCE(q.sl_seconds, 20)"
    whens = " ".join(f"WHEN {int(qid)} THEN {int(sl) if sl is not None else 20}"
                     for qid, sl in sorted(queue_sl.items()))
    return f"(CASE c.queue_id {whens} ELSE 20 END)" if whens else "20"


def inbound_sql(d: Dialect, g: Grouping, *, sl_seconds: int | None,
                short_abandon: int, repeat_days: int = 7,
                queue_sl: dict[int, int | None] | None = None) -> str | None:
    """Queue, handling, first-contact and satisfaction totals of inbound calls.

    Bucketed by arrival (queued_at): a call that waits across midnight counts on the day
    it arrived. Transfer legs are handled work but not new offers. Contacts and repeat
    contacts (首问负责制) come from the same scan: the wrap-up stored each contact's
    earlier contact (seatdesk.services.first_contact), so a repeat is one comparison.
    ``queue_sl`` (queue id -> sl_seconds) replaces the join to queues (see sl_threshold).
    Every column read is in ix_calls_inbound_report, so PostgreSQL scans only the index.
    """
    key = _key(d, g, time="c.queued_at", person="c.agent_id", queue="c.queue_id",
               category="c.category")
    if key is None:
        return None
    expr, join = key
    first = "c.parent_call_id IS NULL"
    answered = "c.answered_at IS NOT NULL"
    abandoned = "c.abandoned_at IS NOT NULL AND c.answered_at IS NULL"
    waited = f"{first} AND (c.answered_at IS NOT NULL OR c.abandoned_at IS NOT NULL)"
    handled = "c.answered_at IS NOT NULL AND c.closed_at IS NOT NULL"
    threshold = str(int(sl_seconds)) if sl_seconds is not None else sl_threshold(queue_sl)
    queues = "LEFT JOIN queues q ON q.id = c.queue_id" if "q.sl_seconds" in threshold else ""
    contact = f"{first} AND {handled} AND c.customer_id IS NOT NULL"
    repeat = (f"{contact} AND c.prior_contact_at IS NOT NULL "
              f"AND c.prior_contact_at >= {d.days_before('c.queued_at', repeat_days)}")
    return f"""
SELECT {expr} AS k,
  {_when(first)} AS offered,
  {_when(f"{first} AND {answered}")} AS answered,
  {_when(f"{first} AND {abandoned}")} AS abandoned_all,
  {_when(f"{first} AND {abandoned} AND COALESCE(c.wait_seconds, 0) < {int(short_abandon)}")}
    AS short_abandoned,
  {_when(f"{first} AND {answered} AND COALESCE(c.wait_seconds, 0) <= {threshold}")}
    AS answered_in_sl,
  {_when(f"{first} AND {answered}", "COALESCE(c.wait_seconds, 0)")} AS answered_wait_sum,
  {_when(waited)} AS waited_n,
  {_when(waited, "COALESCE(c.wait_seconds, 0)")} AS waited_sum,
  MAX(CASE WHEN {waited} THEN c.wait_seconds END) AS wait_max,
  {_when(handled)} AS handled,
  {_when(handled, "c.talk_seconds")} AS talk_sum,
  {_when(handled, "c.hold_seconds")} AS hold_sum,
  {_when(handled, "c.wrap_seconds")} AS wrap_sum,
  {_when(f"{handled} AND c.hold_count > 0")} AS held_n,
  {_when(f"{handled} AND c.transferred")} AS transferred_n,
  {_when(f"{handled} AND c.resolved")} AS resolved_n,
  {_when(contact)} AS contacts,
  {_when(repeat)} AS repeat_n,
  {_when("c.satisfaction IS NOT NULL")} AS sat_n,
  {_when("c.satisfaction IS NOT NULL", "c.satisfaction")} AS sat_sum,
  {_when("c.satisfaction >= 4")} AS sat_good
FROM calls c {queues} {join}
WHERE c.direction = 'inbound' AND c.queued_at >= {g.lo} AND c.queued_at < {g.hi}
{_group(g)}"""


def outbound_sql(d: Dialect, g: Grouping) -> str | None:
    """Outbound attempts, reached calls and survey scores, bucketed by dial time."""
    key = _key(d, g, time="c.offered_at", person="c.agent_id", queue=None,
               category="c.outbound_purpose")
    if key is None:
        return None
    expr, join = key
    return f"""
SELECT {expr} AS k,
  COUNT(*) AS attempts,
  {_when("c.outbound_outcome = 'reached'")} AS reached,
  {_when("c.satisfaction IS NOT NULL")} AS sat_n,
  {_when("c.satisfaction IS NOT NULL", "c.satisfaction")} AS sat_sum,
  {_when("c.satisfaction >= 4")} AS sat_good
FROM calls c {join}
WHERE c.direction = 'outbound' AND c.offered_at >= {g.lo} AND c.offered_at < {g.hi}
{_group(g)}"""


def callbacks_sql(d: Dialect, g: Grouping) -> str | None:
    """Callbacks due in the period: done on time, and overdue (late or still open)."""
    key = _key(d, g, time="cb.due_at", person="cb.owner_id", queue=None, category="cb.purpose")
    if key is None:
        return None
    expr, join = key
    on_time = "cb.state = 'done' AND cb.completed_at IS NOT NULL AND cb.completed_at <= cb.due_at"
    overdue = ("(cb.completed_at IS NOT NULL AND cb.completed_at > cb.due_at) OR "
               "(cb.completed_at IS NULL AND cb.due_at < :now)")
    return f"""
SELECT {expr} AS k,
  COUNT(*) AS cb_due,
  {_when(on_time)} AS cb_on_time,
  {_when(f"NOT ({on_time}) AND ({overdue})")} AS cb_overdue
FROM callbacks cb {join}
WHERE cb.state <> 'cancelled' AND cb.due_at >= :start AND cb.due_at < :end
GROUP BY 1"""


def complaints_sql(d: Dialect, g: Grouping) -> str | None:
    """Complaints opened, closed, overdue and escalated, each at its own instant."""
    key = _key(d, g, time="x.t", person="x.owner_id", queue=None, category="x.category")
    if key is None:
        return None
    expr, join = key
    cols = "cp.owner_id, cp.category"
    return f"""
WITH x AS (
  SELECT cp.created_at AS t, {cols}, 1 AS o, 0 AS cl, 0 AS od, 0 AS es FROM complaints cp
   WHERE cp.created_at >= :start AND cp.created_at < :end
  UNION ALL
  SELECT cp.closed_at, {cols}, 0, 1, 0, 0 FROM complaints cp
   WHERE cp.closed_at >= :start AND cp.closed_at < :end
  UNION ALL
  SELECT cp.deadline_at, {cols}, 0, 0, 1, 0 FROM complaints cp
   WHERE cp.deadline_at >= :start AND cp.deadline_at < :end
     AND ((cp.closed_at IS NULL AND cp.deadline_at < :now) OR cp.closed_at > cp.deadline_at)
  UNION ALL
  SELECT MIN(e.at), {cols}, 0, 0, 0, 1 FROM complaint_events e
    JOIN complaints cp ON cp.id = e.complaint_id
   WHERE e.kind = 'escalated' AND e.at >= :start AND e.at < :end
   GROUP BY e.complaint_id, {cols}
)
SELECT {expr} AS k, SUM(x.o) AS cp_opened, SUM(x.cl) AS cp_closed,
  SUM(x.od) AS cp_overdue, SUM(x.es) AS cp_escalated
FROM x {join}
GROUP BY 1"""


def complaint_median_sql(d: Dialect, g: Grouping) -> str | None:
    """Median seconds from registration to closing of complaints closed in the period.

    PostgreSQL has percentile_cont; on SQLite the middle row(s) are found with window
    functions and averaged (the same definition: the mean of the two middle values).
    """
    key = _key(d, g, time="cp.closed_at", person="cp.owner_id", queue=None,
               category="cp.category")
    if key is None:
        return None
    expr, join = key
    secs = d.seconds_between("cp.created_at", "cp.closed_at")
    where = "cp.closed_at >= :start AND cp.closed_at < :end"
    if d.pg:
        return f"""
SELECT {expr} AS k,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY {secs}) AS cp_close_median
FROM complaints cp {join} WHERE {where} GROUP BY 1"""
    return f"""
WITH x AS (SELECT {expr} AS k, {secs} AS s FROM complaints cp {join} WHERE {where}),
r AS (SELECT k, s, ROW_NUMBER() OVER (PARTITION BY k ORDER BY s) AS rn,
             COUNT(*) OVER (PARTITION BY k) AS n FROM x)
SELECT k, AVG(s) AS cp_close_median FROM r
WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY k"""


def _segments_cte(d: Dialect) -> str:
    """Seat-state segments clipped to the period: LEAD gives each state its end.

    Events from a day before the period start give the state the period starts in; the
    last state of a seat runs until ``cap`` (now, or the period end if that is earlier).
    """
    nxt = "COALESCE(ev.nxt, " + d.ts("cap") + ")"
    return f"""
ev AS (
  SELECT e.user_id, e.state, e.at,
         LEAD(e.at) OVER (PARTITION BY e.user_id ORDER BY e.at, e.id) AS nxt
  FROM agent_state_events e WHERE e.at >= :lookback AND e.at < :end
),
seg AS (
  SELECT ev.user_id, ev.state, {d.greatest("ev.at", d.ts("start"))} AS s0,
         {d.least(nxt, d.ts("end"))} AS s1
  FROM ev WHERE {nxt} > :start
)"""


def occupancy_sql(d: Dialect, g: Grouping) -> str | None:
    """Seconds logged in and available, and busy, per bucket of the segment's start.

    A segment that crosses a bucket boundary counts in the bucket where it starts.
    """
    key = _key(d, g, time="seg.s0", person="seg.user_id", queue=None, category=None)
    if key is None:
        return None
    expr, join = key
    dur = d.seconds_between("seg.s0", "seg.s1")
    logged = ", ".join(f"'{s}'" for s in LOGGED_IN)
    busy = ", ".join(f"'{s}'" for s in BUSY)
    return f"""
WITH {_segments_cte(d)}
SELECT {expr} AS k,
  SUM(CASE WHEN seg.state IN ({logged}) THEN {dur} ELSE 0 END) AS st_logged,
  SUM(CASE WHEN seg.state IN ({busy}) THEN {dur} ELSE 0 END) AS st_busy
FROM seg {join}
WHERE seg.s1 > seg.s0
GROUP BY 1"""


def adherence_sql(d: Dialect, g: Grouping) -> str | None:
    """Rostered seconds of published work shifts, and the part spent logged in."""
    key = _key(d, g, time="sh.a0", person="sh.user_id", queue=None, category=None)
    if key is None:
        return None
    expr, join = key
    logged = ", ".join(f"'{s}'" for s in LOGGED_IN)
    overlap = d.seconds_between(d.greatest("seg.s0", "sh.a0"), d.least("seg.s1", "sh.a1"))
    return f"""
WITH {_segments_cte(d)},
sh AS (
  SELECT s.id, s.user_id, {d.greatest("s.start_at", d.ts("start"))} AS a0,
         {d.least("s.end_at", d.ts("end"))} AS a1
  FROM shifts s
  WHERE s.kind = 'work' AND s.published AND s.start_at < :end AND s.end_at > :start
),
ov AS (
  SELECT sh.id AS sid, SUM({overlap}) AS adh
  FROM sh JOIN seg ON seg.user_id = sh.user_id AND seg.s0 < sh.a1 AND seg.s1 > sh.a0
  WHERE seg.state IN ({logged})
  GROUP BY sh.id
)
SELECT {expr} AS k,
  SUM({d.seconds_between("sh.a0", "sh.a1")}) AS sh_scheduled,
  SUM(COALESCE(ov.adh, 0)) AS sh_adherent
FROM sh LEFT JOIN ov ON ov.sid = sh.id {join}
GROUP BY 1"""


def qa_sql(d: Dialect, g: Grouping) -> str | None:
    """Scored QA evaluations, counted as `report qa` counts them.

    Only the standing revision of each scoring (a revision a dispute ruling replaced does
    not count), no calibration scorings, and each filed under the day of its call (the
    call's answer time, else its queue time), not the day it was submitted or revised.
    """
    call_at = "COALESCE(qc.answered_at, qc.queued_at)"
    key = _key(d, g, time=call_at, person="qe.agent_id", queue="qc.queue_id",
               category="qc.category")
    if key is None:
        return None
    expr, join = key
    states = ", ".join(f"'{s}'" for s in QA_COUNTED)
    return f"""
SELECT {expr} AS k,
  {_when("qe.score IS NOT NULL")} AS qa_n,
  {_when("qe.score IS NOT NULL", "qe.score")} AS qa_score_sum,
  {_when("qe.score IS NOT NULL AND qe.passed")} AS qa_passed
FROM qa_evaluations qe JOIN calls qc ON qc.id = qe.call_id {join}
WHERE qe.state IN ({states}) AND qe.calibration_id IS NULL
  AND NOT EXISTS (SELECT 1 FROM qa_evaluations qn WHERE qn.revision_of = qe.id)
  AND {call_at} >= :start AND {call_at} < :end
GROUP BY 1"""
