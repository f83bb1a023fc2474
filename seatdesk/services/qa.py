"""Quality inspection (质检): forms, picking and claiming calls, scoring, disputes, calibration.

Rules enforced here, not only in the screens:

* one claim per call (primary key of qa_claims) and one first evaluation per call;
* a submitted evaluation is read-only: a change is a new revision after a dispute;
* an agent reads only their own submitted evaluations; a team lead those of their team;
* calibration scores are hidden from other inspectors until the session is closed and
  never count in agents' results.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from seatdesk.data.models import (
    Call,
    CallState,
    Complaint,
    Customer,
    QaCalibration,
    QaEvaluation,
    QaForm,
    Queue,
    Team,
    User,
)
from seatdesk.data.models.qa import QaClaim, QaResponse
from seatdesk.data.topics import Topic
from seatdesk.domain.errors import (
    Conflict,
    DuplicateRecord,
    InvalidInput,
    InvalidTransition,
    NotFound,
)
from seatdesk.domain.i18n import N_, _, current_language
from seatdesk.domain.qa.forms import FormDefinition, FormError, form_from_dict
from seatdesk.domain.qa.scoring import Answer, missing_comments, score, value_range
from seatdesk.services import audit
from seatdesk.services.calls import call_view
from seatdesk.services.dto import Actor, CallEventView
from seatdesk.services.notifications import add_notification
from seatdesk.services.permissions import Permission, allowed, require
from seatdesk.services.qa_results import (
    calibration_report,
    item_results,
    results_rows,
)
from seatdesk.services.qa_views import (
    CalibrationReport,
    CalibrationRow,
    CallLook,
    CallRecord,
    DisputeRow,
    EvaluationView,
    FormVersion,
    ResponseView,
    ResultRow,
    WorkFilter,
    WorkRow,
)
from seatdesk.services.qa_workflow import QaWorkflow

COMMENT_MAX = 4000
REASON_MAX = 1000
DEFAULT_FORM_CODE = "default"
DEFAULT_DISPUTE_DAYS = 7
# A claim nobody worked on for this long is free again (Settings.qa_claim_minutes).
DEFAULT_CLAIM_MINUTES = 240
# How many times one evaluation's chain may be disputed (Settings.qa_dispute_rounds).
DEFAULT_DISPUTE_ROUNDS = 1
# Calls shorter than this (talk seconds) are too short to judge; a sample leaves them out.
JUDGE_SECONDS = 10
# Outbound attempts that never reached anybody: nothing to score.
UNCONNECTED = ("no_answer", "busy", "wrong_number")
DISPUTE_REASON_CODES = ("recording", "not_applicable", "too_harsh", "guidance")


def dispute_reason_label(code: str) -> str:
    """The dispute reason list, in the reader's language."""
    return {
        "recording": _("the recording shows otherwise"),
        "not_applicable": _("the item does not apply to this call"),
        "too_harsh": _("the score is too harsh for what happened"),
        "guidance": _("the guidance does not ask for this"),
    }.get(code, code)
RESULT_GROUPS = ("agent", "team", "inspector", "item")


def answers_from_json(raw: Mapping[str, Any] | None) -> dict[str, Answer]:
    out: dict[str, Answer] = {}
    for key, value in (raw or {}).items():
        if isinstance(value, Mapping):
            v = value.get("v")
            out[key] = Answer(value=v if isinstance(v, int) else None, na=bool(value.get("na")),
                              comment=str(value.get("c", "")))
    return out


def answers_to_json(answers: Mapping[str, Answer]) -> dict[str, Any]:
    return {k: {"v": a.value, "na": a.na, "c": a.comment} for k, a in answers.items()
            if a.value is not None or a.na or a.comment}


def form_of(row: QaForm) -> FormDefinition:
    return form_from_dict(row.definition)


def mask_name(name: str) -> str:
    """王芳 → 王*, Alice Smith → A****: enough to tell calls apart, not to identify."""
    name = name.strip()
    return (name[:1] + "*" * max(1, min(len(name) - 1, 4))) if name else ""


def check_answers(form: FormDefinition, answers: Mapping[str, Answer]) -> None:
    """Values within range, N/A only where allowed, comments not too long; raises InvalidInput."""
    rules = {r.id: r for r in form.rules()}
    for key, answer in answers.items():
        rule = rules.get(key)
        if rule is None:
            raise InvalidInput(_("the form has no item {key!r}").format(key=key), key)
        if answer.na and not rule.allow_na:
            raise InvalidInput(_("{key}: N/A is not allowed for this item").format(key=key), key)
        if answer.value is not None and not answer.na:
            low, high = value_range(rule)
            if not low <= answer.value <= high:
                raise InvalidInput(_("{key}: {v} is outside {low}–{high}").format(
                    key=key, v=answer.value, low=low, high=high), key)
        if len(answer.comment) > COMMENT_MAX:
            raise InvalidInput(_("{key}: the comment is too long (at most {n})").format(
                key=key, n=COMMENT_MAX), key)


def _whole(value: object, low: int, message: str, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise InvalidInput(message.format(v=value), field)
    return value


class QaService(QaWorkflow):
    # How long after submission an agent may acknowledge or dispute. The app and the CLI
    # set it from Settings.qa_dispute_days (SEATDESK_QA_DISPUTE_DAYS overrides it there).
    dispute_days: int = DEFAULT_DISPUTE_DAYS
    claim_minutes: int = DEFAULT_CLAIM_MINUTES
    dispute_rounds: int = DEFAULT_DISPUTE_ROUNDS

    def set_dispute_days(self, days: int) -> None:
        """Set the dispute window (whole days, 0 or more); InvalidInput otherwise."""
        self.dispute_days = _whole(days, 0, _("the dispute window is a whole number of days, "
                                              "not {v!r}"), "qa_dispute_days")

    def set_claim_minutes(self, minutes: int) -> None:
        """How long an untouched claim holds (whole minutes, 1 or more)."""
        self.claim_minutes = _whole(minutes, 1, _("a claim lasts a whole number of minutes "
                                                  "(1 or more), not {v!r}"), "qa_claim_minutes")

    def set_dispute_rounds(self, rounds: int) -> None:
        """How many disputes one evaluation's chain allows (0 turns disputes off)."""
        self.dispute_rounds = _whole(rounds, 0, _("dispute rounds are a whole number, "
                                                  "not {v!r}"), "qa_dispute_rounds")

    def claim_lifetime(self) -> timedelta:
        return timedelta(minutes=self.claim_minutes)

    def dispute_window(self) -> timedelta:
        """How long after submission an agent may acknowledge or dispute."""
        return timedelta(days=self.dispute_days)

    # ---- forms ---------------------------------------------------------------------------

    def ensure_form(self, form: FormDefinition) -> int:
        """Publish ``form`` as version 1 unless its code exists; the newest version's id."""
        now = self.clock()
        try:
            with self.db.write() as s:
                newest = self._newest_form(s, form.code)
                if newest is not None:
                    return newest.id
                row = self._insert_form(s, form, 1, None, now)
                return row.id
        except DuplicateRecord:
            # Two seats seeded at once: the other one's version 1 stands.
            with self.db.read() as s:
                newest = self._newest_form(s, form.code)
                assert newest is not None
                return newest.id

    def _newest_form(self, s: Session, code: str) -> QaForm | None:
        return s.scalar(select(QaForm).where(QaForm.code == code, QaForm.published.is_(True))
                        .order_by(QaForm.version.desc()).limit(1))

    def _insert_form(self, s: Session, form: FormDefinition, version: int,
                     actor_id: int | None, now: datetime) -> QaForm:
        row = QaForm(code=form.code, version=version, name=form.name, name_zh=form.name_zh,
                     pass_mark=form.pass_mark, definition=form.to_dict(), published=True,
                     created_by=actor_id, created_at=now)
        s.add(row)
        s.flush()
        return row

    def publish_form(self, actor: Actor, form: FormDefinition) -> FormVersion:
        """Publish an edited or imported form as a new version (old versions stay)."""
        require(actor, Permission.EDIT_QA_FORMS)
        try:
            form = form_from_dict(form.to_dict())  # the same checks as a file import
        except FormError as exc:
            raise InvalidInput(str(exc), "form") from None
        now = self.clock()
        with self.db.write() as s:
            top = s.scalar(select(func.max(QaForm.version)).where(QaForm.code == form.code))
            row = self._insert_form(s, form, (top or 0) + 1, actor.user_id, now)
            audit.record(s, actor, "qa.form.publish", at=now, entity="qa_form",
                         entity_id=row.id, detail={"code": form.code, "version": row.version})
            self.signal(s, Topic.QA)
            return self._form_version(row)

    def _form_version(self, row: QaForm) -> FormVersion:
        return FormVersion(id=row.id, code=row.code, version=row.version,
                           published=row.published, created_at=row.created_at, form=form_of(row))

    def forms(self, actor: Actor) -> list[FormVersion]:
        """The newest published version of every form."""
        with self.db.read() as s:
            top = (select(QaForm.code, func.max(QaForm.version).label("v"))
                   .where(QaForm.published.is_(True)).group_by(QaForm.code).subquery())
            rows = s.scalars(select(QaForm).join(
                top, and_(top.c.code == QaForm.code, top.c.v == QaForm.version))
                .order_by(QaForm.code))
            return [self._form_version(r) for r in rows]

    def form(self, actor: Actor, form_id: int | None = None,
             code: str = DEFAULT_FORM_CODE) -> FormVersion:
        """One exact form version, or the newest version of ``code``."""
        with self.db.read() as s:
            row = s.get(QaForm, form_id) if form_id else self._newest_form(s, code)
            if row is None:
                raise NotFound(_("no QA form {f!r}").format(f=form_id or code))
            return self._form_version(row)

    # ---- the work list ------------------------------------------------------------------

    def _work_query(self, f: WorkFilter, claims_since: datetime | None = None) -> Any:
        at = func.coalesce(Call.answered_at, Call.queued_at)
        complaint = or_(
            Call.category == "complaint", Call.complaint_id.is_not(None),
            exists().where(Complaint.call_id == Call.id),
        )
        first_eval = aliased(QaEvaluation)
        inspector = aliased(User)
        stmt = (
            select(Call.id, at, User.id, User.login, User.name, Team.code, Queue.code,
                   Call.direction, Call.category, Call.disposition, Call.talk_seconds,
                   complaint, inspector.login, first_eval.state, first_eval.score,
                   Queue.name, Queue.name_zh)
            .join(User, User.id == Call.agent_id)
            .outerjoin(Team, Team.id == User.team_id)
            .outerjoin(Queue, Queue.id == Call.queue_id)
            .outerjoin(QaClaim, and_(QaClaim.call_id == Call.id,
                                     QaClaim.claimed_at >= claims_since) if claims_since
                       else QaClaim.call_id == Call.id)
            .outerjoin(inspector, inspector.id == QaClaim.inspector_id)
            .outerjoin(first_eval, and_(first_eval.call_id == Call.id,
                                        first_eval.revision == 1,
                                        first_eval.calibration_id.is_(None)))
            .where(Call.state == CallState.CLOSED)
        )
        if f.team:
            stmt = stmt.where(Team.code == f.team)
        if f.agent:
            # The list shows names; a login works as well.
            stmt = stmt.where(or_(User.login == f.agent, User.name == f.agent))
        if f.queue:
            stmt = stmt.where(Queue.code == f.queue)
        if f.direction:
            stmt = stmt.where(Call.direction == f.direction)
        if f.category:
            stmt = stmt.where(Call.category == f.category)
        if f.disposition:
            stmt = stmt.where(Call.disposition == f.disposition)
        if f.start:
            stmt = stmt.where(at >= f.start)
        if f.end:
            stmt = stmt.where(at < f.end)
        if f.min_seconds is not None:
            stmt = stmt.where(Call.talk_seconds >= f.min_seconds)
        if f.max_seconds is not None:
            stmt = stmt.where(Call.talk_seconds <= f.max_seconds)
        if f.complaints_only:
            stmt = stmt.where(complaint)
        if f.unscored_only:
            stmt = stmt.where(first_eval.id.is_(None))
        if f.judgeable_only:
            stmt = stmt.where(*self.judgeable(
                f.min_seconds if f.min_seconds is not None else JUDGE_SECONDS))
        return stmt

    @staticmethod
    def judgeable(min_talk: int = JUDGE_SECONDS) -> list[Any]:
        """Calls worth scoring: connected (answered, an outbound attempt that reached
        someone) and long enough to judge."""
        return [Call.answered_at.is_not(None),
                or_(Call.outbound_outcome.is_(None), Call.outbound_outcome.not_in(UNCONNECTED)),
                Call.talk_seconds >= min_talk]

    @staticmethod
    def _work_row(r: Any) -> WorkRow:
        extra = {"assigned_to": r[17], "sample_reason": r[18]} if len(r) > 17 else {}
        return WorkRow(call_id=r[0], at=r[1], agent_id=r[2], agent_login=r[3], agent_name=r[4],
                       team_code=r[5], queue_code=r[6], direction=str(r[7].value),
                       category=r[8], disposition=r[9], talk_seconds=r[10],
                       complaint=bool(r[11]), claimed_by=r[12], evaluation_state=r[13],
                       score=r[14], queue_name=r[15] or "", queue_name_zh=r[16] or "",
                       **extra)

    def work_list(self, actor: Actor, f: WorkFilter | None = None) -> list[WorkRow]:
        """Closed calls matching the filter, newest first, with claim and score state."""
        require(actor, Permission.SCORE_CALLS)
        f = f or WorkFilter()
        since = self.clock() - self.claim_lifetime()
        with self.db.read() as s:
            rows = s.execute(self._work_query(f, since).order_by(Call.id.desc())
                             .limit(f.limit)).all()
            return [self._work_row(r) for r in rows]

    def sample(self, actor: Actor, per_agent: int, f: WorkFilter, seed: int) -> list[WorkRow]:
        """Up to ``per_agent`` random unscored calls per agent (same seed, same pick)."""
        require(actor, Permission.SCORE_CALLS)
        if not 1 <= per_agent <= 100:
            raise InvalidInput(_("sample between 1 and 100 calls per agent"), "per_agent")
        f = WorkFilter(**{**f.__dict__, "unscored_only": True, "judgeable_only": True,
                          "limit": 100_000})
        since = self.clock() - self.claim_lifetime()
        with self.db.read() as s:
            rows = [self._work_row(r) for r in
                    s.execute(self._work_query(f, since).order_by(Call.id)).all()]
        by_agent: dict[int, list[WorkRow]] = {}
        for row in rows:
            by_agent.setdefault(row.agent_id, []).append(row)
        picked: list[WorkRow] = []
        for agent_id in sorted(by_agent):
            calls = by_agent[agent_id]
            # One generator per agent: adding calls for one agent leaves others' picks alone.
            rng = random.Random(f"{seed}:{agent_id}")
            picked.extend(rng.sample(calls, min(per_agent, len(calls))))
        return sorted(picked, key=lambda r: (r.agent_login, r.call_id))

    # ---- claims -------------------------------------------------------------------------

    def claim(self, actor: Actor, call_id: int) -> None:
        """Claim a call for scoring; Conflict if another inspector holds it."""
        require(actor, Permission.SCORE_CALLS)
        now = self.clock()
        try:
            with self.db.write() as s:
                self._claim(s, actor, call_id, now)
        except DuplicateRecord:
            raise Conflict(_("call #{id} was just claimed by another inspector").format(
                id=call_id)) from None

    def _claim(self, s: Session, actor: Actor, call_id: int, now: datetime) -> None:
        call = s.get(Call, call_id)
        if call is None:
            raise NotFound(_("no call #{id}").format(id=call_id))
        if call.state != CallState.CLOSED or call.agent_id is None:
            raise InvalidTransition(_("call #{id} is not a finished call with an agent").format(
                id=call_id))
        held = s.get(QaClaim, call_id, with_for_update=True)
        if held is not None:
            if held.inspector_id == actor.user_id:
                held.claimed_at = now  # working on it keeps it
                return
            if held.claimed_at + self.claim_lifetime() > now:
                who = s.get(User, held.inspector_id)
                raise Conflict(_("call #{id} is claimed by {who}").format(
                    id=call_id, who=who.login if who else "?"))
            # Expired: nobody touched it for the claim's lifetime. Like a release, the
            # unsubmitted draft goes with it.
            first = self._first_evaluation(s, call_id)
            if first is not None and first.state == "draft":
                s.delete(first)
            audit.record(s, actor, "qa.claim.expired", at=now, entity="call",
                         entity_id=call_id, detail={"inspector_id": held.inspector_id})
            s.delete(held)
            s.flush()
        s.add(QaClaim(call_id=call_id, inspector_id=actor.user_id, claimed_at=now))
        s.flush()
        self.signal(s, Topic.QA)

    def release(self, actor: Actor, call_id: int) -> None:
        """Give a claimed call back; an unsubmitted draft is discarded with it."""
        require(actor, Permission.SCORE_CALLS)
        with self.db.write() as s:
            held = s.get(QaClaim, call_id)
            if held is None:
                raise NotFound(_("call #{id} is not claimed").format(id=call_id))
            # A supervisor may free a claim someone left behind.
            if held.inspector_id != actor.user_id and not allowed(actor, Permission.EDIT_QA_FORMS):
                raise Conflict(_("call #{id} is claimed by another inspector").format(
                    id=call_id))
            first = self._first_evaluation(s, call_id)
            if first is not None and first.state != "draft":
                raise InvalidTransition(_("call #{id} is already scored; it stays claimed")
                                        .format(id=call_id))
            if first is not None:
                s.delete(first)
            if held.inspector_id != actor.user_id:
                audit.record(s, actor, "qa.claim.released", at=self.clock(), entity="call",
                             entity_id=call_id, detail={"inspector_id": held.inspector_id})
            s.delete(held)
            self.signal(s, Topic.QA)

    def _first_evaluation(self, s: Session, call_id: int) -> QaEvaluation | None:
        return s.scalar(select(QaEvaluation).where(
            QaEvaluation.call_id == call_id, QaEvaluation.revision == 1,
            QaEvaluation.calibration_id.is_(None)))

    def look(self, actor: Actor, call_id: int) -> CallLook:
        """What the scoring screen shows before anyone scores: no claim is taken.

        The evaluation is the first scoring if ``actor`` may read it (submitted, or their
        own draft); ``claimed_by`` names whoever holds a live claim.
        """
        require(actor, Permission.SCORE_CALLS)
        now = self.clock()
        with self.db.read() as s:
            call = s.get(Call, call_id)
            if call is None:
                raise NotFound(_("no call #{id}").format(id=call_id))
            held = s.get(QaClaim, call_id)
            claimed_by = None
            until = None
            if held is not None and held.claimed_at + self.claim_lifetime() > now:
                who = s.get(User, held.inspector_id)
                claimed_by = who.login if who else "?"
                until = held.claimed_at + self.claim_lifetime()
            ev = self._first_evaluation(s, call_id)
            view = self._view(s, ev) if ev is not None and self._may_read(s, actor, ev) \
                else None
            form_row = s.get(QaForm, ev.form_id) if ev is not None else \
                self._newest_form(s, DEFAULT_FORM_CODE)
            if form_row is None:
                raise NotFound(_("no QA form is published yet"))
            return CallLook(call_id=call_id, form=self._form_version(form_row), evaluation=view,
                            claimed_by=claimed_by, claimed_until=until,
                            scorable=call.state == CallState.CLOSED
                            and call.agent_id is not None)

    # ---- the call beside the form -------------------------------------------------------

    def call_record(self, actor: Actor, call_id: int) -> CallRecord:
        """The monitored call's record beside the form (customer masked; audited).

        Inspectors and those who rule disputes read any; an agent reads the record of
        their own call once it has a submitted evaluation (to read the feedback by it).
        """
        reviewer = (allowed(actor, Permission.SCORE_CALLS)
                    or allowed(actor, Permission.RULE_DISPUTES))
        now = self.clock()
        with self.db.write() as s:
            call = s.get(Call, call_id)
            if not reviewer and (call is None or call.agent_id != actor.user_id or not s.scalar(
                    select(QaEvaluation.id).where(
                        QaEvaluation.call_id == call_id, QaEvaluation.state == "submitted",
                        QaEvaluation.calibration_id.is_(None)).limit(1))):
                require(actor, Permission.SCORE_CALLS)
            if call is None:
                raise NotFound(_("no call #{id}").format(id=call_id))
            agent = s.get(User, call.agent_id) if call.agent_id else None
            queue = s.get(Queue, call.queue_id) if call.queue_id else None
            customer = s.get(Customer, call.customer_id) if call.customer_id else None
            unmasked = allowed(actor, Permission.SEE_UNMASKED)
            who = ""
            if customer is not None:
                name = customer.name if unmasked else mask_name(customer.name)
                who = " · ".join(x for x in (name, customer.company, customer.grade) if x)
            from seatdesk.data.models import CallEvent

            rows = s.execute(
                select(CallEvent, User.login).outerjoin(User, User.id == CallEvent.actor_id)
                .where(CallEvent.call_id == call_id).order_by(CallEvent.id)).all()
            events = tuple(CallEventView(at=e.at, kind=e.kind, from_state=e.from_state,
                                         to_state=e.to_state, actor_login=login, detail=e.detail)
                           for e, login in rows)
            audit.record(s, actor, "qa.call.view", at=now, entity="call", entity_id=call_id)
            return CallRecord(
                call=call_view(call, masked=not unmasked), agent_name=agent.name if agent else "",
                agent_no=agent.agent_no if agent else "", queue_code=queue.code if queue else None,
                customer=who, events=events, queue_name=queue.name if queue else "",
                queue_name_zh=queue.name_zh if queue else "")

    # ---- scoring ------------------------------------------------------------------------

    def start_evaluation(self, actor: Actor, call_id: int,
                         form_id: int | None = None) -> EvaluationView:
        """Claim the call (if free) and open the inspector's draft on the newest form."""
        require(actor, Permission.SCORE_CALLS)
        now = self.clock()
        try:
            with self.db.write() as s:
                self._claim(s, actor, call_id, now)
                ev = self._first_evaluation(s, call_id)
                if ev is None:
                    form = s.get(QaForm, form_id) if form_id else self._newest_form(
                        s, DEFAULT_FORM_CODE)
                    if form is None:
                        raise NotFound(_("no QA form is published yet"))
                    call = s.get(Call, call_id)
                    assert call is not None and call.agent_id is not None
                    ev = QaEvaluation(call_id=call_id, form_id=form.id, agent_id=call.agent_id,
                                      inspector_id=actor.user_id, state="draft", answers={},
                                      critical_failed=False, created_at=now)
                    s.add(ev)
                    s.flush()
                elif ev.inspector_id != actor.user_id and ev.state == "draft":
                    raise Conflict(_("call #{id} is being scored by another inspector").format(
                        id=call_id))
                return self._view(s, ev)
        except DuplicateRecord:
            raise Conflict(_("call #{id} was just claimed by another inspector").format(
                id=call_id)) from None

    def _editable(self, s: Session, actor: Actor, evaluation_id: int) -> QaEvaluation:
        ev = s.get(QaEvaluation, evaluation_id, with_for_update=True)
        if ev is None or ev.inspector_id != actor.user_id:
            raise NotFound(_("no draft evaluation #{id} of yours").format(id=evaluation_id))
        if ev.state != "draft":
            raise InvalidTransition(_(
                "evaluation #{id} is submitted and read-only; "
                "a change needs a dispute ruling (a new revision)").format(id=evaluation_id))
        if ev.calibration_id is not None:
            cal = s.get(QaCalibration, ev.calibration_id)
            if cal is not None and cal.state != "open":
                raise InvalidTransition(_("the calibration session is closed"))
        return ev

    def save_draft(self, actor: Actor, evaluation_id: int, answers: Mapping[str, Answer],
                   comment: str = "") -> EvaluationView:
        """Keep a half-scored form (checked for range, not completeness)."""
        with self.db.write() as s:
            ev = self._editable(s, actor, evaluation_id)
            form = form_of(s.get_one(QaForm, ev.form_id))
            check_answers(form, answers)
            if len(comment) > COMMENT_MAX:
                raise InvalidInput(_("the overall comment is too long (at most {n})").format(
                    n=COMMENT_MAX), "comment")
            held = s.get(QaClaim, ev.call_id)
            if held is not None and held.inspector_id == actor.user_id:
                held.claimed_at = self.clock()  # saving is working on it
            result = score(form.rules(), answers, form.pass_mark)
            ev.answers = answers_to_json(answers)
            ev.comment = comment
            ev.score, ev.passed, ev.critical_failed = (result.score, result.passed,
                                                       result.critical_failed)
            return self._view(s, ev)

    def submit(self, actor: Actor, evaluation_id: int, answers: Mapping[str, Answer],
               comment: str = "") -> EvaluationView:
        """Score every item and submit: read-only from now on; the agent is notified."""
        now = self.clock()
        with self.db.write() as s:
            ev = self._editable(s, actor, evaluation_id)
            form = form_of(s.get_one(QaForm, ev.form_id))
            result = self._validated(form, answers, comment)
            ev.answers = answers_to_json(answers)
            ev.comment = comment
            ev.score, ev.passed, ev.critical_failed = (result.score, result.passed,
                                                       result.critical_failed)
            ev.state = "submitted"
            ev.submitted_at = now
            if ev.calibration_id is None:
                self._notify(s, ev.agent_id, now, ev, "submitted")
            audit.record(s, actor, "qa.submit", at=now, entity="qa_evaluation",
                         entity_id=ev.id, detail={"score": ev.score})
            self.signal(s, Topic.QA)
            return self._view(s, ev)

    @staticmethod
    def _validated(form: FormDefinition, answers: Mapping[str, Answer], comment: str) -> Any:
        check_answers(form, answers)
        for sec, item, key in form.items():
            a = answers.get(key)
            if a is None or (a.value is None and not a.na):
                raise InvalidInput(_("score every item: '{q}' ({s}) has no score yet").format(
                    q=item.text(current_language()), s=sec.text(current_language())), key)
        missing = missing_comments(form.rules(), answers)
        if missing:
            item = form.item(missing[0])
            raise InvalidInput(_("a low score on '{q}' needs a comment").format(
                q=item.text(current_language())), missing[0])
        if len(comment) > COMMENT_MAX:
            raise InvalidInput(_("the overall comment is too long (at most {n})").format(
                n=COMMENT_MAX), "comment")
        return score(form.rules(), answers, form.pass_mark)

    def _notify(self, s: Session, user_id: int, now: datetime, ev: QaEvaluation,
                what: str) -> None:
        shown = "-" if ev.score is None else f"{ev.score:.1f}"
        # Stored as its msgid: the agent or lead reads it in their own language.
        message = {
            "submitted": N_("QA: call #{call} was scored {score}"),
            "revised": N_("QA: your dispute on call #{call} changed the score to {score}"),
            "upheld": N_("QA: your dispute on call #{call} was ruled; the score stands"),
            "disputed": N_("QA: a dispute on call #{call} waits for your ruling"),
        }[what]
        add_notification(s, user_id, at=now, kind="qa", message=message,
                         params={"call": ev.call_id, "score": shown},
                         ref=f"qa_evaluation:{ev.id}")

    # ---- reading evaluations ------------------------------------------------------------

    def _may_read(self, s: Session, actor: Actor, ev: QaEvaluation) -> bool:
        if ev.calibration_id is not None:
            if ev.inspector_id == actor.user_id:
                return True
            cal = s.get(QaCalibration, ev.calibration_id)
            return (cal is not None and cal.state == "closed"
                    and allowed(actor, Permission.SCORE_CALLS))
        if ev.agent_id == actor.user_id:
            return ev.state == "submitted"
        if ev.state == "draft":
            return ev.inspector_id == actor.user_id
        if allowed(actor, Permission.SCORE_CALLS) or allowed(actor, Permission.EDIT_QA_FORMS):
            return True
        if allowed(actor, Permission.RULE_DISPUTES):
            agent = s.get(User, ev.agent_id)
            return agent is not None and agent.team_id is not None \
                and agent.team_id == actor.team_id
        return False

    def evaluation(self, actor: Actor, evaluation_id: int) -> EvaluationView:
        """One evaluation if ``actor`` may see it; NotFound otherwise (no hint it exists)."""
        with self.db.read() as s:
            ev = s.get(QaEvaluation, evaluation_id)
            if ev is None or not self._may_read(s, actor, ev):
                raise NotFound(_("no evaluation #{id}").format(id=evaluation_id))
            return self._view(s, ev)

    def history(self, actor: Actor, evaluation_id: int) -> list[EvaluationView]:
        """Every revision of the evaluation's chain, first to last."""
        with self.db.read() as s:
            ev = s.get(QaEvaluation, evaluation_id)
            if ev is None or not self._may_read(s, actor, ev):
                raise NotFound(_("no evaluation #{id}").format(id=evaluation_id))
            while ev.revision_of is not None:
                ev = s.get(QaEvaluation, ev.revision_of)
                assert ev is not None
            chain = [ev]
            while True:
                nxt = s.scalar(select(QaEvaluation).where(QaEvaluation.revision_of == chain[-1].id))
                if nxt is None:
                    break
                chain.append(nxt)
            return [self._view(s, e) for e in chain]

    def my_evaluations(self, actor: Actor) -> list[EvaluationView]:
        """The agent's own submitted evaluations (every revision), newest first."""
        with self.db.read() as s:
            rows = s.scalars(select(QaEvaluation).where(
                QaEvaluation.agent_id == actor.user_id, QaEvaluation.state == "submitted",
                QaEvaluation.calibration_id.is_(None)).order_by(QaEvaluation.id.desc()))
            return [self._view(s, e) for e in rows]

    def drafts(self, actor: Actor) -> list[EvaluationView]:
        """The inspector's unsubmitted evaluations."""
        with self.db.read() as s:
            rows = s.scalars(select(QaEvaluation).where(
                QaEvaluation.inspector_id == actor.user_id, QaEvaluation.state == "draft")
                .order_by(QaEvaluation.id))
            return [self._view(s, e) for e in rows]

    def _view(self, s: Session, ev: QaEvaluation) -> EvaluationView:
        form_row = s.get(QaForm, ev.form_id)
        assert form_row is not None
        agent = s.get(User, ev.agent_id)
        inspector = s.get(User, ev.inspector_id)
        resp = s.scalar(select(QaResponse).where(QaResponse.evaluation_id == ev.id))
        nxt = s.scalar(select(QaEvaluation.id).where(QaEvaluation.revision_of == ev.id))
        reviser = s.get(User, ev.revised_by) if ev.revised_by else None
        until = None
        if ev.submitted_at is not None and self._rounds_left(ev):
            until = ev.submitted_at + self.dispute_window()
        return EvaluationView(
            id=ev.id, call_id=ev.call_id, form_id=ev.form_id, form_version=form_row.version,
            form=form_of(form_row), agent_id=ev.agent_id,
            agent_name=agent.name if agent else "", inspector_id=ev.inspector_id,
            inspector_name=inspector.name if inspector else "", state=ev.state,
            answers=answers_from_json(ev.answers), score=ev.score, passed=ev.passed,
            critical_failed=ev.critical_failed, comment=ev.comment, revision=ev.revision,
            revision_of=ev.revision_of, calibration_id=ev.calibration_id,
            created_at=ev.created_at, submitted_at=ev.submitted_at,
            response=self._response_view(s, resp) if resp else None, superseded_by=nxt,
            respond_until=until, revised_by=reviser.login if reviser else None,
        )

    def _rounds_left(self, ev: QaEvaluation) -> bool:
        # Every revision after the first was made by a dispute ruling.
        return ev.calibration_id is None and ev.revision - 1 < self.dispute_rounds

    def _response_view(self, s: Session, r: QaResponse) -> ResponseView:
        ruler = s.get(User, r.ruled_by) if r.ruled_by else None
        return ResponseView(id=r.id, evaluation_id=r.evaluation_id, kind=r.kind, state=r.state,
                            reasons=dict(r.reasons or {}), comment=r.comment, at=r.at,
                            ruled_by=ruler.login if ruler else None, ruled_at=r.ruled_at,
                            ruling=r.ruling, new_evaluation_id=r.new_evaluation_id,
                            reason_codes=dict(r.reason_codes or {}))

    # ---- the agent's answer and disputes ------------------------------------------------

    def acknowledge(self, actor: Actor, evaluation_id: int) -> EvaluationView:
        """The agent accepts the score."""
        return self._respond(actor, evaluation_id, "acknowledged", {}, "")

    def dispute(self, actor: Actor, evaluation_id: int, reasons: Mapping[str, str],
                comment: str = "", codes: Mapping[str, str] | None = None) -> EvaluationView:
        """The agent disputes (申诉) named items, each with a reason from the list
        (``codes``, see DISPUTE_REASON_CODES), free text, or both."""
        return self._respond(actor, evaluation_id, "disputed", reasons, comment, codes or {})

    def _respond(self, actor: Actor, evaluation_id: int, kind: str,
                 reasons: Mapping[str, str], comment: str,
                 codes: Mapping[str, str] | None = None) -> EvaluationView:
        now = self.clock()
        clean = {k: v.strip() for k, v in reasons.items() if v.strip()}
        chosen = {k: c for k, c in (codes or {}).items() if c}
        for key, code in chosen.items():
            if code not in DISPUTE_REASON_CODES:
                raise InvalidInput(_("{key}: {code!r} is not a reason on the list").format(
                    key=key, code=code), key)
        try:
            with self.db.write() as s:
                ev = s.get(QaEvaluation, evaluation_id, with_for_update=True)
                if (ev is None or ev.agent_id != actor.user_id or ev.state != "submitted"
                        or ev.calibration_id is not None):
                    raise NotFound(_("no evaluation #{id} of yours").format(id=evaluation_id))
                if s.scalar(select(QaEvaluation.id).where(QaEvaluation.revision_of == ev.id)):
                    raise InvalidTransition(_("a newer revision replaced this evaluation"))
                if s.scalar(select(QaResponse.id).where(QaResponse.evaluation_id == ev.id)):
                    raise Conflict(_("you already answered this evaluation"))
                assert ev.submitted_at is not None
                deadline = ev.submitted_at + self.dispute_window()
                if now > deadline:
                    raise InvalidTransition(_("the window to respond closed at {t} UTC").format(
                        t=f"{deadline:%Y-%m-%d %H:%M}"))
                form = form_of(s.get_one(QaForm, ev.form_id))
                if kind == "disputed":
                    if not self._rounds_left(ev):
                        raise InvalidTransition(_(
                            "this score was already ruled on after a dispute; "
                            "it cannot be disputed again"))
                    if not clean and not chosen:
                        raise InvalidInput(_("give a reason for at least one item you dispute"),
                                           "reasons")
                    keys = {k for _s, _i, k in form.items()}
                    for key in {*clean, *chosen}:
                        if key not in keys:
                            raise InvalidInput(_("the form has no item {key!r}").format(key=key),
                                               key)
                    for key, text in clean.items():
                        if len(text) > REASON_MAX:
                            raise InvalidInput(_("{key}: the reason is too long (at most {n})")
                                               .format(key=key, n=REASON_MAX), key)
                if len(comment) > COMMENT_MAX:
                    raise InvalidInput(_("the comment is too long"), "comment")
                s.add(QaResponse(evaluation_id=ev.id, agent_id=actor.user_id, kind=kind,
                                 reasons=clean, reason_codes=chosen, comment=comment, at=now,
                                 state="open" if kind == "disputed" else "acknowledged",
                                 ruling=""))
                if kind == "disputed":
                    agent = s.get(User, ev.agent_id)
                    team = s.get(Team, agent.team_id) if agent and agent.team_id else None
                    if team is not None and team.lead_id is not None:
                        self._notify(s, team.lead_id, now, ev, "disputed")
                audit.record(s, actor, f"qa.{kind}", at=now, entity="qa_evaluation",
                             entity_id=ev.id)
                self.signal(s, Topic.QA)
                s.flush()
                return self._view(s, ev)
        except DuplicateRecord:
            raise Conflict(_("you already answered this evaluation")) from None

    def open_disputes(self, actor: Actor) -> list[DisputeRow]:
        """Disputes waiting for a ruling: a team lead sees their team's, a supervisor all."""
        require(actor, Permission.RULE_DISPUTES)
        with self.db.read() as s:
            stmt = (select(QaResponse, QaEvaluation, User, Team.code)
                    .join(QaEvaluation, QaEvaluation.id == QaResponse.evaluation_id)
                    .join(User, User.id == QaEvaluation.agent_id)
                    .outerjoin(Team, Team.id == User.team_id)
                    .where(QaResponse.state == "open").order_by(QaResponse.id))
            if not self._rules_all(actor):
                stmt = stmt.where(User.team_id == actor.team_id)
            return [DisputeRow(response_id=r.id, evaluation_id=e.id, call_id=e.call_id,
                               agent_name=u.name, team_code=code, score=e.score, at=r.at,
                               reasons=dict(r.reasons or {}), comment=r.comment,
                               reason_codes=dict(r.reason_codes or {}))
                    for r, e, u, code in s.execute(stmt).all()]

    @staticmethod
    def _rules_all(actor: Actor) -> bool:
        return actor.is_system or actor.role in ("supervisor", "admin")

    def rule(self, actor: Actor, response_id: int, reason: str,
             changes: Mapping[str, Answer] | None = None) -> EvaluationView:
        """Rule on a dispute: uphold (no changes) or change items into a new revision.

        Returns the evaluation that now stands. The disputed row is never edited.
        """
        require(actor, Permission.RULE_DISPUTES)
        reason = reason.strip()
        if not reason:
            raise InvalidInput(_("give the reason for the ruling"), "ruling")
        if len(reason) > COMMENT_MAX:
            raise InvalidInput(_("the reason is too long"), "ruling")
        now = self.clock()
        with self.db.write() as s:
            resp = s.get(QaResponse, response_id, with_for_update=True)
            if resp is None or resp.kind != "disputed":
                raise NotFound(_("no dispute #{id}").format(id=response_id))
            ev = s.get(QaEvaluation, resp.evaluation_id)
            assert ev is not None
            agent = s.get(User, ev.agent_id)
            if not self._rules_all(actor) and (
                    agent is None or agent.team_id is None or agent.team_id != actor.team_id):
                raise NotFound(_("no dispute #{id}").format(id=response_id))
            if resp.state != "open":
                raise InvalidTransition(_("dispute #{id} was already ruled").format(id=response_id))
            resp.ruled_by, resp.ruled_at, resp.ruling = actor.user_id, now, reason
            standing = ev
            answers = answers_from_json(ev.answers)
            if changes and any(answers.get(k) != a for k, a in changes.items()):
                form = form_of(s.get_one(QaForm, ev.form_id))
                merged = {**answers, **changes}
                result = self._validated(form, merged, ev.comment)
                # The inspector's work stays theirs; the ruling lead is recorded apart.
                standing = QaEvaluation(
                    call_id=ev.call_id, form_id=ev.form_id, agent_id=ev.agent_id,
                    inspector_id=ev.inspector_id, revised_by=actor.user_id, state="submitted",
                    answers=answers_to_json(merged), score=result.score, passed=result.passed,
                    critical_failed=result.critical_failed, comment=ev.comment,
                    revision=ev.revision + 1, revision_of=ev.id, created_at=now,
                    submitted_at=now)
                s.add(standing)
                s.flush()
                resp.state, resp.new_evaluation_id = "changed", standing.id
                self._notify(s, ev.agent_id, now, standing, "revised")
            else:
                resp.state = "upheld"
                self._notify(s, ev.agent_id, now, ev, "upheld")
            audit.record(s, actor, f"qa.dispute.{resp.state}", at=now, entity="qa_evaluation",
                         entity_id=ev.id, detail={"standing": standing.id})
            self.signal(s, Topic.QA)
            return self._view(s, standing)

    # ---- calibration --------------------------------------------------------------------

    def create_calibration(self, actor: Actor, call_id: int,
                           form_id: int | None = None) -> int:
        """A supervisor opens a session on one call; inspectors then score it blind."""
        require(actor, Permission.EDIT_QA_FORMS)
        now = self.clock()
        with self.db.write() as s:
            call = s.get(Call, call_id)
            if call is None:
                raise NotFound(_("no call #{id}").format(id=call_id))
            if call.state != CallState.CLOSED or call.agent_id is None:
                raise InvalidTransition(_("call #{id} is not a finished call with an agent").format(
                    id=call_id))
            form = s.get(QaForm, form_id) if form_id else self._newest_form(s, DEFAULT_FORM_CODE)
            if form is None:
                raise NotFound(_("no QA form is published yet"))
            cal = QaCalibration(call_id=call_id, form_id=form.id, created_by=actor.user_id,
                                state="open", created_at=now)
            s.add(cal)
            s.flush()
            audit.record(s, actor, "qa.calibration.open", at=now, entity="qa_calibration",
                         entity_id=cal.id)
            self.signal(s, Topic.QA)
            return cal.id

    def calibrations(self, actor: Actor) -> list[CalibrationRow]:
        require(actor, Permission.SCORE_CALLS)
        with self.db.read() as s:
            counts = dict(s.execute(
                select(QaEvaluation.calibration_id, func.count(QaEvaluation.id))
                .where(QaEvaluation.calibration_id.is_not(None),
                       QaEvaluation.state == "submitted")
                .group_by(QaEvaluation.calibration_id)).all())
            mine = set(s.scalars(select(QaEvaluation.calibration_id).where(
                QaEvaluation.calibration_id.is_not(None),
                QaEvaluation.inspector_id == actor.user_id, QaEvaluation.state == "submitted")))
            rows = s.execute(select(QaCalibration, User.login)
                             .join(User, User.id == QaCalibration.created_by)
                             .order_by(QaCalibration.id.desc())).all()
            return [CalibrationRow(id=c.id, call_id=c.call_id, form_id=c.form_id, state=c.state,
                                   created_by=login, created_at=c.created_at,
                                   scored_by_me=c.id in mine, submitted=counts.get(c.id, 0))
                    for c, login in rows]

    def start_calibration_score(self, actor: Actor, calibration_id: int) -> EvaluationView:
        """The inspector's own (blind) draft in a calibration session."""
        require(actor, Permission.SCORE_CALLS)
        now = self.clock()
        try:
            with self.db.write() as s:
                cal = s.get(QaCalibration, calibration_id)
                if cal is None:
                    raise NotFound(_("no calibration session #{id}").format(id=calibration_id))
                ev = s.scalar(select(QaEvaluation).where(
                    QaEvaluation.calibration_id == cal.id,
                    QaEvaluation.inspector_id == actor.user_id))
                if ev is None:
                    if cal.state != "open":
                        raise InvalidTransition(_("the calibration session is closed"))
                    call = s.get(Call, cal.call_id)
                    assert call is not None and call.agent_id is not None
                    ev = QaEvaluation(call_id=cal.call_id, form_id=cal.form_id,
                                      agent_id=call.agent_id, inspector_id=actor.user_id,
                                      state="draft", answers={}, critical_failed=False,
                                      revision=1, calibration_id=cal.id, created_at=now)
                    s.add(ev)
                    s.flush()
                return self._view(s, ev)
        except DuplicateRecord:
            raise Conflict(_("you already have a score in this session")) from None

    def close_calibration(self, actor: Actor, calibration_id: int) -> CalibrationReport:
        """Close the session: scores become visible to the participants."""
        require(actor, Permission.EDIT_QA_FORMS)
        now = self.clock()
        with self.db.write() as s:
            cal = s.get(QaCalibration, calibration_id, with_for_update=True)
            if cal is None:
                raise NotFound(_("no calibration session #{id}").format(id=calibration_id))
            if cal.state != "closed":
                cal.state, cal.closed_at = "closed", now
                # Unsubmitted drafts would be seen by nobody; drop them.
                for ev in s.scalars(select(QaEvaluation).where(
                        QaEvaluation.calibration_id == cal.id, QaEvaluation.state == "draft")):
                    s.delete(ev)
                s.flush()
                self.signal(s, Topic.QA)
            return self._calibration_report(s, cal)

    def calibration_report(self, actor: Actor, calibration_id: int) -> CalibrationReport:
        """Spread per item and each inspector's distance; only once the session is closed."""
        require(actor, Permission.SCORE_CALLS)
        with self.db.read() as s:
            cal = s.get(QaCalibration, calibration_id)
            if cal is None:
                raise NotFound(_("no calibration session #{id}").format(id=calibration_id))
            if cal.state != "closed":
                raise InvalidTransition(_(
                    "calibration scores stay hidden until the supervisor closes the session"))
            return self._calibration_report(s, cal)

    def _calibration_report(self, s: Session, cal: QaCalibration) -> CalibrationReport:
        form_row = s.get(QaForm, cal.form_id)
        assert form_row is not None
        rows = s.execute(select(QaEvaluation, User)
                         .join(User, User.id == QaEvaluation.inspector_id)
                         .where(QaEvaluation.calibration_id == cal.id,
                                QaEvaluation.state == "submitted")
                         .order_by(User.login)).all()
        owner = s.get(User, cal.created_by)
        scored = [(u.login, u.name, e.score, answers_from_json(e.answers)) for e, u in rows]
        items, inspectors = calibration_report(form_of(form_row), scored,
                                               owner.login if owner else "")
        return CalibrationReport(id=cal.id, call_id=cal.call_id, state=cal.state,
                                 reference=owner.login if owner else "", items=items,
                                 inspectors=inspectors)

    # ---- results ------------------------------------------------------------------------

    def _results_scope(self, actor: Actor) -> tuple[int | None, bool]:
        """(team id, whole center): inspectors and supervisors see all; a team lead their team."""
        if actor.is_system or allowed(actor, Permission.SCORE_CALLS) or self._rules_all(actor):
            return None, True
        return actor.team_id, False

    def _check_results(self, actor: Actor, start: datetime, end: datetime, by: str) -> None:
        require(actor, Permission.VIEW_QA_RESULTS)
        if by not in RESULT_GROUPS:
            raise InvalidInput(_("--by is one of agent, team, inspector, item"), "by")
        if end <= start:
            raise InvalidInput(_("the period ends before it starts"), "to")

    def _results(self, s: Session, actor: Actor, start: datetime, end: datetime,
                 by: str) -> list[ResultRow]:
        scope = self._results_scope(actor)
        if by == "item":
            return item_results(s, start, end, scope)
        return results_rows(s, start, end, by, scope)

    def results(self, actor: Actor, start: datetime, end: datetime,
                by: str = "agent", *, audited: bool = True) -> list[ResultRow]:
        """Average score, pass rate, critical fails, most-failed items in [start, end).

        A team lead sees only the evaluations of their own team's agents. A screen's
        refresh after someone else's change passes ``audited=False``: the person already
        asked for this view, and on SQLite the audit row would itself signal a change.
        """
        self._check_results(actor, start, end, by)
        if not audited:
            with self.db.read() as s:
                return self._results(s, actor, start, end, by)
        now = self.clock()
        with self.db.write() as s:
            audit.record(s, actor, "qa.results", at=now, entity="qa_results",
                         detail={"by": by, "from": start.isoformat(), "to": end.isoformat()})
            return self._results(s, actor, start, end, by)

