"""The seat's line: what the phone reports becomes the call in the record.

The split of work: a key the agent presses (F2, F3, F5...) drives the phone *and* the
record (the desk does both); what the phone originates (a call rings, the far end hangs
up or answers, a dialled number is busy, the phone dies) is written here.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from seatdesk.domain.enums import OutboundOutcome
from seatdesk.domain.errors import SeatdeskError
from seatdesk.services.dto import Actor, CallView, PoppedCall
from seatdesk.services.telephony import TelephonyService
from seatdesk.telephony.adapter import (
    DialOutcome,
    Phone,
    PhoneError,
    PhoneEvent,
    PhoneEventKind,
)
from seatdesk.telephony.recordings import RecordingStore

log = logging.getLogger(__name__)

# A SIP result in the outbound record's words (the record has no "failed": a number that
# does not exist is a wrong number, anything else did not get through).
_RECORD_OUTCOME = {
    DialOutcome.REACHED: OutboundOutcome.REACHED,
    DialOutcome.BUSY: OutboundOutcome.BUSY,
    DialOutcome.NO_ANSWER: OutboundOutcome.NO_ANSWER,
}
_WRONG_NUMBER = {404, 410, 484, 604}


def record_outcome(outcome: DialOutcome, sip_status: int | None) -> str:
    if outcome in _RECORD_OUTCOME:
        return _RECORD_OUTCOME[outcome].value
    if sip_status in _WRONG_NUMBER:
        return OutboundOutcome.WRONG_NUMBER.value
    if sip_status == 603:
        return OutboundOutcome.REFUSED.value
    return OutboundOutcome.NO_ANSWER.value


@dataclass(frozen=True)
class LineChange:
    """What the line did to the seat's call, for the desk to show."""

    kind: PhoneEventKind
    call_id: int | None = None
    call: CallView | None = None
    error: str = ""
    # INCOMING: the call with its card and script, for the screen pop.
    popped: PoppedCall | None = None
    event_at: float = 0.0  # when the phone reported the event (time.perf_counter())


LineListener = Callable[[LineChange], None]


class SeatLine:
    def __init__(self, service: TelephonyService, actor: Actor, phone: Phone, *,
                 recordings: RecordingStore | None = None, queue_code: str = "general") -> None:
        self.service, self.actor, self.phone = service, actor, phone
        self.recordings = recordings
        self.queue_code = queue_code
        self._lock = threading.Lock()
        self._calls: dict[str, int] = {}       # the phone's call id -> the record's call id
        self._desk_answers: set[int] = set()   # calls whose F2 answers the record itself
        self._dialling: int | None = None      # the record of the call being dialled
        self._listeners: list[LineListener] = []
        self.down = False
        phone.subscribe(self._on_event)

    def subscribe(self, listener: LineListener) -> None:
        self._listeners.append(listener)

    # ---- what the desk tells the line -------------------------------------------------

    def desk_answers(self, call_id: int) -> None:
        """F2 answers ``call_id`` in the record; the phone's "answered" must not again."""
        with self._lock:
            self._desk_answers.add(call_id)

    def dialling(self, call_id: int) -> None:
        """The desk's outbound call ``call_id`` is the one the phone is about to dial."""
        with self._lock:
            self._dialling = call_id

    def has_call(self, call_id: int) -> bool:
        """Whether the record's call ``call_id`` is on this phone now."""
        with self._lock:
            return call_id in self._calls.values() or call_id == self._dialling

    def call_of(self, phone_call_id: str) -> int | None:
        with self._lock:
            return self._calls.get(phone_call_id)

    # ---- what the phone tells the line ------------------------------------------------

    def _on_event(self, event: PhoneEvent) -> None:
        try:
            change = self._apply(event)
        except SeatdeskError as exc:
            change = LineChange(event.kind, self.call_of(event.phone_call_id), error=str(exc))
        except Exception as exc:  # noqa: BLE001 - boundary (phone reader thread): the phone's reader thread must live on
            log.exception("phone event %s", event.kind)
            change = LineChange(event.kind, self.call_of(event.phone_call_id), error=str(exc))
        if change is None:
            return
        for listener in list(self._listeners):
            listener(change)

    def _apply(self, event: PhoneEvent) -> LineChange | None:
        k = event.kind
        if k == PhoneEventKind.PHONE_DOWN:
            self.down = True
            return LineChange(k, error=event.reason)
        if k == PhoneEventKind.INCOMING:
            # No card here (lang None): the desk's ring check reads it for the pop.
            call_id, popped, answered = self.service.ring_at_phone(
                self.actor, event.number or "", lang=None,
                queue_code=self.queue_code, call_id=event.seatdesk_call_id)
            with self._lock:
                self._calls[event.phone_call_id] = call_id
                if answered:
                    self._desk_answers.add(call_id)
            if answered:
                # F2 came before the INVITE: the phone picks up now. Not on this thread: it
                # reads the phone's answers, and would wait for itself.
                threading.Thread(target=self._answer_late, name="phone-answer",
                                 daemon=True).start()
            return LineChange(k, call_id, popped.call if popped else None, popped=popped,
                              event_at=event.at)
        if k == PhoneEventKind.RINGING and event.direction == "outgoing":
            with self._lock:
                if self._dialling is not None:
                    self._calls[event.phone_call_id] = self._dialling
                    self._dialling = None
            return LineChange(k, self.call_of(event.phone_call_id))
        known = self._outgoing_or_known(event)
        if known is None:
            return None
        call_id = known
        if k == PhoneEventKind.ANSWERED:
            if event.direction == "outgoing":
                view = self.service.dial_result(self.actor, call_id,
                                                OutboundOutcome.REACHED.value)
                return LineChange(k, call_id, view)
            with self._lock:
                by_desk = call_id in self._desk_answers
                self._desk_answers.discard(call_id)
            if by_desk:
                return LineChange(k, call_id)
            return LineChange(k, call_id, self.service.phone_answered(self.actor, call_id))
        if k == PhoneEventKind.FAILED and event.outcome is not None:
            self._forget(event.phone_call_id)
            view = self.service.dial_result(self.actor, call_id,
                                            record_outcome(event.outcome, event.sip_status))
            return LineChange(k, call_id, view)
        if k == PhoneEventKind.HUNG_UP:
            self._forget(event.phone_call_id)
            ended = self.service.phone_hung_up(self.actor, call_id) if event.by_remote \
                else None
            self._keep_recording(call_id, event)
            return LineChange(k, call_id, ended)
        return LineChange(k, call_id)

    def _answer_late(self) -> None:
        try:
            self.phone.answer()
        except PhoneError as exc:
            for listener in list(self._listeners):
                listener(LineChange(PhoneEventKind.FAILED, error=str(exc)))

    def _outgoing_or_known(self, event: PhoneEvent) -> int | None:
        known = self.call_of(event.phone_call_id)
        if known is not None or event.direction != "outgoing":
            return known
        with self._lock:  # answered or refused before it rang
            if self._dialling is None:
                return None
            self._calls[event.phone_call_id] = self._dialling
            self._dialling = None
            return self._calls[event.phone_call_id]

    def _forget(self, phone_call_id: str) -> None:
        with self._lock:
            self._calls.pop(phone_call_id, None)

    def _keep_recording(self, call_id: int, event: PhoneEvent) -> None:
        if self.recordings is None or not event.recording:
            return
        path = self.recordings.store(call_id, event.recording)
        if path is not None:
            self.service.link_recording(self.actor, call_id, str(path))


__all__ = ["LineChange", "SeatLine", "record_outcome"]
