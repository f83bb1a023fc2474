"""Complaints (客户投诉): registration, ownership, deadlines, escalation, return call, closing.

States: registered -> assigned -> investigating -> answered -> closed. Every step is a
ComplaintEvent (who, when, what). Closing needs an outbound return call linked to the
complaint that reached the customer (every complaint ends with a return call).

Escalation (automatic, by the worker): when the deadline passes the complaint moves up
one level, 0 owner -> 1 team lead -> 2 supervisor -> 3 manager, and the new owner is:

* level 1: the lead of the owner's team (Team.lead_id, else an active team_lead of that
  team); the registering agent's team when there is no owner yet;
* level 2: the active supervisor with the fewest open complaints;
* level 3 (manager): the active admin with the fewest open complaints, else a supervisor.

A level with nobody to take it falls through to the next one. Each (complaint, level)
escalates once: the ComplaintEvent with dedupe_key ``escalate:<id>:<level>`` is inserted
first, in a SAVEPOINT, and a unique violation means another worker already did it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from seatdesk.data.engine import savepoint
from seatdesk.data.models import (
    Call,
    Callback,
    CallState,
    Complaint,
    ComplaintEvent,
    Customer,
    CustomerPhone,
    Direction,
    OutboundOutcome,
    OutboundPurpose,
    Role,
    Team,
    User,
)
from seatdesk.data.models.complaints import CalendarDay, ComplaintDeadlineRule, WorkCalendarRow
from seatdesk.data.topics import Topic
from seatdesk.domain import phone
from seatdesk.domain.errors import (
    DuplicateRecord,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
)
from seatdesk.domain.i18n import N_, _, code, render
from seatdesk.domain.text import clean_line
from seatdesk.domain.workcalendar import WorkCalendar, add_deadline, parse_clock
from seatdesk.services import audit
from seatdesk.services.base import Service
from seatdesk.services.dto import Actor
from seatdesk.services.messages import stored_reason
from seatdesk.services.notifications import add_notification
from seatdesk.services.permissions import Permission, allowed, require, team_scope

CATEGORIES = ("service", "product", "quality", "delivery", "billing", "staff", "other")
SEVERITIES = ("low", "normal", "high", "critical")
STATES = ("registered", "assigned", "investigating", "answered", "closed")
OPEN_STATES = STATES[:-1]
LEVELS = ("owner", "team lead", "supervisor", "manager")
MAX_LEVEL = len(LEVELS) - 1
DEFAULT_DEADLINE_HOURS = 24.0  # "reply within 24 hours"
TEXT_MAX = 4000


@dataclass(frozen=True)
class ComplaintInput:
    """What the agent types in the registration dialog (客户投诉登记表)."""

    customer_id: int
    category: str
    summary: str
    severity: str = "normal"
    customer_wants: str = ""
    owner_department: str = ""
    owner_login: str = ""
    call_id: int | None = None


@dataclass(frozen=True)
class ComplaintRow:
    id: int
    customer_id: int
    customer_name: str
    category: str
    severity: str
    state: str
    level: int
    owner_id: int | None
    owner_login: str
    owner_name: str
    owner_department: str
    deadline_at: datetime
    overdue: bool
    created_at: datetime
    summary: str


@dataclass(frozen=True)
class ComplaintEventView:
    at: datetime
    kind: str
    actor_login: str
    detail: str


@dataclass(frozen=True)
class ComplaintDetail:
    row: ComplaintRow
    customer_wants: str
    outcome: str
    company_fault: bool | None
    closing_summary: str
    lesson: str
    call_id: int | None
    return_call_id: int | None  # the outbound call that reached the customer, if any
    events: tuple[ComplaintEventView, ...]


@dataclass(frozen=True)
class Breakdown:
    key: str
    open: int
    overdue: int


def load_calendar(s: Session) -> WorkCalendar:
    """The center's calendar from the database (defaults 08:30–17:30 Mon–Fri)."""
    row = s.get(WorkCalendarRow, 1)
    days = list(s.scalars(select(CalendarDay)))
    holidays = frozenset(d.day for d in days if not d.working)
    extra = frozenset(d.day for d in days if d.working)
    if row is None:
        return WorkCalendar(holidays=holidays, extra_days=extra)
    return WorkCalendar(
        tz_name=row.tz_name, day_start=parse_clock(row.day_start), day_end=parse_clock(row.day_end),
        weekdays=frozenset(int(ch) for ch in row.weekdays), holidays=holidays, extra_days=extra,
    )


def deadline_rule(s: Session, category: str, severity: str) -> tuple[float, bool]:
    """(hours, counted in working hours) for a complaint: the most specific rule wins."""
    rules = {(r.category, r.severity): r for r in s.scalars(
        select(ComplaintDeadlineRule).where(
            ComplaintDeadlineRule.category.in_([category, ""]),
            ComplaintDeadlineRule.severity.in_([severity, ""])))}
    for key in ((category, severity), (category, ""), ("", severity), ("", "")):
        if key in rules:
            return rules[key].hours, rules[key].working_hours
    return DEFAULT_DEADLINE_HOURS, False


def compute_deadline(s: Session, category: str, severity: str, start: datetime) -> datetime:
    hours, working = deadline_rule(s, category, severity)
    return add_deadline(start, hours, load_calendar(s) if working else None)


def _text(value: str, field: str, *, required: bool = False, limit: int = TEXT_MAX) -> str:
    if len(value) > limit:
        raise InvalidInput(_("{field} is too long ({n} characters, at most {max})").format(
            field=_(field), n=len(value), max=limit), field)
    if required and not value.strip():
        raise InvalidInput(_("{field} is required").format(field=_(field)), field)
    return value


def _choice(value: str, options: tuple[str, ...], field: str) -> str:
    value = (value or "").strip().lower()
    if value not in options:
        raise InvalidInput(_("choose the {field}: {options}").format(
            field=_(field), options=", ".join(options)), field)
    return value


class ComplaintService(Service):
    # ---- helpers ---------------------------------------------------------------------

    def _event(self, s: Session, c: Complaint, kind: str, actor: Actor | None, at: datetime,
               detail: str = "", dedupe_key: str | None = None, *, message: str = "",
               params: dict[str, Any] | None = None) -> None:
        """One timeline entry: ``detail`` as a person typed it, or the system's ``message``
        (an ``N_()`` msgid) with ``params``, shown in the reader's language."""
        if message:
            detail = render(message, params, lang="en")
        s.add(ComplaintEvent(complaint_id=c.id, at=at, kind=kind,
                             actor_id=actor.user_id if actor else None, detail=detail,
                             dedupe_key=dedupe_key, detail_msgid=message,
                             detail_params=params or None))

    def _locked(self, s: Session, complaint_id: int) -> Complaint:
        c = s.get(Complaint, complaint_id, with_for_update=True)
        if c is None:
            raise NotFound(_("no complaint #{id}").format(id=complaint_id))
        return c

    def _may_handle(self, actor: Actor, c: Complaint) -> None:
        """Team leads and supervisors handle any complaint; an owner handles their own."""
        if allowed(actor, Permission.MANAGE_COMPLAINTS) or (
                actor.user_id is not None and c.owner_id == actor.user_id):
            return
        raise PermissionDenied(_("{login} may not handle complaint #{id}").format(
            login=actor.login, id=c.id))

    def _open(self, c: Complaint) -> None:
        if c.state == "closed":
            raise InvalidTransition(_("complaint #{id} is already closed").format(id=c.id))

    def _user(self, s: Session, login: str) -> User:
        user = s.scalar(select(User).where(User.login == login.strip()))
        if user is None or not user.active:
            raise InvalidInput(_("no active user {login!r}").format(login=login), "owner")
        return user

    def _row(self, s: Session, c: Complaint, now: datetime) -> ComplaintRow:
        owner = s.get(User, c.owner_id) if c.owner_id else None
        customer = s.get(Customer, c.customer_id)
        return ComplaintRow(
            id=c.id, customer_id=c.customer_id, customer_name=customer.name if customer else "",
            category=c.category, severity=c.severity, state=c.state, level=c.level,
            owner_id=c.owner_id, owner_login=owner.login if owner else "",
            owner_name=owner.name if owner else "", owner_department=c.owner_department,
            deadline_at=c.deadline_at, overdue=c.state != "closed" and c.deadline_at < now,
            created_at=c.created_at, summary=c.summary,
        )

    # ---- registering ------------------------------------------------------------------

    def register(self, actor: Actor, data: ComplaintInput) -> ComplaintRow:
        """Register a complaint (F8 on a call) and its return-call callback."""
        if not (allowed(actor, Permission.TAKE_CALLS)
                or allowed(actor, Permission.MANAGE_COMPLAINTS)):
            require(actor, Permission.TAKE_CALLS)
        category = _choice(data.category, CATEGORIES, "category")
        severity = _choice(data.severity, SEVERITIES, "severity")
        summary = _text(data.summary, "summary", required=True)
        wants = _text(data.customer_wants, "customer_wants")
        try:
            department = clean_line(data.owner_department, field="owner_department", max_len=100)
        except ValueError as exc:
            raise InvalidInput(str(exc), "owner_department") from None
        now = self.clock()
        with self.db.write() as s:
            customer = s.get(Customer, data.customer_id)
            if customer is None:
                raise NotFound(_("no customer #{id}").format(id=data.customer_id))
            call = s.get(Call, data.call_id) if data.call_id is not None else None
            if data.call_id is not None and call is None:
                raise NotFound(_("no call #{id}").format(id=data.call_id))
            owner = self._user(s, data.owner_login) if data.owner_login.strip() else None
            c = Complaint(
                customer_id=customer.id, call_id=data.call_id, category=category,
                severity=severity, summary=summary, customer_wants=wants,
                owner_department=department, owner_id=owner.id if owner else None, level=0,
                state="assigned" if owner else "registered",
                deadline_at=compute_deadline(s, category, severity, now),
                registered_by=actor.user_id, created_at=now,
            )
            s.add(c)
            s.flush()
            self._event(s, c, "registered", actor, now, message=N_("{category} / {severity}"),
                        params={"category": code(category), "severity": code(severity)})
            if owner is not None or department:
                self._event(s, c, "assigned", actor, now,
                            detail=" / ".join(x for x in (department, owner and owner.login) if x))
            if owner is not None and owner.id != actor.user_id:
                add_notification(s, owner.id, at=now, kind="complaint",
                                 message=N_("complaint #{id} assigned to you: {summary}"),
                                 params={"id": c.id, "summary": summary[:80]},
                                 ref=f"complaint:{c.id}")
            number = ""
            if call is not None:
                number = call.caller_number if call.direction == Direction.INBOUND \
                    else call.dialled_number
            if not number.startswith("+"):
                number = s.scalar(select(CustomerPhone.number).where(
                    CustomerPhone.customer_id == customer.id).order_by(CustomerPhone.id)
                    .limit(1)) or ""
            # The return call (投诉回访) is owned by whoever took the complaint
            # (first-contact responsibility); system registrations go to the pool.
            s.add(Callback(
                customer_id=customer.id, number=number,
                purpose=OutboundPurpose.COMPLAINT_FOLLOW_UP.value, source="complaint",
                **stored_reason(N_("return call for complaint #{id}"), {"id": c.id}),
                due_at=c.deadline_at, owner_id=actor.user_id, complaint_id=c.id,
                call_id=data.call_id, created_by=actor.user_id, created_at=now,
            ))
            audit.record(s, actor, "complaint.register", at=now, entity="complaint",
                         entity_id=c.id, detail={"customer": customer.id})
            self.signal(s, Topic.COMPLAINTS)
            self.signal(s, Topic.CALLBACKS)
            self.signal(s, Topic.CUSTOMER, customer.id)
            s.flush()
            return self._row(s, c, now)

    # ---- handling ---------------------------------------------------------------------

    def assign(self, actor: Actor, complaint_id: int, *, owner_login: str = "",
               department: str | None = None, note: str = "") -> ComplaintRow:
        """Give the complaint to a person and/or department; the new owner is notified."""
        require(actor, Permission.MANAGE_COMPLAINTS)
        _text(note, "note")
        now = self.clock()
        with self.db.write() as s:
            c = self._locked(s, complaint_id)
            self._open(c)
            owner = self._user(s, owner_login) if owner_login.strip() else None
            if owner is None and department is None:
                raise InvalidInput(_("say who or which department owns it"), "owner")
            if department is not None:
                try:
                    c.owner_department = clean_line(department, field="owner_department",
                                                    max_len=100)
                except ValueError as exc:
                    raise InvalidInput(str(exc), "owner_department") from None
            if owner is not None:
                c.owner_id = owner.id
                if owner.id != actor.user_id:
                    add_notification(s, owner.id, at=now, kind="complaint",
                                     message=N_("complaint #{id} assigned to you: {summary}"),
                                     params={"id": c.id, "summary": c.summary[:80]},
                                     ref=f"complaint:{c.id}")
            if c.state == "registered":
                c.state = "assigned"
            who = " / ".join(x for x in (c.owner_department, owner and owner.login) if x)
            self._event(s, c, "assigned", actor, now, detail=(who + (": " + note if note else "")))
            self.signal(s, Topic.COMPLAINTS)
            return self._row(s, c, now)

    def investigate(self, actor: Actor, complaint_id: int, note: str) -> ComplaintRow:
        """Record an investigation step (调查): what was found."""
        _text(note, "note", required=True)
        now = self.clock()
        with self.db.write() as s:
            c = self._locked(s, complaint_id)
            self._may_handle(actor, c)
            self._open(c)
            if c.state in ("registered", "assigned"):
                c.state = "investigating"
            self._event(s, c, "investigated", actor, now, detail=note)
            self.signal(s, Topic.COMPLAINTS)
            return self._row(s, c, now)

    def answer(self, actor: Actor, complaint_id: int, outcome: str,
               company_fault: bool | None) -> ComplaintRow:
        """The owner's answer: the outcome and whether the company was at fault."""
        _text(outcome, "outcome", required=True)
        if company_fault is None:
            raise InvalidInput(_("say whether it was the company's fault"), "company_fault")
        now = self.clock()
        with self.db.write() as s:
            c = self._locked(s, complaint_id)
            self._may_handle(actor, c)
            self._open(c)
            c.outcome, c.company_fault, c.state = outcome, company_fault, "answered"
            self._event(s, c, "answered", actor, now, detail=outcome[:200])
            self.signal(s, Topic.COMPLAINTS)
            return self._row(s, c, now)

    @staticmethod
    def _return_call(s: Session, complaint_id: int) -> int | None:
        return s.scalar(
            select(Call.id).where(
                Call.complaint_id == complaint_id, Call.direction == Direction.OUTBOUND,
                Call.state == CallState.CLOSED,
                Call.outbound_outcome == OutboundOutcome.REACHED.value,
            ).order_by(Call.id.desc()).limit(1))

    def note_return_call(self, s: Session, complaint_id: int, call_id: int, actor: Actor,
                         at: datetime) -> None:
        """Record in the history that the return call reached the customer (in ``s``)."""
        c = s.get(Complaint, complaint_id)
        if c is not None:
            self._event(s, c, "return_call", actor, at, message=N_("call #{id}"),
                        params={"id": call_id})

    def close(self, actor: Actor, complaint_id: int, *, closing_summary: str, lesson: str,
              outcome: str | None = None, company_fault: bool | None = None) -> ComplaintRow:
        """Close with the summary and lesson; refused without a return call that reached."""
        _text(closing_summary, "closing_summary", required=True)
        _text(lesson, "lesson", required=True)
        if outcome is not None:
            _text(outcome, "outcome")
        now = self.clock()
        with self.db.write() as s:
            c = self._locked(s, complaint_id)
            self._may_handle(actor, c)
            self._open(c)
            if outcome:
                c.outcome = outcome
            if company_fault is not None:
                c.company_fault = company_fault
            if not c.outcome.strip():
                raise InvalidInput(_("write the outcome before closing"), "outcome")
            if c.company_fault is None:
                raise InvalidInput(_("say whether it was the company's fault"), "company_fault")
            if self._return_call(s, c.id) is None:
                raise InvalidInput(
                    _("a complaint is closed only after a return call reached the customer"),
                    "return_call")
            c.closing_summary, c.lesson = closing_summary, lesson
            c.state, c.closed_at = "closed", now
            self._event(s, c, "closed", actor, now, detail=closing_summary[:200])
            for cb in s.scalars(select(Callback).where(Callback.complaint_id == c.id,
                                                       Callback.state == "open")):
                cb.state, cb.outcome, cb.completed_at = "cancelled", "complaint_closed", now
            self.signal(s, Topic.COMPLAINTS)
            self.signal(s, Topic.CALLBACKS)
            self.signal(s, Topic.CUSTOMER, c.customer_id)
            return self._row(s, c, now)

    # ---- escalation (the worker) --------------------------------------------------------

    def _least_loaded(self, s: Session, role: Role, exclude: int | None) -> User | None:
        load = (select(Complaint.owner_id, func.count(Complaint.id).label("n"))
                .where(Complaint.state != "closed").group_by(Complaint.owner_id).subquery())
        stmt = (select(User).outerjoin(load, load.c.owner_id == User.id)
                .where(User.role == role, User.active.is_(True))
                .order_by(func.coalesce(load.c.n, 0), User.id).limit(1))
        if exclude is not None:
            stmt = stmt.where(User.id != exclude)
        return s.scalar(stmt)

    def escalation_owner(self, s: Session, c: Complaint, level: int) -> User | None:
        """Who takes the complaint at ``level`` (see the module docstring)."""
        if level <= 1:
            base_id = c.owner_id or c.registered_by
            base = s.get(User, base_id) if base_id else None
            if base is not None and base.team_id is not None:
                team = s.get(Team, base.team_id)
                lead = s.get(User, team.lead_id) if team and team.lead_id else None
                if lead is None or not lead.active or lead.id == c.owner_id:
                    lead = s.scalar(select(User).where(
                        User.team_id == base.team_id, User.role == Role.TEAM_LEAD,
                        User.active.is_(True), User.id != (c.owner_id or -1))
                        .order_by(User.id).limit(1))
                if lead is not None:
                    return lead
        if level <= 2:
            found = self._least_loaded(s, Role.SUPERVISOR, c.owner_id)
            if found is not None:
                return found
        return (self._least_loaded(s, Role.ADMIN, c.owner_id)
                or self._least_loaded(s, Role.SUPERVISOR, None))

    def escalate_overdue(self, limit: int = 200) -> list[int]:
        """Escalate every open complaint past its deadline by one level, exactly once."""
        now = self.clock()
        done: list[int] = []
        with self.db.write() as s:
            stmt = (select(Complaint)
                    .where(Complaint.state != "closed", Complaint.deadline_at < now,
                           Complaint.level < MAX_LEVEL)
                    .order_by(Complaint.deadline_at, Complaint.id).limit(limit))
            if self.db.is_postgres:
                # A second worker skips the rows this one holds instead of waiting for them.
                stmt = stmt.with_for_update(skip_locked=True)
            for c in s.scalars(stmt).all():
                level = c.level + 1
                try:
                    with savepoint(s):
                        self._event(s, c, "escalated", None, now,
                                    dedupe_key=f"escalate:{c.id}:{level}",
                                    message=N_("level {n}: {who}"),
                                    params={"n": level, "who": code(LEVELS[level])})
                except DuplicateRecord:
                    continue  # another worker escalated this one to this level already
                old_owner = s.get(User, c.owner_id) if c.owner_id else None
                new_owner = self.escalation_owner(s, c, level)
                c.level = level
                c.deadline_at = compute_deadline(s, c.category, c.severity, now)
                if new_owner is not None:
                    c.owner_id = new_owner.id
                    add_notification(
                        s, new_owner.id, at=now, kind="escalation",
                        message=N_("complaint #{id} escalated to you ({level}): deadline "
                                   "missed by {owner}"),
                        params={"id": c.id, "level": code(LEVELS[level]),
                                "owner": old_owner.login if old_owner
                                else c.owner_department or "-"},
                        ref=f"complaint:{c.id}")
                self._event(s, c, "assigned", None, now,
                            detail=f"{old_owner.login if old_owner else '-'} -> "
                                   f"{new_owner.login if new_owner else '-'}")
                done.append(c.id)
            if done:
                self.signal(s, Topic.COMPLAINTS)
        return done

    # ---- reading ----------------------------------------------------------------------

    def listing(self, actor: Actor, view: str = "open", *, category: str | None = None,
             owner_id: int | None = None, limit: int = 500) -> list[ComplaintRow]:
        """Complaints for the screen: open, overdue, mine or all; deadline order."""
        if view != "mine":
            require(actor, Permission.MANAGE_COMPLAINTS)
        now = self.clock()
        owner = aliased(User)
        stmt = (select(Complaint, Customer.name, owner.login, owner.name)
                .join(Customer, Customer.id == Complaint.customer_id)
                .outerjoin(owner, owner.id == Complaint.owner_id))
        if view in ("open", "overdue", "mine"):
            stmt = stmt.where(Complaint.state != "closed")
        if view == "overdue":
            stmt = stmt.where(Complaint.deadline_at < now)
        if view == "mine":
            stmt = stmt.where(Complaint.owner_id == actor.user_id)
        else:  # a team lead: the complaints their team registered or owns (team_scope)
            scope = team_scope(actor)
            if scope is not None:
                stmt = stmt.where(_of_team(scope))
        if category:
            stmt = stmt.where(Complaint.category == category)
        if owner_id is not None:
            stmt = stmt.where(Complaint.owner_id == owner_id)
        stmt = stmt.order_by(Complaint.deadline_at, Complaint.id).limit(limit)
        with self.db.read() as s:
            return [
                ComplaintRow(
                    id=c.id, customer_id=c.customer_id, customer_name=cname,
                    category=c.category, severity=c.severity, state=c.state, level=c.level,
                    owner_id=c.owner_id, owner_login=login or "", owner_name=oname or "",
                    owner_department=c.owner_department, deadline_at=c.deadline_at,
                    overdue=c.state != "closed" and c.deadline_at < now,
                    created_at=c.created_at, summary=c.summary)
                for c, cname, login, oname in s.execute(stmt)
            ]

    def breakdown(self, actor: Actor, by: str = "owner") -> list[Breakdown]:
        """Open and overdue counts per owner (login or department) or per category."""
        require(actor, Permission.MANAGE_COMPLAINTS)
        now = self.clock()
        overdue = func.sum(case((Complaint.deadline_at < now, 1), else_=0))
        key: Any
        if by == "category":
            key = Complaint.category
            stmt = select(key, func.count(Complaint.id), overdue).group_by(key)
        else:
            key = func.coalesce(User.login, func.nullif(Complaint.owner_department, ""), "-")
            stmt = (select(key, func.count(Complaint.id), overdue)
                    .outerjoin(User, User.id == Complaint.owner_id).group_by(key))
        stmt = stmt.where(Complaint.state != "closed").order_by(func.count(Complaint.id).desc())
        scope = team_scope(actor)
        if scope is not None:
            stmt = stmt.where(_of_team(scope))
        with self.db.read() as s:
            return [Breakdown(key=str(k), open=int(n), overdue=int(o or 0))
                    for k, n, o in s.execute(stmt)]

    def detail(self, actor: Actor, complaint_id: int) -> ComplaintDetail:
        """One complaint with its whole history."""
        now = self.clock()
        with self.db.read() as s:
            c = s.get(Complaint, complaint_id)
            if c is None:
                raise NotFound(_("no complaint #{id}").format(id=complaint_id))
            self._may_handle(actor, c)
            events = tuple(
                ComplaintEventView(at=e.at, kind=e.kind, actor_login=login or _("system"),
                                   detail=render(e.detail_msgid, e.detail_params)
                                   if e.detail_msgid else e.detail)
                for e, login in s.execute(
                    select(ComplaintEvent, User.login)
                    .outerjoin(User, User.id == ComplaintEvent.actor_id)
                    .where(ComplaintEvent.complaint_id == c.id).order_by(ComplaintEvent.id))
            )
            return ComplaintDetail(
                row=self._row(s, c, now), customer_wants=c.customer_wants, outcome=c.outcome,
                company_fault=c.company_fault, closing_summary=c.closing_summary,
                lesson=c.lesson, call_id=c.call_id, return_call_id=self._return_call(s, c.id),
                events=events)

    # ---- configuration ------------------------------------------------------------------

    def set_deadline_rule(self, actor: Actor, *, category: str = "", severity: str = "",
                          hours: float = DEFAULT_DEADLINE_HOURS,
                          working_hours: bool = True) -> None:
        """Set how many (working) hours owners get for a category/severity ('' = any)."""
        require(actor, Permission.MANAGE_COMPLAINTS)
        if category:
            _choice(category, CATEGORIES, "category")
        if severity:
            _choice(severity, SEVERITIES, "severity")
        if not 0 < hours <= 24 * 90:
            raise InvalidInput(_("hours must be between 0 and 2160"), "hours")
        with self.db.write() as s:
            rule = s.scalar(select(ComplaintDeadlineRule).where(
                ComplaintDeadlineRule.category == category,
                ComplaintDeadlineRule.severity == severity))
            if rule is None:
                rule = ComplaintDeadlineRule(category=category, severity=severity)
                s.add(rule)
            rule.hours, rule.working_hours = hours, working_hours
            audit.record(s, actor, "complaint.deadline_rule", at=self.clock(),
                         detail={"category": category, "severity": severity, "hours": hours,
                                 "working_hours": working_hours})

    def set_calendar(self, actor: Actor, *, tz_name: str, day_start: str, day_end: str,
                     weekdays: str = "01234") -> None:
        """Set the center's working hours (e.g. 08:30–17:30, Monday–Friday)."""
        require(actor, Permission.MANAGE_COMPLAINTS)
        try:
            WorkCalendar(tz_name=tz_name, day_start=parse_clock(day_start),
                         day_end=parse_clock(day_end),
                         weekdays=frozenset(int(ch) for ch in weekdays))
        except (ValueError, KeyError) as exc:
            raise InvalidInput(str(exc) or _("not a time zone"), "calendar") from None
        if not weekdays or any(ch not in "0123456" for ch in weekdays):
            raise InvalidInput(_("weekdays are digits 0 (Monday) to 6 (Sunday)"), "weekdays")
        with self.db.write() as s:
            row = s.get(WorkCalendarRow, 1) or WorkCalendarRow(id=1)
            row.tz_name, row.day_start, row.day_end = tz_name, day_start.strip(), day_end.strip()
            row.weekdays = "".join(sorted(set(weekdays)))
            s.merge(row)

    def set_calendar_day(self, actor: Actor, day: date, *, working: bool, note: str = "") -> None:
        """Mark a holiday (working False) or a make-up working day (working True)."""
        require(actor, Permission.MANAGE_COMPLAINTS)
        with self.db.write() as s:
            s.merge(CalendarDay(day=day, working=working, note=note[:100]))

    # ---- export -----------------------------------------------------------------------

    EXPORT_COLUMNS = ("id", "created_at", "customer", "phone", "category", "severity", "state",
                      "level", "owner", "department", "deadline_at", "closed_at",
                      "company_fault", "summary", "customer_wants", "outcome",
                      "closing_summary", "lesson")
    # Columns of stored codes: words in a CSV or XLSX, codes in JSON (exporter.write_rows).
    EXPORT_CODES = ("category", "severity", "state")

    def export_rows(self, actor: Actor, start: datetime, end: datetime,
                    fmt: str = "") -> list[dict[str, Any]]:
        """Complaints registered in [start, end) for export; masked per role and audited."""
        require(actor, Permission.MANAGE_COMPLAINTS)
        require(actor, Permission.EXPORT_CALLS)
        masked = not allowed(actor, Permission.SEE_UNMASKED)
        now = self.clock()
        owner = aliased(User)
        scope = team_scope(actor)  # a team lead: complaints their team registered or owns
        first_phone = (select(func.min(CustomerPhone.number))
                       .where(CustomerPhone.customer_id == Complaint.customer_id)
                       .correlate(Complaint).scalar_subquery())
        with self.db.write() as s:
            rows = []
            for c, cname, login, number in s.execute(
                select(Complaint, Customer.name, owner.login, first_phone)
                .join(Customer, Customer.id == Complaint.customer_id)
                .outerjoin(owner, owner.id == Complaint.owner_id)
                .where(and_(Complaint.created_at >= start, Complaint.created_at < end),
                       *([_of_team(scope)] if scope is not None else []))
                .order_by(Complaint.created_at, Complaint.id)
            ):
                number = number or ""
                rows.append({
                    "id": c.id, "created_at": c.created_at, "customer":
                        (cname[:1] + "*" * max(0, len(cname) - 1)) if masked else cname,
                    "phone": phone.mask(number) if masked and number else number,
                    "category": c.category, "severity": c.severity, "state": c.state,
                    "level": c.level, "owner": login or "", "department": c.owner_department,
                    "deadline_at": c.deadline_at, "closed_at": c.closed_at,
                    "company_fault": c.company_fault, "summary": c.summary,
                    "customer_wants": c.customer_wants, "outcome": c.outcome,
                    "closing_summary": c.closing_summary, "lesson": c.lesson,
                })
            audit.record(s, actor, "complaints.export", at=now, entity="complaint",
                         detail={"from": start.isoformat(), "to": end.isoformat(),
                                 "rows": len(rows), "masked": masked, "format": fmt})
            return rows


def _of_team(team_id: int) -> Any:
    """A complaint of a team: owned by one of its agents, or registered by one."""
    members = select(User.id).where(User.team_id == team_id)
    registered = (select(ComplaintEvent.id)
                  .where(ComplaintEvent.complaint_id == Complaint.id,
                         ComplaintEvent.kind == "registered",
                         ComplaintEvent.actor_id.in_(members))
                  .correlate(Complaint).exists())
    return or_(Complaint.owner_id.in_(members), registered)
