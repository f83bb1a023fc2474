"""Reports: the measures of seatdesk.domain.kpi, computed in the database per bucket or group.

One GROUP BY query per source of data (inbound calls, outbound calls, callbacks,
complaints, seat states, roster, QA) returns additive base totals; the measures are
computed from them by ``seatdesk.domain.kpi`` so every screen and export agrees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from seatdesk.data.models import Queue, Team, User
from seatdesk.domain import kpi
from seatdesk.domain.errors import InvalidInput
from seatdesk.domain.i18n import _, localized_name, ngettext
from seatdesk.services import audit
from seatdesk.services import reports_sql as rs
from seatdesk.services.base import Service
from seatdesk.services.dto import Actor
from seatdesk.services.permissions import Permission, require, team_scope

# Long reports by interval would be thousands of rows nobody reads.
MAX_DAYS = 400
MAX_INTERVAL_DAYS = 31
# Up to this many queues their service-level thresholds are inlined (reports_sql.sl_threshold).
MAX_INLINED_QUEUES = 200
NONE_KEY = "—"  # rows for calls with no agent / queue / category


@dataclass(frozen=True)
class ReportRow:
    """One row of a report: a bucket (or agent, team...) and its measures."""

    key: str
    label: str
    values: dict[str, float | None] = field(hash=False)
    bases: dict[str, float | None] = field(hash=False, repr=False)


@dataclass(frozen=True)
class KpiReport:
    by: str
    first: date
    last: date
    timezone: str
    sl_seconds: int | None
    short_abandon_seconds: int
    interval_minutes: int
    rows: tuple[ReportRow, ...]
    total: ReportRow
    measures: tuple[str, ...] = tuple(m.key for m in kpi.MEASURES)

    def series(self, key: str) -> list[tuple[str, float | None]]:
        """One measure over the rows (for a chart)."""
        return [(r.label, r.values.get(key)) for r in self.rows]


def period_bounds(first: date, last: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants [start, end) of local days first..last inclusive."""
    start = datetime.combine(first, time(0), tz).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), tz).astimezone(UTC)
    return start, end


def bucket_ranges(by: str, first: date, last: date, interval_minutes: int,
                  tz: ZoneInfo) -> list[tuple[str, datetime, datetime]]:
    """Each time bucket of the period with its UTC range [from, to), in order.

    The keys are kpi.time_buckets'; a bucket starts at the local start of its first day
    (or interval) and ends where the next starts, the last at the end of the period.
    """
    starts: list[tuple[str, datetime]] = []
    day = first
    while day <= last:
        midnight = datetime.combine(day, time(0), tz)
        if by == "interval":
            for minute in range(0, 24 * 60, interval_minutes):
                at = midnight + timedelta(minutes=minute)  # wall-clock time of that day
                starts.append((f"{day.isoformat()} {minute // 60:02d}:{minute % 60:02d}",
                               at.astimezone(UTC)))
        else:
            key = kpi.time_buckets(by, day, day, interval_minutes)[0]
            if not starts or starts[-1][0] != key:
                starts.append((key, midnight.astimezone(UTC)))
        day += timedelta(days=1)
    _, end = period_bounds(first, last, tz)
    ends = [at for _, at in starts[1:]] + [end]
    return [(key, b0, b1) for (key, b0), b1 in zip(starts, ends, strict=True) if b1 > b0]


class ReportService(Service):
    """The KPI report and its audited export."""

    def kpi(
        self,
        actor: Actor,
        first: date,
        last: date,
        by: str = "day",
        *,
        timezone: str = "Asia/Shanghai",
        sl_seconds: int | None = None,
        short_abandon_seconds: int = kpi.SHORT_ABANDON_SECONDS,
        interval_minutes: int = 30,
        repeat_days: int = 7,
    ) -> KpiReport:
        """Every measure for local days ``first``..``last``, one row per bucket or group."""
        require(actor, Permission.VIEW_REPORTS)
        scope = team_scope(actor)
        scoped = scope is not None
        tz = self._validate(first, last, by, timezone, sl_seconds, short_abandon_seconds,
                            interval_minutes, repeat_days)
        start, end = period_bounds(first, last, tz)
        now = self.clock()
        cap = min(now, end)
        with self.db.read() as s:
            dialect = rs.Dialect(s.get_bind().dialect.name, tz, start, end)
            if dialect.pg:
                # JIT-compiling these wide aggregates costs more (~0.25 s) than it saves.
                s.execute(text("SET LOCAL jit = off"))
            params: dict[str, Any] = {
                "start": dialect.param(start), "end": dialect.param(end),
                "now": dialect.param(now), "cap": dialect.param(cap),
                "lookback": dialect.param(start - timedelta(days=1)),
                "scope_team": scope,
            }
            grouping = rs.Grouping(by, interval_minutes, team_scoped=scoped)
            queue_sl = self._queue_thresholds(s) if sl_seconds is None else None
            inbound: dict[str, Any] = {
                "sl_seconds": sl_seconds, "short_abandon": short_abandon_seconds,
                "repeat_days": repeat_days, "queue_sl": queue_sl}
            calls = [rs.inbound_sql(dialect, grouping, **inbound),
                     rs.outbound_sql(dialect, grouping)]
            per_key: dict[str | None, list[dict[str, Any]]] = {}
            if dialect.pg and grouping.is_time and (
                    by != "interval" or len(rs.offset_segments(tz, start, end)) == 1):
                # PostgreSQL: one plain aggregate per bucket in one statement (see
                # rs.over_buckets). On a day with a DST change the interval report keeps
                # its GROUP BY, whose keys for the repeated hour the docs describe.
                ranges = bucket_ranges(by, first, last, interval_minutes, tz)
                params |= {"bucket_keys": [k for k, _, _ in ranges],
                           "bucket_starts": [b0 for _, b0, _ in ranges],
                           "bucket_ends": [b1 for _, _, b1 in ranges]}
                bucket = rs.Grouping("bucket", interval_minutes, lo="b.b0", hi="b.b1",
                                     team_scoped=scoped)
                calls = [rs.over_buckets(rs.inbound_sql(dialect, bucket, **inbound)),
                         rs.over_buckets(rs.outbound_sql(dialect, bucket))]
            elif not dialect.pg and grouping.is_time and by != "interval":
                # SQLite: one plain aggregate per bucket over the index range (see _group),
                # as SQLite groups by sorting the period's rows with all their columns.
                # A day by interval is small enough that one GROUP BY is quicker.
                span = rs.Grouping("span", interval_minutes, team_scoped=scoped)
                calls = [rs.inbound_sql(dialect, span, **inbound), rs.outbound_sql(dialect, span)]
                self._per_bucket(s, calls, bucket_ranges(by, first, last, interval_minutes, tz),
                                 dialect, params, per_key)
                calls = []
            queries = [
                *calls, rs.callbacks_sql(dialect, grouping),
                rs.complaints_sql(dialect, grouping), rs.complaint_median_sql(dialect, grouping),
                rs.occupancy_sql(dialect, grouping), rs.adherence_sql(dialect, grouping),
                rs.qa_sql(dialect, grouping),
            ]
            for sql in queries:
                if sql is None:
                    continue
                for row in s.execute(text(sql), params).mappings():
                    values = {k: _number(v) for k, v in row.items() if k != "k"}
                    per_key.setdefault(_key_text(row["k"]), []).append(values)
            total_median = self._total_median(s, dialect, params, scoped)
            labels = self._labels(s, by, per_key)
        merged = {k: kpi.merge_bases(parts) for k, parts in per_key.items()}
        keys = self._ordered_keys(by, first, last, interval_minutes, merged, labels)
        rows = tuple(
            ReportRow(k or NONE_KEY, labels.get(k, k or NONE_KEY),
                      kpi.compute(merged.get(k, {})), merged.get(k, {}))
            for k in keys
        )
        total_bases = kpi.merge_bases(
            {b: v for b, v in bases.items() if b not in kpi.MEDIAN_BASES}
            for bases in merged.values()
        )
        total_bases["cp_close_median"] = total_median
        total = ReportRow("total", "total", kpi.compute(total_bases), total_bases)
        return KpiReport(by=by, first=first, last=last, timezone=tz.key, sl_seconds=sl_seconds,
                         short_abandon_seconds=short_abandon_seconds,
                         interval_minutes=interval_minutes, rows=rows, total=total)

    def record_export(self, actor: Actor, report: KpiReport, fmt: str, rows: int,
                      target: str) -> None:
        """Audit an export of a report (who, which period and grouping, where to)."""
        require(actor, Permission.VIEW_REPORTS)
        with self.db.write() as s:
            audit.record(s, actor, "report.export", at=self.clock(), entity="report",
                         entity_id="kpi",
                         detail={"by": report.by, "from": report.first.isoformat(),
                                 "to": report.last.isoformat(), "format": fmt, "rows": rows,
                                 "target": target})

    # ---- helpers ------------------------------------------------------------------------

    @staticmethod
    def _validate(first: date, last: date, by: str, timezone: str, sl_seconds: int | None,
                  short_abandon: int, interval_minutes: int, repeat_days: int) -> ZoneInfo:
        if by not in kpi.GROUPINGS:
            raise InvalidInput(_("cannot report by {by!r}; choose one of {choices}").format(
                by=by, choices=", ".join(kpi.GROUPINGS)), "by")
        if last < first:
            raise InvalidInput(_("the period ends ({last}) before it starts ({first})").format(
                last=last, first=first), "to")
        days = (last - first).days + 1
        if days > MAX_DAYS:
            raise InvalidInput(ngettext("the period is {days} day; at most {max}",
                                        "the period is {days} days; at most {max}", days)
                               .format(days=days, max=MAX_DAYS), "to")
        if by == "interval" and days > MAX_INTERVAL_DAYS:
            raise InvalidInput(ngettext("an interval report covers at most {n} day",
                                         "an interval report covers at most {n} days",
                                         MAX_INTERVAL_DAYS).format(n=MAX_INTERVAL_DAYS), "to")
        if interval_minutes not in kpi.INTERVAL_MINUTES:
            raise InvalidInput(_("the interval must be 15, 30 or 60 minutes"), "interval")
        if sl_seconds is not None and not 0 <= sl_seconds <= 3600:
            raise InvalidInput(_("the service-level threshold must be 0-3600 seconds"),
                               "sl_seconds")
        if not 0 <= repeat_days <= 90:
            raise InvalidInput(_("the repeat-contact window must be 0-90 days"), "repeat_days")
        if not 0 <= short_abandon <= 600:
            raise InvalidInput(_("the short-abandon threshold must be 0-600 seconds"),
                               "short_abandon")
        try:
            return ZoneInfo(timezone)
        except (ValueError, KeyError) as exc:
            raise InvalidInput(_("unknown time zone {tz!r}").format(tz=timezone),
                               "timezone") from exc

    @staticmethod
    def _queue_thresholds(s: Session) -> dict[int, int | None] | None:
        """Each queue's service-level threshold, or None if there are too many to inline."""
        rows = s.execute(select(Queue.id, Queue.sl_seconds).limit(MAX_INLINED_QUEUES + 1)).all()
        if len(rows) > MAX_INLINED_QUEUES:
            return None
        return {qid: sl for qid, sl in rows}

    @staticmethod
    def _per_bucket(s: Session, queries: list[str | None],
                    ranges: list[tuple[str, datetime, datetime]], dialect: rs.Dialect,
                    params: dict[str, Any], per_key: dict[str | None, list[dict[str, Any]]]
                    ) -> None:
        """Run each per-bucket query once per bucket range, filing rows under the bucket."""
        for sql in queries:
            if sql is None:
                continue
            stmt = text(sql)
            for key, b0, b1 in ranges:
                bound = params | {"start": dialect.param(b0), "end": dialect.param(b1)}
                for row in s.execute(stmt, bound).mappings():
                    values = {k: _number(v) for k, v in row.items() if k != "k"}
                    per_key.setdefault(key, []).append(values)

    @staticmethod
    def _total_median(s: Session, dialect: rs.Dialect, params: dict[str, Any],
                      scoped: bool = False) -> float | None:
        sql = rs.complaint_median_sql(dialect, rs.Grouping("total", team_scoped=scoped))
        assert sql is not None
        row = s.execute(text(sql), params).first()
        return _number(row[1]) if row else None

    @staticmethod
    def _labels(s: Session, by: str, per_key: dict[str | None, Any]) -> dict[str | None, str]:
        """Names for agent, team and queue ids (small tables, one query each)."""
        ids = [int(k) for k in per_key if k is not None and k.isdigit()]
        labels: dict[str | None, str] = {None: NONE_KEY}
        if by == "agent" and ids:
            for uid, name, login in s.execute(
                    select(User.id, User.name, User.login).where(User.id.in_(ids))):
                labels[str(uid)] = f"{name} ({login})"
        elif by == "team" and ids:
            for tid, name in s.execute(select(Team.id, Team.name).where(Team.id.in_(ids))):
                labels[str(tid)] = name
        elif by == "queue" and ids:
            for qid, code, name, name_zh in s.execute(
                    select(Queue.id, Queue.code, Queue.name, Queue.name_zh)
                    .where(Queue.id.in_(ids))):
                # Its Chinese name to a Chinese reader; English shows the code a filter takes.
                labels[str(qid)] = localized_name(f"{name} ({code})", name_zh or "")
        return labels

    @staticmethod
    def _ordered_keys(by: str, first: date, last: date, interval_minutes: int,
                      merged: dict[str | None, Any], labels: dict[str | None, str]
                      ) -> list[str | None]:
        if by in kpi.TIME_GROUPINGS:
            keys: list[str | None] = list(kpi.time_buckets(by, first, last, interval_minutes))
            # Keys outside the generated list (a DST hour, say) still show.
            extra = sorted(k for k in merged if k is not None and k not in set(keys))
            return keys + extra
        return sorted(merged, key=lambda k: (k is None, labels.get(k, k or "")))


def _number(value: Any) -> float | None:
    if value is None:
        return None
    return float(value)


def _key_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
