"""The desk's phone: the F-keys drive the seat's SIP phone, and what the phone reports
reaches the desk. Manual mode (no phone) unless SEATDESK_PHONE names a baresip config.

The desk calls in at a few marked places (``# phone (issue 20)`` in the package
screens/desk/): its action workers call :meth:`PhoneBridge.answer`, :meth:`call_action`,
:meth:`dial` and :meth:`transfer` before or after the record's own service call, and it
hands the phone's messages to :meth:`PhoneBridge.show`. The bridge uses only the desk's
public methods (``ring_now``, ``reload_call``, ``render_status``, ``gather_popped``,
``show_call``); its service calls run through ``ui.errors.call_service`` like the desk's.
Everything else about the phone lives here.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.command import Hit, Hits, Provider
from textual.message import Message

from seatdesk.domain.errors import SeatdeskError
from seatdesk.domain.i18n import _, current_language
from seatdesk.telephony.adapter import ManualPhone, Phone, PhoneError, PhoneEventKind
from seatdesk.ui.context import signed_in
from seatdesk.ui.errors import call_service

if TYPE_CHECKING:
    # The desk imports this module before its first paint: the telephony services and
    # the phone's client load only once a phone is configured (see _connect).
    from seatdesk.services.dto import CallView
    from seatdesk.services.telephony import TelephonyService
    from seatdesk.telephony.line import LineChange, SeatLine
    from seatdesk.ui.screens.desk.pop import CallLoaded
    from seatdesk.ui.screens.desk.screen import DeskScreen

PHONE_ENV = "SEATDESK_PHONE"            # the seat's baresip config directory
DIAL_DOMAIN_ENV = "SEATDESK_DIAL_DOMAIN"  # where numbers are dialled: sip:NUMBER@DOMAIN

_OUTCOME_SAID = {
    "busy": "the number is busy",
    "no_answer": "nobody answered",
    "wrong_number": "the number does not exist",
    "refused": "the call was refused",
}


@dataclass
class PhoneCallChanged(Message):
    """(from the phone's thread) The phone did something to the seat's call."""

    change: LineChange


class PhoneBridge:
    # A lost or unreachable phone is tried again this often (the desk is manual meanwhile).
    RECONNECT_SECONDS = 5.0

    def __init__(self, desk: DeskScreen) -> None:
        self.desk = desk
        self.phone: Phone = ManualPhone()
        self.line: SeatLine | None = None
        self.service: TelephonyService | None = None

    # ---- connecting --------------------------------------------------------------------

    def start(self) -> None:
        """Connect to the seat's phone behind the desk, once signed in (if one is set)."""
        config = os.environ.get(PHONE_ENV, "").strip()
        if config:
            self.desk.run_worker(lambda: self._connect(Path(config)), thread=True,
                                 group="phone", exit_on_error=False)

    def _connect(self, directory: Path) -> None:
        from seatdesk.services.telephony import TelephonyService
        from seatdesk.telephony.baresip import BaresipPhone
        from seatdesk.telephony.line import SeatLine
        from seatdesk.telephony.recordings import RecordingStore

        app = self.desk.seat_app
        try:
            actor = app.session_actor()
            phone = BaresipPhone.from_config_dir(directory)
            phone.dial_domain = os.environ.get(DIAL_DOMAIN_ENV, "").strip() or None
            phone.connect()
        except PhoneError as exc:
            self._note(_("phone unreachable, manual mode: {reason}").format(reason=exc), True)
            self.desk.app.call_from_thread(self._retry_later)
            return
        except SeatdeskError:
            return  # not signed in (or the database is down): the app says so itself
        service = TelephonyService(app.backend.db, app.backend.clock)
        line = SeatLine(service, actor, phone, recordings=RecordingStore())
        line.subscribe(self._from_line)
        try:
            if phone.sip_uri:
                service.register_phone(actor, phone.sip_uri)
        except SeatdeskError as exc:  # the phone works; the PBX may not find it
            self._note(_("phone connected, not registered: {reason}").format(reason=exc), True)
        self.phone, self.line, self.service = phone, line, service
        self._note(_("phone {uri}").format(uri=phone.sip_uri or phone.name), False)

    def close(self) -> None:
        self.phone.close()

    def _retry_later(self) -> None:
        """(UI thread) Try the phone again in a while: baresip may be restarted."""
        self.desk.set_timer(self.RECONNECT_SECONDS, self.start)

    def telephony(self) -> TelephonyService:
        """(worker thread) The record's telephony service (also without a phone)."""
        if self.service is None:
            from seatdesk.services.telephony import TelephonyService

            backend = self.desk.seat_app.backend
            self.service = TelephonyService(backend.db, backend.clock)
        return self.service

    # ---- a neighbour's call -------------------------------------------------------------

    def pick_up(self, call_id: int) -> None:
        """Answer a call ringing at another seat of the team (Ctrl+P, "pick up")."""
        if self.desk.call is not None:
            self.desk.notify(_("finish the current call first"), severity="warning")
            return
        desk, lang = self.desk, current_language()
        actor = signed_in(desk)

        def pick_up() -> CallLoaded:
            return desk.gather_popped(self.telephony().pick_up(actor, call_id, lang=lang))

        # Refused (someone else answered first): said on the desk like any refused action.
        call_service(desk, pick_up, desk.show_call, group="call")

    def _from_line(self, change: LineChange) -> None:
        """(the phone's thread) Pass the line's news to the desk.

        A ringing call pops through the desk's own ring check (nudged by :meth:`show`),
        not from here: posting the line's pop as well was measured slower (two pops of one
        call competing for the database and the GIL; bench/bench_phone.py).
        """
        self.desk.post_message(PhoneCallChanged(change))

    @property
    def live(self) -> bool:
        return self.line is not None and not self.line.down

    def _note(self, text: str, alert: bool) -> None:
        """(worker thread) The phone's state on the desk's status line."""
        self.desk.app.call_from_thread(self._show_note, text, alert)

    def _command(self, command: Callable[[], None]) -> None:
        """Drive the phone; when it refuses, the record's action goes on (manual)."""
        if not self.live:
            return
        try:
            command()
        except PhoneError as exc:
            self._note(_("phone: {reason}").format(reason=exc), True)

    # ---- the desk's keys (called from the desk's worker threads) ----------------------

    def answer(self, call: CallView | None) -> None:
        """F2: the SIP call ringing here is answered on the phone (200 OK) first."""
        line = self.line
        if call is None or call.state != "offered" or line is None or not self.live:
            return
        if not line.has_call(call.id):
            return  # rung by the queue, not on this phone: manual for this call
        line.desk_answers(call.id)
        self._command(self.phone.answer)

    def call_action(self, name: str, call: CallView | None) -> None:
        """F3 (hold / resume) and F5 (end: hang up) on the phone, then in the record."""
        line = self.line
        if call is None or line is None or not line.has_call(call.id):
            return
        command = {"hold": self.phone.hold, "resume": self.phone.resume,
                   "end": self.phone.hang_up}.get(name)
        if command is not None:
            self._command(command)

    def dial(self, view: CallView) -> None:
        """F6: the outbound call just recorded is dialled; its outcome comes from SIP."""
        line, service = self.line, self.service
        if line is None or service is None or not self.live:
            return
        number = service.number_to_dial(self.desk.seat_app.session_actor(), view.id)
        line.dialling(view.id)
        self._command(lambda: self.phone.dial(number))

    def transfer(self, call: CallView | None, leg_id: int) -> None:
        """F4: the caller is handed to the target agent's phone (blind transfer)."""
        line, service = self.line, self.service
        if call is None or line is None or service is None or not line.has_call(call.id):
            return
        target = service.transfer_address(leg_id)
        if target is None:
            self._note(_("the target has no phone known: transfer it on the phone"), True)
            return
        self._command(lambda: self.phone.transfer_blind(target))

    # ---- what the phone reported (on the UI thread) -------------------------------------

    def show(self, message: PhoneCallChanged) -> None:
        change, desk = message.change, self.desk
        if change.kind == PhoneEventKind.PHONE_DOWN:
            self._show_note(_("phone lost, manual mode (the call record is kept): F5 ends "
                              "the call"), True)
            self.phone.close()
            self._retry_later()
            return
        if change.error:
            desk.notify(change.error, severity="warning")
            return
        if change.kind == PhoneEventKind.INCOMING:
            desk.ring_now()  # pop at once, not on the next hint
            return
        shown = desk.call
        if change.call_id is None or shown is None or shown.id != change.call_id:
            return
        if change.kind == PhoneEventKind.FAILED and change.call is not None:
            outcome = change.call.outbound_outcome or ""
            values = dict(desk.form.values())
            values["outbound_outcome"] = outcome
            desk.form.load(values)
            desk.notify(_(_OUTCOME_SAID.get(outcome, "the call did not get through")))
        elif change.kind == PhoneEventKind.HUNG_UP and change.call is not None:
            desk.notify(_("the caller hung up"))
        if change.call is not None:
            desk.reload_call(change.call_id)

    def _show_note(self, text: str, alert: bool) -> None:
        from seatdesk.ui.widgets.status_bar import StatusBar

        bar = self.desk.query_one("#status", StatusBar)
        bar.phone_note, bar.phone_alert = text, alert
        self.desk.render_status()


class NeighbourPickup(Provider):
    """Ctrl+P: calls ringing at other seats of the team, to answer for an absent neighbour."""

    async def search(self, query: str) -> Hits:
        bridge = getattr(self.screen, "phone", None)
        if not isinstance(bridge, PhoneBridge):
            return
        app = self.screen.app
        worker = app.run_worker(
            lambda: bridge.telephony().ringing_in_team(bridge.desk.seat_app.session_actor()),
            thread=True,
            exit_on_error=False, group="pickup")
        await worker.wait()
        matcher = self.matcher(query)
        for call_id, login, number in worker.result or []:
            label = _("Pick up call #{id} ringing at {login} ({number})").format(
                id=call_id, login=login, number=number)
            score = matcher.match(label)
            if score > 0 or not query.strip():
                yield Hit(max(score, 0.5), label, lambda cid=call_id: bridge.pick_up(cid))


__all__ = ["DIAL_DOMAIN_ENV", "PHONE_ENV", "NeighbourPickup", "PhoneBridge",
           "PhoneCallChanged"]
