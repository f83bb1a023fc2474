"""QA results (SQL aggregates) and the calibration spread, used by QaService."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, false, func, select
from sqlalchemy.orm import Session, aliased

from seatdesk.data.models import Call, QaEvaluation, QaForm, Team, User
from seatdesk.domain.i18n import _
from seatdesk.domain.qa.forms import FormDefinition, form_from_dict
from seatdesk.domain.qa.scoring import LOW_FRACTION, Answer, fraction
from seatdesk.services.qa_views import InspectorDistance, ItemSpread, ResultRow

MOST_FAILED = 3


def _counted(start: datetime, end: datetime, team_id: int | None = None,
             whole_center: bool = True) -> list[Any]:
    """The evaluations that count: submitted, not calibration, the standing revision.

    Unless ``whole_center``, only those of agents in ``team_id`` (a team lead's view).
    """
    newer = aliased(QaEvaluation)
    at = func.coalesce(Call.answered_at, Call.queued_at)
    where = [
        QaEvaluation.state == "submitted",
        QaEvaluation.calibration_id.is_(None),
        ~select(newer.id).where(newer.revision_of == QaEvaluation.id).exists(),
        at >= start,
        at < end,
    ]
    if not whole_center:
        # A lead with no team sees nothing rather than everybody.
        where.append(QaEvaluation.agent_id.in_(
            select(User.id).where(User.team_id == team_id) if team_id is not None
            else select(User.id).where(false())))
    return where


def _forms(s: Session) -> dict[int, FormDefinition]:
    return {f.id: form_from_dict(f.definition) for f in s.scalars(select(QaForm))}


def results_rows(s: Session, start: datetime, end: datetime, by: str,
                 scope: tuple[int | None, bool] = (None, True)) -> list[ResultRow]:
    """Per agent, team or inspector: count, average, pass rate, critical fails.

    ``scope`` is (team id, whole center) as given to ``_counted``.
    """
    if by == "team":
        person = aliased(User)
        key_col: Any = func.coalesce(Team.code, "-")
        label_col: Any = func.coalesce(Team.name, "-")
        joins: list[tuple[Any, Any]] = [(person, person.id == QaEvaluation.agent_id),
                                        (Team, Team.id == person.team_id)]
    else:
        person = aliased(User)
        who = QaEvaluation.agent_id if by == "agent" else QaEvaluation.inspector_id
        key_col, label_col = person.login, person.name
        joins = [(person, person.id == who)]
    stmt = (
        select(key_col, label_col, func.count(QaEvaluation.id), func.avg(QaEvaluation.score),
               func.sum(case((QaEvaluation.passed.is_(True), 1), else_=0)),
               func.count(QaEvaluation.score),
               func.sum(case((QaEvaluation.critical_failed.is_(True), 1), else_=0)))
        .select_from(QaEvaluation).join(Call, Call.id == QaEvaluation.call_id)
    )
    for target, on in joins:
        stmt = stmt.outerjoin(target, on) if target is Team else stmt.join(target, on)
    stmt = stmt.where(*_counted(start, end, *scope)).group_by(key_col, label_col).order_by(key_col)
    aggregates = s.execute(stmt).all()
    base = select(key_col, QaEvaluation.answers, QaEvaluation.form_id).select_from(
        QaEvaluation).join(Call, Call.id == QaEvaluation.call_id)
    for target, on in joins:
        base = base.outerjoin(target, on) if target is Team else base.join(target, on)
    forms = _forms(s)
    failed = _failed_items_with(forms, s.execute(base.where(*_counted(start, end, *scope))).all())
    out = []
    for key, label, n, avg, passed, scored, critical in aggregates:
        top = tuple(k for k, _n in failed.get(key, Counter()).most_common(MOST_FAILED))
        out.append(ResultRow(
            key=str(key), label=str(label), evaluations=int(n),
            average=None if avg is None else round(float(avg), 2),
            pass_rate=round(100.0 * int(passed or 0) / scored, 2) if scored else None,
            critical_fails=int(critical or 0), most_failed=top))
    return out


def _failed_items_with(forms: dict[int, FormDefinition],
                       rows: Sequence[Any]) -> dict[Any, Counter[str]]:
    out: dict[Any, Counter[str]] = {}
    for key, answers, form_id in rows:
        form = forms.get(form_id)
        counter = out.setdefault(key, Counter())
        if form is None:
            continue
        rules = {r.id: r for r in form.rules()}
        for item_key, raw in (answers or {}).items():
            rule = rules.get(item_key)
            v = raw.get("v") if isinstance(raw, Mapping) else None
            if rule is None or raw.get("na") or not isinstance(v, int):
                continue
            if fraction(rule, v) < LOW_FRACTION:
                counter[item_key] += 1
    return out


def item_results(s: Session, start: datetime, end: datetime,
                 scope: tuple[int | None, bool] = (None, True)) -> list[ResultRow]:
    """Per form item: how often scored, average earned share, fails (critical counted)."""
    forms = _forms(s)
    rows = s.execute(select(QaEvaluation.answers, QaEvaluation.form_id)
                     .select_from(QaEvaluation).join(Call, Call.id == QaEvaluation.call_id)
                     .where(*_counted(start, end, *scope))).all()
    earned: dict[str, list[float]] = {}
    labels: dict[str, str] = {}
    criticals: Counter[str] = Counter()
    for answers, form_id in rows:
        form = forms.get(form_id)
        if form is None:
            continue
        for sec, item, key in form.items():
            labels.setdefault(key, f"{sec.title}: {item.question}")
            raw = (answers or {}).get(key)
            if not isinstance(raw, Mapping) or raw.get("na") or not isinstance(raw.get("v"), int):
                continue
            f = fraction(item.rule(sec.id), raw["v"])
            earned.setdefault(key, []).append(f)
            if item.critical and f < LOW_FRACTION:
                criticals[key] += 1
    out = []
    for key, values in earned.items():
        fails = sum(1 for f in values if f < LOW_FRACTION)
        out.append(ResultRow(
            key=key, label=labels[key], evaluations=len(values),
            average=round(100.0 * sum(values) / len(values), 2),
            pass_rate=round(100.0 * (len(values) - fails) / len(values), 2),
            critical_fails=criticals[key]))
    # Most-failed first: the items training should look at.
    return sorted(out, key=lambda r: (r.pass_rate if r.pass_rate is not None else 100, r.key))


def result_columns(by: str) -> list[tuple[str, str]]:
    """(key, heading) of the QA results table for one grouping, headings translated."""
    first = {"agent": _("Agent"), "team": _("Team"), "inspector": _("Inspector"),
             "item": _("Item")}[by]
    cols = [("key", first), ("label", _("Name")), ("evaluations", _("Evaluations")),
            ("average", _("Average")), ("pass_rate", _("Pass rate %")),
            ("critical_fails", _("Critical fails"))]
    if by != "item":
        cols.append(("most_failed", _("Most failed items")))
    return cols


def result_dicts(rows: Sequence[ResultRow]) -> list[dict[str, object]]:
    """Result rows as plain dicts keyed like ``result_columns`` (for tables and exports)."""
    return [{"key": r.key, "label": r.label, "evaluations": r.evaluations,
             "average": r.average, "pass_rate": r.pass_rate,
             "critical_fails": r.critical_fails, "most_failed": ", ".join(r.most_failed)}
            for r in rows]


def calibration_report(
    form: FormDefinition,
    scored: Sequence[tuple[str, str, float | None, Mapping[str, Answer]]],
    reference_login: str,
) -> tuple[tuple[ItemSpread, ...], tuple[InspectorDistance, ...]]:
    """Spread of each item over inspectors and each inspector's distance from the reference."""
    items: list[ItemSpread] = []
    shares: dict[str, dict[str, float]] = {login: {} for login, *_ in scored}
    for sec, item, key in form.items():
        values: list[float] = []
        for login, _name, _score, answers in scored:
            a = answers.get(key)
            if a is None or a.na or a.value is None:
                continue
            v = round(100.0 * fraction(item.rule(sec.id), a.value), 2)
            shares[login][key] = v
            values.append(v)
        items.append(ItemSpread(
            key=key, question=item.question, values=tuple(values),
            minimum=min(values) if values else None, maximum=max(values) if values else None,
            stdev=round(statistics.pstdev(values), 2) if values else None))
    ref = next((x for x in scored if x[0] == reference_login), None)
    inspectors = []
    for login, name, score_, _answers in scored:
        distance = item_distance = None
        if ref is not None:
            if score_ is not None and ref[2] is not None:
                distance = round(abs(score_ - ref[2]), 2)
            common = [k for k in shares[login] if k in shares[ref[0]]]
            if common:
                item_distance = round(sum(abs(shares[login][k] - shares[ref[0]][k])
                                          for k in common) / len(common), 2)
        inspectors.append(InspectorDistance(
            login=login, name=name, score=score_, distance=distance,
            item_distance=item_distance, is_reference=login == reference_login))
    return tuple(items), tuple(inspectors)
