"""Calls: offer, claim exactly once, answer, hold, transfer, end, wrap up, abandon, outbound.

State machine (every change is a CallEvent):

    queued -> offered -> active <-> held -> wrap_up -> closed
    queued/offered -> abandoned          (caller hung up while waiting)
    active/held --transfer--> wrap_up    (+ a new queued leg for the target)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from seatdesk.data.engine import savepoint
from seatdesk.data.floor_events import row_dict, waiting_select
from seatdesk.data.models import (
    AgentState,
    AgentStateEvent,
    AgentStatus,
    Call,
    CallEvent,
    CallState,
    Category,
    Customer,
    Direction,
    OutboundPurpose,
    QuarantinedRecord,
    Queue,
    User,
    UserQueue,
)
from seatdesk.data.models.calls import WAITING_STATE
from seatdesk.data.topics import Topic
from seatdesk.domain import phone, text
from seatdesk.domain.call_record import validate_wrap_up
from seatdesk.domain.clock import ensure_utc
from seatdesk.domain.enums import MISSED_CALL
from seatdesk.domain.errors import (
    Conflict,
    DuplicateRecord,
    InvalidInput,
    InvalidTransition,
    NotFound,
)
from seatdesk.domain.i18n import _
from seatdesk.services import audit
from seatdesk.services.acw import AcwEnded, pause_reason, record_from_draft
from seatdesk.services.base import Service
from seatdesk.services.customers import (
    CustomerService,
    insert_customer,
    route_rank,
    summary_of,
    validate_customer,
)
from seatdesk.services.dto import (
    Actor,
    CallEventView,
    CallView,
    CustomerInput,
    CustomerSummary,
    PoppedCall,
    WaitingCall,
    WrapUp,
)
from seatdesk.services.floor_view import waiting_call
from seatdesk.services.permissions import Permission, allowed, require
from seatdesk.services.scripts import published_in


@dataclass(frozen=True)
class QuarantinedView:
    """A journal record the database refused, as the agent and the team lead see it."""

    id: int
    at: datetime
    typed_at: str
    login: str
    call_id: int | None
    kind: str
    reason: str
    payload: str


# Outbound outcomes where nobody came to the phone (attempts, not handled calls).
NOT_CONNECTED = frozenset({"no_answer", "busy"})
SEAT_LOST = "seat_lost"  # the event and the seat's reason when its desk went silent
# The "closed" event's detail when the queue's after-call-work limit ended the wrap-up:
# the draft was a complete record, or it was not (kept; the agent finishes it).
ACW_LIMIT = "acw_limit"
ACW_INCOMPLETE = "acw_incomplete"
LIVE_STATES = (CallState.OFFERED, CallState.ACTIVE, CallState.HELD)
# A wrap-up form's autosaved draft, as JSON: the longest notes (4,000 characters of
# Chinese, 3 bytes each) and every other field fit many times over.
MAX_DRAFT_BYTES = 64 * 1024
# A seat holding a call in one of these takes no other; the database agrees (the partial
# unique index ux_calls_one_live_per_seat).
BUSY_STATES = (*LIVE_STATES, CallState.WRAP_UP)


def _seen_by(call: Call, actor: Actor) -> CallView:
    """The call as ``actor`` may see it: the number masked unless the role sees digits."""
    return call_view(call, masked=not allowed(actor, Permission.SEE_UNMASKED))


def _seconds(a: datetime | None, b: datetime | None) -> int:
    if a is None or b is None:
        return 0
    return max(0, int(round((b - a).total_seconds())))


def call_view(c: Call, *, masked: bool = False) -> CallView:
    number = c.caller_number if c.direction == Direction.INBOUND else c.dialled_number
    # Masked by its digits whatever its form: a switch may send "13800138000#" or "*138...".
    shown = phone.mask(number) if masked and number else number
    return CallView(
        id=c.id,
        direction=c.direction.value,
        state=c.state.value,
        queue_code=None,
        caller_number=shown,
        customer_id=c.customer_id,
        agent_id=c.agent_id,
        queued_at=c.queued_at,
        offered_at=c.offered_at,
        answered_at=c.answered_at,
        held_since=c.held_since,
        ended_at=c.ended_at,
        closed_at=c.closed_at,
        talk_seconds=c.talk_seconds,
        hold_seconds=c.hold_seconds,
        hold_count=c.hold_count,
        wrap_seconds=c.wrap_seconds,
        wait_seconds=c.wait_seconds,
        category=c.category,
        disposition=c.disposition,
        question=c.question,
        notes=c.notes,
        resolved=c.resolved,
        handed_to=c.handed_to,
        transferred=c.transferred,
        transfer_target=c.transfer_target,
        satisfaction=c.satisfaction,
        follow_up_at=c.follow_up_at,
        outbound_purpose=c.outbound_purpose,
        outbound_outcome=c.outbound_outcome,
        callback_id=c.callback_id,
        complaint_id=c.complaint_id,
        parent_call_id=c.parent_call_id,
        script_id=c.script_id,
        recording_ref=c.recording_ref,
        draft=c.draft,
        queue_id=c.queue_id,
    )


def next_call_query(user_id: int | None, *, postgres: bool) -> Select[Call]:
    """The waiting call a seat takes next, in routing order (locked, skipping others').

    On PostgreSQL the choice is ``seatdesk_next_call`` (migration i2_claim_order): the
    same conditions and order in a function whose planner settings keep the ordered scan
    of ix_calls_waiting whatever the statistics say. It locks the call; the outer read
    (FOR UPDATE again, already held) sees the row as locked, not as the statement began.
    """
    if postgres:
        chosen = select(func.seatdesk_next_call(user_id)).scalar_subquery()
        return select(Call).where(Call.id == chosen).with_for_update()
    stmt = (
        select(Call)
        .where(sql_text(f"calls.{WAITING_STATE}"))  # a literal: see WAITING_STATE
        .where((Call.target_agent_id.is_(None)) | (Call.target_agent_id == user_id))
        .order_by(Call.route_order, Call.route_rank, Call.queued_at, Call.id)
        .limit(1)
    )
    # The seat's queues as a subquery (a seat with none takes from every queue):
    # one round trip fewer on the path the seat waits on.
    mine = select(UserQueue.queue_id).where(UserQueue.user_id == user_id)
    return stmt.where(Call.queue_id.in_(mine) | ~mine.exists())


class CallService(Service):
    # ---- helpers ---------------------------------------------------------------------

    def _event(
        self,
        s: Session,
        call: Call,
        kind: str,
        to: CallState | None,
        actor: Actor,
        now: datetime,
        detail: str = "",
    ) -> None:
        s.add(
            CallEvent(
                call_id=call.id,
                at=now,
                kind=kind,
                from_state=call.state.value if call.state else None,
                to_state=to.value if to else None,
                actor_id=actor.user_id,
                detail=detail,
            )
        )
        if to is not None:
            call.state = to
        call.version += 1

    def _set_agent(
        self,
        s: Session,
        user_id: int | None,
        state: AgentState,
        now: datetime,
        call_id: int | None = None,
        reason: str = "",
    ) -> None:
        if user_id is None:
            return
        row = s.get(AgentStatus, user_id)
        if row is None:
            row = AgentStatus(user_id=user_id, state=state, since=now)
            s.add(row)
        elif row.state == state and row.current_call_id == call_id:
            return
        changed = row.state != state
        row.state, row.reason, row.current_call_id = state, reason, call_id
        if changed or row.since is None:
            row.since = now
            s.add(AgentStateEvent(user_id=user_id, at=now, state=state, reason=reason))

    def _locked_call(self, s: Session, call_id: int) -> Call:
        call = s.get(Call, call_id, with_for_update=True)
        if call is None:
            raise NotFound(_("no call #{call_id}").format(call_id=call_id))
        return call

    @staticmethod
    def _lock_seat(s: Session, user_id: int | None) -> AgentStatus | None:
        """Lock one seat's row for this transaction (PostgreSQL; SQLite writes are serial).

        Every change to a seat's calls locks the seat first, then the call: one order for
        every writer, so two of them never wait on each other in a circle.
        """
        if user_id is None:
            return None
        # The rows themselves are kept, not only their ids: the session holds objects
        # weakly, and a seat row it dropped would be read again by _set_agent.
        locked: dict[int, AgentStatus | None] = s.info.setdefault("locked_seats", {})
        if user_id in locked:  # already locked in this transaction: no second round trip
            return locked[user_id] or s.get(AgentStatus, user_id)
        seat = s.get(AgentStatus, user_id, with_for_update=True)
        locked[user_id] = seat
        return seat

    @staticmethod
    def _lock_seat_and_call(s: Session, user_id: int, call_id: int) -> Call | None:
        """The seat's row and its call, locked in one statement (seat first, as always).

        None when either is missing or the call is not at this seat; the caller then
        takes the slow path, which says why.
        """
        locked: dict[int, AgentStatus | None] = s.info.setdefault("locked_seats", {})
        if user_id in locked:
            return None
        row = s.execute(
            select(AgentStatus, Call)
            .join(Call, Call.agent_id == AgentStatus.user_id)
            .where(AgentStatus.user_id == user_id, Call.id == call_id)
            .with_for_update()
        ).first()
        if row is None:
            return None
        locked[user_id] = row[0]
        return row[1]

    def _locked_call_and_seat(self, s: Session, call_id: int) -> Call:
        """The call locked together with the seat it rings or lives at (seat first)."""
        for _attempt in range(5):
            seat = s.scalar(select(Call.agent_id).where(Call.id == call_id))
            self._lock_seat(s, seat)
            call = self._locked_call(s, call_id)
            if call.agent_id == seat:
                return call
        raise Conflict(_("call #{call_id} is changing; try again").format(call_id=call_id))

    @staticmethod
    def _refuse_lost_ring(call: Call, actor: Actor) -> None:
        """The call that rang here is gone: say why, in the seat's words."""
        if call.state == CallState.ABANDONED:
            raise Conflict(_("the caller hung up"))
        if call.agent_id != actor.user_id:
            raise Conflict(_("the call rang out and went back to the queue"))

    def _own_call(self, s: Session, actor: Actor, call_id: int, *states: CallState) -> Call:
        if actor.is_system:
            call = self._locked_call_and_seat(s, call_id)
        else:
            found = (self._lock_seat_and_call(s, actor.user_id, call_id)
                     if self.db.is_postgres and actor.user_id is not None else None)
            if found is None:
                self._lock_seat(s, actor.user_id)
                found = self._locked_call(s, call_id)
            call = found
        if call.agent_id != actor.user_id and not actor.is_system:
            raise InvalidTransition(_("call #{call_id} is not yours").format(call_id=call_id))
        if states and call.state not in states:
            raise InvalidTransition(_("call #{call_id} is {state}; cannot do that now").format(
                call_id=call_id, state=_(call.state.value)))
        return call

    # ---- the phone system's side ------------------------------------------------------

    def offer_inbound(
        self,
        actor: Actor,
        number: str,
        queue_code: str = "general",
        *,
        target_agent_id: int | None = None,
        recording_ref: str | None = None,
        ring: bool = False,
    ) -> int:
        """A call arrives: queue it, identify the caller, set its routing order.

        With ``ring`` the call rings at once at the queue's longest-idle available seat
        (the ACD's choice), whose desk pops the caller's card; with no seat free it waits
        in the queue like any other call.
        """
        require(actor, Permission.OFFER_CALLS)
        now = self.clock()
        try:
            e164 = phone.normalise(number, strict=False)
        except phone.PhoneNumberError:
            # Withheld or malformed numbers still reach a seat; they just match nobody.
            e164 = ""
        raw = e164 or number.strip()[:20]
        with self.db.write() as s:
            q = s.scalar(select(Queue).where(Queue.code == queue_code))
            if q is None:
                raise InvalidInput(
                    _("no queue {queue_code}").format(queue_code=repr(queue_code)), "queue"
                )
            matches = CustomerService._lookup(s, e164) if e164 else []
            best = matches[0] if matches else None
            call = Call(
                direction=Direction.INBOUND,
                state=CallState.QUEUED,
                queue_id=q.id,
                caller_number=raw,
                customer_id=best.id if best is not None and len(matches) == 1 else None,
                route_order=-q.priority,
                route_rank=route_rank(best.grade, best.key_account) if best else 5,
                target_agent_id=target_agent_id,
                queued_at=now,
                recording_ref=recording_ref,
            )
            s.add(call)
            s.flush()
            self._queued_event(s, call, actor, now, q.code)
            seat = self._longest_idle(s, q.id, target_agent_id) if ring else None
            if seat is not None:
                try:
                    # A savepoint: should the seat have a call after all, the database's
                    # one-live-call rule refuses the ring and the caller simply waits.
                    with savepoint(s):
                        call.agent_id = seat
                        call.offered_at = now
                        call.queue_seconds = 0
                        self._event(s, call, "offered", CallState.OFFERED, actor, now, "ring")
                        self._set_agent(s, seat, AgentState.RINGING, now, call.id)
                        s.flush()
                    self.signal(s, Topic.RING)
                except DuplicateRecord:
                    s.refresh(call)
            self.signal(s, Topic.QUEUE)
            return call.id

    def _longest_idle(self, s: Session, queue_id: int, target: int | None) -> int | None:
        """The available seat that has waited longest and serves this queue (locked)."""
        serves = select(UserQueue.user_id).where(UserQueue.queue_id == queue_id)
        has_queues = select(UserQueue.user_id).where(UserQueue.user_id == AgentStatus.user_id)
        busy = select(Call.id).where(Call.agent_id == AgentStatus.user_id,
                                     Call.state.in_(BUSY_STATES))
        stmt = (
            select(AgentStatus.user_id)
            .where(AgentStatus.state == AgentState.AVAILABLE)
            .where(AgentStatus.user_id.in_(serves) | ~has_queues.exists())
            .where(~busy.exists())
            .order_by(AgentStatus.since, AgentStatus.user_id)
            .limit(1)
        )
        if target is not None:
            stmt = stmt.where(AgentStatus.user_id == target)
        if self.db.is_postgres:
            # Two calls arriving together must not ring the same seat.
            stmt = stmt.with_for_update(skip_locked=True)
        return s.scalar(stmt)

    def mark_abandoned(self, actor: Actor, call_id: int) -> bool:
        """The caller hung up while waiting. False if a seat had already answered."""
        require(actor, Permission.OFFER_CALLS)
        now = self.clock()
        with self.db.write() as s:
            call = self._locked_call_and_seat(s, call_id)
            if call.state not in (CallState.QUEUED, CallState.OFFERED):
                return False
            call.abandoned_at = now
            call.wait_seconds = _seconds(call.queued_at, now)
            if call.state == CallState.OFFERED:
                call.ring_seconds = _seconds(call.offered_at, now)
            agent = call.agent_id
            self._event(s, call, "abandoned", CallState.ABANDONED, actor, now)
            if agent is not None:
                self._set_agent(s, agent, AgentState.AVAILABLE, now)
            self.signal(s, Topic.QUEUE)
            return True

    # ---- the seat's side ---------------------------------------------------------------

    def _live_call(self, s: Session, actor: Actor) -> int | None:
        """The seat's call that rings, is live, on hold or in wrap-up: one per seat.

        Locks the seat's row first, so a ring offered at this moment or the same login's
        F2 in another desk waits for this transaction and then sees its call.
        """
        self._lock_seat(s, actor.user_id)
        return s.scalar(
            select(Call.id)
            .where(Call.agent_id == actor.user_id, Call.state.in_(BUSY_STATES))
            .limit(1)
        )

    @staticmethod
    def _queued_event(s: Session, call: Call, actor: Actor, now: datetime, detail: str) -> None:
        """The first event of a call that starts waiting (a new call or a transfer's leg)."""
        s.add(
            CallEvent(
                call_id=call.id,
                at=now,
                kind="queued",
                to_state="queued",
                actor_id=actor.user_id,
                detail=detail,
            )
        )

    def claim_next(self, actor: Actor, *, answer: bool = True) -> CallView | None:
        """Take the next waiting call for this seat, exactly once among all seats.

        Order: queue priority, then key accounts and grade, then longest wait. On
        PostgreSQL competing seats skip each other's locked rows (SKIP LOCKED); on SQLite
        the IMMEDIATE write transaction serialises them. With ``answer`` the call goes
        straight to active (the desk's F2); otherwise it rings (offered).
        """
        require(actor, Permission.TAKE_CALLS)
        now = self.clock()
        with self.db.write() as s:
            call = self._claim_next_in(s, actor, now, answer=answer)
            if call is None:
                return None
            self._flush_claim(s)
            return _seen_by(call, actor)

    def _claim_next_in(self, s: Session, actor: Actor, now: datetime, *, answer: bool,
                       seat_checked: bool = False) -> Call | None:
        if self.db.is_postgres and not seat_checked and actor.user_id is not None:
            picked = self._seat_pick(s, actor.user_id)
            if picked is not None and picked.state != CallState.QUEUED:
                raise InvalidTransition(
                    _("finish call #{busy} before taking another").format(busy=picked.id))
            if picked is not None:
                self._offer_to(s, picked, actor, now, answer=answer)
                return picked
            # No seat row yet, or nobody waiting: the general path below says which.
        busy = None if seat_checked else self._live_call(s, actor)
        if busy is not None:
            raise InvalidTransition(
                _("finish call #{busy} before taking another").format(busy=busy)
            )
        call = s.scalar(next_call_query(actor.user_id, postgres=self.db.is_postgres))
        if call is not None:
            self._offer_to(s, call, actor, now, answer=answer)
        return call

    @staticmethod
    def _seat_pick(s: Session, user_id: int) -> Call | None:
        """F2 on PostgreSQL in one statement: the seat locked, then its own busy call or the
        next waiting one, locked (``seatdesk_seat_pick``, migration i2_claim_order)."""
        pick = select(func.seatdesk_seat_pick(user_id)).scalar_subquery()
        row = s.execute(
            select(AgentStatus, Call)
            .join(Call, Call.id == pick)
            .where(AgentStatus.user_id == user_id)
            .with_for_update()
        ).first()
        if row is None:
            return None
        s.info.setdefault("locked_seats", {})[user_id] = row[0]
        return row[1]

    def _flush_claim(self, s: Session) -> None:
        """Write the claim now: the database's one-live-call rule has the last word. It is
        the transaction's last write, so its change batch travels with it."""
        try:
            self.db.flush(s, last=True)
        except DuplicateRecord:
            raise InvalidTransition(
                _("finish your current call before taking another")) from None

    def claim(self, actor: Actor, call_id: int, *, answer: bool = True) -> CallView:
        """Take one particular waiting call (Enter on a queue row)."""
        require(actor, Permission.TAKE_CALLS)
        now = self.clock()
        with self.db.write() as s:
            call = self._claim_in(s, actor, call_id, now, answer=answer)
            self._flush_claim(s)
            return _seen_by(call, actor)

    def _claim_in(self, s: Session, actor: Actor, call_id: int, now: datetime, *,
                  answer: bool, seat_checked: bool = False) -> Call:
        if not seat_checked and self._live_call(s, actor) is not None:
            raise InvalidTransition(_("finish your current call before taking another"))
        stmt = select(Call).where(Call.id == call_id)
        if self.db.is_postgres:
            stmt = stmt.with_for_update(skip_locked=True)
        call = s.scalar(stmt)
        if call is not None and call.state == CallState.ABANDONED:
            raise Conflict(_("the caller hung up"))
        if call is None or call.state != CallState.QUEUED:
            raise Conflict(
                _("call #{call_id} was taken by another seat or hung up").format(
                    call_id=call_id
                )
            )
        if call.target_agent_id not in (None, actor.user_id):
            raise Conflict(
                _("call #{call_id} is routed to another agent").format(call_id=call_id)
            )
        self._offer_to(s, call, actor, now, answer=answer)
        return call

    # ---- the screen pop: call, card and script in one transaction --------------------

    def take(self, actor: Actor, call_id: int | None = None, *, lang: str) -> PoppedCall | None:
        """F2 (the next call), Enter (``call_id``), or answering the call ringing here.

        One write transaction claims or answers, reads the customer card (audited) and
        the script, and records which script version the seat was shown: the seat waits
        on this, and every separate transaction is another round trip. None when nobody
        is waiting.
        """
        require(actor, Permission.TAKE_CALLS)
        now = self.clock()
        with self.db.write() as s:
            # One look at the seat serves both: answer what rings here, or refuse a second.
            # The seat's row is locked first and the call with it: a hang-up or ring-out
            # at this moment either happened before (and is seen) or waits for this.
            live: Call | None = None
            picked = (self._seat_pick(s, actor.user_id)
                      if self.db.is_postgres and call_id is None and actor.user_id is not None
                      else None)
            if picked is not None and picked.state == CallState.QUEUED:
                # F2 on PostgreSQL: the seat was free and this is its next call (one
                # statement, seatdesk_seat_pick); the pop is read before the one write.
                self._offer_to(s, picked, actor, now, answer=True)
                with s.no_autoflush:
                    popped = self._popped(s, actor, picked, lang)
                self._flush_claim(s)
                return popped
            if picked is not None:
                live = picked  # the seat's own call: answered below if it rings
            else:
                self._lock_seat(s, actor.user_id)
                live = s.scalar(
                    select(Call).where(Call.agent_id == actor.user_id,
                                       Call.state.in_(BUSY_STATES)).limit(1)
                    .with_for_update()
                )
            call: Call | None
            if live is not None and live.state == CallState.OFFERED \
                    and call_id in (None, live.id):
                call = live
                self._answer_in(s, live, actor, now)
            elif live is not None:
                raise InvalidTransition(
                    _("finish call #{busy} before taking another").format(busy=live.id)
                    if call_id is None else
                    _("finish your current call before taking another"))
            elif call_id is None:
                call = self._claim_next_in(s, actor, now, answer=True, seat_checked=True)
            else:
                call = self._claim_in(s, actor, call_id, now, answer=True, seat_checked=True)
            if call is None:
                return None
            self._flush_claim(s)
            return self._popped(s, actor, call, lang)

    def ringing(self, actor: Actor, *, lang: str) -> PoppedCall | None:
        """The call ringing at this seat with its card and script (the pop on ringing)."""
        require(actor, Permission.TAKE_CALLS)
        with self.db.write() as s:
            call = s.scalar(
                select(Call).where(Call.agent_id == actor.user_id,
                                   Call.state == CallState.OFFERED).limit(1)
            )
            return None if call is None else self._popped(s, actor, call, lang)

    def ring_next(self, actor: Actor, *, lang: str) -> PoppedCall | None:
        """A seat that has just become free: the longest-waiting call it serves rings here.

        As an ACD delivers queued calls to the next free agent; None when the seat is not
        available (paused, on a call) or nobody waits it may take.
        """
        require(actor, Permission.TAKE_CALLS)
        now = self.clock()
        with self.db.write() as s:
            seat = self._lock_seat(s, actor.user_id)
            if seat is None or seat.state != AgentState.AVAILABLE:
                return None
            if s.scalar(select(Call.id).where(Call.agent_id == actor.user_id,
                                              Call.state.in_(BUSY_STATES)).limit(1)):
                return None
            call = self._claim_next_in(s, actor, now, answer=False, seat_checked=True)
            if call is None:
                return None
            self._flush_claim(s)
            return self._popped(s, actor, call, lang)

    def _popped(self, s: Session, actor: Actor, call: Call, lang: str) -> PoppedCall:
        view = _seen_by(call, actor)
        card = None
        if call.customer_id is not None:
            card = CustomerService(self.db, self.clock).card_in(s, actor, call.customer_id)
        elif call.caller_number.startswith("+"):
            view = _with_candidates(view, CustomerService._lookup(s, call.caller_number))
        if call.direction == Direction.OUTBOUND:
            script = published_in(s, call.outbound_purpose, lang, "outbound")
        else:
            script = published_in(s, call.category, lang, "inbound")
        if script is not None and call.script_id is None:
            call.script_id = script.id
            view = replace(view, script_id=script.id)
        return PoppedCall(view, card, script)

    def _offer_to(
        self, s: Session, call: Call, actor: Actor, now: datetime, *, answer: bool
    ) -> None:
        call.agent_id = actor.user_id
        call.offered_at = now
        call.queue_seconds = _seconds(call.queued_at, now)
        self._event(s, call, "offered", CallState.OFFERED, actor, now)
        if answer:
            call.answered_at = now
            call.ring_seconds = 0
            call.wait_seconds = call.queue_seconds
            self._event(s, call, "answered", CallState.ACTIVE, actor, now)
            self._set_agent(s, actor.user_id, AgentState.ON_CALL, now, call.id)
        else:
            self._set_agent(s, actor.user_id, AgentState.RINGING, now, call.id)
        self.signal(s, Topic.QUEUE)

    def answer(self, actor: Actor, call_id: int) -> CallView:
        now = self.clock()
        with self.db.write() as s:
            self._lock_seat(s, actor.user_id)
            call = self._locked_call(s, call_id)
            self._refuse_lost_ring(call, actor)
            if call.state != CallState.OFFERED:
                raise InvalidTransition(
                    _("call #{call_id} is not ringing").format(call_id=call_id))
            self._answer_in(s, call, actor, now)
            return _seen_by(call, actor)

    def _answer_in(self, s: Session, call: Call, actor: Actor, now: datetime) -> None:
        call.answered_at = now
        # Time to answer (ASA, service level): from arrival to answer, the ring included;
        # the ring at the answering seat and the time in the queue are kept apart.
        call.wait_seconds = _seconds(call.queued_at, now)
        call.ring_seconds = _seconds(call.offered_at, now)
        call.queue_seconds = max(0, call.wait_seconds - call.ring_seconds)
        self._event(s, call, "answered", CallState.ACTIVE, actor, now)
        self._set_agent(s, actor.user_id, AgentState.ON_CALL, now, call.id)
        self.signal(s, Topic.FLOOR)

    def hold(self, actor: Actor, call_id: int) -> CallView:
        """Put the caller on hold (after asking: "对不起,请稍候")."""
        now = self.clock()
        with self.db.write() as s:
            call = self._own_call(s, actor, call_id, CallState.ACTIVE)
            call.held_since = now
            call.hold_count += 1
            self._event(s, call, "held", CallState.HELD, actor, now)
            self._set_agent(s, actor.user_id, AgentState.ON_HOLD, now, call.id)
            self.signal(s, Topic.FLOOR)
            return _seen_by(call, actor)

    def resume(self, actor: Actor, call_id: int) -> CallView:
        now = self.clock()
        with self.db.write() as s:
            call = self._own_call(s, actor, call_id, CallState.HELD)
            call.hold_seconds += _seconds(call.held_since, now)
            call.held_since = None
            self._event(s, call, "resumed", CallState.ACTIVE, actor, now)
            self._set_agent(s, actor.user_id, AgentState.ON_CALL, now, call.id)
            self.signal(s, Topic.FLOOR)
            return _seen_by(call, actor)

    def _stop_talking(self, call: Call, now: datetime) -> None:
        if call.state == CallState.HELD:
            call.hold_seconds += _seconds(call.held_since, now)
            call.held_since = None
        call.ended_at = now
        call.talk_seconds = max(0, _seconds(call.answered_at, now) - call.hold_seconds)

    def transfer(
        self,
        actor: Actor,
        call_id: int,
        *,
        queue_code: str | None = None,
        agent_login: str | None = None,
    ) -> int:
        """Hand the caller to a queue or a named agent; returns the new leg's call id.

        The agent's own leg goes to wrap-up (they still write the record); the new leg
        waits in the target queue, or rings only at the named agent.
        """
        if bool(queue_code) == bool(agent_login):
            raise InvalidInput(_("transfer to either a queue or an agent"), "transfer_target")
        now = self.clock()
        with self.db.write() as s:
            call = self._own_call(s, actor, call_id, CallState.ACTIVE, CallState.HELD)
            target_agent: User | None = None
            if agent_login:
                target_agent = s.scalar(select(User).where(User.login == agent_login))
                if target_agent is None or not target_agent.active:
                    raise InvalidInput(
                        _("no agent {agent_login}").format(agent_login=repr(agent_login)),
                        "transfer_target",
                    )
                if target_agent.id == actor.user_id:
                    raise InvalidInput(_("cannot transfer a call to yourself"), "transfer_target")
                q = s.get(Queue, call.queue_id) if call.queue_id else None
            else:
                q = s.scalar(select(Queue).where(Queue.code == queue_code))
                if q is None:
                    raise InvalidInput(
                        _("no queue {queue_code}").format(queue_code=repr(queue_code)),
                        "transfer_target",
                    )
            self._stop_talking(call, now)
            call.transferred = True
            call.transfer_target = agent_login or f"queue:{q.code if q else ''}"
            self._event(
                s, call, "transferred", CallState.WRAP_UP, actor, now, detail=call.transfer_target
            )
            leg = Call(
                direction=Direction.INBOUND,
                state=CallState.QUEUED,
                queue_id=q.id if q else call.queue_id,
                caller_number=call.caller_number,
                customer_id=call.customer_id,
                route_order=-(q.priority if q else 0) - 1,  # a transferred caller waited once
                route_rank=call.route_rank,
                queued_at=now,
                parent_call_id=call.id,
                target_agent_id=target_agent.id if target_agent else None,
                category=call.category,
            )
            s.add(leg)
            s.flush()
            self._queued_event(s, leg, actor, now, f"transfer from #{call.id}")
            self._set_agent(s, actor.user_id, AgentState.WRAP_UP, now, call.id)
            self.signal(s, Topic.QUEUE)
            return leg.id

    def end(self, actor: Actor, call_id: int) -> CallView:
        """The conversation is over (the customer hung up first); wrap-up starts."""
        now = self.clock()
        with self.db.write() as s:
            call = self._own_call(s, actor, call_id, CallState.ACTIVE, CallState.HELD)
            self._stop_talking(call, now)
            self._event(s, call, "ended", CallState.WRAP_UP, actor, now)
            self._set_agent(s, actor.user_id, AgentState.WRAP_UP, now, call.id)
            self.signal(s, Topic.FLOOR)
            return _seen_by(call, actor)

    def set_customer(self, actor: Actor, call_id: int, customer_id: int) -> CallView:
        """Link the call to the customer the agent picked (several matched, or new)."""
        now = self.clock()
        with self.db.write() as s:
            call = self._own_call(s, actor, call_id)
            if call.state in (CallState.CLOSED, CallState.ABANDONED):
                raise InvalidTransition(
                    _("call #{call_id} is already closed").format(call_id=call_id)
                )
            if s.get(Customer, customer_id) is None:
                raise NotFound(_("no customer #{customer_id}").format(customer_id=customer_id))
            call.customer_id = customer_id
            self._event(s, call, "customer", None, actor, now, detail=str(customer_id))
            return _seen_by(call, actor)

    def set_category(
        self, actor: Actor, call_id: int, category: str, script_id: int | None = None
    ) -> CallView:
        """Change the call's category during the call (the script follows)."""
        if category not in {c.value for c in Category}:
            raise InvalidInput(
                _("unknown category {category}").format(category=repr(category)), "category"
            )
        now = self.clock()
        with self.db.write() as s:
            call = self._own_call(
                s, actor, call_id, CallState.ACTIVE, CallState.HELD, CallState.WRAP_UP
            )
            call.category = category
            if script_id is not None:
                call.script_id = script_id
            self._event(s, call, "category", None, actor, now, detail=category)
            return _seen_by(call, actor)

    def set_script(self, actor: Actor, call_id: int, script_id: int) -> None:
        """Record the script version the seat was shown for this call."""
        with self.db.write() as s:
            call = self._own_call(s, actor, call_id)
            if call.state not in (CallState.CLOSED, CallState.ABANDONED):
                call.script_id = script_id

    def save_draft(self, actor: Actor, call_id: int, draft: dict[str, Any]) -> None:
        """Autosave the wrap-up form as typed, so nothing is lost if the seat dies."""
        if len(json.dumps(draft, ensure_ascii=False, default=str).encode()) > MAX_DRAFT_BYTES:
            raise InvalidInput(_("the call record is too long to keep as a draft "
                                 "(at most {n} KB)").format(n=MAX_DRAFT_BYTES // 1024), "notes")
        with self.db.write() as s:
            call = self._own_call(s, actor, call_id)
            if call.state in (CallState.CLOSED, CallState.ABANDONED) \
                    and not _incomplete(s, call):
                return  # a late autosave after the save: the record is what counts
            # Live, or closed at the wrap-up limit and being finished on the desk.
            call.draft = draft

    def save_wrap_up(self, actor: Actor, call_id: int, record: WrapUp, *,
                     at: datetime | None = None) -> CallView:
        """Write the call record and close the call; the agent becomes available.

        ``at`` is when the agent saved it (a record replayed from the offline journal):
        the call's end and close take that time, not the time the database came back,
        bounded by the call's own times and by now.
        """
        clock_now = self.clock()
        record = _storable(record)
        with self.db.write() as s:
            done = self._own_call(s, actor, call_id)
            now = clock_now
            if at is not None:
                earliest = max((t for t in (done.answered_at, done.ended_at, done.offered_at)
                                if t is not None), default=clock_now)
                now = min(max(ensure_utc(at), earliest), clock_now)
            if done.state == CallState.CLOSED and _same_record(done, record):
                # A record replayed from the offline journal after it already reached the
                # database: saving it again is a no-op, not an error.
                return _seen_by(done, actor)
            if done.state == CallState.CLOSED and _incomplete(s, done):
                # Closed at the after-call-work limit with a record missing fields: its
                # agent finishes it now; the call's times stay those of the wrap-up.
                validate_wrap_up(record, done.direction)
                self._write_record(s, done, record)
                done.draft = None
                s.execute(update(CallEvent).where(
                    CallEvent.call_id == done.id, CallEvent.kind == "closed",
                    CallEvent.detail == ACW_INCOMPLETE).values(detail=ACW_LIMIT))
                self._event(s, done, "record_completed", None, actor, now)
                return _seen_by(done, actor)
            call = done  # locked above, with its seat
            if call.state not in (CallState.WRAP_UP, CallState.ACTIVE, CallState.HELD):
                raise InvalidTransition(_("call #{call_id} is {state}; cannot do that now").format(
                    call_id=call_id, state=_(call.state.value)))
            validate_wrap_up(record, call.direction)
            if call.state != CallState.WRAP_UP:
                self._stop_talking(call, now)
                self._event(s, call, "ended", CallState.WRAP_UP, actor, now)
            self._close_with(s, call, record, actor, now)
            self._set_agent(s, actor.user_id, AgentState.AVAILABLE, clock_now)
            self.signal(s, Topic.FLOOR)
            return _seen_by(call, actor)

    def _close_with(self, s: Session, call: Call, record: WrapUp, actor: Actor, now: datetime,
                    *, detail: str = "", keep_draft: bool = False) -> None:
        """Write ``record`` into the call and close it (the seat is the caller's business)."""
        call.closed_at = now  # first: the repeat-contact link reads when it closed
        call.wrap_seconds = _seconds(call.ended_at, now)
        if not keep_draft:
            call.draft = None
        self._write_record(s, call, record)
        self._event(s, call, "closed", CallState.CLOSED, actor, now, detail=detail)

    @staticmethod
    def _write_record(s: Session, call: Call, record: WrapUp) -> None:
        """The record's fields into the call, and the repeat-contact link they decide."""
        call.category = record.category or call.category
        call.disposition = record.disposition
        call.question = record.question
        call.notes = record.notes
        call.resolved = record.resolved
        call.handed_to = record.handed_to.strip()
        call.satisfaction = record.satisfaction
        call.follow_up_at = record.follow_up_at
        if call.direction == Direction.OUTBOUND:
            call.outbound_outcome = record.outbound_outcome
            if record.outbound_outcome in NOT_CONNECTED:
                # Nobody answered: an attempt, not a conversation. No talk time, no
                # answer time; the time it rang is kept (dial to hang-up).
                call.ring_seconds = _seconds(call.offered_at, call.ended_at)
                call.answered_at = None
                call.talk_seconds = call.hold_seconds = call.hold_count = 0
                call.wait_seconds = None
        # Imported here: writing a record is the only user (the repeat-contact rule's home).
        from seatdesk.services.first_contact import mark_prior_contact

        mark_prior_contact(s, call)

    def register_caller(self, actor: Actor, call_id: int, data: CustomerInput) -> CustomerSummary:
        """Register the unknown caller of the seat's call as a new customer and link the call.

        The seat sees the caller's number masked, so the call's own number is added here
        (typed numbers are added too); the create is audited like any other.
        """
        require(actor, Permission.EDIT_CUSTOMER)
        now = self.clock()
        with self.db.write() as s:
            call = self._own_call(s, actor, call_id)
            number = (
                call.caller_number if call.direction == Direction.INBOUND else call.dialled_number
            )
            masked = phone.mask(number) if number.startswith("+") else None
            typed = tuple(p for p in data.phones if p.strip() and p.strip() != masked)
            own = (number,) if number.startswith("+") else ()
            values, numbers = validate_customer(replace(data, phones=own + typed))
            customer = insert_customer(s, actor, values, numbers, now, {"from_call": call.id})
            call.customer_id = customer.id
            self._event(s, call, "customer", None, actor, now, detail=str(customer.id))
            self.signal(s, Topic.CUSTOMER, customer.id)
            return summary_of(customer)

    # ---- outbound ---------------------------------------------------------------------

    def start_outbound(
        self,
        actor: Actor,
        *,
        customer_id: int,
        number: str | None = None,
        purpose: str = "callback",
        callback_id: int | None = None,
        complaint_id: int | None = None,
    ) -> CallView:
        """Dial a customer (回访, survey, notification...); the call is live at once."""
        require(actor, Permission.TAKE_CALLS)
        if purpose not in {p.value for p in OutboundPurpose}:
            raise InvalidInput(
                _("unknown outbound purpose {purpose}").format(purpose=repr(purpose)), "purpose"
            )
        now = self.clock()
        with self.db.write() as s:
            if self._live_call(s, actor) is not None:
                raise InvalidTransition(_("finish your current call before dialling"))
            customer = s.get(Customer, customer_id)
            if customer is None:
                raise NotFound(_("no customer #{customer_id}").format(customer_id=customer_id))
            if number:
                try:
                    dialled = phone.normalise(number)
                except phone.PhoneNumberError as exc:
                    raise InvalidInput(str(exc), "number") from None
            else:
                dialled = customer.phones[0].number if customer.phones else ""
                if not dialled:
                    raise InvalidInput(_("this customer has no phone number"), "number")
            call = Call(
                direction=Direction.OUTBOUND,
                state=CallState.ACTIVE,
                customer_id=customer_id,
                agent_id=actor.user_id,
                dialled_number=dialled,
                outbound_purpose=purpose,
                callback_id=callback_id,
                complaint_id=complaint_id,
                answered_at=now,
                offered_at=now,
            )
            s.add(call)
            s.flush()
            s.add(
                CallEvent(
                    call_id=call.id,
                    at=now,
                    kind="dialled",
                    to_state="active",
                    actor_id=actor.user_id,
                    detail=purpose,
                )
            )
            self._set_agent(s, actor.user_id, AgentState.ON_CALL, now, call.id)
            self.signal(s, Topic.FLOOR)
            return _seen_by(call, actor)

    # ---- reading ----------------------------------------------------------------------

    def waiting(self, actor: Actor, limit: int = 5000) -> list[WaitingCall]:
        """The live queue of the queues this seat serves, in the order seats take calls.

        A seat with no queues serves every queue (as ``claim_next`` does).
        """
        masked = not allowed(actor, Permission.SEE_UNMASKED)
        mine = select(UserQueue.queue_id).where(UserQueue.user_id == actor.user_id)
        with self.db.read_once() as s:  # one statement
            rows = s.execute(
                waiting_select().where(Call.queue_id.in_(mine) | ~mine.exists()).limit(limit)
            ).all()
        return [waiting_call(row_dict(r), masked=masked) for r in rows]

    def served_queues(self, actor: Actor) -> frozenset[int] | None:
        """The ids of the queues this seat serves; None when it serves them all."""
        with self.db.read() as s:
            ids = frozenset(s.scalars(
                select(UserQueue.queue_id).where(UserQueue.user_id == actor.user_id)))
        return ids or None

    def get(self, actor: Actor, call_id: int) -> CallView:
        with self.db.read() as s:
            call = s.get(Call, call_id)
            if call is None:
                raise NotFound(_("no call #{call_id}").format(call_id=call_id))
            if call.agent_id != actor.user_id and not allowed(actor, Permission.VIEW_ALL_CALLS):
                raise NotFound(_("no call #{call_id}").format(call_id=call_id))
            view = _seen_by(call, actor)
            if call.customer_id is None and call.caller_number.startswith("+"):
                matches = CustomerService._lookup(s, call.caller_number)
                view = _with_candidates(view, matches)
            return view

    def current_call(self, actor: Actor) -> CallView | None:
        """The seat's unfinished call, if any (after a restart the desk resumes it).

        An idle seat's ring check: one statement when there is none; the call's customer,
        when there is one, needs no snapshot in common with it (``read_once``)."""
        with self.db.read_once() as s:
            call = s.scalar(
                select(Call)
                .where(
                    Call.agent_id == actor.user_id,
                    Call.state.in_(
                        [CallState.OFFERED, CallState.ACTIVE, CallState.HELD, CallState.WRAP_UP]
                    ),
                )
                .order_by(Call.id.desc())
                .limit(1)
            )
            if call is None:
                return None
            view = _seen_by(call, actor)
            if call.customer_id is None and call.caller_number.startswith("+"):
                view = _with_candidates(view, CustomerService._lookup(s, call.caller_number))
            return view

    def events(self, actor: Actor, call_id: int) -> list[CallEventView]:
        with self.db.read() as s:
            call = s.get(Call, call_id)
            if call is None or (
                call.agent_id != actor.user_id and not allowed(actor, Permission.VIEW_ALL_CALLS)
            ):
                raise NotFound(_("no call #{call_id}").format(call_id=call_id))
            rows = s.execute(
                select(CallEvent, User.login)
                .outerjoin(User, User.id == CallEvent.actor_id)
                .where(CallEvent.call_id == call_id)
                .order_by(CallEvent.id)
            ).all()
            return [
                CallEventView(
                    at=e.at,
                    kind=e.kind,
                    from_state=e.from_state,
                    to_state=e.to_state,
                    actor_login=login,
                    detail=e.detail,
                )
                for e, login in rows
            ]

    def handled_today(self, actor: Actor, since: datetime) -> int:
        with self.db.read() as s:
            return (
                s.scalar(
                    select(func.count(Call.id)).where(
                        Call.agent_id == actor.user_id,
                        Call.state == CallState.CLOSED,
                        Call.closed_at >= since,
                        # An outbound call nobody answered is an attempt, not a handled call.
                        Call.answered_at.is_not(None),
                    )
                )
                or 0
            )

    # ---- the after-call-work limit (see seatdesk.services.acw) ----------------------------

    def end_overdue_wrap_ups(self, actor: Actor) -> list[AcwEnded]:
        """End the wrap-ups that passed their queue's after-call-work limit (auto-ready).

        The system (the timed-rules worker) ends every seat's; a seat only its own (the
        desk, at the limit). The seat goes ready, or paused if the agent asked for "not
        ready after this call". A seat that is lost or signed out keeps its call in wrap-up
        for the agent's return (as ``mark_lost_seats`` promises).
        """
        if actor.is_system:
            require(actor, Permission.OFFER_CALLS)
        now = self.clock()
        with self.db.write() as s:
            stmt = (select(Call.id, Call.agent_id, Call.ended_at, Queue.acw_seconds)
                    .join(Queue, Queue.id == Call.queue_id)
                    .where(Call.state == CallState.WRAP_UP, Queue.acw_seconds > 0,
                           Call.ended_at.is_not(None), Call.agent_id.is_not(None)))
            if not actor.is_system:
                stmt = stmt.where(Call.agent_id == actor.user_id)
            due = sorted((agent, call_id, limit)
                         for call_id, agent, ended, limit in s.execute(stmt)
                         if ended is not None and agent is not None
                         and ensure_utc(ended) + timedelta(seconds=limit) <= now)
            done: list[AcwEnded] = []
            for agent, call_id, limit in due:  # seats first, in one order (see _lock_seat)
                seat = self._lock_seat(s, agent)
                call = self._locked_call(s, call_id)
                if call.state != CallState.WRAP_UP or call.agent_id != agent or seat is None \
                        or seat.state != AgentState.WRAP_UP or seat.current_call_id != call.id:
                    continue  # saved meanwhile, or the seat is lost: its agent finishes it
                if ensure_utc(seat.since) + timedelta(seconds=limit) > now:
                    continue  # the limit counts from the seat entering wrap-up (a sign-in)
                draft = dict(call.draft or {})
                record, missing = record_from_draft(draft, call.direction)
                self._close_with(s, call, record, actor, now,
                                 detail=ACW_INCOMPLETE if missing else ACW_LIMIT,
                                 keep_draft=bool(missing))
                reason = pause_reason(draft)
                self._set_agent(s, agent, AgentState.PAUSED if reason else AgentState.AVAILABLE,
                                now, reason=reason)
                done.append(AcwEnded(call_id=call.id, agent_id=agent, complete=not missing,
                                     missing=missing, paused_reason=reason))
            if done:
                self.signal(s, Topic.FLOOR)
                self.signal(s, Topic.QUEUE)  # the seats are free for the next caller
            return done

    def incomplete_records(self, actor: Actor) -> list[CallView]:
        """The seat's calls closed at the wrap-up limit whose record it has to finish."""
        with self.db.read() as s:
            calls = s.scalars(select(Call).where(
                Call.agent_id == actor.user_id, Call.state == CallState.CLOSED,
                Call.draft.is_not(None), _closed_incomplete(Call.id)).order_by(Call.id))
            return [_seen_by(c, actor) for c in calls]

    # ---- seats that went silent (kill -9, power cut, network gone) --------------------------

    def mark_lost_seats(self, actor: Actor, silent_since: datetime) -> int:
        """Seats whose desk has not beaten since ``silent_since``: repair their calls.

        A ringing call goes back to the queue; a live or held call goes to wrap-up with a
        "seat_lost" event, kept for the agent (who resumes it on signing in) or for a team
        lead to close (close_lost_call). The seat is logged out with reason "seat_lost".
        """
        require(actor, Permission.OFFER_CALLS)
        now = self.clock()
        with self.db.write() as s:
            silent = list(s.scalars(
                select(AgentStatus.user_id)
                .where(AgentStatus.state != AgentState.LOGGED_OUT,
                       AgentStatus.heartbeat_at.is_not(None),
                       AgentStatus.heartbeat_at < silent_since)
                .order_by(AgentStatus.user_id)))
            lost = 0
            for user_id in silent:
                seat = self._lock_seat(s, user_id)
                if seat is None or seat.state == AgentState.LOGGED_OUT or \
                        seat.heartbeat_at is None or seat.heartbeat_at >= silent_since:
                    continue  # it beat, or signed out, meanwhile
                for call in s.scalars(select(Call).where(
                        Call.agent_id == user_id, Call.state.in_(BUSY_STATES))
                        .with_for_update()):
                    if call.state == CallState.OFFERED:
                        self._event(s, call, "ring_no_answer", CallState.QUEUED, actor, now,
                                    SEAT_LOST)
                        call.agent_id, call.offered_at = None, None
                        self.signal(s, Topic.QUEUE)
                    elif call.state in LIVE_STATES:
                        self._stop_talking(call, now)
                        self._event(s, call, SEAT_LOST, CallState.WRAP_UP, actor, now)
                    else:
                        self._event(s, call, SEAT_LOST, None, actor, now)
                self._set_agent(s, user_id, AgentState.LOGGED_OUT, now, reason=SEAT_LOST)
                lost += 1
            if lost:
                self.signal(s, Topic.FLOOR)
            return lost

    def lost_call_of(self, actor: Actor, agent_id: int) -> int | None:
        """The call a lost seat left in wrap-up, for the team lead's floor (None if none)."""
        require(actor, Permission.VIEW_FLOOR)
        with self.db.read() as s:
            return s.scalar(
                select(Call.id)
                .join(AgentStatus, AgentStatus.user_id == Call.agent_id)
                .where(Call.agent_id == agent_id, Call.state == CallState.WRAP_UP,
                       AgentStatus.state == AgentState.LOGGED_OUT)
                .order_by(Call.id)
                .limit(1)
            )

    def close_lost_call(self, actor: Actor, call_id: int) -> CallView:
        """A team lead closes, from the floor, the call a lost seat left in wrap-up (audited).

        Only while its seat is logged out: a live seat's agent writes their own record.
        """
        require(actor, Permission.VIEW_FLOOR)
        now = self.clock()
        with self.db.write() as s:
            call = self._locked_call_and_seat(s, call_id)
            seat = s.get(AgentStatus, call.agent_id) if call.agent_id else None
            if call.state != CallState.WRAP_UP or (
                    seat is not None and seat.state != AgentState.LOGGED_OUT):
                raise InvalidTransition(
                    _("call #{call_id} is not a lost seat's call").format(call_id=call_id))
            call.disposition = call.disposition or "other"
            call.closed_at = now
            call.wrap_seconds = _seconds(call.ended_at, now)
            call.draft = None
            self._event(s, call, "closed", CallState.CLOSED, actor, now, detail=SEAT_LOST)
            audit.record(s, actor, "close_lost_call", at=now, entity="call", entity_id=call.id,
                         detail={"agent_id": call.agent_id})
            self.signal(s, Topic.FLOOR)
            return _seen_by(call, actor)

    # ---- the offline journal's quarantine --------------------------------------------------

    def quarantine(self, entry: dict[str, Any], reason: str) -> None:
        """Keep a journal entry the database refused (once per entry, whoever reports it)."""
        payload = json.dumps(entry, ensure_ascii=True, default=str)
        entry_id = str(entry.get("id", ""))[:32]
        with self.db.write() as s:
            if s.scalar(select(QuarantinedRecord.id)
                        .where(QuarantinedRecord.entry_id == entry_id)) is not None:
                return
            call_id = entry.get("call_id")
            s.add(QuarantinedRecord(
                entry_id=entry_id, at=self.clock(), typed_at=str(entry.get("at", ""))[:40],
                login=str(entry.get("login", ""))[:64],
                call_id=call_id if isinstance(call_id, int) else None,
                kind=str(entry.get("kind", ""))[:16], payload=payload,
                reason=reason.encode("ascii", "backslashreplace").decode()))

    def quarantined(self, actor: Actor) -> list[QuarantinedView]:
        """Refused journal records: all of them for a team lead, an agent's own otherwise."""
        stmt = select(QuarantinedRecord).order_by(QuarantinedRecord.id)
        if not allowed(actor, Permission.VIEW_FLOOR):
            stmt = stmt.where(QuarantinedRecord.login == actor.login)
        with self.db.read() as s:
            return [QuarantinedView(id=q.id, at=q.at, typed_at=q.typed_at, login=q.login,
                                    call_id=q.call_id, kind=q.kind, reason=q.reason,
                                    payload=q.payload)
                    for q in s.scalars(stmt)]

    def release_stale_offers(self, actor: Actor, older_than: datetime) -> int:
        """Put calls that rang at a seat but were never answered back in the queue.

        The seat that let it ring out is set to paused ("missed call"), as switches do
        after a ring-no-answer: the caller should not ring at an empty chair again.
        """
        require(actor, Permission.OFFER_CALLS)
        now = self.clock()
        with self.db.write() as s:
            seats = sorted({seat for seat in s.scalars(
                select(Call.agent_id)
                .where(Call.state == CallState.OFFERED, Call.offered_at < older_than)
            ) if seat is not None})
            for seat_id in seats:  # seats first, in one order (see _lock_seat)
                self._lock_seat(s, seat_id)
            stale = list(s.scalars(
                select(Call)
                .where(Call.state == CallState.OFFERED, Call.offered_at < older_than,
                       Call.agent_id.in_(seats))
                .order_by(Call.id)
                .with_for_update()
            ))
            for call in stale:
                seat = call.agent_id
                self._event(s, call, "ring_no_answer", CallState.QUEUED, actor, now)
                call.agent_id, call.offered_at = None, None
                self._set_agent(s, seat, AgentState.PAUSED, now, reason=MISSED_CALL)
            if stale:
                self.signal(s, Topic.QUEUE)
                self.signal(s, Topic.FLOOR)
            return len(stale)


def _storable(record: WrapUp) -> WrapUp:
    """The record with NULs made visible: PostgreSQL cannot store U+0000 in text."""
    notes, question = text.storable(record.notes), text.storable(record.question)
    handed_to = text.storable(record.handed_to)
    if (notes, question, handed_to) == (record.notes, record.question, record.handed_to):
        return record
    return replace(record, notes=notes, question=question, handed_to=handed_to)


def _closed_incomplete(call_id: Any) -> Any:
    """SQL: the call was closed at the wrap-up limit with an incomplete record."""
    return select(CallEvent.id).where(CallEvent.call_id == call_id, CallEvent.kind == "closed",
                                      CallEvent.detail == ACW_INCOMPLETE).exists()


def _incomplete(s: Session, call: Call) -> bool:
    return call.draft is not None and bool(s.scalar(select(_closed_incomplete(call.id))))


def _same_record(call: Call, record: WrapUp) -> bool:
    """Whether a closed call already holds exactly this record (journal replay)."""
    return (
        call.category == (record.category or call.category)
        and call.disposition == record.disposition
        and call.question == record.question
        and call.notes == record.notes
        and call.resolved == record.resolved
        and call.handed_to == record.handed_to.strip()
        and call.satisfaction == record.satisfaction
        and call.follow_up_at == record.follow_up_at
        and (
            call.direction != Direction.OUTBOUND or call.outbound_outcome == record.outbound_outcome
        )
    )


def _with_candidates(view: CallView, matches: list[Any]) -> CallView:
    from dataclasses import replace

    return replace(view, candidates=tuple(matches))


__all__ = ["ACW_INCOMPLETE", "ACW_LIMIT", "CallService", "call_view"]
