"""The QA workflow around the score: sampling plans, coaching tasks, an agent's trend.

A mixin of QaService (same database, clock and change signal); kept apart so the scoring
rules in qa.py stay readable.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, aliased

from seatdesk.data.models import Call, QaEvaluation, QaForm, Shift, User
from seatdesk.data.models.qa import QaCoaching, QaSampleItem, QaSamplePlan
from seatdesk.data.topics import Topic
from seatdesk.domain.enums import Role
from seatdesk.domain.errors import InvalidInput, NotFound, PermissionDenied
from seatdesk.domain.i18n import N_, _
from seatdesk.services import audit
from seatdesk.services.base import Service
from seatdesk.services.dto import Actor
from seatdesk.services.permissions import Permission, allowed, require
from seatdesk.services.qa_views import (
    CoachingRow,
    CoachingSummary,
    SamplePlanView,
    TrendRow,
    WorkFilter,
    WorkRow,
)

if TYPE_CHECKING:
    from typing import Any

    from seatdesk.data.models import QaEvaluation as _Evaluation

COACHING_MAX = 2000
PER_AGENT_MAX = 100


@dataclass(frozen=True)
class SamplePlanSpec:
    """What a sampling plan picks from the finished calls of [start, end)."""

    start: datetime
    end: datetime
    per_agent: int = 3  # random calls per agent (0: only the rules below)
    all_complaints: bool = False  # every complaint call as well
    all_under_seconds: int | None = None  # every call shorter than this as well
    queue: str | None = None
    category: str | None = None
    team: str | None = None
    min_talk_seconds: int | None = None  # too short to judge below this (default 10 s)
    inspectors: tuple[str, ...] = ()  # logins; empty: the inspectors on duty (or all)
    seed: int = 1
    name: str = ""


class QaWorkflow(Service):
    """Sampling plans, coaching and trends (mixed into QaService)."""

    if TYPE_CHECKING:  # QaService's own helpers, used here
        def claim_lifetime(self) -> timedelta: ...
        def _work_query(self, f: WorkFilter, claims_since: datetime | None = None) -> Any: ...
        @staticmethod
        def _work_row(r: Any) -> WorkRow: ...
        def _may_read(self, s: Session, actor: Actor, ev: _Evaluation) -> bool: ...
        def _results_scope(self, actor: Actor) -> tuple[int | None, bool]: ...
        @staticmethod
        def _rules_all(actor: Actor) -> bool: ...

    # ---- sampling plans -----------------------------------------------------------------

    def plan_sample(self, actor: Actor, spec: SamplePlanSpec) -> SamplePlanView:
        """Pick the plan's calls, split them across the inspectors, and store both.

        The stored picks are the plan: the list is the same tomorrow whatever is scored,
        claimed or added meanwhile.
        """
        require(actor, Permission.SCORE_CALLS)
        if isinstance(spec.per_agent, bool) or not 0 <= spec.per_agent <= PER_AGENT_MAX:
            raise InvalidInput(_("sample between 0 and 100 calls per agent"), "per_agent")
        if spec.per_agent == 0 and not spec.all_complaints and not spec.all_under_seconds:
            raise InvalidInput(_("the plan picks nothing: give a quota per agent, all "
                                 "complaint calls or all calls under N seconds"), "per_agent")
        if spec.end <= spec.start:
            raise InvalidInput(_("the period ends before it starts"), "to")
        if len(spec.name) > 200:
            raise InvalidInput(_("the plan's name is too long (at most 200)"), "name")
        now = self.clock()
        f = WorkFilter(team=spec.team, queue=spec.queue, category=spec.category,
                       start=spec.start, end=spec.end, min_seconds=spec.min_talk_seconds,
                       unscored_only=True, judgeable_only=True, limit=1_000_000)
        with self.db.write() as s:
            rows = [self._work_row(r) for r in
                    s.execute(self._work_query(f).order_by(Call.id)).all()]
            picks = self._pick(rows, spec)
            inspectors = self._inspectors(s, spec.inspectors, now)
            plan = QaSamplePlan(
                name=spec.name.strip(), period_start=spec.start, period_end=spec.end,
                per_agent=spec.per_agent, seed=spec.seed, created_by=actor.user_id,
                created_at=now,
                rules={"all_complaints": spec.all_complaints,
                       "all_under_seconds": spec.all_under_seconds, "queue": spec.queue,
                       "category": spec.category, "team": spec.team,
                       "min_talk_seconds": spec.min_talk_seconds,
                       "inspectors": [login for _id, login in inspectors]})
            s.add(plan)
            s.flush()
            for n, (row, reason) in enumerate(picks):
                who = inspectors[n % len(inspectors)][0] if inspectors else None
                s.add(QaSampleItem(plan_id=plan.id, call_id=row.call_id, inspector_id=who,
                                   reason=reason))
            s.flush()
            audit.record(s, actor, "qa.plan.create", at=now, entity="qa_sample_plan",
                         entity_id=plan.id, detail={"calls": len(picks)})
            self.signal(s, Topic.QA)
            return self._plan_view(s, plan)

    @staticmethod
    def _pick(rows: Sequence[WorkRow], spec: SamplePlanSpec) -> list[tuple[WorkRow, str]]:
        """(call, reason) in (agent, call) order: the rules' calls, then each quota."""
        ruled: list[tuple[WorkRow, str]] = []
        rest: dict[int, list[WorkRow]] = {}
        for row in rows:
            if spec.all_complaints and row.complaint:
                ruled.append((row, "complaint"))
            elif spec.all_under_seconds and row.talk_seconds < spec.all_under_seconds:
                ruled.append((row, "short"))
            else:
                rest.setdefault(row.agent_id, []).append(row)
        picked = list(ruled)
        for agent_id in sorted(rest):
            calls = rest[agent_id]
            # One generator per agent: one agent's new calls leave the others' picks alone.
            rng = random.Random(f"{spec.seed}:{agent_id}")
            picked += [(r, "quota") for r in
                       rng.sample(calls, min(spec.per_agent, len(calls)))]
        return sorted(picked, key=lambda p: (p[0].agent_login, p[0].call_id))

    @staticmethod
    def _inspectors(s: Session, logins: Sequence[str], now: datetime) -> list[tuple[int, str]]:
        """(id, login) of the plan's inspectors, in login order."""
        if logins:
            found = dict(s.execute(select(User.login, User.id).where(
                User.login.in_(list(logins)), User.active.is_(True))).all())
            missing = [x for x in logins if x not in found]
            if missing:
                raise InvalidInput(_("no active inspector {who}").format(
                    who=", ".join(missing)), "inspectors")
            return sorted(((i, login) for login, i in found.items()), key=lambda x: x[1])
        everyone = s.execute(select(User.id, User.login).where(
            User.role == Role.QA, User.active.is_(True)).order_by(User.login)).all()
        on_duty = set(s.scalars(select(Shift.user_id).where(
            Shift.kind == "work", Shift.published.is_(True), Shift.start_at <= now,
            Shift.end_at > now)))
        duty = [(i, login) for i, login in everyone if i in on_duty]
        return duty or [(i, login) for i, login in everyone]

    def _plan_view(self, s: Session, plan: QaSamplePlan) -> SamplePlanView:
        first = aliased(QaEvaluation)
        calls = s.scalar(select(func.count()).select_from(QaSampleItem)
                         .where(QaSampleItem.plan_id == plan.id)) or 0
        scored = s.scalar(
            select(func.count()).select_from(QaSampleItem)
            .join(first, and_(first.call_id == QaSampleItem.call_id, first.revision == 1,
                              first.calibration_id.is_(None), first.state == "submitted"))
            .where(QaSampleItem.plan_id == plan.id)) or 0
        owner = s.get(User, plan.created_by)
        return SamplePlanView(
            id=plan.id, name=plan.name, start=plan.period_start, end=plan.period_end,
            per_agent=plan.per_agent, rules=dict(plan.rules or {}), seed=plan.seed,
            created_by=owner.login if owner else "", created_at=plan.created_at,
            calls=int(calls), scored=int(scored))

    def plans(self, actor: Actor, limit: int = 50) -> list[SamplePlanView]:
        """The stored sampling plans, newest first."""
        require(actor, Permission.SCORE_CALLS)
        with self.db.read() as s:
            rows = s.scalars(select(QaSamplePlan).order_by(QaSamplePlan.id.desc()).limit(limit))
            return [self._plan_view(s, p) for p in rows]

    def plan_calls(self, actor: Actor, plan_id: int,
                   mine_only: bool = False) -> list[WorkRow]:
        """The plan's calls with their claim and score as they stand now."""
        require(actor, Permission.SCORE_CALLS)
        assignee = aliased(User)
        since = self.clock() - self.claim_lifetime()
        with self.db.read() as s:
            if s.get(QaSamplePlan, plan_id) is None:
                raise NotFound(_("no sampling plan #{id}").format(id=plan_id))
            stmt = (self._work_query(WorkFilter(), since)
                    .add_columns(assignee.login, QaSampleItem.reason)
                    .join(QaSampleItem, and_(QaSampleItem.call_id == Call.id,
                                             QaSampleItem.plan_id == plan_id))
                    .outerjoin(assignee, assignee.id == QaSampleItem.inspector_id))
            if mine_only:
                stmt = stmt.where(QaSampleItem.inspector_id == actor.user_id)
            rows = s.execute(stmt.order_by(User.login, Call.id)).all()
            return [self._work_row(r) for r in rows]

    # ---- coaching -----------------------------------------------------------------------

    def create_coaching(self, actor: Actor, evaluation_id: int, what: str,
                        due_at: datetime, item_keys: Sequence[str] = ()) -> CoachingRow:
        """From an evaluation, a task for its agent: what to improve, by when, which items."""
        if not (allowed(actor, Permission.SCORE_CALLS)
                or allowed(actor, Permission.RULE_DISPUTES)):
            require(actor, Permission.SCORE_CALLS)
        what = what.strip()
        if not what:
            raise InvalidInput(_("say what the agent should improve"), "what")
        if len(what) > COACHING_MAX:
            raise InvalidInput(_("the coaching text is too long (at most {n})").format(
                n=COACHING_MAX), "what")
        if any(ord(ch) < 32 and ch not in "\n\t" for ch in what):
            raise InvalidInput(_("the coaching text contains control characters"), "what")
        now = self.clock()
        if due_at <= now:
            raise InvalidInput(_("the due date must be in the future"), "due")
        with self.db.write() as s:
            ev = s.get(QaEvaluation, evaluation_id)
            if ev is None or ev.calibration_id is not None or ev.state != "submitted" \
                    or not self._may_read(s, actor, ev) or ev.agent_id == actor.user_id:
                raise NotFound(_("no evaluation #{id}").format(id=evaluation_id))
            from seatdesk.services.qa import form_of

            form_row = s.get(QaForm, ev.form_id)
            assert form_row is not None
            keys = {k for _s, _i, k in form_of(form_row).items()}
            bad = [k for k in item_keys if k not in keys]
            if bad:
                raise InvalidInput(_("the form has no item {key!r}").format(key=bad[0]), "items")
            row = QaCoaching(evaluation_id=ev.id, agent_id=ev.agent_id,
                             created_by=actor.user_id, what=what, item_keys=list(item_keys),
                             due_at=due_at, state="open", created_at=now)
            s.add(row)
            s.flush()
            from seatdesk.services.notifications import add_notification

            add_notification(s, ev.agent_id, at=now, kind="qa",
                             message=N_("QA: coaching from call #{call}"),
                             params={"call": ev.call_id}, ref=f"qa_coaching:{row.id}")
            audit.record(s, actor, "qa.coaching.create", at=now, entity="qa_coaching",
                         entity_id=row.id, detail={"evaluation": ev.id})
            self.signal(s, Topic.QA)
            return self._coaching_row(s, row, now)

    def acknowledge_coaching(self, actor: Actor, coaching_id: int) -> CoachingRow:
        """The agent confirms they read the coaching task."""
        now = self.clock()
        with self.db.write() as s:
            row = s.get(QaCoaching, coaching_id, with_for_update=True)
            if row is None or row.agent_id != actor.user_id:
                raise NotFound(_("no coaching task #{id} of yours").format(id=coaching_id))
            if row.state == "open":
                row.state, row.acknowledged_at = "acknowledged", now
                audit.record(s, actor, "qa.coaching.acknowledge", at=now,
                             entity="qa_coaching", entity_id=row.id)
                self.signal(s, Topic.QA)
            return self._coaching_row(s, row, now)

    def my_coaching(self, actor: Actor) -> list[CoachingRow]:
        """The agent's own coaching tasks, open first, then newest."""
        now = self.clock()
        with self.db.read() as s:
            rows = s.scalars(select(QaCoaching).where(QaCoaching.agent_id == actor.user_id)
                             .order_by(QaCoaching.state.desc(), QaCoaching.id.desc()))
            return [self._coaching_row(s, r, now) for r in rows]

    def coaching_overview(self, actor: Actor) -> list[CoachingSummary]:
        """Open and overdue coaching per agent: a team lead's team, everyone for others."""
        if not (allowed(actor, Permission.RULE_DISPUTES)
                or allowed(actor, Permission.SCORE_CALLS)):
            raise PermissionDenied(_("{who} may not see coaching").format(who=actor.login))
        now = self.clock()
        overdue = func.sum(case((QaCoaching.due_at < now, 1), else_=0))
        with self.db.read() as s:
            stmt = (select(User.login, User.name, func.count(QaCoaching.id), overdue)
                    .join(User, User.id == QaCoaching.agent_id)
                    .where(QaCoaching.state == "open")
                    .group_by(User.login, User.name).order_by(User.login))
            if not self._rules_all(actor) and not allowed(actor, Permission.SCORE_CALLS):
                stmt = stmt.where(User.team_id == actor.team_id)
            return [CoachingSummary(agent_login=login, agent_name=name, open=int(n),
                                    overdue=int(late or 0))
                    for login, name, n, late in s.execute(stmt).all()]

    def _coaching_row(self, s: Session, row: QaCoaching,
                      now: datetime) -> CoachingRow:
        agent = s.get(User, row.agent_id)
        owner = s.get(User, row.created_by)
        ev = s.get(QaEvaluation, row.evaluation_id) if row.evaluation_id else None
        return CoachingRow(
            id=row.id, evaluation_id=row.evaluation_id, call_id=ev.call_id if ev else None,
            agent_id=row.agent_id, agent_name=agent.name if agent else "",
            created_by=owner.login if owner else "", what=row.what,
            item_keys=tuple(row.item_keys or ()), due_at=row.due_at, state=row.state,
            created_at=row.created_at, acknowledged_at=row.acknowledged_at,
            overdue=row.state == "open" and row.due_at < now)

    # ---- trend --------------------------------------------------------------------------

    def trend(self, actor: Actor, agent_login: str | None = None, *,
              weeks: int = 8, timezone: str = "Asia/Shanghai") -> list[TrendRow]:
        """An agent's QA per week (Monday to Sunday in the center's zone), oldest first.

        Counted as the reports count: the standing revision, under its call's day.
        """
        from seatdesk.services.qa_results import results_rows

        if not 1 <= weeks <= 104:
            raise InvalidInput(_("between 1 and 104 weeks"), "weeks")
        with self.db.read() as s:
            if agent_login is None or agent_login == actor.login:
                agent = s.get(User, actor.user_id)
            else:
                require(actor, Permission.VIEW_QA_RESULTS)
                agent = s.scalar(select(User).where(User.login == agent_login))
                team_id, whole = self._results_scope(actor)
                if agent is None or (not whole and agent.team_id != team_id):
                    raise NotFound(_("no agent {login}").format(login=agent_login))
            if agent is None:
                raise NotFound(_("no agent {login}").format(login=agent_login))
            tz = ZoneInfo(timezone)
            today = self.clock().astimezone(tz).date()
            monday = today - timedelta(days=today.weekday())
            out = []
            for n in range(weeks - 1, -1, -1):
                first = monday - timedelta(weeks=n)
                start = datetime.combine(first, datetime.min.time(), tz)
                end = start + timedelta(days=7)
                rows = [r for r in results_rows(s, start, end, "agent")
                        if r.key == agent.login]
                r = rows[0] if rows else None
                out.append(TrendRow(period=first.isoformat(),
                                    evaluations=r.evaluations if r else 0,
                                    average=r.average if r else None,
                                    pass_rate=r.pass_rate if r else None))
            return out


__all__ = ["QaWorkflow", "SamplePlanSpec"]
