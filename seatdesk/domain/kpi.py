"""The measures a call center runs on: each defined once, with its formula.

The database computes additive *base totals* per bucket (counts, sums of seconds, a
maximum, a median); this module turns them into measures. Because base totals add up,
a week or a grand total is the sum of its parts, and the screen, the command line and
the exports all show the same numbers from the same definitions.

Pure logic: no I/O, no textual, no SQLAlchemy. docs/measures.md mirrors ``MEASURES``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from seatdesk.domain.i18n import N_, _

# ---- base totals -----------------------------------------------------------------------

# Base totals that are combined by taking the largest value instead of the sum.
MAX_BASES = frozenset({"wait_max"})
# Base totals that cannot be combined at all (a median of medians is not a median):
# the database computes them for every grouping, totals included.
MEDIAN_BASES = frozenset({"cp_close_median"})

Bases = Mapping[str, float | None]


def merge_bases(parts: Iterable[Bases]) -> dict[str, float | None]:
    """Combine base totals of several buckets or sources (sums; maxima for ``MAX_BASES``)."""
    out: dict[str, float | None] = {}
    for part in parts:
        for key, value in part.items():
            if value is None:
                out.setdefault(key, None)
                continue
            current = out.get(key)
            if current is None:
                out[key] = value
            elif key in MAX_BASES:
                out[key] = max(current, value)
            elif key in MEDIAN_BASES:
                # Only ever one source per bucket; keep the first.
                continue
            else:
                out[key] = current + value
    return out


# Calls abandoned in less than this many seconds are short abandons (misdials, callers who
# changed their mind): the reports' default and the live floor's fixed value, so the two
# agree on abandonment and service level for the same day.
SHORT_ABANDON_SECONDS = 5

# ---- ratio helpers ---------------------------------------------------------------------


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator, or None (shown as n/a) when there is nothing to divide by."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def _b(bases: Bases, key: str) -> float:
    return float(bases.get(key) or 0)


# ---- the measures ----------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """One measure: how it is computed from base totals, and how it reads."""

    key: str
    label: str  # message id, translated when shown
    unit: str  # count, pct, seconds, hours, score
    group: str  # calls, handling, people, outbound, complaints, satisfaction, qa
    formula: str  # the definition, as written in docs/measures.md
    compute: Callable[[Bases], float | None]
    higher_is_better: bool = True


def _count(key: str) -> Callable[[Bases], float | None]:
    return lambda b: _b(b, key)


MEASURES: tuple[Measure, ...] = (
    # -- the queue (first legs of inbound calls: a transfer leg is not a new offer) --
    Measure("offered", N_("Offered"), "count", "calls",
            "inbound calls with no parent call (transfer legs are not new offers)",
            _count("offered")),
    Measure("answered", N_("Answered"), "count", "calls",
            "offered calls an agent answered", _count("answered")),
    Measure("abandoned", N_("Abandoned"), "count", "calls",
            "offered calls the caller hung up on after waiting at least the short-abandon "
            "threshold", lambda b: _b(b, "abandoned_all") - _b(b, "short_abandoned"),
            higher_is_better=False),
    Measure("short_abandoned", N_("Short abandons"), "count", "calls",
            "offered calls abandoned within the short-abandon threshold (excluded from "
            "abandoned and from service level)", _count("short_abandoned"),
            higher_is_better=False),
    Measure("answered_in_sl", N_("Answered within T"), "count", "calls",
            "answered calls whose wait was at most T (the queue's sl_seconds, or the override)",
            _count("answered_in_sl")),
    Measure("service_level", N_("Service level"), "pct", "calls",
            "answered within T / (answered + abandoned)",
            lambda b: ratio(_b(b, "answered_in_sl"),
                            _b(b, "answered") + _b(b, "abandoned_all") - _b(b, "short_abandoned"))),
    Measure("abandon_rate", N_("Abandonment rate"), "pct", "calls",
            "abandoned / (offered - short abandons)",
            lambda b: ratio(_b(b, "abandoned_all") - _b(b, "short_abandoned"),
                            _b(b, "offered") - _b(b, "short_abandoned")),
            higher_is_better=False),
    Measure("asa", N_("ASA"), "seconds", "calls",
            "average speed of answer: sum of waits (time to answer, ring included) of "
            "answered calls / answered",
            lambda b: ratio(_b(b, "answered_wait_sum"), _b(b, "answered")),
            higher_is_better=False),
    Measure("avg_wait", N_("Average wait"), "seconds", "calls",
            "sum of waits of answered and abandoned calls (short abandons included) / their "
            "number", lambda b: ratio(_b(b, "waited_sum"), _b(b, "waited_n")),
            higher_is_better=False),
    Measure("longest_wait", N_("Longest wait"), "seconds", "calls",
            "the longest wait of an answered or abandoned call",
            lambda b: b.get("wait_max"), higher_is_better=False),
    # -- handling (every inbound leg an agent answered and closed) --
    Measure("handled", N_("Handled"), "count", "handling",
            "inbound calls (transfer legs included) an agent answered and closed",
            _count("handled")),
    Measure("aht", N_("AHT"), "seconds", "handling",
            "(talk + hold + wrap-up) / handled",
            lambda b: ratio(_b(b, "talk_sum") + _b(b, "hold_sum") + _b(b, "wrap_sum"),
                            _b(b, "handled")), higher_is_better=False),
    Measure("avg_talk", N_("Average talk"), "seconds", "handling", "talk / handled",
            lambda b: ratio(_b(b, "talk_sum"), _b(b, "handled")), higher_is_better=False),
    Measure("avg_hold", N_("Average hold"), "seconds", "handling", "hold / handled",
            lambda b: ratio(_b(b, "hold_sum"), _b(b, "handled")), higher_is_better=False),
    Measure("avg_wrap", N_("Average wrap-up"), "seconds", "handling", "wrap-up / handled",
            lambda b: ratio(_b(b, "wrap_sum"), _b(b, "handled")), higher_is_better=False),
    Measure("transfer_rate", N_("Transfer rate"), "pct", "handling",
            "handled calls transferred / handled",
            lambda b: ratio(_b(b, "transferred_n"), _b(b, "handled")),
            higher_is_better=False),
    Measure("hold_rate", N_("Hold rate"), "pct", "handling",
            "handled calls put on hold at least once / handled",
            lambda b: ratio(_b(b, "held_n"), _b(b, "handled")), higher_is_better=False),
    Measure("fcr", N_("First-contact resolution"), "pct", "handling",
            "handled calls marked resolved on this call / handled",
            lambda b: ratio(_b(b, "resolved_n"), _b(b, "handled"))),
    Measure("repeat_contacts", N_("Repeat contacts"), "count", "handling",
            "closed inbound first-leg calls whose customer had another answered or waiting "
            "inbound first-leg call of the same category in the 7 days before it",
            _count("repeat_n"), higher_is_better=False),
    Measure("repeat_rate", N_("Repeat-contact rate"), "pct", "handling",
            "repeat contacts / closed inbound first-leg calls with a known customer",
            lambda b: ratio(_b(b, "repeat_n"), _b(b, "contacts")), higher_is_better=False),
    # -- people --
    Measure("occupancy", N_("Occupancy"), "pct", "people",
            "time on_call + on_hold + wrap_up / time logged in and available "
            "(available, ringing, on_call, on_hold, wrap_up)",
            lambda b: ratio(_b(b, "st_busy"), _b(b, "st_logged"))),
    Measure("adherence", N_("Adherence"), "pct", "people",
            "time logged in and available during rostered work shifts / rostered time "
            "(n/a without a roster)",
            lambda b: ratio(_b(b, "sh_adherent"), _b(b, "sh_scheduled"))),
    # -- outbound --
    Measure("attempts", N_("Outbound attempts"), "count", "outbound",
            "outbound calls dialled", _count("attempts")),
    Measure("reached_rate", N_("Reached rate"), "pct", "outbound",
            "outbound calls with outcome reached / attempts",
            lambda b: ratio(_b(b, "reached"), _b(b, "attempts"))),
    Measure("callbacks_due", N_("Callbacks due"), "count", "outbound",
            "callbacks (not cancelled) due in the period", _count("cb_due")),
    Measure("callbacks_on_time", N_("Callbacks on time"), "count", "outbound",
            "callbacks done with completed_at <= due_at", _count("cb_on_time")),
    Measure("callbacks_overdue", N_("Callbacks overdue"), "count", "outbound",
            "callbacks completed after due_at, or still open after due_at",
            _count("cb_overdue"), higher_is_better=False),
    Measure("callback_on_time_rate", N_("Callbacks on time rate"), "pct", "outbound",
            "on time / (on time + overdue)",
            lambda b: ratio(_b(b, "cb_on_time"), _b(b, "cb_on_time") + _b(b, "cb_overdue"))),
    # -- complaints --
    Measure("complaints_opened", N_("Complaints opened"), "count", "complaints",
            "complaints registered in the period", _count("cp_opened"),
            higher_is_better=False),
    Measure("complaints_closed", N_("Complaints closed"), "count", "complaints",
            "complaints closed in the period", _count("cp_closed")),
    Measure("complaints_overdue", N_("Complaints overdue"), "count", "complaints",
            "complaints whose deadline fell in the period and that were not closed by it",
            _count("cp_overdue"), higher_is_better=False),
    Measure("complaints_escalated", N_("Complaints escalated"), "count", "complaints",
            "complaints with an 'escalated' event in the period (each complaint once)",
            _count("cp_escalated"), higher_is_better=False),
    Measure("complaint_median_close", N_("Median time to close"), "hours", "complaints",
            "median of (closed_at - created_at) over complaints closed in the period",
            lambda b: None if b.get("cp_close_median") is None
            else float(b["cp_close_median"] or 0) / 3600, higher_is_better=False),
    # -- satisfaction (inbound and outbound calls with a score) --
    Measure("satisfaction_avg", N_("Satisfaction average"), "score", "satisfaction",
            "sum of scores / calls with a score (1-5)",
            lambda b: ratio(_b(b, "sat_sum"), _b(b, "sat_n"))),
    Measure("satisfied_share", N_("Satisfied share"), "pct", "satisfaction",
            "calls scored 4 or 5 / calls with a score",
            lambda b: ratio(_b(b, "sat_good"), _b(b, "sat_n"))),
    # -- QA: the standing revision of each scoring, filed under its call's day (as
    # `report qa` counts); calibration scorings excluded --
    Measure("qa_evaluations", N_("QA evaluations"), "count", "qa",
            "scored calls of the period (standing revision)", _count("qa_n")),
    Measure("qa_avg", N_("QA average"), "score", "qa",
            "sum of scores / evaluations", lambda b: ratio(_b(b, "qa_score_sum"), _b(b, "qa_n"))),
    Measure("qa_pass_rate", N_("QA pass rate"), "pct", "qa",
            "evaluations passed / evaluations", lambda b: ratio(_b(b, "qa_passed"), _b(b, "qa_n"))),
)

BY_KEY: dict[str, Measure] = {m.key: m for m in MEASURES}

# What a table shows when nobody picks: the floor's daily headline.
HEADLINE = ("offered", "answered", "abandoned", "service_level", "asa", "abandon_rate", "aht",
            "fcr", "occupancy", "satisfaction_avg")


def compute(bases: Bases, keys: Iterable[str] | None = None) -> dict[str, float | None]:
    """Every measure (or those named) from one bucket's base totals."""
    chosen = [BY_KEY[k] for k in keys] if keys is not None else MEASURES
    return {m.key: m.compute(bases) for m in chosen}


def parse_measures(text: str | None) -> tuple[str, ...]:
    """A comma-separated list of measure keys; 'all' or empty means every measure."""
    if not text or text.strip().lower() == "all":
        return tuple(m.key for m in MEASURES)
    keys = tuple(k.strip() for k in text.split(",") if k.strip())
    unknown = [k for k in keys if k not in BY_KEY]
    if unknown:
        raise ValueError(
            f"unknown measure {unknown[0]!r}; choose from: {', '.join(BY_KEY)}"
        )
    return keys


def format_value(measure: Measure, value: float | None) -> str:
    """A measure's value as shown in a table: 85.0%, 42 s, 3.5 h, 4.20, or n/a."""
    if value is None:
        return _("n/a")
    if measure.unit == "count":
        return f"{value:,.0f}"
    if measure.unit == "pct":
        return f"{value * 100:.1f}%"
    if measure.unit == "seconds":
        return (_("{n:.0f} s").format(n=value) if value < 600
                else _("{n:.1f} min").format(n=value / 60))
    if measure.unit == "hours":
        return _("{n:.1f} h").format(n=value)
    return f"{value:.2f}"


def export_value(measure: Measure, value: float | None) -> float | int | None:
    """A measure's value for an export: counts as integers, the rest rounded to 4 places."""
    if value is None:
        return None
    if measure.unit == "count":
        return int(round(value))
    return round(value, 4)


# ---- buckets ---------------------------------------------------------------------------

GROUPINGS = ("day", "week", "month", "interval", "agent", "team", "queue", "category")
TIME_GROUPINGS = ("day", "week", "month", "interval")
INTERVAL_MINUTES = (15, 30, 60)


def week_ending(day: date) -> date:
    """The Friday that ends ``day``'s reporting week (weeks run Saturday to Friday)."""
    return day + timedelta(days=(4 - day.weekday()) % 7)


def time_buckets(by: str, first: date, last: date, interval_minutes: int = 30) -> list[str]:
    """Every bucket key of a period in order, so quiet days still show as zero rows.

    Keys: day 'YYYY-MM-DD', week the Friday 'YYYY-MM-DD', month 'YYYY-MM',
    interval 'YYYY-MM-DD HH:MM' (start of the interval, local time).
    """
    keys: list[str] = []
    day = first
    while day <= last:
        if by == "day":
            keys.append(day.isoformat())
        elif by == "week":
            key = week_ending(day).isoformat()
            if not keys or keys[-1] != key:
                keys.append(key)
        elif by == "month":
            key = day.strftime("%Y-%m")
            if not keys or keys[-1] != key:
                keys.append(key)
        elif by == "interval":
            for minute in range(0, 24 * 60, interval_minutes):
                keys.append(f"{day.isoformat()} {minute // 60:02d}:{minute % 60:02d}")
        else:
            raise ValueError(f"{by!r} is not a time grouping")
        day += timedelta(days=1)
    return keys
