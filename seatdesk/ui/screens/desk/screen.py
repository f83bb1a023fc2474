"""The seat desk: live queue, screen pop, script and call record on one screen.

The screen composes the panes, owns the keys, and hands every key, message and timer to
the part that owns it (this package's other modules: start, presence, ring, pop, actions,
card, record, finish, offline, feed, search). Every service call runs in a worker through
``ui.errors.call_service`` and its answer comes back on the app's thread. The call record
is autosaved as a draft to the local journal first and then to the database, so a crash or
a closed terminal loses nothing; when the database is down the records wait in the journal
and are written when it is back.
"""

from __future__ import annotations

import threading
from functools import partial
from typing import TYPE_CHECKING

from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from seatdesk.domain.i18n import N_, _, pgettext
from seatdesk.ui.context import seat_app
from seatdesk.ui.dialogs.desk import ConfirmDialog
from seatdesk.ui.errors import ServiceFailed
from seatdesk.ui.phone_bridge import (  # phone (issue 20)
    NeighbourPickup,
    PhoneBridge,
    PhoneCallChanged,
)
from seatdesk.ui.screens.desk.actions import CallActions
from seatdesk.ui.screens.desk.card import CardAndScript, repeat_warning
from seatdesk.ui.screens.desk.feed import FloorFeed
from seatdesk.ui.screens.desk.finish import FinishRecord
from seatdesk.ui.screens.desk.offline import RETRY_SECONDS, OfflineJournal
from seatdesk.ui.screens.desk.pop import CallLoaded, CallOnDesk
from seatdesk.ui.screens.desk.presence import Presence
from seatdesk.ui.screens.desk.record import CallRecord
from seatdesk.ui.screens.desk.ring import Ringing
from seatdesk.ui.screens.desk.search import CustomerSearch
from seatdesk.ui.screens.desk.seat import Seat
from seatdesk.ui.screens.desk.start import StartUp
from seatdesk.ui.textual_words import SeatScreen
from seatdesk.ui.widgets.customer_card import CustomerCardView
from seatdesk.ui.widgets.key_bar import KeyBar
from seatdesk.ui.widgets.queue_table import QueueLoaded, QueueTable
from seatdesk.ui.widgets.script_pane import ScriptPane
from seatdesk.ui.widgets.status_bar import SeatStatus, StatusBar
from seatdesk.ui.widgets.wrap_up_form import WrapUpForm

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from seatdesk.runtime.journal import Journal
    from seatdesk.services.dto import Actor, CallView, CustomerCard, PoppedCall
    from seatdesk.ui.app import SeatdeskApp
    from seatdesk.ui.queue_view import SeatFloor

# The call record form is built after the desk's start-up data is painted, or after this.
FORM_FALLBACK_SECONDS = 1.0
# The record's fields a refusal may name (shown there; anything else is a toast).
FORM_FIELDS = frozenset({"category", "disposition", "outbound_outcome", "question", "notes",
                         "resolved", "handed_to", "satisfaction", "follow_up"})


# ---- the screen --------------------------------------------------------------------------


class DeskScreen(SeatScreen[None]):
    DEFAULT_CSS = """
    DeskScreen #desk-main { height: 1fr; }
    DeskScreen #left { width: 52%; }
    DeskScreen #right { width: 48%; }
    DeskScreen #queue-pane { height: 1fr; min-height: 5; border: round $primary; }
    DeskScreen #card-pane { height: 1fr; max-height: 16; min-height: 5;
                            border: round $primary; }
    DeskScreen #script-pane { height: 1fr; border: round $secondary; }
    DeskScreen #record-pane { height: auto; border: round $secondary; }
    DeskScreen #offline { display: none; }
    DeskScreen #offline.-shown { display: block; }
    """

    BINDINGS = [
        Binding("f2", "take_next", N_("Take call"), id="desk.take_next", priority=True),
        Binding("f3", "hold", N_("Hold/resume"), id="desk.hold", priority=True),
        Binding("f4", "transfer", N_("Transfer"), id="desk.transfer", priority=True),
        Binding("f5", "end_call", N_("End call"), id="desk.end_call", priority=True),
        Binding("f6", "outbound", N_("Callbacks"), id="desk.outbound", priority=True),
        Binding("f7", "schedule_callback", N_("Schedule callback"), id="desk.schedule",
                priority=True),
        Binding("f8", "complaint", N_("Complaint"), id="desk.complaint", priority=True),
        Binding("f9", "pause", N_("Pause/resume"), id="desk.pause", priority=True),
        # Not F10/F11/F12: agents remap keys to those (the keymap's examples), and many
        # terminals keep F10/F11 for their menu and full screen.
        Binding("ctrl+o", "finish_record", N_("Finish record"), id="desk.finish_record",
                priority=True),
        Binding("ctrl+s", "save_record", N_("Save record"), id="desk.save", priority=True),
        Binding("ctrl+r", "reveal", N_("Reveal number"), id="desk.reveal", show=False,
                priority=True),
        Binding("alt+down", "script_next", N_("Next script step"), id="desk.script_next",
                show=False, priority=True),
        Binding("alt+up", "script_prev", N_("Previous script step"), id="desk.script_prev",
                show=False, priority=True),
    ]

    COMMANDS = Screen.COMMANDS | {CustomerSearch, NeighbourPickup}  # phone (issue 20)

    def __init__(self) -> None:
        super().__init__()
        # The parts, one responsibility each (they reach each other through the screen).
        self.presence = Presence(self)
        self.ring = Ringing(self)
        self.pop = CallOnDesk(self)
        self.actions = CallActions(self)
        self.cards = CardAndScript(self)
        self.record = CallRecord(self)
        self.finish = FinishRecord(self)
        self.offline = OfflineJournal(self)
        self.feed = FloorFeed(self)
        self.startup = StartUp(self)
        self.phone = PhoneBridge(self)  # phone (issue 20): manual unless SEATDESK_PHONE

    # ---- what the parts share, and what tests, the bench and the phone bridge read ------

    @property
    def seat_app(self) -> SeatdeskApp:
        return seat_app(self)

    @property
    def actor(self) -> Actor | None:
        return seat_app(self).actor

    @property
    def call(self) -> CallView | None:
        return self.pop.call

    @property
    def card(self) -> CustomerCard | None:
        return self.pop.card

    @property
    def status(self) -> SeatStatus:
        return self.presence.status

    @property
    def pause_after(self) -> str | None:
        return self.presence.pause_after

    @property
    def journal(self) -> Journal | None:
        return self.offline.journal

    @property
    def floor(self) -> SeatFloor | None:
        return self.feed.planner.floor

    @property
    def finishing(self) -> CallView | None:
        return self.finish.finishing

    @property
    def incomplete_records(self) -> int:
        return self.finish.incomplete

    @property
    def queue_table(self) -> QueueTable:
        return self.query_one("#queue", QueueTable)

    @property
    def _queue_table(self) -> QueueTable | None:
        """The queue table once mounted (after the first paint)."""
        return self.feed.table

    @property
    def form(self) -> WrapUpForm:
        return self.query_one("#record", WrapUpForm)

    @property
    def card_view(self) -> CustomerCardView:
        return self.query_one("#card", CustomerCardView)

    @property
    def script_pane(self) -> ScriptPane:
        return self.query_one("#script", ScriptPane)

    @property
    def queue_refresh_ms(self) -> float:
        """How long the last queue refresh took on the UI thread (for the benchmark)."""
        return self.feed.last_queue_ms

    # ---- composing and starting -----------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield Static("", id="offline", classes="banner-offline")
        with Horizontal(id="desk-main"):
            with Vertical(id="left"):
                with Vertical(id="queue-pane"):
                    # The table is mounted right after the first paint (FloorFeed).
                    yield Static(_("connecting…"), id="queue-placeholder")
                with Vertical(id="card-pane"):
                    yield CustomerCardView(id="card")
            with Vertical(id="right"):
                with Vertical(id="script-pane"):
                    yield ScriptPane(id="script")
                with Vertical(id="record-pane"):
                    # Built once the desk shows its data (see _build_form): composing,
                    # styling and laying out its fields costs more than the rest of the desk.
                    yield WrapUpForm(id="record", build_after_paint=False)
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.seat_app.desk = self
        self.query_one("#queue-pane").border_title = pgettext("desk", "Queue")
        self.query_one("#card-pane").border_title = _("Customer")
        self.query_one("#script-pane").border_title = _("Script")
        self.query_one("#record-pane").border_title = _("Call record")
        self.offline.open()
        self.seat_app.data_changed.subscribe(self, self._on_data_changed)
        self.set_interval(1.0, self._tick)
        self.set_interval(RETRY_SECONDS, self.offline.retry)
        self.cards.show_idle()
        self.presence.render()
        self.call_after_refresh(self.presence.show_keys_first)
        self.call_after_refresh(self.feed.mount_queue)
        self.startup.run()
        self.phone.start()  # phone (issue 20)
        # In case the start-up data never arrives (database down), build it anyway.
        self.set_timer(FORM_FALLBACK_SECONDS, self._build_form)

    def on_unmount(self) -> None:
        self.startup.stop()  # [integrity] the desk is closed on purpose: stop beating

    def still_shown(self) -> bool:
        """False while the desk is being taken down (the app quit during start-up)."""
        panes = list(self.query("#queue-pane"))
        return self.is_attached and bool(panes) and panes[0].is_attached

    def _build_form(self) -> None:
        """Build the call record's fields after the next paint (once; later calls no-op)."""
        if not self.form.is_ready:
            self.call_after_refresh(self.form.build_fields)

    # ---- routing: messages, timers and keys to the part that owns them --------------------

    def show_call(self, message: CallLoaded) -> None:
        """Show a call (the bench's hook for "the pop is applied")."""
        self.pop.show(message)

    def on_call_loaded(self, message: CallLoaded) -> None:
        self.show_call(message)

    def on_queue_loaded(self, message: QueueLoaded) -> None:
        self.feed.show_queue(message.calls, refresh=message.refresh)

    def on_service_failed(self, message: ServiceFailed) -> None:
        message.stop()  # the desk shows its own: on the form's field, or a toast
        if message.outage:
            self.offline.show_outage()
        self.ring.end_take(drawn=False)
        if message.field in FORM_FIELDS and (self.call or self.finishing) is not None:
            self.form.show_error(message.field, message.text)
        else:
            self.notify(message.text, severity="error", timeout=6)

    def on_phone_call_changed(self, message: PhoneCallChanged) -> None:  # phone (issue 20)
        self.phone.show(message)

    @on(WrapUpForm.Edited)
    def _edited(self) -> None:
        self.record.edited()

    @on(WrapUpForm.CategoryChosen)
    def _category_chosen(self, message: WrapUpForm.CategoryChosen) -> None:
        self.cards.category_chosen(message.category)

    @on(DataTable.RowSelected, "#queue")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if self.call is not None:
            self.notify(_("finish the current call first"), severity="warning")
            return
        if event.row_key.value:
            self.ring.take_row(int(event.row_key.value))

    def _on_data_changed(self, topics: frozenset[str]) -> None:
        self.feed.changed(topics)

    def _tick(self) -> None:
        self.feed.tick()
        self.presence.render()
        self.record.end_wrap_up_at_limit()

    def action_take_next(self) -> None:
        self.ring.take_next()

    def action_hold(self) -> None:
        self.actions.hold()

    def action_transfer(self) -> None:
        self.actions.transfer()

    def action_end_call(self) -> None:
        self.actions.end()

    def action_outbound(self) -> None:
        self.actions.outbound()

    def action_schedule_callback(self) -> None:
        self.actions.schedule_callback()

    def action_complaint(self) -> None:
        self.actions.complaint()

    def action_pause(self) -> None:
        self.presence.pause_key()

    def action_finish_record(self) -> None:
        self.finish.open_oldest()

    def action_save_record(self) -> None:
        self.record.save()

    def action_reveal(self) -> None:
        self.cards.reveal()

    def action_script_next(self) -> None:
        self.cards.step(1)

    def action_script_prev(self) -> None:
        self.cards.step(-1)

    # ---- for the search, the phone bridge and tests ----------------------------------------

    def show_customer(self, customer_id: int) -> None:
        self.cards.show_customer(customer_id)

    def start_outbound(self, *, customer_id: int, number: str | None = None,
                       purpose: str = "callback", callback_id: int | None = None,
                       complaint_id: int | None = None) -> None:
        self.actions.start_outbound(customer_id=customer_id, number=number, purpose=purpose,
                                    callback_id=callback_id, complaint_id=complaint_id)

    def offered_actions(self) -> tuple[str, ...]:
        """The desk keys that do something in the seat's state now (shown in the key bar)."""
        return self.presence.offered_actions()

    def refresh_queue(self) -> None:
        self.feed.refresh_queue()

    def flush_draft(self) -> None:
        self.record.flush()

    def render_status(self) -> None:
        """Draw the status line again (the phone bridge changed its note)."""
        self.presence.render()

    def reload_call(self, call_id: int, keep_form: bool = True) -> None:
        """Read the seat's call again (the phone changed it: hung up, did not get through)."""
        self.actions.reload(call_id, keep_form)

    def ring_now(self) -> None:
        """Check for a ringing call at once (the phone rang), not on the next change hint."""
        self._on_data_changed(frozenset({"ring"}))

    def _repeat_warning(self, call: CallView, category: str | None) -> str | None:
        return repeat_warning(Seat(seat_app(self)), call, category)

    def gather_popped(self, popped: PoppedCall) -> CallLoaded:
        """(worker thread) A call taken or rung, with its card and script, ready to show."""
        return self.pop.gather(popped)

    # ---- quitting --------------------------------------------------------------------------

    async def confirm_quit(self) -> bool:
        """Ctrl+Q: refused while a call is live unless the seat confirms; logs the seat out."""
        call = self.call
        if call is not None:
            self.flush_draft()

            def answered(yes: bool | None) -> None:
                if yes:
                    self._log_out_and_exit()

            self.app.push_screen(ConfirmDialog(
                _("Call #{id} is not finished. Quit anyway? The record is kept and comes back "
                  "when you log in again.").format(id=call.id)), answered)
            return False
        self._log_out()
        return True

    def _log_out(self) -> None:
        # A short, bounded wait: logging out must not hang the exit when the database is down.
        seat = Seat(seat_app(self))
        done = threading.Thread(target=partial(_log_out_now, seat), daemon=True)
        done.start()
        done.join(timeout=2.0)

    def _log_out_and_exit(self) -> None:
        self._log_out()
        self.app.exit()


def _log_out_now(seat: Seat) -> None:
    """(a thread of its own, not a worker: the app is closing) Log the seat out."""
    try:
        seat.backend.agents.log_out(seat.actor)
    except Exception:  # noqa: BLE001, S110 - boundary (closing the desk): the floor view shows the seat stale instead
        pass


__all__ = ["CallLoaded", "DeskScreen", "QueueLoaded"]
