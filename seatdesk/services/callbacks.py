"""Callbacks (回访): scheduled by hand, by complaints, after unanswered calls, by rules.

A callback is "mine" (owner_id set) or the pool's (owner_id NULL). Sources:

* ``manual``: F7 on the desk (the agent's own, within their cap of open callbacks);
* ``complaint``: the return call every complaint ends with (see ComplaintService);
* ``no_answer``: an outbound call that did not reach the customer and had no callback;
* ``rule:<name>``: the schedule rules of seatdesk.domain.callback_rules, created by the worker.

After each attempt the desk calls ``record_attempt``: reached / refused / wrong number
finish the callback; no answer / busy retry with back-off (+30 min, +2 h, then the next
working day) until ``max_attempts``, then it is closed as unreachable; "call back
later" moves it to the time the customer asked for (and does not use up a try).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.selectable import ScalarSelect

from seatdesk.data.engine import rows_changed, savepoint
from seatdesk.data.models import (
    Call,
    Callback,
    ComplaintEvent,
    Contract,
    Customer,
    CustomerPhone,
    Direction,
    OutboundOutcome,
    OutboundPurpose,
    User,
)
from seatdesk.data.topics import Topic
from seatdesk.domain import phone
from seatdesk.domain.callback_rules import (
    DEFAULT_LEAD,
    DEFAULT_LOOKBACK,
    ContractFacts,
    KeyAccountFacts,
    RuleCallback,
    contract_callbacks,
    key_account_callbacks,
)
from seatdesk.domain.errors import (
    Conflict,
    DuplicateRecord,
    InvalidInput,
    InvalidTransition,
    NotFound,
)
from seatdesk.domain.i18n import N_, _, code, ngettext
from seatdesk.services import audit
from seatdesk.services.base import Service
from seatdesk.services.complaints import load_calendar
from seatdesk.services.dto import Actor
from seatdesk.services.messages import REASON_MAX, callback_reason, stored_reason
from seatdesk.services.permissions import Permission, allowed, require, team_scope

DUE_SOON = timedelta(minutes=15)
DEFAULT_RELEASE_AFTER = timedelta(hours=2)
FINISHING = {OutboundOutcome.REACHED.value, OutboundOutcome.REFUSED.value,
             OutboundOutcome.WRONG_NUMBER.value}
RETRYING = {OutboundOutcome.NO_ANSWER.value, OutboundOutcome.BUSY.value}
# Back-off after the 1st and 2nd unanswered try; from the 3rd on: the next working day.
BACKOFF = (timedelta(minutes=30), timedelta(hours=2))


@dataclass(frozen=True)
class CallbackInput:
    """A callback typed by an agent (F7)."""

    customer_id: int
    due_at: datetime
    reason: str = ""
    number: str = ""
    call_id: int | None = None
    to_pool: bool = False
    purpose: str = OutboundPurpose.CALLBACK.value
    max_attempts: int = 3


@dataclass(frozen=True)
class CallbackRow:
    id: int
    customer_id: int
    customer_name: str
    number: str  # masked unless the viewer may see digits
    purpose: str
    source: str
    reason: str
    due_at: datetime
    owner_id: int | None
    owner_login: str
    state: str
    attempts: int
    max_attempts: int
    outcome: str | None
    overdue: bool
    complaint_id: int | None
    # The digits to dial, handed to the phone system only, never shown (see ``number``).
    dial_number: str = ""


def _row(b: Callback, customer_name: str, owner_login: str, now: datetime,
         masked: bool) -> CallbackRow:
    number = b.number
    if masked and number.startswith("+"):
        number = phone.mask(number)
    return CallbackRow(
        id=b.id, customer_id=b.customer_id, customer_name=customer_name, number=number,
        purpose=b.purpose, source=b.source, reason=callback_reason(b), due_at=b.due_at,
        owner_id=b.owner_id, owner_login=owner_login, state=b.state, attempts=b.attempts,
        max_attempts=b.max_attempts, outcome=b.outcome,
        overdue=b.state == "open" and b.due_at < now, complaint_id=b.complaint_id,
        dial_number=b.number)


def alert_counts(owner_id: int, now: datetime) -> tuple[ScalarSelect[int], ScalarSelect[int]]:
    """(due within 15 minutes, overdue) among ``owner_id``'s open callbacks, as two scalar
    subqueries: the status line reads them in the same statement as the seat's state."""
    base = select(func.count(Callback.id)).where(Callback.owner_id == owner_id,
                                                 Callback.state == "open")
    due = base.where(Callback.due_at >= now, Callback.due_at <= now + DUE_SOON)
    overdue = base.where(Callback.due_at < now)
    return due.scalar_subquery(), overdue.scalar_subquery()


class CallbackService(Service):
    release_after: timedelta = DEFAULT_RELEASE_AFTER

    # ---- helpers ---------------------------------------------------------------------

    def _view(self, s: Session, b: Callback, actor: Actor) -> CallbackRow:
        customer = s.get(Customer, b.customer_id)
        owner = s.get(User, b.owner_id) if b.owner_id else None
        return _row(b, customer.name if customer else "", owner.login if owner else "",
                    self.clock(), not allowed(actor, Permission.SEE_UNMASKED))

    def _check_cap(self, s: Session, user_id: int | None) -> None:
        if user_id is None:
            return
        user = s.get(User, user_id)
        if user is None:
            return
        count = s.scalar(select(func.count(Callback.id)).where(
            Callback.owner_id == user_id, Callback.state == "open")) or 0
        if count >= user.max_open_callbacks:
            raise InvalidInput(
                ngettext("you already have {n} open callback (your limit is {max}): finish "
                         "it or put this one in the pool",
                         "you already have {n} open callbacks (your limit is {max}): finish "
                         "some or put this one in the pool", count)
                .format(n=count, max=user.max_open_callbacks),
                "owner")

    def _locked(self, s: Session, callback_id: int) -> Callback:
        b = s.get(Callback, callback_id, with_for_update=True)
        if b is None:
            raise NotFound(_("no callback #{id}").format(id=callback_id))
        return b

    @staticmethod
    def _number_for(s: Session, customer_id: int, typed: str, call: Call | None) -> str:
        if typed.strip():
            try:
                return phone.normalise(typed)
            except phone.PhoneNumberError as exc:
                raise InvalidInput(str(exc), "number") from None
        if call is not None:
            number = call.caller_number if call.direction == Direction.INBOUND \
                else call.dialled_number
            if number.startswith("+"):
                return number
        return s.scalar(select(CustomerPhone.number).where(
            CustomerPhone.customer_id == customer_id).order_by(CustomerPhone.id).limit(1)) or ""

    # ---- scheduling -------------------------------------------------------------------

    def schedule(self, actor: Actor, data: CallbackInput) -> CallbackRow:
        """Schedule a callback by hand (mine, or the pool's); refused over the cap."""
        require(actor, Permission.TAKE_CALLS)
        now = self.clock()
        if data.due_at.tzinfo is None:
            raise InvalidInput(_("the due time has no time zone"), "due_at")
        if data.due_at <= now:
            raise InvalidInput(_("the due time has already passed"), "due_at")
        if len(data.reason) > REASON_MAX:
            raise InvalidInput(_("the reason is too long ({n} characters, at most {max})")
                               .format(n=len(data.reason), max=REASON_MAX), "reason")
        if data.purpose not in {p.value for p in OutboundPurpose}:
            raise InvalidInput(_("unknown purpose {p!r}").format(p=data.purpose), "purpose")
        if not 1 <= data.max_attempts <= 10:
            raise InvalidInput(_("attempts must be between 1 and 10"), "max_attempts")
        with self.db.write() as s:
            if s.get(Customer, data.customer_id) is None:
                raise NotFound(_("no customer #{id}").format(id=data.customer_id))
            call = s.get(Call, data.call_id) if data.call_id is not None else None
            number = self._number_for(s, data.customer_id, data.number, call)
            owner_id = None if data.to_pool else actor.user_id
            self._check_cap(s, owner_id)
            b = Callback(customer_id=data.customer_id, number=number, purpose=data.purpose,
                         source="manual", reason=data.reason, due_at=data.due_at,
                         owner_id=owner_id, max_attempts=data.max_attempts,
                         call_id=data.call_id, created_by=actor.user_id, created_at=now)
            s.add(b)
            s.flush()
            self.signal(s, Topic.CALLBACKS)
            self.signal(s, Topic.CUSTOMER, data.customer_id)
            return self._view(s, b, actor)

    def take(self, actor: Actor, callback_id: int) -> CallbackRow:
        """Take a pool callback as mine (within my cap)."""
        require(actor, Permission.TAKE_CALLS)
        with self.db.write() as s:
            b = self._locked(s, callback_id)
            if b.state != "open":
                raise InvalidTransition(_("callback #{id} is already finished").format(id=b.id))
            if b.owner_id == actor.user_id:
                return self._view(s, b, actor)
            if b.owner_id is not None:
                raise Conflict(_("callback #{id} was taken by another agent").format(id=b.id))
            self._check_cap(s, actor.user_id)
            b.owner_id = actor.user_id
            self.signal(s, Topic.CALLBACKS)
            return self._view(s, b, actor)

    def release(self, actor: Actor, callback_id: int) -> CallbackRow:
        """Give one of my callbacks back to the pool."""
        with self.db.write() as s:
            b = self._locked(s, callback_id)
            if b.owner_id != actor.user_id and not allowed(actor, Permission.MANAGE_COMPLAINTS):
                raise InvalidTransition(_("callback #{id} is not yours").format(id=b.id))
            b.owner_id = None
            self.signal(s, Topic.CALLBACKS)
            return self._view(s, b, actor)

    def cancel(self, actor: Actor, callback_id: int, reason: str = "") -> CallbackRow:
        with self.db.write() as s:
            b = self._locked(s, callback_id)
            if b.owner_id not in (None, actor.user_id) and not allowed(
                    actor, Permission.MANAGE_COMPLAINTS):
                raise InvalidTransition(_("callback #{id} is not yours").format(id=b.id))
            if b.state == "open":
                b.state, b.outcome, b.completed_at = "cancelled", "cancelled", self.clock()
                if reason:
                    # The note is typed text: the reason becomes plain text from here on,
                    # in the canceller's language, with the note after it.
                    b.reason = (callback_reason(b) + " / " + reason)[:REASON_MAX]
                    b.reason_msgid, b.reason_params = "", None
                self.signal(s, Topic.CALLBACKS)
            return self._view(s, b, actor)

    # ---- attempts ----------------------------------------------------------------------

    def _next_try(self, s: Session, tries: int, now: datetime) -> datetime:
        if tries <= len(BACKOFF):
            return now + BACKOFF[tries - 1]
        return load_calendar(s).next_working_start(now)

    def record_attempt(self, actor: Actor, callback_id: int, outcome: str, call_id: int,
                       next_due: datetime | None = None) -> CallbackRow:
        """Record an outbound try at a callback (after the call is saved); idempotent per call."""
        require(actor, Permission.TAKE_CALLS)
        if outcome not in {o.value for o in OutboundOutcome}:
            raise InvalidInput(_("unknown outcome {o!r}").format(o=outcome), "outbound_outcome")
        now = self.clock()
        if outcome == OutboundOutcome.CALL_BACK_LATER.value:
            if next_due is None:
                raise InvalidInput(_("say when the customer wants to be called back"),
                                   "next_due")
            if next_due <= now:
                raise InvalidInput(_("the due time has already passed"), "next_due")
        with self.db.write() as s:
            b = self._locked(s, callback_id)
            if b.last_call_id == call_id:
                return self._view(s, b, actor)  # already recorded (a retried save)
            if b.state != "open":
                raise InvalidTransition(_("callback #{id} is already finished").format(id=b.id))
            call = s.get(Call, call_id)
            if call is None:
                raise NotFound(_("no call #{id}").format(id=call_id))
            b.last_call_id = call_id
            b.outcome = outcome
            if outcome == OutboundOutcome.CALL_BACK_LATER.value:
                assert next_due is not None
                b.due_at = next_due
            else:
                b.attempts += 1
            if outcome in FINISHING:
                b.state, b.completed_at = "done", now
                if outcome == OutboundOutcome.REACHED.value and b.complaint_id is not None:
                    s.add(ComplaintEvent(complaint_id=b.complaint_id, at=now, kind="return_call",
                                         actor_id=actor.user_id, detail=f"call #{call_id}"))
                    self.signal(s, Topic.COMPLAINTS)
            elif outcome in RETRYING:
                if b.attempts >= b.max_attempts:
                    b.state, b.outcome, b.completed_at = "done", "unreachable", now
                else:
                    b.due_at = self._next_try(s, b.attempts, now)
            self.signal(s, Topic.CALLBACKS)
            self.signal(s, Topic.CUSTOMER, b.customer_id)
            return self._view(s, b, actor)

    def record_outbound(self, actor: Actor, call_id: int,
                        next_due: datetime | None = None) -> CallbackRow | None:
        """After any outbound call is saved: record it against its callback, or, when it
        reached nobody and had no callback, schedule a retry (source "no_answer")."""
        with self.db.read() as s:
            call = s.get(Call, call_id)
            if call is None:
                raise NotFound(_("no call #{id}").format(id=call_id))
            callback_id, outcome = call.callback_id, call.outbound_outcome
            customer_id, number = call.customer_id, call.dialled_number
            purpose = call.outbound_purpose or OutboundPurpose.CALLBACK.value
        if outcome is None or customer_id is None:
            return None
        if callback_id is not None:
            return self.record_attempt(actor, callback_id, outcome, call_id, next_due)
        if outcome not in RETRYING and outcome != OutboundOutcome.CALL_BACK_LATER.value:
            return None
        now = self.clock()
        due = next_due if outcome == OutboundOutcome.CALL_BACK_LATER.value and next_due \
            else now + BACKOFF[0]
        with self.db.write() as s:
            existing = s.scalar(select(Callback).where(Callback.call_id == call_id,
                                                       Callback.source == "no_answer"))
            if existing is not None:
                return self._view(s, existing, actor)
            owner_id = actor.user_id
            try:
                self._check_cap(s, owner_id)
            except InvalidInput:
                owner_id = None  # over the cap: the retry still happens, from the pool
            b = Callback(customer_id=customer_id, number=number, purpose=purpose,
                         source="no_answer", **stored_reason(N_("retry: {o}"),
                                                             {"o": code(outcome)}),
                         due_at=due, owner_id=owner_id, attempts=1, call_id=call_id,
                         last_call_id=call_id, outcome=outcome, created_by=actor.user_id,
                         created_at=now)
            s.add(b)
            s.flush()
            self.signal(s, Topic.CALLBACKS)
            return self._view(s, b, actor)

    # ---- reading ----------------------------------------------------------------------

    def open_for(self, actor: Actor, *, include_pool: bool = True,
                 limit: int = 500) -> list[CallbackRow]:
        """My open callbacks and the pool's, due (and overdue) first."""
        require(actor, Permission.TAKE_CALLS)
        now = self.clock()
        owner = aliased(User)
        mine = Callback.owner_id == actor.user_id
        where = (mine | Callback.owner_id.is_(None)) if include_pool else mine
        masked = not allowed(actor, Permission.SEE_UNMASKED)
        with self.db.read() as s:
            rows = s.execute(
                select(Callback, Customer.name, owner.login)
                .join(Customer, Customer.id == Callback.customer_id)
                .outerjoin(owner, owner.id == Callback.owner_id)
                .where(Callback.state == "open", where)
                .order_by(Callback.due_at, Callback.id).limit(limit))
            return [_row(b, name, login or "", now, masked) for b, name, login in rows]

    def get(self, actor: Actor, callback_id: int) -> CallbackRow:
        with self.db.read() as s:
            b = s.get(Callback, callback_id)
            if b is None:
                raise NotFound(_("no callback #{id}").format(id=callback_id))
            return self._view(s, b, actor)

    def alerts(self, actor: Actor) -> tuple[int, int]:
        """(due within 15 minutes, overdue) among my open callbacks, for the status bar."""
        if actor.user_id is None:
            return (0, 0)
        with self.db.read() as s:
            due, overdue = s.execute(select(*alert_counts(actor.user_id, self.clock()))).one()
            return (int(due or 0), int(overdue or 0))

    # ---- the worker ---------------------------------------------------------------------

    def release_overdue(self, after: timedelta | None = None) -> int:
        """Give "mine" callbacks overdue by more than ``after`` back to the pool."""
        limit = self.clock() - (after if after is not None else self.release_after)
        with self.db.write() as s:
            result = s.execute(
                update(Callback)
                .where(Callback.state == "open", Callback.owner_id.is_not(None),
                       Callback.due_at < limit)
                .values(owner_id=None))
            count = rows_changed(result)
            if count:
                self.signal(s, Topic.CALLBACKS)
            return count

    def _rule_candidates(self, s: Session, now: datetime, lookback: timedelta,
                         lead: timedelta) -> list[tuple[RuleCallback, int | None]]:
        tz = load_calendar(s).tz
        found: list[tuple[RuleCallback, int | None]] = []
        oldest_day = (now - lookback).astimezone(tz).date()
        stmt = (select(Contract, Customer.dedicated_agent_id)
                .join(Customer, Customer.id == Contract.customer_id)
                .where((Contract.delivered_at >= now - lookback)
                       | (Contract.accepted_on >= oldest_day - timedelta(days=3))
                       | (Contract.warranty_until >= oldest_day)
                       | Contract.signed_on.is_not(None)))
        for k, dedicated in s.execute(stmt):
            facts = ContractFacts(id=k.id, customer_id=k.customer_id,
                                  delivered_at=k.delivered_at, accepted_on=k.accepted_on,
                                  warranty_until=k.warranty_until, signed_on=k.signed_on)
            found.extend((r, dedicated) for r in contract_callbacks(facts, now, tz,
                                                                    lookback=lookback, lead=lead))
        numbers: dict[int, list[str]] = {}
        dedicated_of: dict[int, int | None] = {}
        for cid, dedicated, number in s.execute(
                select(Customer.id, Customer.dedicated_agent_id, CustomerPhone.number)
                .outerjoin(CustomerPhone, CustomerPhone.customer_id == Customer.id)
                .where(Customer.key_account.is_(True)).order_by(Customer.id, CustomerPhone.id)):
            numbers.setdefault(cid, [])
            dedicated_of[cid] = dedicated
            if number:
                numbers[cid].append(number)
        for cid, nums in numbers.items():
            found.extend((r, dedicated_of[cid]) for r in key_account_callbacks(
                KeyAccountFacts(cid, tuple(nums)), now, tz, lead=lead))
        return found

    def create_rule_callbacks(self, *, lookback: timedelta = DEFAULT_LOOKBACK,
                              lead: timedelta = DEFAULT_LEAD) -> int:
        """Create the callbacks the schedule rules ask for; each rule_key exactly once."""
        now = self.clock()
        created = 0
        with self.db.write() as s:
            candidates = self._rule_candidates(s, now, lookback, lead)
            keys = [r.rule_key for r, _owner in candidates]
            existing: set[str] = set()
            for i in range(0, len(keys), 500):
                existing.update(s.scalars(select(Callback.rule_key)
                                          .where(Callback.rule_key.in_(keys[i:i + 500]))))
            for rule, owner_id in candidates:
                if rule.rule_key in existing:
                    continue
                number = rule.number or s.scalar(
                    select(CustomerPhone.number).where(
                        CustomerPhone.customer_id == rule.customer_id)
                    .order_by(CustomerPhone.id).limit(1)) or ""
                try:
                    # A racing worker may insert the same key first: the savepoint keeps
                    # this transaction (and the other callbacks) alive.
                    with savepoint(s):
                        s.add(Callback(customer_id=rule.customer_id, number=number,
                                       purpose=OutboundPurpose.CALLBACK.value,
                                       source=f"rule:{rule.rule}",
                                       **stored_reason(rule.reason, rule.params),
                                       due_at=rule.due_at, owner_id=owner_id,
                                       rule_key=rule.rule_key, created_at=now))
                except DuplicateRecord:
                    continue
                existing.add(rule.rule_key)
                created += 1
            if created:
                self.signal(s, Topic.CALLBACKS)
        return created

    # ---- export -----------------------------------------------------------------------

    EXPORT_COLUMNS = ("id", "created_at", "customer", "number", "purpose", "source", "reason",
                      "due_at", "owner", "state", "attempts", "max_attempts", "outcome",
                      "completed_at", "complaint_id")
    # Columns of stored codes: words in a CSV or XLSX, codes in JSON (exporter.write_rows).
    EXPORT_CODES = ("purpose", "source", "state", "outcome")

    def export_rows(self, actor: Actor, start: datetime, end: datetime,
                    fmt: str = "") -> list[dict[str, Any]]:
        """Callbacks created in [start, end) for export; masked per role and audited."""
        require(actor, Permission.EXPORT_CALLS)
        masked = not allowed(actor, Permission.SEE_UNMASKED)
        owner = aliased(User)
        now = self.clock()
        scope = team_scope(actor)  # a team lead: the callbacks their team's agents own
        with self.db.write() as s:
            rows = []
            for b, cname, login in s.execute(
                select(Callback, Customer.name, owner.login)
                .join(Customer, Customer.id == Callback.customer_id)
                .outerjoin(owner, owner.id == Callback.owner_id)
                .where(Callback.created_at >= start, Callback.created_at < end,
                       *([owner.team_id == scope] if scope is not None else []))
                .order_by(Callback.created_at, Callback.id)
            ):
                rows.append({
                    "id": b.id, "created_at": b.created_at,
                    "customer": (cname[:1] + "*" * max(0, len(cname) - 1)) if masked else cname,
                    "number": phone.mask(b.number) if masked and b.number else b.number,
                    "purpose": b.purpose, "source": b.source, "reason": callback_reason(b),
                    "due_at": b.due_at, "owner": login or "", "state": b.state,
                    "attempts": b.attempts, "max_attempts": b.max_attempts,
                    "outcome": b.outcome or "", "completed_at": b.completed_at,
                    "complaint_id": b.complaint_id,
                })
            audit.record(s, actor, "callbacks.export", at=now, entity="callback",
                         detail={"from": start.isoformat(), "to": end.isoformat(),
                                 "rows": len(rows), "masked": masked, "format": fmt})
            return rows
