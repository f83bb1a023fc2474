"""Telephony's side of the call record: what the phone (or the PBX) did becomes the call.

The seat's phone reports events (a call rings, the caller hung up, a dialled number was
busy); these methods write them into the same call record the desk's keys move, with the
same state machine (:mod:`seatdesk.services.calls`), so talk and hold times are measured
from what really happened on the line.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from seatdesk.data.models import (
    AgentState,
    Call,
    CallState,
    Direction,
    OutboundOutcome,
    SeatPhone,
    User,
)
from seatdesk.data.topics import Topic
from seatdesk.domain import phone
from seatdesk.domain.errors import Conflict, InvalidInput, InvalidTransition, NotFound
from seatdesk.domain.i18n import _
from seatdesk.services import audit
from seatdesk.services.calls import CallService, _seen_by
from seatdesk.services.dto import SYSTEM, Actor, CallView, PoppedCall
from seatdesk.services.permissions import Permission, allowed, require

_SIP_URI = re.compile(r"sips?:[^\s<>\"\x00-\x1f\x7f]{3,196}", re.IGNORECASE)
PBX_EVENTS = ("answered", "hung_up", "transferred")
_OUTCOMES = {o.value for o in OutboundOutcome}


def check_sip_uri(uri: str) -> str:
    """A SIP address as a dial plan can use it; InvalidInput otherwise."""
    uri = uri.strip()
    if not _SIP_URI.fullmatch(uri):
        raise InvalidInput(_("not a SIP address: {uri}").format(uri=repr(uri[:60])), "sip_uri")
    return uri


class TelephonyService(CallService):
    # ---- where each seat's phone is ---------------------------------------------------

    def register_phone(self, actor: Actor, sip_uri: str) -> None:
        """The seat's phone says where it is (the desk does this when it connects)."""
        require(actor, Permission.TAKE_CALLS)
        uri = check_sip_uri(sip_uri)
        now = self.clock()
        with self.db.write() as s:
            row = s.get(SeatPhone, actor.user_id)
            if row is None:
                s.add(SeatPhone(user_id=actor.user_id, sip_uri=uri, updated_at=now))
            else:
                row.sip_uri, row.updated_at = uri, now

    def phone_of(self, login_or_id: str | int) -> str | None:
        """The SIP address of a seat's phone, by login or user id."""
        with self.db.read() as s:
            return _phone_in(s, login_or_id)

    def ring_address(self, call_id: int) -> str | None:
        """Where the PBX should send this call: the phone of the seat it rings at."""
        with self.db.read() as s:
            call = s.get(Call, call_id)
            if call is None:
                raise NotFound(_("no call #{call_id}").format(call_id=call_id))
            if call.state != CallState.OFFERED or call.agent_id is None:
                return None
            return _phone_in(s, call.agent_id)

    def number_to_dial(self, actor: Actor, call_id: int) -> str:
        """The number of the seat's own outbound call, for its phone to dial.

        The seat may see it masked; the phone needs the digits (they are not shown).
        """
        with self.db.read() as s:
            call = s.get(Call, call_id)
            if call is None or call.agent_id != actor.user_id \
                    or call.direction != Direction.OUTBOUND:
                raise NotFound(_("no call #{call_id}").format(call_id=call_id))
            return call.dialled_number

    def transfer_address(self, leg_id: int) -> str | None:
        """Where a transferred caller goes: the phone of the agent the new leg is for."""
        with self.db.read() as s:
            leg = s.get(Call, leg_id)
            if leg is None or leg.target_agent_id is None:
                return None
            return _phone_in(s, leg.target_agent_id)

    # ---- events from the seat's own phone ---------------------------------------------

    def phone_incoming(self, actor: Actor, number: str, *, queue_code: str = "general",
                       call_id: int | None = None) -> int:
        """A SIP call rings at this seat's phone: the call it is, ringing here."""
        return self.ring_at_phone(actor, number, queue_code=queue_code, call_id=call_id,
                                  lang=None)[0]

    def ring_at_phone(self, actor: Actor, number: str, *, lang: str | None,
                      queue_code: str = "general", call_id: int | None = None
                      ) -> tuple[int, PoppedCall | None, bool]:
        """A SIP call rings at this seat's phone: the call it is, (with ``lang``) the call
        with its card and script for the screen pop, and whether the seat has already
        answered it (F2 before the INVITE: the phone should pick up at once).

        The ACD may already have offered it here (``call offer --ring``; its id may come in
        the SIP identity), or a transferred caller's leg waits for this seat; otherwise the
        call is created, routed to this seat. The pop is None when the call could not ring
        here (the seat is on another call): it waits, routed to this seat.
        """
        require(actor, Permission.TAKE_CALLS)
        with self.db.read() as s:
            known = _offered_here(s, actor, call_id, number)
            waiting = None if known is not None else _routed_here(s, actor, number)
        if known is None and waiting is None:
            known = self.offer_inbound(SYSTEM, number, queue_code,
                                       target_agent_id=actor.user_id, ring=True)
        found = known if known is not None else waiting
        assert found is not None
        now = self.clock()
        with self.db.write() as s:
            call = self._locked_call(s, found)
            if call.state == CallState.QUEUED and call.target_agent_id == actor.user_id \
                    and self._live_call(s, actor) is None:
                # Not rung by the ACD (the seat was not "available": wrap-up, paused, or a
                # transferred caller's leg), but its phone rings: it may answer.
                self._offer_to(s, call, actor, now, answer=False)
            answered = call.state == CallState.ACTIVE and call.agent_id == actor.user_id
            if call.state != CallState.OFFERED or call.agent_id != actor.user_id \
                    or lang is None:
                return found, None, answered
            return found, self._popped(s, actor, call, lang), False

    def phone_answered(self, actor: Actor, call_id: int) -> CallView:
        """The phone connected the call (answered on the handset, or auto-answer)."""
        now = self.clock()
        with self.db.write() as s:
            call = self._own_call(s, actor, call_id)
            if call.state == CallState.OFFERED:
                self._answer_in(s, call, actor, now)
            return _seen_by(call, actor)

    def phone_hung_up(self, actor: Actor, call_id: int) -> CallView | None:
        """The far end hung up: a live call goes to wrap-up, a ringing one is abandoned."""
        now = self.clock()
        with self.db.write() as s:
            call = self._locked_call(s, call_id)
            if call.agent_id not in (None, actor.user_id) and not actor.is_system:
                raise InvalidTransition(_("call #{call_id} is not yours").format(call_id=call_id))
            if not self._hang_up_in(s, call, actor, now, "remote hang-up"):
                return None
            self.signal(s, Topic.FLOOR)
            return _seen_by(call, actor)

    def dial_result(self, actor: Actor, call_id: int, outcome: str) -> CallView:
        """What became of a dialled call: reached starts the talk time; anything else ends
        the call (to wrap-up) with that outcome in the record."""
        if outcome not in _OUTCOMES:
            raise InvalidInput(_("unknown outcome {o}").format(o=repr(outcome)), "outcome")
        now = self.clock()
        with self.db.write() as s:
            call = self._own_call(s, actor, call_id)
            if call.direction != Direction.OUTBOUND:
                raise InvalidTransition(
                    _("call #{call_id} was not dialled").format(call_id=call_id))
            call.outbound_outcome = outcome
            if call.state not in (CallState.ACTIVE, CallState.HELD):
                return _seen_by(call, actor)
            if outcome == OutboundOutcome.REACHED:
                call.answered_at = now  # talk time from the far end's answer, not the dial
                self._event(s, call, "answered", None, actor, now, "far end answered")
            else:
                call.answered_at = None  # nobody spoke
                self._stop_talking(call, now)
                self._event(s, call, "ended", CallState.WRAP_UP, actor, now, outcome)
                self._set_agent(s, call.agent_id, AgentState.WRAP_UP, now, call.id)
            self.signal(s, Topic.FLOOR)
            return _seen_by(call, actor)

    def link_recording(self, actor: Actor, call_id: int, ref: str) -> None:
        """The recording of the call (a file the QA screen plays) belongs to its record."""
        if not ref or len(ref) > 300 or any(ord(ch) < 32 for ch in ref):
            raise InvalidInput(_("a recording reference is 1 to 300 printable characters"),
                               "recording_ref")
        now = self.clock()
        with self.db.write() as s:
            call = self._locked_call(s, call_id)
            if call.agent_id != actor.user_id and not actor.is_system:
                raise InvalidTransition(_("call #{call_id} is not yours").format(call_id=call_id))
            call.recording_ref = ref
            self._event(s, call, "recorded", None, actor, now, ref)

    # ---- a neighbour's call -------------------------------------------------------------

    def ringing_in_team(self, actor: Actor) -> list[tuple[int, str, str]]:
        """Calls ringing now at other seats of the actor's team: (call id, seat login, number)."""
        require(actor, Permission.TAKE_CALLS)
        if actor.team_id is None:
            return []
        with self.db.read() as s:
            rows = s.execute(
                select(Call.id, User.login, Call.caller_number)
                .join(User, User.id == Call.agent_id)
                .where(Call.state == CallState.OFFERED, User.team_id == actor.team_id,
                       User.id != actor.user_id)
                .order_by(Call.offered_at, Call.id)
            ).all()
        masked = not allowed(actor, Permission.SEE_UNMASKED)
        return [(int(r[0]), str(r[1]),
                 phone.mask(r[2]) if masked and str(r[2]).startswith("+") else str(r[2]))
                for r in rows]

    def pick_up(self, actor: Actor, call_id: int, *, lang: str) -> PoppedCall:
        """Answer a call ringing at a neighbour's seat of the same team (audited)."""
        require(actor, Permission.TAKE_CALLS)
        now = self.clock()
        with self.db.write() as s:
            if self._live_call(s, actor) is not None:
                raise InvalidTransition(_("finish your current call before taking another"))
            call = self._locked_call(s, call_id)
            owner = s.get(User, call.agent_id) if call.agent_id is not None else None
            if call.state != CallState.OFFERED or owner is None:
                raise Conflict(_("call #{call_id} is no longer ringing").format(call_id=call_id))
            if owner.id == actor.user_id:
                raise InvalidInput(_("that call rings at your own seat: F2 answers it"), "call")
            if actor.team_id is None or owner.team_id != actor.team_id:
                raise InvalidTransition(
                    _("you may pick up only calls ringing in your own team"))
            self._event(s, call, "picked_up", None, actor, now, f"from {owner.login}")
            audit.record(s, actor, "call.pick_up", at=now, entity="call", entity_id=call.id,
                         detail={"from": owner.login})
            self._set_agent(s, owner.id, AgentState.AVAILABLE, now)
            call.agent_id = actor.user_id
            self._answer_in(s, call, actor, now)
            self.signal(s, Topic.QUEUE)
            return self._popped(s, actor, call, lang)

    # ---- events reported by the PBX (desk phones without a softphone) ------------------

    def pbx_event(self, actor: Actor, call_id: int, kind: str, detail: str = "") -> CallView:
        """The PBX says the call was answered, hung up, or transferred (to ``detail``)."""
        require(actor, Permission.OFFER_CALLS)
        if kind not in PBX_EVENTS:
            raise InvalidInput(_("unknown call event {kind}; one of: {kinds}").format(
                kind=repr(kind), kinds=", ".join(PBX_EVENTS)), "event")
        now = self.clock()
        with self.db.write() as s:
            call = self._locked_call(s, call_id)
            if kind == "answered":
                if call.state != CallState.OFFERED:
                    raise InvalidTransition(_("call #{call_id} is not ringing at a seat").format(
                        call_id=call_id))
                call.answered_at = now
                self._event(s, call, "answered", CallState.ACTIVE, actor, now, "pbx")
                self._set_agent(s, call.agent_id, AgentState.ON_CALL, now, call.id)
            elif kind == "transferred":
                if call.state not in (CallState.ACTIVE, CallState.HELD):
                    raise InvalidTransition(_("call #{call_id} is not in progress").format(
                        call_id=call_id))
                self._stop_talking(call, now)
                call.transferred = True
                call.transfer_target = detail.strip()[:100]
                self._event(s, call, "transferred", CallState.WRAP_UP, actor, now,
                            call.transfer_target)
                self._set_agent(s, call.agent_id, AgentState.WRAP_UP, now, call.id)
            else:
                if not self._hang_up_in(s, call, actor, now, "pbx"):
                    raise InvalidTransition(_("call #{call_id} has already ended").format(
                        call_id=call_id))
            self.signal(s, Topic.FLOOR)
            return _seen_by(call, actor)

    def _hang_up_in(self, s: Session, call: Call, actor: Actor, now: datetime,
                    detail: str) -> bool:
        """The line dropped: a live call goes to wrap-up, a waiting or ringing one is
        abandoned. False when the call had already ended."""
        if call.state in (CallState.ACTIVE, CallState.HELD):
            self._stop_talking(call, now)
            self._event(s, call, "ended", CallState.WRAP_UP, actor, now, detail)
            self._set_agent(s, call.agent_id, AgentState.WRAP_UP, now, call.id)
            return True
        if call.state in (CallState.QUEUED, CallState.OFFERED):
            agent = call.agent_id
            call.abandoned_at = now
            if call.queued_at is not None:
                call.wait_seconds = max(0, int(round((now - call.queued_at).total_seconds())))
            self._event(s, call, "abandoned", CallState.ABANDONED, actor, now, detail)
            if agent is not None:
                self._set_agent(s, agent, AgentState.AVAILABLE, now)
            self.signal(s, Topic.QUEUE)
            return True
        return False


def _phone_in(s: Session, login_or_id: str | int) -> str | None:
    if isinstance(login_or_id, int):
        user_id: int | None = login_or_id
    else:
        user_id = s.scalar(select(User.id).where(User.login == login_or_id))
    if user_id is None:
        return None
    row = s.get(SeatPhone, user_id)
    return row.sip_uri if row else None


def _routed_here(s: Session, actor: Actor, number: str) -> int | None:
    """A waiting call routed to this seat alone (a transfer's leg) from this number."""
    found = s.scalar(
        select(Call.id)
        .where(Call.state == CallState.QUEUED, Call.target_agent_id == actor.user_id,
               Call.caller_number == _e164(number))
        .order_by(Call.id.desc())
        .limit(1)
    )
    return int(found) if found is not None else None


def _offered_here(s: Session, actor: Actor, call_id: int | None, number: str) -> int | None:
    """The call already ringing at this seat (the one named, or the only one), or already
    answered there from this number: the ACD rang the desk and F2 beat the INVITE."""
    stmt = select(Call.id).where(Call.agent_id == actor.user_id,
                                 Call.state == CallState.OFFERED)
    if call_id is not None:
        stmt = stmt.where(Call.id == call_id)
    found = s.scalar(stmt.limit(1))
    if found is None:
        answered = select(Call.id).where(Call.agent_id == actor.user_id,
                                         Call.state == CallState.ACTIVE,
                                         Call.direction == Direction.INBOUND)
        answered = answered.where(Call.id == call_id) if call_id is not None \
            else answered.where(Call.caller_number == _e164(number))
        found = s.scalar(answered.limit(1))
    return int(found) if found is not None else None


def _e164(number: str) -> str:
    """The number as calls store it (E.164, or the raw digits when it is not valid)."""
    try:
        return phone.normalise(number, strict=False) or number.strip()[:20]
    except phone.PhoneNumberError:
        return number.strip()[:20]


__all__ = ["PBX_EVENTS", "TelephonyService", "check_sip_uri"]
