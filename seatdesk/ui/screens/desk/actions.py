"""What the agent does with the call: hold and resume (F3), end (F5), transfer (F4),
identify the caller, dial out (F6 and the search), schedule a callback (F7), register a
complaint (F8). Each key is its own method; each service call runs through call_service."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from seatdesk.domain.enums import PAUSE_REASONS
from seatdesk.domain.i18n import _
from seatdesk.ui.dialogs.desk import NewCustomerDialog, PickCustomerDialog, TransferDialog
from seatdesk.ui.errors import Show, call_service, call_service_steps
from seatdesk.ui.screens.desk.pop import CallLoaded, deliver
from seatdesk.ui.screens.desk.seat import Part

if TYPE_CHECKING:
    from textual.screen import ModalScreen

    from seatdesk.services.calls import CallService
    from seatdesk.services.dto import Actor, CallView

# One call-state step: the service's method (hold, resume, end) and its word for the phone.
Step = Callable[["CallService", "Actor", int], "CallView"]


class CallActions(Part):
    """The call keys; they keep no state of their own beyond the call on the desk."""

    # ---- hold, resume, end -------------------------------------------------------------

    def hold(self) -> None:
        call = self.desk.call
        if call is None or call.state not in ("active", "held"):
            self.desk.notify(_("no call to hold"), severity="warning")
            return
        if call.state == "held":
            self._step(call, "resume", lambda calls, actor, call_id: calls.resume(actor, call_id))
        else:
            self._step(call, "hold", lambda calls, actor, call_id: calls.hold(actor, call_id))

    def end(self) -> None:
        call = self.desk.call
        if call is None or call.state not in ("active", "held"):
            self.desk.notify(_("no call to end"), severity="warning")
            return
        self._step(call, "end", lambda calls, actor, call_id: calls.end(actor, call_id))

    def _step(self, call: CallView, name: str, step: Step) -> None:
        """One call-state step, with what it shows kept (the card and script on screen).

        ``name`` says which step it is to whoever else must follow it (the phone, issue 20).
        """
        desk, seat = self.desk, self.seat
        card, script, phone = desk.card, desk.script_pane.script, desk.phone

        def run() -> CallLoaded:
            phone.call_action(name, call)  # phone (issue 20)
            view = step(seat.backend.calls, seat.actor, call.id)
            return CallLoaded(view, card, script, keep_form=True)

        call_service(desk, run, desk.show_call, group="call")

    # ---- transfer ------------------------------------------------------------------------

    def transfer(self) -> None:
        call = self.desk.call
        if call is None or call.state not in ("active", "held"):
            self.desk.notify(_("no call to transfer"), severity="warning")
            return
        seat = self.seat
        call_service(self.desk, lambda: seat.backend.users.queues(),
                     lambda queues: self._ask_transfer(call, queues), group="dialog")

    def _ask_transfer(self, call: CallView, queues: list[Any]) -> None:
        seat = self.seat
        dialog = TransferDialog(seat.backend, self.desk.actor, call.id, queues, seat.lang)
        self.desk.app.push_screen(dialog, self._transferred)

    def _transferred(self, leg: int | None) -> None:
        call = self.desk.call
        if leg is not None and call is not None:
            self.desk.phone.transfer(call, leg)  # phone (issue 20)
            self.desk.notify(_("transferred; the caller waits as call #{id}").format(id=leg))
            self.reload(call.id)

    # ---- the caller ----------------------------------------------------------------------

    def pop_unknown(self, call: CallView) -> None:
        """The caller is not known (or the number is shared): pick or register them."""
        if call.candidates:
            self.desk.app.push_screen(PickCustomerDialog(call.candidates), self._picked)
        else:
            self.desk.app.push_screen(NewCustomerDialog(self.seat.backend, self.desk.actor,
                                                        number=call.caller_number,
                                                        call_id=call.id), self._registered)

    def identify_first(self) -> None:
        """F7/F8 with no customer: during a call, identify the caller (again) first."""
        call = self.desk.call
        if call is not None and call.customer_id is None:
            self.desk.notify(_("identify the caller first (or Ctrl+P to search)"))
            self.pop_unknown(call)
            return
        self.desk.notify(_("show a customer first"), severity="warning")

    def _picked(self, customer_id: int | None) -> None:
        call = self.desk.call
        if customer_id is not None and call is not None:
            self.set_customer(call.id, customer_id)

    def _registered(self, summary: object) -> None:
        call = self.desk.call
        if summary is not None and call is not None:
            self.reload(call.id, keep_form=True)

    def set_customer(self, call_id: int, customer_id: int) -> None:
        seat, journal, desk = self.seat, self.desk.journal, self.desk

        def identify(show: Show) -> None:
            view = seat.backend.calls.set_customer(seat.actor, call_id, customer_id)
            deliver(seat, journal, view, show, desk.show_call, keep_form=True)

        call_service_steps(desk, identify, _nothing, group="call")

    def reload(self, call_id: int, keep_form: bool = True) -> None:
        """Show the call as the database has it now (after a transfer, the phone's news)."""
        seat, journal, desk = self.seat, self.desk.journal, self.desk

        def read(show: Show) -> None:
            view = seat.backend.calls.get(seat.actor, call_id)
            deliver(seat, journal, view, show, desk.show_call, keep_form=keep_form)

        call_service_steps(desk, read, _nothing, group="call")

    # ---- outbound, callbacks, complaints (imported when first opened: start-up time) -----

    def outbound(self) -> None:
        if self.desk.call is not None:
            self.desk.notify(_("finish the current call first"), severity="warning")
            return
        from seatdesk.ui.screens.callbacks import CallbacksScreen

        self.desk.app.push_screen(CallbacksScreen(), self._outbound_chosen)

    def _outbound_chosen(self, choice: Any) -> None:
        if choice is None:
            return
        self.start_outbound(customer_id=choice.customer_id, number=choice.number,
                            purpose=choice.purpose, callback_id=choice.callback_id,
                            complaint_id=choice.complaint_id)

    def start_outbound(self, *, customer_id: int, number: str | None = None,
                       purpose: str = "callback", callback_id: int | None = None,
                       complaint_id: int | None = None) -> None:
        """Dial a customer (from the callbacks list or the customer search)."""
        desk = self.desk
        if desk.call is not None:
            desk.notify(_("finish the current call first"), severity="warning")
            return
        presence = desk.presence
        status = presence.status
        if status.state == "paused" and status.reason in PAUSE_REASONS:
            # A callback made during a break: the break goes on once its record is saved.
            presence.pause_after = presence.pause_after or status.reason
        seat, journal, phone = self.seat, desk.journal, desk.phone

        def dial(show: Show) -> None:
            view = seat.backend.calls.start_outbound(
                seat.actor, customer_id=customer_id, number=number, purpose=purpose,
                callback_id=callback_id, complaint_id=complaint_id)
            phone.dial(view)  # phone (issue 20)
            deliver(seat, journal, view, show, desk.show_call)

        call_service_steps(desk, dial, _nothing, group="call")

    def schedule_callback(self) -> None:
        from seatdesk.ui.dialogs.callback import ScheduleCallbackDialog

        self._register_for_customer(lambda customer_id, call_id: ScheduleCallbackDialog(
            customer_id=customer_id, call_id=call_id))

    def complaint(self) -> None:
        from seatdesk.ui.dialogs.complaint import RegisterComplaintDialog

        self._register_for_customer(lambda customer_id, call_id: RegisterComplaintDialog(
            call_id=call_id, customer_id=customer_id))

    def _register_for_customer(
            self, dialog: Callable[[int, int | None], ModalScreen[Any]]) -> None:
        """F7/F8: a dialog for the customer on the card (identify the caller first)."""
        card, call = self.desk.card, self.desk.call
        if card is None:
            self.identify_first()
            return
        customer_id = card.id
        self.desk.app.push_screen(dialog(customer_id, call.id if call else None),
                                  lambda saved: self._registered_for(customer_id, saved))

    def _registered_for(self, customer_id: int, saved: int | None) -> None:
        """A complaint or callback was registered: the card shows it at once."""
        card = self.desk.card
        if saved is not None and card is not None and card.id == customer_id:
            self.desk.cards.load_card(customer_id, reveal=False)


def _nothing(_result: None) -> None:
    """A worker that showed what it read step by step has nothing left to hand back."""
