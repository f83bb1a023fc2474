"""Ctrl+O: finishing a record the after-call-work limit closed incomplete.

The oldest such record opens in the form while the seat has no live call; a call that
comes meanwhile sets it aside (what was typed is its draft) for the next Ctrl+O.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from seatdesk.domain.errors import SeatdeskError
from seatdesk.domain.i18n import _
from seatdesk.runtime.journal import WRAP_UP, apply_entry, wrap_up_to_json
from seatdesk.ui.errors import ServiceFailed, Show, call_service, call_service_steps
from seatdesk.ui.screens.desk.record import write_through
from seatdesk.ui.screens.desk.seat import Part, Seat

if TYPE_CHECKING:
    from seatdesk.runtime.journal import Journal
    from seatdesk.services.dto import CallView, CustomerCard, WrapUp
    from seatdesk.ui.screens.desk.screen import DeskScreen


@dataclass(frozen=True)
class ToFinish:
    """The oldest incomplete record (None: none left) and how many wait."""

    call: CallView | None
    card: CustomerCard | None
    draft: dict[str, Any]
    left: int


def oldest_incomplete(seat: Seat, journal: Journal | None) -> ToFinish:
    """(worker) The oldest record to finish (the agent was told of them oldest first)."""
    backend, actor = seat.backend, seat.actor
    waiting = backend.calls.incomplete_records(actor)
    if not waiting:
        return ToFinish(None, None, {}, 0)
    call = waiting[0]
    card = None
    if call.customer_id is not None:
        card = backend.customers.card(actor, call.customer_id)
    draft = (journal.latest_draft(call.id) if journal else None) or call.draft
    return ToFinish(call, card, dict(draft or {}), len(waiting))


class FinishRecord(Part):
    """Incomplete records: how many wait, and the one open in the form (if any)."""

    def __init__(self, desk: DeskScreen) -> None:
        super().__init__(desk)
        self.incomplete = 0  # records closed at the limit, still to finish
        # The incomplete record open in the form (Ctrl+O), while the seat has no live call.
        self.finishing: CallView | None = None

    def open_oldest(self) -> None:
        """Ctrl+O: load the oldest incomplete record into the form (only with no live call)."""
        desk = self.desk
        if desk.call is not None:
            desk.notify(_("an incomplete record can be finished after this call"),
                        severity="warning")
            return
        if self.finishing is not None:
            desk.notify(_("the record of call #{id} is open: complete it and save it "
                          "(Ctrl+S)").format(id=self.finishing.id))
            return
        seat, journal = self.seat, desk.journal
        # Not the "call" group: an F2 pressed at the same moment must not wait for it.
        call_service(desk, lambda: oldest_incomplete(seat, journal), self._found,
                     group="finish")

    def _found(self, found: ToFinish) -> None:
        desk = self.desk
        if found.call is None:
            self.finished(0, 0)  # the count was behind: now none
            desk.post_message(ServiceFailed(_("no incomplete records to finish")))
            return
        self._open(found.call, found.card, found.draft)
        self.finished(0, found.left)  # the count, as it is now

    def _open(self, call: CallView, card: CustomerCard | None, draft: dict[str, Any]) -> None:
        desk = self.desk
        if desk.call is not None or self.finishing is not None:
            return  # a call was taken meanwhile: the record waits for the next Ctrl+O
        self.finishing = call
        desk.pop.card = card
        desk.form.set_direction(call.direction)
        desk.form.load(draft)
        desk.cards.show_card(card)
        if card is None:
            desk.card_view.show_message(_("Caller {number} is not a known customer.").format(
                number=call.caller_number or _("(number withheld)")))
        desk.query_one("#record-pane").border_title = _(
            "Call record #{id}: incomplete, to finish").format(id=call.id)
        desk.notify(_("call #{id}: complete the missing fields and save the record").format(
            id=call.id))
        desk.form.focus_start()
        desk.presence.render()

    def set_aside(self) -> None:
        """The open incomplete record gives way (a call came): what is typed is its draft."""
        record = self.finishing
        if record is None:
            return
        desk = self.desk
        desk.record.autosaver.stop()
        desk.record.save_draft(record.id, desk.form.values())
        self.finishing = None
        desk.query_one("#record-pane").border_title = _("Call record")

    def save(self, call: CallView, record: WrapUp) -> None:
        """Ctrl+S on the open record: through the journal and the service; the seat is
        left as it is (the service finishes a closed call without touching its seat)."""
        desk, seat, at = self.desk, self.seat, self.now()
        journal = desk.journal
        assert journal is not None
        offline, fewer = desk.offline, max(self.incomplete - 1, 0)

        def save(show: Show) -> None:
            backend, actor = seat.backend, seat.actor
            entry = journal.append(WRAP_UP, call.id, actor.login, at, wrap_up_to_json(record),
                                   callback_id=call.callback_id)
            written = write_through(journal, entry, lambda: apply_entry(backend, actor, entry))
            if written is None:  # it waits in the journal, written when the database is back
                show(partial(offline.show, journal.waiting(), True))
                show(partial(self.finished, call.id, fewer))
                return
            if written.value:  # saved, but its callback could not be updated
                show(partial(desk.post_message, ServiceFailed(written.value)))
            try:
                left = len(backend.calls.incomplete_records(actor))
            except SeatdeskError:
                left = fewer
            show(partial(self.finished, call.id, left))

        call_service_steps(desk, save, lambda _none: None, group="save")

    def finished(self, call_id: int, left: int) -> None:
        """An incomplete record was saved (``call_id`` 0: none) and ``left`` still wait."""
        desk = self.desk
        self.incomplete = left
        if call_id and self.finishing is not None and self.finishing.id == call_id:
            self.finishing = None
            desk.query_one("#record-pane").border_title = _("Call record")
            desk.pop.card = None
            desk.form.load({})
            desk.form.set_direction("inbound")
            desk.cards.show_idle()
            desk.notify(_("the record of call #{id} is complete").format(id=call_id))
        desk.presence.render()
