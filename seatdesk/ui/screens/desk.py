"""The seat desk: live queue, screen pop, script and call record on one screen.

Every database call runs in a thread worker and comes back as a small message. The call
record is autosaved as a draft (debounced) to the local journal first and then to the
database, so a crash or a closed terminal loses nothing; when the database is down the
records wait in the journal and are written when it is back.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.binding import Binding
from textual.command import Hit, Hits, Provider
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widget import MountError
from textual.widgets import DataTable, Static

from seatdesk.domain.call_record import PAUSE_AFTER_KEY, validate_wrap_up
from seatdesk.domain.enums import MISSED_CALL, PAUSE_REASONS, Direction
from seatdesk.domain.errors import InvalidInput, SeatdeskError
from seatdesk.domain.i18n import N_, _, current_language, ngettext, pgettext
from seatdesk.domain.scripts import auto_stage, step_stage
from seatdesk.domain.text import neutralise
from seatdesk.runtime.journal import (
    DRAFT,
    WRAP_UP,
    Journal,
    apply_entry,
    drain,
    is_outage,
    wrap_up_to_json,
)
from seatdesk.ui.dialogs.desk import (
    READY,
    ConfirmDialog,
    NewCustomerDialog,
    PauseReasonDialog,
    PickCustomerDialog,
    TransferDialog,
)
from seatdesk.ui.errors import ServiceFailed
from seatdesk.ui.phone_bridge import (  # phone (issue 20)
    NeighbourPickup,
    PhoneBridge,
    PhoneCallChanged,
)
from seatdesk.ui.queue_view import Plan, SeatFloor, seat_floor
from seatdesk.ui.take_hold import Coalescing, TakeHold
from seatdesk.ui.textual_words import SeatScreen
from seatdesk.ui.widgets.customer_card import CustomerCardView
from seatdesk.ui.widgets.key_bar import KeyBar
from seatdesk.ui.widgets.queue_table import QueueLoaded, QueueRefreshFailed, QueueTable
from seatdesk.ui.widgets.script_pane import ScriptPane
from seatdesk.ui.widgets.status_bar import SeatStatus, StatusBar, acw_left
from seatdesk.ui.widgets.wrap_up_form import WrapUpForm

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.app import ComposeResult
    from textual.timer import Timer

    from seatdesk.services.dto import (
        Actor,
        CallView,
        CustomerCard,
        PoppedCall,
        ScriptView,
        WaitingCall,
        WrapUp,
    )
    from seatdesk.ui.app import SeatdeskApp

LIVE_STATES = ("offered", "active", "held", "wrap_up")
AUTOSAVE_SECONDS = 0.5
RETRY_SECONDS = 2.0
# The call record form is built after the desk's start-up data is painted, or after this.
FORM_FALLBACK_SECONDS = 1.0
# Re-reading the seat's status on every change would be a query per commit on the floor.
STATUS_EVERY = 2.0
# With change batches a seat knows when its status changed; this catches the rest.
STATUS_SAFETY = 60.0
# After a pop is shown, the refreshes it held back wait this long (see _end_take).
AFTER_POP_SECONDS = 0.05
# Change-feed topics after which an idle, available seat checks whether it is ringing
# ("*": SQLite tells only that something changed; "poll": the slow safety poll).
RING_TOPICS = frozenset({"ring", "*", "poll"})


# ---- messages from workers ---------------------------------------------------------------


@dataclass
class StatusLoaded(Message):
    status: SeatStatus


@dataclass
class CallLoaded(Message):
    """A call to show (taken, resumed after a restart, or changed by an action)."""

    call: CallView | None
    card: CustomerCard | None = None
    script: ScriptView | None = None
    draft: dict[str, Any] | None = None
    pop: bool = False
    repeat: str | None = None
    keep_form: bool = False


@dataclass
class CardLoaded(Message):
    card: CustomerCard | None
    repeat: str | None = None


@dataclass
class ScriptLoaded(Message):
    script: ScriptView | None
    repeat: str | None = None


@dataclass
class CallClosed(Message):
    """The record reached the database (``offline``: it waits in the journal instead)."""

    call_id: int
    offline: bool = False
    paused: bool = False  # "not ready after this call" was applied


@dataclass
class WrapUpEnded(Message):
    """The queue's after-call-work limit ended the seat's wrap-up (services.acw)."""

    call_id: int
    complete: bool
    missing: str
    paused_reason: str


@dataclass
class RecordToFinish(Message):
    """The oldest record the wrap-up limit closed incomplete, to finish in the form."""

    call: CallView
    card: CustomerCard | None
    draft: dict[str, Any]


@dataclass
class RecordFinished(Message):
    """An incomplete record was saved (``left``: how many are still to finish)."""

    call_id: int
    left: int


@dataclass
class JournalState(Message):
    waiting: int
    offline: bool
    notes: list[str] = field(default_factory=list)


# ---- the command palette: search customers -----------------------------------------------


class CustomerSearch(Provider):
    """Ctrl+P: find a customer by phone, name or company; show the card or dial them."""

    async def search(self, query: str) -> Hits:
        screen = self.screen
        if not isinstance(screen, DeskScreen) or len(query.strip()) < 2:
            return
        app = screen.seat_app
        worker = app.run_worker(lambda: app.backend.customers.search(app.session_actor(), query),
                                thread=True, exit_on_error=False, group="search")
        await worker.wait()
        matcher = self.matcher(query)
        for c in worker.result or []:
            label = f"{c.name} {c.company}".strip()
            score = max(matcher.match(label), 0.5)
            yield Hit(score, _("Customer card: {name}").format(name=label),
                      lambda cid=c.id: screen.show_customer(cid))
            yield Hit(score * 0.9, _("Dial: {name}").format(name=label),
                      lambda cid=c.id: screen.start_outbound(customer_id=cid))


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
        self.call: CallView | None = None
        self.card: CustomerCard | None = None
        self.status = SeatStatus()
        self.manual_stage: int | None = None
        self._auto_stage = 0
        self.take = TakeHold()
        self.ring_checks = Coalescing()  # one "is it ringing here?" read at a time
        self._status_at = 0.0
        self._autosave_timer: Timer | None = None
        self._offline = False
        self.journal: Journal | None = None
        self._last_queue_ms = 0.0
        # Queue names in the seat's language (code -> name), read once at start-up.
        self.queue_names: dict[str, str] = {}
        self._pending_queue: list[WaitingCall] | None = None
        self._queue_table: QueueTable | None = None
        # The seat's queue view, kept by the change feed's deltas (issue 19); set once the
        # seat is known. Until then, and on SQLite, every change re-reads the queue.
        self.floor: SeatFloor | None = None
        self._floor_dirty = False  # deltas applied while a take held the repaint back
        self._batched = False  # the feed sends change batches (PostgreSQL)
        self.phone = PhoneBridge(self)  # phone (issue 20): manual unless SEATDESK_PHONE
        # "Not ready after this call": the pause reason applied once the record is saved.
        self.pause_after: str | None = None
        # After-call-work limit per queue id (0: none), read at start-up with the names.
        self.acw_limits: dict[int, int] = {}
        self._acw_ending: int | None = None  # the call whose wrap-up is being ended
        self.incomplete_records = 0  # records closed at the limit, still to finish
        # The incomplete record open in the form (Ctrl+O), while the seat has no live call.
        self.finishing: CallView | None = None
        self._keys_shown: tuple[str, ...] = ()
        self._keys_ready = False

    @property
    def seat_app(self) -> SeatdeskApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield Static("", id="offline", classes="banner-offline")
        with Horizontal(id="desk-main"):
            with Vertical(id="left"):
                with Vertical(id="queue-pane"):
                    # The table is mounted right after the first paint (_mount_queue): it
                    # has no rows before the database answers, and mounting it costs the
                    # first frame a sixth of its time.
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
        self.journal = Journal(self.seat_app.settings.journal_path)
        self.seat_app.data_changed.subscribe(self, self._on_data_changed)
        self.set_interval(1.0, self._tick)
        self.set_interval(RETRY_SECONDS, self._retry_journal)
        self._show_idle()
        self._render_status()
        self.call_after_refresh(self._show_keys_first)
        self.call_after_refresh(self._mount_queue)
        self._start()
        self.phone.start()  # phone (issue 20)
        # In case the start-up data never arrives (database down), build it anyway.
        self.set_timer(FORM_FALLBACK_SECONDS, self._build_form)

    def on_unmount(self) -> None:
        # [integrity] the desk is closed on purpose: stop beating (see _start).
        beat = getattr(self, "_heartbeat", None)
        if beat is not None:
            beat.stop()

    def _show_keys_first(self) -> None:
        self._keys_ready = True
        if self.is_attached:
            self._render_status()

    def _still_shown(self) -> bool:
        """False while the desk is being taken down (the app quit during start-up)."""
        panes = list(self.query("#queue-pane"))
        return self.is_attached and bool(panes) and panes[0].is_attached

    async def _mount_queue(self) -> None:
        if not self._still_shown():
            return
        app = self.seat_app  # read in the worker: the sign-in may finish after this mount
        table = QueueTable(lambda: self._read_queue(app), id="queue")
        try:
            await self.query_one("#queue-pane").mount(table)
        except MountError:
            return  # closing meanwhile
        await self.query_one("#queue-placeholder").remove()
        self._queue_table = table  # mounted, columns added: rows may go in
        if self.focused is None:
            table.focus()  # as when it was the first focusable widget: Enter takes a row
        if self._pending_queue is not None:
            calls, self._pending_queue = self._pending_queue, None
            table.queue_names = self.queue_names
            table.apply(calls, self.now())

    def _build_form(self) -> None:
        """Build the call record's fields after the next paint (once; later calls no-op)."""
        if not self.form.is_ready:
            self.call_after_refresh(self.form.build_fields)

    # ---- helpers -----------------------------------------------------------------------

    @property
    def backend(self) -> Any:
        return self.seat_app.backend

    @property
    def actor(self) -> Any:
        return self.seat_app.actor

    def now(self) -> datetime:
        return self.seat_app.clock()

    @property
    def queue_table(self) -> QueueTable:
        return self.query_one("#queue", QueueTable)

    @property
    def form(self) -> WrapUpForm:
        return self.query_one("#record", WrapUpForm)

    @property
    def card_view(self) -> CustomerCardView:
        return self.query_one("#card", CustomerCardView)

    @property
    def script_pane(self) -> ScriptPane:
        return self.query_one("#script", ScriptPane)

    def _lang(self) -> str:
        return current_language()

    def _script_values(self) -> dict[str, str]:
        return {"customer": self.card.name if self.card else _("the caller"),
                "agent": self.actor.name, "agent_no": self.actor.agent_no,
                "company": self.seat_app.settings.company}

    def _fail(self, exc: BaseException, field: str | None = None) -> None:
        """Post a failure from a worker; outages also light the offline banner."""
        if is_outage(exc):
            self.post_message(JournalState(len(self.journal or []), True))
        failed = ServiceFailed.of(exc)
        if field and not isinstance(exc, InvalidInput):  # where the desk knows to look
            failed = ServiceFailed(failed.text, field)
        self.post_message(failed)

    def _today_start(self) -> datetime:
        tz = self.seat_app.settings.tz
        local = self.now().astimezone(tz)
        return datetime.combine(local.date(), time(0), tz)

    # ---- start-up ----------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="start")
    def _start(self) -> None:
        """Write what the journal holds, resume an unfinished call, or log in available.

        The desk is already painted; this waits for the database and the sign-in (both
        may still be opening in the background) and then fills it.
        """
        journal = self.journal
        assert journal is not None
        try:
            self.seat_app.session_actor()
            # [integrity] the seat's heartbeat: a desk killed stops it, and the daemon
            # repairs the seat's calls (seatdesk.runtime.heartbeat).
            from seatdesk.runtime.heartbeat import Heartbeat

            self._heartbeat = Heartbeat(self.backend, self.actor).start()
            report = drain(journal, self.backend, self.backend.users.actor)
        except Exception as exc:  # noqa: BLE001 - boundary (worker top): reported on the desk, retried later
            self._fail(exc)
            return
        self.post_message(JournalState(report.left, report.offline, report.messages))
        try:
            zh = self._lang() == "zh"
            # Set before the first rows arrive (the table reads it when adding rows).
            queues = self.backend.users.queues()
            self.queue_names = {
                q.code: (q.name_zh if zh and q.name_zh else q.name) for q in queues}
            self.acw_limits = {q.id: q.acw_seconds for q in queues}
            self.floor = seat_floor(self.backend.calls, self.actor)
            self.post_message(QueueLoaded(self._read_queue(self.seat_app)))
            current = self.backend.calls.current_call(self.actor)
            # Records the wrap-up limit closed incomplete (earlier, or by the worker).
            self.incomplete_records = len(self.backend.calls.incomplete_records(self.actor))
            if current is None:
                self.backend.agents.log_in(self.actor)
            self._post_status()
            if current is not None:
                self._load_call(current, pop=False)
        except Exception as exc:  # noqa: BLE001 - boundary (worker top): reported on the desk, retried later
            self._fail(exc)

    def _post_status(self) -> None:
        """(worker thread) Read the seat's state, today's count and callback alerts."""
        from seatdesk.services.seat_figures import today_figures

        view = self.backend.agents.status(self.actor)
        figures = today_figures(self.backend.db, self.actor, self._today_start())
        due = overdue = 0
        try:
            due, overdue = self.backend.callbacks.alerts(self.actor)
        except SeatdeskError:
            pass  # an alert is a nicety; the desk works without it
        self.post_message(StatusLoaded(SeatStatus(
            state=view.state if view else "logged_out", reason=view.reason if view else "",
            since=view.since if view else None, handled_today=figures.handled,
            average_handle_seconds=figures.average_handle_seconds,
            callbacks_due=due, callbacks_overdue=overdue)))

    def _load_call(self, call: CallView, *, pop: bool, keep_form: bool = False) -> None:
        """(worker thread) Gather card, script and draft for ``call`` and post them."""
        card = None
        if call.customer_id is not None:
            card = self.backend.customers.card(self.actor, call.customer_id)
        script = self._script_for(call, call.category)
        self._post_call(call, card, script, pop=pop, keep_form=keep_form)
        # Recorded after the pop is on its way: the seat should not wait for this write.
        # Only the first script shown is recorded here; a category change records its own.
        if script is not None and call.script_id is None and call.state in LIVE_STATES:
            self.backend.calls.set_script(self.actor, call.id, script.id)

    def _post_popped(self, popped: PoppedCall) -> None:
        """(worker thread) Post a call taken or rung with its card and script (one read)."""
        self._post_call(popped.call, popped.card, popped.script, pop=True)

    def _post_call(self, call: CallView, card: CustomerCard | None, script: ScriptView | None,
                   *, pop: bool, keep_form: bool = False) -> None:
        """(worker thread) Post a call to show, with the draft kept for it and any warning."""
        draft = (self.journal.latest_draft(call.id) if self.journal else None) or call.draft
        self.post_message(CallLoaded(call, card, script, draft, pop=pop, keep_form=keep_form,
                                     repeat=self._repeat_warning(call, call.category)))

    def _script_for(self, call: CallView, category: str | None) -> ScriptView | None:
        if call.direction == Direction.OUTBOUND:
            return self.backend.scripts.published(call.outbound_purpose, self._lang(),
                                                  "outbound")
        return self.backend.scripts.published(category, self._lang(), "inbound")

    def _repeat_warning(self, call: CallView, category: str | None) -> str | None:
        """(worker thread) 首问负责制: warn when this customer called about this before."""
        if call.customer_id is None or not category:
            return None
        try:
            earlier = self.backend.first_contact.earlier_contact(
                self.actor, call.customer_id, category, call.id)
        except SeatdeskError:
            return None
        if earlier is None:
            return None
        shown = earlier.at.astimezone(self.seat_app.settings.tz).strftime("%m-%d %H:%M")
        return _("Repeat contact: same issue on call #{id} ({at})").format(
            id=earlier.call_id, at=shown)

    # ---- changes from other seats ------------------------------------------------------

    def _on_data_changed(self, topics: frozenset[str]) -> None:
        if self.seat_app.actor is None:
            return  # the start-up worker loads everything once signed in
        plan = self._plan(topics)
        if self.take.active:
            # Refreshed once the pop is shown; deltas are already in the view.
            self.take.hold(queue=plan.queue_full, status=plan.status)
            self._floor_dirty |= plan.queue_changed
            return
        # Not the status line's word for it: that may be a refresh behind the database.
        idle = self.call is None
        ringing = self.call is not None and self.call.state == "offered"
        if (idle or ringing) and plan.ring_check:
            # The pop first, alone: the queue and status refreshes wait for it (as for F2),
            # so three workers do not share the GIL while the seat's phone rings.
            self.take.begin()
            self.take.hold(queue=plan.queue_full, status=plan.status)
            self._floor_dirty |= plan.queue_changed
            self._check_ringing()
            return
        if plan.queue_full:
            self.refresh_queue()
        elif plan.queue_changed:
            self._show_floor()
        if plan.status:
            self._status_at = self.now().timestamp()
            self._refresh_status()

    def _plan(self, topics: frozenset[str]) -> Plan:
        """What to re-read after a change: the floor view's deltas, or all (no view yet)."""
        if self.floor is None:
            return Plan(queue_full=True, status=self._status_due(topics),
                        ring_check=bool(topics & RING_TOPICS))
        batches, lost = self.seat_app.take_batches()
        self._batched |= bool(batches)
        plan = self.floor.take(batches, topics | {"*"} if lost else topics)
        if "*" in topics and not batches:
            # SQLite says only "something changed": the status line as before, throttled.
            plan.status = self._status_due(topics)
        elif not plan.status:
            plan.status = self._status_due(frozenset())  # today's figures, callbacks due
        return plan

    def _status_due(self, topics: frozenset[str]) -> bool:
        """The status line is re-read at most every STATUS_EVERY seconds, or on floor news
        (with change batches: when the change concerns this seat, and every STATUS_SAFETY
        seconds for what no change announces, such as a callback falling due)."""
        every = STATUS_SAFETY if self._batched else STATUS_EVERY
        return self.now().timestamp() - self._status_at >= every or "floor" in topics

    def _read_queue(self, app: SeatdeskApp) -> list[WaitingCall]:
        """(worker) The queue in full, reconciled with the deltas that arrived meanwhile."""
        def fetch() -> list[WaitingCall]:
            return app.backend.calls.waiting(app.session_actor())

        floor = self.floor
        return fetch() if floor is None else floor.read(fetch)

    def _show_floor(self) -> None:
        """Repaint the queue from the floor view (deltas applied, nothing re-read)."""
        self._floor_dirty = False
        table = self._queue_table
        if table is None or self.floor is None:
            return
        table.queue_names = self.queue_names
        table.apply(self.floor.calls(), self.now())

    def _ring_when_free(self) -> None:
        """A free seat takes the longest-waiting call, ringing (Settings.ring_when_free)."""
        if not self.seat_app.settings.ring_when_free or self.call is not None \
                or self.take.active:
            return
        self.take.begin()
        self._ring_next()

    # Not the "call" group: an F2 at the same moment must not cancel it (the database
    # decides: F2 answers what rings here, or ring_next finds the seat on a call).
    @work(thread=True, exit_on_error=False, group="ring")
    def _ring_next(self) -> None:
        try:
            popped = self.backend.calls.ring_next(self.actor, lang=self._lang())
        except Exception as exc:  # noqa: BLE001 - boundary (worker top): F2 still works; the next status retries
            self.app.call_from_thread(self._end_take, False)
            if is_outage(exc):
                self.post_message(JournalState(len(self.journal or []), True))
            return
        if popped is None:
            self.app.call_from_thread(self._end_take, False)  # nobody waiting here
            return
        self._post_popped(popped)

    def _check_ringing(self) -> None:
        if self.ring_checks.request():
            self._ring_check(self.call)

    def _ring_checked(self) -> None:
        """(UI thread) A ring check finished: run one more if a hint came meanwhile (the
        first may have read the seat before that ring was committed)."""
        if self.ring_checks.finished():
            self.take.begin()
            self._ring_check(self.call)

    def _rang_out(self) -> None:
        """(UI thread) The ringing call went elsewhere: paused after a missed call, or free."""
        self.take.hold(status=True)
        self._end_take(False)

    @work(thread=True, exit_on_error=False, group="ring")
    def _ring_check(self, shown: CallView | None) -> None:
        """(worker) Has the ACD rung this seat? Then pop the caller's card (screen pop).

        ``shown``: the call the desk showed when the check was asked for.
        """
        try:
            current = self.backend.calls.current_call(self.actor)
            if shown is not None and shown.state == "offered" and (
                    current is None or current.id != shown.id):
                # It stopped ringing here: the caller hung up or it rang out.
                self.post_message(CallLoaded(None))
                self.app.call_from_thread(self._rang_out)
                return
            if current is None or current.state != "offered" or shown is not None:
                self.app.call_from_thread(self._end_take, False)  # no pop: refresh now
                return
            popped = self.backend.calls.ringing(self.actor, lang=self._lang())
            if popped is None:  # answered elsewhere or hung up meanwhile
                self.app.call_from_thread(self._end_take, False)  # no pop: refresh now
                return
            self._post_popped(popped)  # its CallLoaded ends the hold
        except Exception as exc:  # noqa: BLE001 - boundary (worker top): the next change checks again
            self.app.call_from_thread(self._end_take, False)  # no pop: refresh now
            if is_outage(exc):
                self.post_message(JournalState(len(self.journal or []), True))
        finally:
            self.app.call_from_thread(self._ring_checked)

    def refresh_queue(self) -> None:
        """Re-query the queue (the table coalesces); held back while a take is in flight."""
        if self.take.active:
            self.take.hold(queue=True)
            return
        if self._queue_table is not None:
            self._queue_table.request_refresh()

    def on_queue_refresh_failed(self, message: QueueRefreshFailed) -> None:
        if message.outage:
            self.post_message(JournalState(len(self.journal or []), True))

    @work(thread=True, exclusive=True, exit_on_error=False, group="status")
    def _refresh_status(self) -> None:
        try:
            self._post_status()
        except Exception as exc:  # noqa: BLE001 - boundary (worker top): the status line keeps its last values
            if is_outage(exc):
                self.post_message(JournalState(len(self.journal or []), True))

    def _begin_take(self) -> None:
        self.take.begin()

    def _end_take(self, drawn: bool = True) -> None:
        """The pop is shown (``drawn``) or none came: run the refreshes held back."""
        if not self.take.end():
            return
        if not drawn:
            self._after_take()  # nothing to draw: the queue should not wait
            return
        # A few frames later, not at the next refresh: two workers re-querying while the
        # pop is drawn take the GIL from the drawing (measured: 20-30 ms later paints).
        self.set_timer(AFTER_POP_SECONDS, self._after_take)

    def _after_take(self) -> None:
        held = self.take.release()
        if self._floor_dirty and not held.queue:
            self._show_floor()
        if held.queue:
            self.refresh_queue()
        if held.status:
            self._status_at = self.now().timestamp()
            self._refresh_status()

    def on_queue_loaded(self, message: QueueLoaded) -> None:
        import time as _time

        started = _time.perf_counter()
        table = self._queue_table
        # The floor view is never behind the read it was reset from (deltas may be ahead).
        calls = self.floor.calls() if self.floor is not None else message.calls
        if table is None:
            self._pending_queue = calls  # shown once the table is mounted
        else:
            table.queue_names = self.queue_names
            table.apply(calls, self.now())
        self._last_queue_ms = (_time.perf_counter() - started) * 1000
        if message.refresh and table is not None:
            table.refresh_finished()  # asked for again while this one ran: once more

    def on_status_loaded(self, message: StatusLoaded) -> None:
        self.status = message.status
        self._render_status()
        if self.call is None:
            self._show_idle()
        if self.call is None and self.status.state == "ringing" and not self.take.active:
            self._check_ringing()  # rung while the desk was busy: pop it now
        elif self.status.state == "available":
            self._ring_when_free()
        self._build_form()  # the start-up data is on screen (or about to be): the form now

    def _tick(self) -> None:
        table = self._queue_table
        if table is not None:
            table.tick(self.now())
        self._render_status()
        self._end_wrap_up_at_limit()

    def _acw_limit(self) -> int:
        call = self.call
        if call is None or call.queue_id is None:
            return 0
        return self.acw_limits.get(call.queue_id, 0)

    def _wrap_up_since(self) -> datetime | None:
        """When the seat entered wrap-up, as last read (None: not read in that state)."""
        return self.status.since if self.status.state == "wrap_up" else None

    def _end_wrap_up_at_limit(self) -> None:
        """The queue's after-call-work limit has passed: end the wrap-up (auto-ready)."""
        call = self.call
        if call is None or self._acw_ending == call.id \
                or acw_left(call, self._acw_limit(), self.now(), self._wrap_up_since()) != 0:
            return
        self._acw_ending = call.id
        if self._autosave_timer is not None:
            self._autosave_timer.stop()
        self._end_wrap_up(call.id, self._draft_values())

    # Its own group: an exclusive "save" would cancel a Ctrl+S pressed in the same second
    # (the service decides between the two; the one that comes second finds it closed).
    @work(thread=True, exit_on_error=False, group="acw")
    def _end_wrap_up(self, call_id: int, values: dict[str, Any]) -> None:
        """(worker) What is typed is kept first, then the service ends the wrap-up."""
        if not self._write_draft(call_id, values):
            return
        try:
            ended = [e for e in self.backend.calls.end_overdue_wrap_ups(self.actor)
                     if e.call_id == call_id]
        except Exception as exc:  # noqa: BLE001 - boundary (worker top): retried at the next tick
            if is_outage(exc):
                self.post_message(JournalState(self.journal.waiting() if self.journal else 0,
                                               True))
            else:
                self._fail(exc)
            return
        if ended:
            e = ended[0]
            self.post_message(WrapUpEnded(call_id, e.complete, e.missing, e.paused_reason))
        self._post_status()

    def on_wrap_up_ended(self, message: WrapUpEnded) -> None:
        if self.call is not None and self.call.id == message.call_id:
            self._finish_call_ui()
        self.pause_after = None
        if message.paused_reason:
            self.status.state, self.status.reason = "paused", message.paused_reason
        else:
            self.status.state, self.status.reason = "available", ""
        if message.complete:
            self.notify(_("wrap-up time is up: the record was saved"))
        else:
            self.incomplete_records += 1
            self.notify(_("wrap-up time is up: the record of call #{id} is incomplete "
                          "({missing}); what you typed is kept as its draft").format(
                              id=message.call_id, missing=message.missing),
                        severity="warning", timeout=30)
        self._render_status()
        self.refresh_queue()
        if not message.paused_reason:
            self._ring_when_free()

    def _render_status(self) -> None:
        call = self.call if self.call and self.call.state in LIVE_STATES else None
        self.query_one("#status", StatusBar).render_status(
            self.status, call, self.now(), pause_after=self.pause_after,
            agent=f"{self.actor.name} {self.actor.agent_no}" if self.actor else "",
            acw_limit=self._acw_limit(), incomplete=self.incomplete_records,
            acw_since=self._wrap_up_since())
        if not self._keys_ready:
            return  # the key bar follows the first paint (start-up: the panes come first)
        offered = self.offered_actions()
        if offered != self._keys_shown:
            self._keys_shown = offered
            self.query_one("#keys", KeyBar).show_keys(offered)

    def offered_actions(self) -> tuple[str, ...]:
        """The desk keys that do something in the seat's state now (shown in the key bar)."""
        call = self.call
        identified = self.card is not None or call is not None
        if call is None:
            keys = ["take_next", "outbound", "pause"]
            if identified:
                keys += ["schedule_callback", "complaint"]
            if self.incomplete_records and self.finishing is None:
                keys.append("finish_record")
            if self.finishing is not None:
                keys.append("save_record")
        elif call.state == "offered":
            keys = ["take_next", "pause"]
        elif call.state == "wrap_up":
            keys = ["schedule_callback", "complaint", "pause", "save_record"]
        else:
            keys = ["hold", "transfer", "end_call", "schedule_callback", "complaint", "pause",
                    "save_record"]
        return (*keys, "help")

    # ---- showing a call ----------------------------------------------------------------

    def on_call_loaded(self, message: CallLoaded) -> None:
        if message.pop:
            self._end_take()
        call = message.call
        # phone (issue 20): one ringing call may pop twice (the phone's INVITE and the ring
        # check); a pop landing after F2 answered it must not show it ringing again.
        if message.pop and call is not None and self.call is not None \
                and call.id == self.call.id and call.state == "offered" \
                and self.call.state != "offered":
            return
        if call is None or call.state not in LIVE_STATES:
            self._finish_call_ui()
            return
        self._set_aside_record()  # a call came: the open record waits as its draft
        new_call = self.call is None or self.call.id != call.id
        answered = call.state == "active" and (new_call or self.call is None
                                               or self.call.state == "offered")
        self.call = call
        self.card = message.card
        if new_call:
            self.manual_stage = None
        self.form.set_direction(call.direction)
        if new_call and not message.keep_form:
            values: dict[str, Any] = dict(message.draft or {})
            if not values:
                values = {"category": call.category, "question": call.question,
                          "notes": call.notes, "handed_to": call.handed_to,
                          "resolved": call.resolved, "satisfaction": call.satisfaction,
                          "disposition": call.disposition,
                          "outbound_outcome": call.outbound_outcome}
            self.form.load(values)
            if values.get(PAUSE_AFTER_KEY) in PAUSE_REASONS:  # resumed after a restart
                self.pause_after = str(values[PAUSE_AFTER_KEY])
        self._show_card(message.card, message.repeat)
        self.script_pane.show(message.script, self._script_values(), self._stage())
        if new_call and message.pop and call.state == "offered":
            if self.app.screen is self:
                self.app.bell()  # it rings: F2 answers
            else:  # the agent is on another screen: a banner there, F2 answers from it
                who = neutralise(message.card.name) if message.card else (
                    call.caller_number or _("(number withheld)"))
                self.seat_app.announce_ring(
                    _("{who} is calling · F2 answers").format(who=who))
        self.status.state = {"offered": "ringing", "active": "on_call", "held": "on_hold",
                             "wrap_up": "wrap_up"}[call.state]
        self._render_status()
        if new_call or answered:
            # The cursor goes where the call needs it, wherever the last call left it.
            self.form.focus_start()
        if message.pop and call.customer_id is None and call.state != "offered":
            self._pop_unknown(call)  # once answered: a ringing seat's F2 must stay free

    def _show_card(self, card: CustomerCard | None, repeat: str | None = None) -> None:
        if card is not None:
            self.card_view.show_card(card, self.seat_app.settings.tz,
                                     self.now().astimezone(self.seat_app.settings.tz).date(),
                                     repeat, self.call.id if self.call else None)
        elif self.call is not None:
            self.card_view.show_message(
                _("Caller {number} is not a known customer.").format(
                    number=self.call.caller_number or _("(number withheld)")))
        else:
            self._show_idle()

    def _show_idle(self) -> None:
        if self.status.state == "paused" and self.status.reason == MISSED_CALL:
            self.card_view.show_message(_(
                "A call rang here and was not answered; it went back to the queue and this "
                "seat was paused. F9: ready again, or choose a break."))
            return
        self.card_view.show_message(_("No call. F2 takes the next caller; Enter takes the "
                                      "highlighted one."))

    def _pop_unknown(self, call: CallView) -> None:
        if call.candidates:
            self.app.push_screen(PickCustomerDialog(call.candidates), self._picked)
        else:
            self.app.push_screen(NewCustomerDialog(self.backend, self.actor,
                                                   number=call.caller_number,
                                                   call_id=call.id), self._registered)

    def _identify_first(self) -> None:
        """F7/F8 with no customer: during a call, identify the caller (again) first."""
        if self.call is not None and self.call.customer_id is None:
            self.notify(_("identify the caller first (or Ctrl+P to search)"))
            self._pop_unknown(self.call)
            return
        self.notify(_("show a customer first"), severity="warning")

    def _picked(self, customer_id: int | None) -> None:
        if customer_id is not None and self.call is not None:
            self._set_customer(self.call.id, customer_id)

    def _registered(self, summary: Any) -> None:
        if summary is not None and self.call is not None:
            self._reload_call(self.call.id, keep_form=True)

    @work(thread=True, exclusive=True, exit_on_error=False, group="call")
    def _set_customer(self, call_id: int, customer_id: int) -> None:
        try:
            view = self.backend.calls.set_customer(self.actor, call_id, customer_id)
            self._load_call(view, pop=False, keep_form=True)
        except Exception as exc:  # noqa: BLE001 - boundary (worker top)
            self._fail(exc)

    @work(thread=True, exclusive=True, exit_on_error=False, group="call")
    def _reload_call(self, call_id: int, keep_form: bool = True) -> None:
        try:
            view = self.backend.calls.get(self.actor, call_id)
            self._load_call(view, pop=False, keep_form=keep_form)
        except Exception as exc:  # noqa: BLE001 - boundary (worker top)
            self._fail(exc)

    def _finish_call_ui(self) -> None:
        self._set_aside_record()
        self.call = None
        self.card = None
        self.manual_stage = None
        self.form.load({})
        self.form.set_direction("inbound")
        self.script_pane.clear_script()
        self._show_idle()
        self._render_status()

    def show_customer(self, customer_id: int) -> None:
        """Show a customer's card (from the search); refused during someone else's call."""
        if self.call is not None and self.call.customer_id not in (None, customer_id):
            self.notify(_("finish the current call first"), severity="warning")
            return
        if self.call is not None and self.call.customer_id is None:
            self._set_customer(self.call.id, customer_id)  # the caller, found by search
            return
        self._load_card(customer_id, False)

    def _load_card(self, customer_id: int, reveal: bool) -> None:
        """Read a customer's card (and the repeat-contact warning for the call shown)."""
        call = self.call
        category = self.form.values().get("category") if call is not None else None
        self._read_card(customer_id, reveal, call, category)

    @work(thread=True, exclusive=True, exit_on_error=False, group="card")
    def _read_card(self, customer_id: int, reveal: bool, call: CallView | None,
                   category: str | None) -> None:
        try:
            card = self.backend.customers.card(self.actor, customer_id, reveal=reveal)
        except Exception as exc:  # noqa: BLE001 - boundary (worker top)
            self._fail(exc)
            return
        repeat = self._repeat_warning(call, category) if call is not None else None
        self.post_message(CardLoaded(card, repeat))

    def on_card_loaded(self, message: CardLoaded) -> None:
        self.card = message.card
        self._show_card(message.card, message.repeat)

    # ---- the script follows the call ----------------------------------------------------

    def _stage(self) -> int:
        values = self.form.values()
        auto = auto_stage(state=self.call.state if self.call else None,
                          has_customer=self.card is not None,
                          has_category=bool(values.get("category")),
                          resolved=values.get("resolved"))
        if auto != self._auto_stage:
            self._auto_stage = auto
            self.manual_stage = None  # the call moved on: follow it again
        return self.manual_stage if self.manual_stage is not None else auto

    def action_script_next(self) -> None:
        self._script_step(1)

    def action_script_prev(self) -> None:
        self._script_step(-1)

    def _script_step(self, delta: int) -> None:
        self.manual_stage = step_stage(self._stage(), delta)
        self.script_pane.set_stage(self.manual_stage)

    @on(WrapUpForm.CategoryChosen)
    def _category_chosen(self, message: WrapUpForm.CategoryChosen) -> None:
        if self.call is not None and message.category:
            self._change_category(self.call, message.category)

    @work(thread=True, exclusive=True, exit_on_error=False, group="category")
    def _change_category(self, call: CallView, category: str) -> None:
        try:
            script = self._script_for(call, category)
            self.backend.calls.set_category(self.actor, call.id, category,
                                            script.id if script else None)
            repeat = self._repeat_warning(call, category)
        except Exception as exc:  # noqa: BLE001 - boundary (worker top)
            self._fail(exc, "category")
            return
        self.post_message(ScriptLoaded(script, repeat))

    def on_script_loaded(self, message: ScriptLoaded) -> None:
        if self.call is None:
            return
        self.script_pane.show(message.script, self._script_values(), self._stage())
        if message.repeat and self.card is not None:
            self._show_card(self.card, message.repeat)

    # ---- autosave ------------------------------------------------------------------------

    @on(WrapUpForm.Edited)
    def _edited(self) -> None:
        if self.call is None:
            if self.finishing is not None:
                self._autosave_later()
            return
        self.script_pane.set_stage(self._stage())
        self._autosave_later()

    def _autosave_later(self) -> None:
        if self._autosave_timer is not None:
            self._autosave_timer.stop()
        self._autosave_timer = self.set_timer(AUTOSAVE_SECONDS, self._autosave)

    def _draft_values(self) -> dict[str, Any]:
        """The form as typed, with "not ready after this call" (the worker honours it)."""
        values = self.form.values()
        if self.pause_after:
            values[PAUSE_AFTER_KEY] = self.pause_after
        return values

    def _autosave(self) -> None:
        if self.call is None:
            if self.finishing is not None:  # an incomplete record: its own draft, no pause
                self._save_draft(self.finishing.id, self.form.values())
            return
        self._save_draft(self.call.id, self._draft_values())

    def flush_draft(self) -> None:
        """Save the draft now (before quitting or in tests), skipping the debounce."""
        if self._autosave_timer is not None:
            self._autosave_timer.stop()
        self._autosave()

    @work(thread=True, exit_on_error=False, group="draft")
    def _save_draft(self, call_id: int, values: dict[str, Any]) -> None:
        self._write_draft(call_id, values)

    def _write_draft(self, call_id: int, values: dict[str, Any]) -> bool:
        """(worker) Keep a draft: the journal first, then the database. False when it did
        not reach the database (an outage keeps it in the journal; a refusal is said)."""
        journal = self.journal
        assert journal is not None
        # The journal first (fsynced): a crash after this line loses nothing typed.
        entry = journal.append(DRAFT, call_id, self.actor.login, self.now(), values)
        try:
            self.backend.calls.save_draft(self.actor, call_id, values)
        except Exception as exc:  # noqa: BLE001 - boundary (worker top)
            if is_outage(exc):
                self.post_message(JournalState(journal.waiting(), True))
                return False
            journal.discard(entry)
            self._fail(exc)
            return False
        journal.acknowledge(entry)
        if self._offline:
            self.post_message(JournalState(journal.waiting(), False))
        return True

    # ---- saving the record ----------------------------------------------------------------

    def action_save_record(self) -> None:
        call = self.call or self.finishing
        if call is None:
            self.notify(_("there is no call record to save"), severity="warning")
            return
        try:
            record = self.form.record(self.now(), self.seat_app.settings.tz)
            validate_wrap_up(record, Direction(call.direction))
            if record.outbound_outcome == "call_back_later" and record.follow_up_at is None:
                raise InvalidInput(_("say when to call back (follow-up)"), "follow_up")
        except InvalidInput as exc:
            self.form.show_error(exc.field, _(str(exc)))
            return
        if self._autosave_timer is not None:
            self._autosave_timer.stop()
        if self.call is None:
            self._save_finished_record(call, record)
            return
        self._save_record(call, record, self.pause_after)

    @work(thread=True, exclusive=True, exit_on_error=False, group="save")
    def _save_record(self, call: CallView, record: WrapUp, pause_after: str | None) -> None:
        journal = self.journal
        assert journal is not None
        entry = journal.append(WRAP_UP, call.id, self.actor.login, self.now(),
                               wrap_up_to_json(record), callback_id=call.callback_id)
        try:
            warning = apply_entry(self.backend, self.actor, entry)
        except Exception as exc:  # noqa: BLE001 - boundary (worker top)
            if is_outage(exc):
                # The record waits in the journal; the seat carries on.
                self.post_message(JournalState(journal.waiting(), True))
                self.post_message(CallClosed(call.id, offline=True))
                return
            journal.discard(entry)
            self._fail(exc)
            return
        journal.acknowledge(entry)
        paused = False
        if pause_after is not None:
            # Right after the save, before the desk could be rung again.
            try:
                self.backend.agents.pause(self.actor, pause_after)
                paused = True
            except SeatdeskError:
                paused = False  # rung meanwhile: the pause waits for the end of that call
        if warning:
            self.post_message(ServiceFailed(warning))
        self.post_message(CallClosed(call.id, paused=paused))
        self._post_status()

    def on_call_closed(self, message: CallClosed) -> None:
        if self.call is not None and self.call.id == message.call_id:
            self._finish_call_ui()
        if message.paused:
            self.status.state, self.status.reason = "paused", self.pause_after or ""
            self.pause_after = None
        else:
            self.status.state = "available"
        if message.offline:
            self.notify(_("saved to the local journal; it will be written when the "
                          "database is back"), severity="warning")
        else:
            self.notify(_("call record saved"))
        self._render_status()
        self.refresh_queue()
        if not message.paused:
            self._ring_when_free()

    # ---- finishing a record the wrap-up limit closed incomplete (Ctrl+O) ----------------

    def action_finish_record(self) -> None:
        """Ctrl+O: load the oldest incomplete record into the form (only with no live call)."""
        if self.call is not None:
            self.notify(_("an incomplete record can be finished after this call"),
                        severity="warning")
            return
        if self.finishing is not None:
            self.notify(_("the record of call #{id} is open: complete it and save it "
                          "(Ctrl+S)").format(id=self.finishing.id))
            return
        self._open_incomplete()

    # Not the "call" group: an F2 pressed at the same moment must not be cancelled by it.
    @work(thread=True, exclusive=True, exit_on_error=False, group="finish")
    def _open_incomplete(self) -> None:
        try:
            waiting = self.backend.calls.incomplete_records(self.actor)
            if not waiting:
                self.post_message(RecordFinished(0, 0))  # the count was behind: now none
                self.post_message(ServiceFailed(_("no incomplete records to finish")))
                return
            call = waiting[0]  # the oldest first, as the agent was told of them
            card = None
            if call.customer_id is not None:
                card = self.backend.customers.card(self.actor, call.customer_id)
        except Exception as exc:  # noqa: BLE001 - boundary (worker top)
            self._fail(exc)
            return
        draft = (self.journal.latest_draft(call.id) if self.journal else None) or call.draft
        self.post_message(RecordToFinish(call, card, dict(draft or {})))
        self.post_message(RecordFinished(0, len(waiting)))  # the count, as it is now

    def on_record_to_finish(self, message: RecordToFinish) -> None:
        if self.call is not None or self.finishing is not None:
            return  # a call was taken meanwhile: the record waits for the next Ctrl+O
        call = message.call
        self.finishing = call
        self.card = message.card
        self.form.set_direction(call.direction)
        self.form.load(message.draft)
        self._show_card(message.card)
        if message.card is None:
            self.card_view.show_message(_("Caller {number} is not a known customer.").format(
                number=call.caller_number or _("(number withheld)")))
        self.query_one("#record-pane").border_title = _(
            "Call record #{id}: incomplete, to finish").format(id=call.id)
        self.notify(_("call #{id}: complete the missing fields and save the record").format(
            id=call.id))
        self.form.focus_start()
        self._render_status()

    def _set_aside_record(self) -> None:
        """The open incomplete record gives way (a call came): what is typed is its draft."""
        record = self.finishing
        if record is None:
            return
        if self._autosave_timer is not None:
            self._autosave_timer.stop()
        self._save_draft(record.id, self.form.values())
        self.finishing = None
        self.query_one("#record-pane").border_title = _("Call record")

    @work(thread=True, exclusive=True, exit_on_error=False, group="save")
    def _save_finished_record(self, call: CallView, record: WrapUp) -> None:
        """(worker) The record through the journal and the service; the seat is left as it
        is (the service finishes a closed call without touching its seat)."""
        journal = self.journal
        assert journal is not None
        entry = journal.append(WRAP_UP, call.id, self.actor.login, self.now(),
                               wrap_up_to_json(record), callback_id=call.callback_id)
        try:
            warning = apply_entry(self.backend, self.actor, entry)
        except Exception as exc:  # noqa: BLE001 - boundary (worker top)
            if is_outage(exc):  # it waits in the journal, written when the database is back
                self.post_message(JournalState(journal.waiting(), True))
                self.post_message(RecordFinished(call.id, max(self.incomplete_records - 1, 0)))
                return
            journal.discard(entry)
            self._fail(exc)
            return
        journal.acknowledge(entry)
        if warning:
            self.post_message(ServiceFailed(warning))
        try:
            left = len(self.backend.calls.incomplete_records(self.actor))
        except SeatdeskError:
            left = max(self.incomplete_records - 1, 0)
        self.post_message(RecordFinished(call.id, left))

    def on_record_finished(self, message: RecordFinished) -> None:
        self.incomplete_records = message.left
        if message.call_id and self.finishing is not None \
                and self.finishing.id == message.call_id:
            self.finishing = None
            self.query_one("#record-pane").border_title = _("Call record")
            self.card = None
            self.form.load({})
            self.form.set_direction("inbound")
            self._show_idle()
            self.notify(_("the record of call #{id} is complete").format(id=message.call_id))
        self._render_status()

    def on_service_failed(self, message: ServiceFailed) -> None:
        message.stop()  # the desk shows its own: on the form's field, or a toast
        self._end_take(drawn=False)
        if message.field and (self.call or self.finishing) is not None and message.field in (
                "category", "disposition", "outbound_outcome", "question", "notes",
                "resolved", "handed_to", "satisfaction", "follow_up"):
            self.form.show_error(message.field, message.text)
        else:
            self.notify(message.text, severity="error", timeout=6)

    # ---- the offline journal ---------------------------------------------------------------

    def on_journal_state(self, message: JournalState) -> None:
        self._offline = message.offline or message.waiting > 0
        banner = self.query_one("#offline", Static)
        if self._offline:
            n = message.waiting
            text = ngettext("offline, {n} record waiting", "offline, {n} records waiting",
                            n).format(n=n) if message.offline else ngettext(
                "{n} record waiting to be written", "{n} records waiting to be written",
                n).format(n=n)
            banner.update(text)
        banner.set_class(self._offline, "-shown")
        for note in message.notes:
            self.notify(_("a saved record was refused: {reason}").format(reason=note),
                        severity="error", timeout=10)

    def _retry_journal(self) -> None:
        if self.journal is not None and (len(self.journal) or self._offline):
            self._drain()

    @work(thread=True, exclusive=True, exit_on_error=False, group="journal")
    def _drain(self) -> None:
        journal = self.journal
        assert journal is not None
        report = drain(journal, self.backend, self.backend.users.actor)
        offline = report.offline
        if not offline and not report.left:
            try:  # the journal is empty: is the database itself answering again?
                self.backend.agents.status(self.actor)
            except Exception as exc:  # noqa: BLE001 - boundary (worker top)
                offline = is_outage(exc)
        self.post_message(JournalState(report.left, offline, report.messages))
        if report.applied:
            self._post_status()

    # ---- call actions -----------------------------------------------------------------------

    def action_take_next(self) -> None:
        if self.call is not None and self.call.state != "offered":
            self.notify(_("finish the current call first"), severity="warning")
            return
        self._begin_take()
        self._take(None)

    @on(DataTable.RowSelected, "#queue")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if self.call is not None:
            self.notify(_("finish the current call first"), severity="warning")
            return
        if event.row_key.value:
            self._begin_take()
            self._take(int(event.row_key.value))

    @work(thread=True, exclusive=True, exit_on_error=False, group="call")
    def _take(self, call_id: int | None) -> None:
        try:
            # Answers the call ringing here, or claims; card and script come in the same
            # transaction (one round trip for the whole pop).
            self.phone.answer(self.call)  # phone (issue 20): the SIP 200 OK first
            popped = self.backend.calls.take(self.actor, call_id, lang=self._lang())
            if popped is None:
                self.post_message(ServiceFailed(_("nobody is waiting")))
                return
            self._post_popped(popped)
        except Exception as exc:  # noqa: BLE001 - boundary (worker top)
            self._fail(exc)

    def action_hold(self) -> None:
        call = self.call
        if call is None or call.state not in ("active", "held"):
            self.notify(_("no call to hold"), severity="warning")
            return
        calls = self.backend.calls
        if call.state == "held":
            self._call_step(call, "resume", calls.resume)
        else:
            self._call_step(call, "hold", calls.hold)

    def action_end_call(self) -> None:
        call = self.call
        if call is None or call.state not in ("active", "held"):
            self.notify(_("no call to end"), severity="warning")
            return
        self._call_step(call, "end", self.backend.calls.end)

    def _call_step(self, call: CallView, name: str,
                   step: Callable[[Actor, int], CallView]) -> None:
        """Run one call-state step (hold, resume, end) off the UI thread, with what it needs.

        ``name`` says which step it is to whoever else must follow it (the phone, issue 20).
        """
        self._run_call_step(call, name, step, self.card, self.script_pane.script)

    @work(thread=True, exclusive=True, exit_on_error=False, group="call")
    def _run_call_step(self, call: CallView, name: str, step: Callable[[Actor, int], CallView],
                       card: CustomerCard | None, script: ScriptView | None) -> None:
        try:
            self.phone.call_action(name, call)  # phone (issue 20)
            view = step(self.actor, call.id)
        except Exception as exc:  # noqa: BLE001 - boundary (worker top)
            self._fail(exc)
            return
        self.post_message(CallLoaded(view, card, script, keep_form=True))

    def action_transfer(self) -> None:
        if self.call is None or self.call.state not in ("active", "held"):
            self.notify(_("no call to transfer"), severity="warning")
            return
        self._open_transfer()

    @work(thread=True, exclusive=True, exit_on_error=False, group="dialog")
    def _open_transfer(self) -> None:
        call = self.call
        assert call is not None
        try:
            queues = self.backend.users.queues()
        except Exception as exc:  # noqa: BLE001 - boundary (worker top)
            self._fail(exc)
            return
        dialog = TransferDialog(self.backend, self.actor, call.id, queues, self._lang())
        self.app.call_from_thread(self.app.push_screen, dialog, self._transferred)

    def _transferred(self, leg: int | None) -> None:
        if leg is not None and self.call is not None:
            self.phone.transfer(self.call, leg)  # phone (issue 20)
            self.notify(_("transferred; the caller waits as call #{id}").format(id=leg))
            self._reload_call(self.call.id)

    def on_phone_call_changed(self, message: PhoneCallChanged) -> None:  # phone (issue 20)
        self.phone.show(message)

    def action_reveal(self) -> None:
        if self.card is None:
            self.notify(_("no customer card to reveal"), severity="warning")
            return
        self._load_card(self.card.id, True)

    def action_pause(self) -> None:
        """F9: pause or resume; during a call, "not ready after this call" (or cancel it)."""
        if self.call is not None:
            if self.pause_after is not None:
                self.pause_after = None
                self.notify(_("you stay ready after this call"))
                self._render_status()
                self._autosave()
                return
            self.app.push_screen(PauseReasonDialog(_("Not ready after this call: why?")),
                                 self._pause_after_chosen)
            return
        if self.status.state == "paused" and self.status.reason != MISSED_CALL:
            self._resume()
            return
        # After a missed call the seat may come back, or take the break it was about to.
        offer_ready = self.status.state == "paused"
        self.app.push_screen(PauseReasonDialog(offer_ready=offer_ready), self._pause_chosen)

    def _pause_after_chosen(self, reason: str | None) -> None:
        if reason and reason != READY and self.call is not None:
            self.pause_after = reason
            self.notify(_("not ready after this call ({reason})").format(reason=_(reason)))
            self._render_status()
            self._autosave()

    def _pause_chosen(self, reason: str | None) -> None:
        if reason == READY:
            self._resume()
        elif reason:
            self._pause(reason)

    @work(thread=True, exclusive=True, exit_on_error=False, group="presence")
    def _pause(self, reason: str) -> None:
        try:
            self.backend.agents.pause(self.actor, reason)
            self._post_status()
        except Exception as exc:  # noqa: BLE001 - boundary (worker top)
            self._fail(exc)

    @work(thread=True, exclusive=True, exit_on_error=False, group="presence")
    def _resume(self) -> None:
        try:
            self.backend.agents.resume(self.actor)
            self._post_status()
        except Exception as exc:  # noqa: BLE001 - boundary (worker top)
            self._fail(exc)

    # ---- outbound, callbacks, complaints (imported when first opened: start-up time) -----

    def action_outbound(self) -> None:
        if self.call is not None:
            self.notify(_("finish the current call first"), severity="warning")
            return
        from seatdesk.ui.screens.callbacks import CallbacksScreen

        self.app.push_screen(CallbacksScreen(), self._outbound_chosen)

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
        if self.call is not None:
            self.notify(_("finish the current call first"), severity="warning")
            return
        if self.status.state == "paused" and self.status.reason in PAUSE_REASONS:
            # A callback made during a break: the break goes on once its record is saved.
            self.pause_after = self.pause_after or self.status.reason
        self._dial(customer_id, number, purpose, callback_id, complaint_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="call")
    def _dial(self, customer_id: int, number: str | None, purpose: str,
              callback_id: int | None, complaint_id: int | None) -> None:
        try:
            view = self.backend.calls.start_outbound(
                self.actor, customer_id=customer_id, number=number, purpose=purpose,
                callback_id=callback_id, complaint_id=complaint_id)
            self.phone.dial(view)  # phone (issue 20)
            self._load_call(view, pop=False)
        except Exception as exc:  # noqa: BLE001 - boundary (worker top)
            self._fail(exc)

    def action_schedule_callback(self) -> None:
        customer_id = self.card.id if self.card else None
        if customer_id is None:
            self._identify_first()
            return
        from seatdesk.ui.dialogs.callback import ScheduleCallbackDialog

        self.app.push_screen(ScheduleCallbackDialog(customer_id=customer_id,
                                                    call_id=self.call.id if self.call else None),
                             lambda saved: self._registered_for(customer_id, saved))

    def action_complaint(self) -> None:
        customer_id = self.card.id if self.card else None
        if customer_id is None:
            self._identify_first()
            return
        from seatdesk.ui.dialogs.complaint import RegisterComplaintDialog

        self.app.push_screen(RegisterComplaintDialog(call_id=self.call.id if self.call else None,
                                                     customer_id=customer_id),
                             lambda saved: self._registered_for(customer_id, saved))

    def _registered_for(self, customer_id: int, saved: int | None) -> None:
        """A complaint or callback was registered: the card shows it at once."""
        if saved is not None and self.card is not None and self.card.id == customer_id:
            self._load_card(customer_id, False)

    # ---- quitting --------------------------------------------------------------------------

    async def confirm_quit(self) -> bool:
        """Ctrl+Q: refused while a call is live unless the seat confirms; logs the seat out."""
        if self.call is not None:
            self.flush_draft()

            def answered(yes: bool | None) -> None:
                if yes:
                    self._log_out_and_exit()

            self.app.push_screen(ConfirmDialog(
                _("Call #{id} is not finished. Quit anyway? The record is kept and comes back "
                  "when you log in again.").format(id=self.call.id)), answered)
            return False
        self._log_out()
        return True

    def _log_out(self) -> None:
        # A short, bounded wait: logging out must not hang the exit when the database is down.
        done = threading.Thread(target=self._log_out_now, daemon=True)
        done.start()
        done.join(timeout=2.0)

    def _log_out_now(self) -> None:
        try:
            self.backend.agents.log_out(self.actor)
        except Exception:  # noqa: BLE001, S110 - boundary (closing the desk): the floor view shows the seat stale instead
            pass

    def _log_out_and_exit(self) -> None:
        self._log_out()
        self.app.exit()

    @property
    def queue_refresh_ms(self) -> float:
        """How long the last queue refresh took on the UI thread (for the benchmark)."""
        return self._last_queue_ms


__all__ = ["DeskScreen", "CallLoaded", "QueueLoaded"]
