"""The call record: the wrap-up form's draft autosaved (journal first, then the database),
Ctrl+S saving it, and the queue's after-call-work limit ending the wrap-up.

``DraftAutosave`` is the debounce's state (tested alone); ``write_through`` is how every
journaled write ends: acknowledged once written, kept on an outage, dropped when refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from seatdesk.domain.call_record import PAUSE_AFTER_KEY, validate_wrap_up
from seatdesk.domain.enums import Direction
from seatdesk.domain.errors import DatabaseUnavailable, InvalidInput, SeatdeskError
from seatdesk.domain.i18n import _
from seatdesk.runtime.journal import DRAFT, WRAP_UP, apply_entry, wrap_up_to_json
from seatdesk.ui.errors import ServiceFailed, Show, call_service, call_service_steps
from seatdesk.ui.screens.desk.presence import read_status
from seatdesk.ui.screens.desk.seat import Part, Seat
from seatdesk.ui.widgets.status_bar import acw_left

if TYPE_CHECKING:
    from datetime import datetime

    from textual.timer import Timer

    from seatdesk.runtime.journal import Journal, JournalEntry
    from seatdesk.services.dto import CallView, WrapUp
    from seatdesk.ui.screens.desk.screen import DeskScreen
    from seatdesk.ui.widgets.status_bar import SeatStatus

AUTOSAVE_SECONDS = 0.5
Result = TypeVar("Result")


@dataclass(frozen=True)
class Written(Generic[Result]):
    """A journaled write reached the database (with what the write returned)."""

    value: Result


def write_through(journal: Journal, entry: JournalEntry,
                  write: Callable[[], Result]) -> Written[Result] | None:
    """(worker) Write ``entry`` through ``write``; None: the database is down and the entry
    waits in the journal (the drain writes it). Refused, or broken, it is dropped from the
    journal and the error goes on (the agent is told and may correct it)."""
    written = outage = False
    try:
        value = write()
        written = True
    except DatabaseUnavailable:
        outage = True
        return None
    finally:
        if written:
            journal.acknowledge(entry)
        elif not outage:
            journal.discard(entry)
    return Written(value)


@dataclass(frozen=True)
class DraftKept:
    """(from a worker) A draft was journaled; ``written``: it reached the database too."""

    written: bool
    waiting: int  # records the journal still holds


def keep_draft(seat: Seat, journal: Journal, call_id: int, values: dict[str, Any],
               at: datetime) -> DraftKept:
    """(worker) Keep a draft: the journal first (fsynced: a crash after this loses nothing
    typed), then the database."""
    backend, actor = seat.backend, seat.actor
    entry = journal.append(DRAFT, call_id, actor.login, at, values)
    written = write_through(journal, entry,
                            lambda: backend.calls.save_draft(actor, call_id, values))
    return DraftKept(written is not None, journal.waiting())


class DraftAutosave:
    """The autosave's debounce: one pending save, restarted by every edit, stopped by a
    save or a timer's end (a Textual timer is what ``start`` returns)."""

    def __init__(self, start: Callable[[float, Callable[[], None]], Timer],
                 delay: float = AUTOSAVE_SECONDS) -> None:
        self._start = start
        self.delay = delay
        self.pending: Timer | None = None

    def later(self, save: Callable[[], None]) -> None:
        """Save after ``delay`` with no further edit."""
        self.stop()
        self.pending = self._start(self.delay, save)

    def stop(self) -> None:
        if self.pending is not None:
            self.pending.stop()


def with_pause_after(values: dict[str, Any], pause_after: str | None) -> dict[str, Any]:
    """The form as typed, with "not ready after this call" (the worker honours it)."""
    if pause_after:
        values[PAUSE_AFTER_KEY] = pause_after
    return values


class CallRecord(Part):
    """The record of the seat's call: autosave, Ctrl+S, and the wrap-up limit."""

    def __init__(self, desk: DeskScreen) -> None:
        super().__init__(desk)
        self.autosaver = DraftAutosave(lambda delay, save: desk.set_timer(delay, save))
        self._acw_ending: int | None = None  # the call whose wrap-up is being ended

    # ---- the draft ---------------------------------------------------------------------

    def edited(self) -> None:
        desk = self.desk
        if desk.call is None:
            if desk.finish.finishing is not None:
                self.autosaver.later(self.autosave)
            return
        desk.cards.follow()
        self.autosaver.later(self.autosave)

    def draft_values(self) -> dict[str, Any]:
        return with_pause_after(self.desk.form.values(), self.desk.presence.pause_after)

    def autosave(self) -> None:
        desk = self.desk
        if desk.call is None:
            finishing = desk.finish.finishing
            if finishing is not None:  # an incomplete record: its own draft, no pause
                self.save_draft(finishing.id, desk.form.values())
            return
        self.save_draft(desk.call.id, self.draft_values())

    def flush(self) -> None:
        """Save the draft now (before quitting or in tests), skipping the debounce."""
        self.autosaver.stop()
        self.autosave()

    def save_draft(self, call_id: int, values: dict[str, Any]) -> None:
        seat, journal, at = self.seat, self.desk.journal, self.now()
        assert journal is not None
        call_service(self.desk, lambda: keep_draft(seat, journal, call_id, values, at),
                     self._draft_kept, group="draft")

    def _draft_kept(self, kept: DraftKept) -> None:
        offline = self.desk.offline
        if not kept.written:
            offline.show(kept.waiting, True)  # it waits in the journal
        elif offline.offline:
            offline.show(kept.waiting, False)  # the database is back

    # ---- Ctrl+S --------------------------------------------------------------------------

    def save(self) -> None:
        desk = self.desk
        call = desk.call or desk.finish.finishing
        if call is None:
            desk.notify(_("there is no call record to save"), severity="warning")
            return
        try:
            record = desk.form.record(self.now(), self.seat.tz)
            validate_wrap_up(record, Direction(call.direction))
            if record.outbound_outcome == "call_back_later" and record.follow_up_at is None:
                raise InvalidInput(_("say when to call back (follow-up)"), "follow_up")
        except InvalidInput as exc:
            desk.form.show_error(exc.field, _(str(exc)))
            return
        self.autosaver.stop()
        if desk.call is None:
            desk.finish.save(call, record)
            return
        self._save(call, record, desk.presence.pause_after)

    def _save(self, call: CallView, record: WrapUp, pause_after: str | None) -> None:
        seat, journal, at = self.seat, self.desk.journal, self.now()
        assert journal is not None
        offline, desk = self.desk.offline, self.desk

        def save(show: Show) -> SeatStatus | None:
            backend, actor = seat.backend, seat.actor
            entry = journal.append(WRAP_UP, call.id, actor.login, at, wrap_up_to_json(record),
                                   callback_id=call.callback_id)
            written = write_through(journal, entry, lambda: apply_entry(backend, actor, entry))
            if written is None:  # the record waits in the journal; the seat carries on
                show(partial(offline.show, journal.waiting(), True))
                show(partial(self.closed, call.id, offline=True))
                return None
            paused = False
            if pause_after is not None:
                # Right after the save, before the desk could be rung again.
                try:
                    backend.agents.pause(actor, pause_after)
                    paused = True
                except SeatdeskError:
                    paused = False  # rung meanwhile: the pause waits for that call's end
            if written.value:  # saved, but its callback could not be updated
                show(partial(desk.post_message, ServiceFailed(written.value)))
            show(partial(self.closed, call.id, paused=paused))
            return read_status(seat)

        call_service_steps(desk, save, self._status_after, group="save")

    def _status_after(self, status: SeatStatus | None) -> None:
        if status is not None:
            self.desk.presence.loaded(status)

    def closed(self, call_id: int, *, offline: bool = False, paused: bool = False) -> None:
        """The record reached the database (``offline``: it waits in the journal instead;
        ``paused``: "not ready after this call" was applied)."""
        desk, presence = self.desk, self.desk.presence
        if desk.call is not None and desk.call.id == call_id:
            desk.pop.clear()
        if paused:
            presence.status.state, presence.status.reason = "paused", presence.pause_after or ""
            presence.pause_after = None
        else:
            presence.status.state = "available"
        if offline:
            desk.notify(_("saved to the local journal; it will be written when the "
                          "database is back"), severity="warning")
        else:
            desk.notify(_("call record saved"))
        presence.render()
        desk.feed.refresh_queue()
        if not paused:
            desk.ring.ring_when_free()

    # ---- the after-call-work limit ------------------------------------------------------

    def end_wrap_up_at_limit(self) -> None:
        """The queue's after-call-work limit has passed: end the wrap-up (auto-ready)."""
        desk = self.desk
        call = desk.call
        if call is None or self._acw_ending == call.id or acw_left(
                call, desk.presence.acw_limit(), self.now(),
                desk.presence.wrap_up_since()) != 0:
            return
        self._acw_ending = call.id
        self.autosaver.stop()
        self._end_wrap_up(call.id, self.draft_values())

    def _end_wrap_up(self, call_id: int, values: dict[str, Any]) -> None:
        """What is typed is kept first, then the service ends the wrap-up."""
        seat, journal, at = self.seat, self.desk.journal, self.now()
        assert journal is not None
        offline = self.desk.offline

        def end(show: Show) -> SeatStatus | None:
            kept = keep_draft(seat, journal, call_id, values, at)
            if not kept.written:
                show(partial(offline.show, kept.waiting, True))
                return None
            try:
                ended = [e for e in seat.backend.calls.end_overdue_wrap_ups(seat.actor)
                         if e.call_id == call_id]
            except DatabaseUnavailable:  # tried again at the next tick
                show(partial(offline.show, journal.waiting(), True))
                return None
            if ended:
                e = ended[0]
                show(partial(self.wrap_up_ended, call_id, e.complete, e.missing,
                             e.paused_reason))
            return read_status(seat)

        # Its own group: a "save" would compete with a Ctrl+S pressed in the same second
        # (the service decides between the two; the one that comes second finds it closed).
        call_service_steps(self.desk, end, self._status_after, group="acw")

    def wrap_up_ended(self, call_id: int, complete: bool, missing: str,
                      paused_reason: str) -> None:
        """The limit ended the seat's wrap-up (services.acw): ready, or paused as chosen."""
        desk, presence = self.desk, self.desk.presence
        if desk.call is not None and desk.call.id == call_id:
            desk.pop.clear()
        presence.pause_after = None
        presence.set_ready(paused_reason)
        if complete:
            desk.notify(_("wrap-up time is up: the record was saved"))
        else:
            desk.finish.incomplete += 1
            desk.notify(_("wrap-up time is up: the record of call #{id} is incomplete "
                          "({missing}); what you typed is kept as its draft").format(
                              id=call_id, missing=missing),
                        severity="warning", timeout=30)
        presence.render()
        desk.feed.refresh_queue()
        if not paused_reason:
            desk.ring.ring_when_free()
