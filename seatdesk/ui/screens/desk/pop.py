"""The call on the desk: gathered in a worker (card, script, the draft kept for it, the
repeat-contact warning) and shown at once (the screen pop); cleared when it is over."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message

from seatdesk.domain.call_record import PAUSE_AFTER_KEY
from seatdesk.domain.enums import PAUSE_REASONS
from seatdesk.domain.i18n import _
from seatdesk.domain.text import neutralise
from seatdesk.ui.errors import Show
from seatdesk.ui.screens.desk.card import repeat_warning, script_for
from seatdesk.ui.screens.desk.seat import LIVE_STATES, Part, Seat

if TYPE_CHECKING:
    from seatdesk.runtime.journal import Journal
    from seatdesk.services.dto import CallView, CustomerCard, PoppedCall, ScriptView
    from seatdesk.ui.screens.desk.screen import DeskScreen

# The seat's state while its call is in each state (the status line says it at once).
SEAT_STATE = {"offered": "ringing", "active": "on_call", "held": "on_hold",
              "wrap_up": "wrap_up"}


@dataclass
class CallLoaded(Message):
    """A call to show (taken, rung, resumed after a restart, or changed by an action)."""

    call: CallView | None
    card: CustomerCard | None = None
    script: ScriptView | None = None
    draft: dict[str, Any] | None = None
    pop: bool = False
    repeat: str | None = None
    keep_form: bool = False


# ---- (worker thread) gathering a call -----------------------------------------------------


def loaded(seat: Seat, journal: Journal | None, call: CallView, card: CustomerCard | None,
           script: ScriptView | None, *, pop: bool, keep_form: bool = False) -> CallLoaded:
    """(worker) A call to show, with the draft kept for it and any repeat-contact warning."""
    draft = (journal.latest_draft(call.id) if journal else None) or call.draft
    return CallLoaded(call, card, script, draft, pop=pop, keep_form=keep_form,
                      repeat=repeat_warning(seat, call, call.category))


def popped(seat: Seat, journal: Journal | None, pop: PoppedCall) -> CallLoaded:
    """(worker) A call taken or rung, with the card and script read with it."""
    return loaded(seat, journal, pop.call, pop.card, pop.script, pop=True)


def deliver(seat: Seat, journal: Journal | None, call: CallView, show: Show,
            on_loaded: Callable[[CallLoaded], None], *, keep_form: bool = False) -> None:
    """(worker) Gather card, script and draft for ``call``, show them, then record the script.

    Recorded after the call is on its way: the seat should not wait for this write. Only
    the first script shown is recorded here; a category change records its own.
    """
    backend, actor = seat.backend, seat.actor
    card = None
    if call.customer_id is not None:
        card = backend.customers.card(actor, call.customer_id)
    script = script_for(seat, call, call.category)
    message = loaded(seat, journal, call, card, script, pop=False, keep_form=keep_form)
    show(lambda: on_loaded(message))
    if script is not None and call.script_id is None and call.state in LIVE_STATES:
        backend.calls.set_script(actor, call.id, script.id)


class CallOnDesk(Part):
    """The call the seat is on (or ringing with) and its customer's card."""

    def __init__(self, desk: DeskScreen) -> None:
        super().__init__(desk)
        self.call: CallView | None = None
        self.card: CustomerCard | None = None

    def gather(self, pop: PoppedCall) -> CallLoaded:
        """(worker thread) A call taken or rung with its card and script, to show."""
        return popped(self.seat, self.desk.journal, pop)

    def show(self, message: CallLoaded) -> None:
        desk = self.desk
        if message.pop:
            desk.ring.end_take()
        call, shown = message.call, self.call
        # phone (issue 20): one ringing call may pop twice (the phone's INVITE and the ring
        # check); a pop landing after F2 answered it must not show it ringing again.
        if message.pop and call is not None and shown is not None \
                and call.id == shown.id and call.state == "offered" \
                and shown.state != "offered":
            return
        if call is None or call.state not in LIVE_STATES:
            self.clear()
            return
        desk.finish.set_aside()  # a call came: the open record waits as its draft
        new_call = shown is None or shown.id != call.id
        answered = call.state == "active" and (new_call or shown is None
                                               or shown.state == "offered")
        self.call = call
        self.card = message.card
        if new_call:
            desk.cards.forget_steps()
        desk.form.set_direction(call.direction)
        if new_call and not message.keep_form:
            self._fill_form(call, message.draft)
        desk.cards.show_card(message.card, message.repeat)
        desk.cards.show_script(message.script)
        if new_call and message.pop and call.state == "offered":
            self._announce(call, message.card)
        desk.presence.status.state = SEAT_STATE[call.state]
        desk.presence.render()
        if new_call or answered:
            # The cursor goes where the call needs it, wherever the last call left it.
            desk.form.focus_start()
        if message.pop and call.customer_id is None and call.state != "offered":
            desk.actions.pop_unknown(call)  # once answered: a ringing seat's F2 stays free

    def _fill_form(self, call: CallView, draft: dict[str, Any] | None) -> None:
        values: dict[str, Any] = dict(draft or {})
        if not values:
            values = {"category": call.category, "question": call.question,
                      "notes": call.notes, "handed_to": call.handed_to,
                      "resolved": call.resolved, "satisfaction": call.satisfaction,
                      "disposition": call.disposition,
                      "outbound_outcome": call.outbound_outcome}
        self.desk.form.load(values)
        if values.get(PAUSE_AFTER_KEY) in PAUSE_REASONS:  # resumed after a restart
            self.desk.presence.pause_after = str(values[PAUSE_AFTER_KEY])

    def _announce(self, call: CallView, card: CustomerCard | None) -> None:
        desk = self.desk
        if desk.app.screen is desk:
            desk.app.bell()  # it rings: F2 answers
            return
        # The agent is on another screen: a banner there, F2 answers from it.
        who = neutralise(card.name) if card else (call.caller_number
                                                  or _("(number withheld)"))
        self.seat.app.announce_ring(_("{who} is calling · F2 answers").format(who=who))

    def clear(self) -> None:
        """The call is over (or gone): the desk is idle again."""
        desk = self.desk
        desk.finish.set_aside()
        self.call = None
        self.card = None
        desk.cards.forget_steps()
        desk.form.load({})
        desk.form.set_direction("inbound")
        desk.script_pane.clear_script()
        desk.cards.show_idle()
        desk.presence.render()
