"""Ringing and answering: the ring check after a hint, ring-when-free, F2 and Enter.

While a take or a ring pop is in flight the queue and status refreshes wait (``TakeHold``):
the pop is drawn first, alone, and the refreshes it held back run a few frames later.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from seatdesk.domain.i18n import _
from seatdesk.ui.errors import ServiceFailed, call_service
from seatdesk.ui.screens.desk.pop import CallLoaded, popped
from seatdesk.ui.screens.desk.seat import Part, Seat
from seatdesk.ui.take_hold import Coalescing, TakeHold

if TYPE_CHECKING:
    from seatdesk.runtime.journal import Journal
    from seatdesk.services.dto import CallView
    from seatdesk.ui.phone_bridge import PhoneBridge
    from seatdesk.ui.screens.desk.screen import DeskScreen

# After a pop is shown, the refreshes it held back wait this long (see ``end_take``).
AFTER_POP_SECONDS = 0.05


@dataclass(frozen=True)
class RingCheck:
    """What a ring check found: the call shown stopped ringing here, a pop, or nothing."""

    rang_out: bool = False
    pop: CallLoaded | None = None


def check_ring(seat: Seat, journal: Journal | None, shown: CallView | None) -> RingCheck:
    """(worker) Has the ACD rung this seat? Then read the caller's card (screen pop).

    ``shown``: the call the desk showed when the check was asked for.
    """
    calls, actor = seat.backend.calls, seat.actor
    current = calls.current_call(actor)
    if shown is not None and shown.state == "offered" and (
            current is None or current.id != shown.id):
        return RingCheck(rang_out=True)  # it stopped ringing here: hung up or rang out
    if current is None or current.state != "offered" or shown is not None:
        return RingCheck()
    ringing = calls.ringing(actor, lang=seat.lang)
    if ringing is None:  # answered elsewhere or hung up meanwhile
        return RingCheck()
    return RingCheck(pop=popped(seat, journal, ringing))


def take(seat: Seat, journal: Journal | None, phone: PhoneBridge, shown: CallView | None,
         call_id: int | None) -> CallLoaded | None:
    """(worker) F2/Enter: answer the call ringing here, or claim one (None: nobody waits).

    Card and script come in the same transaction: one round trip for the whole pop.
    """
    phone.answer(shown)  # phone (issue 20): the SIP 200 OK first
    taken = seat.backend.calls.take(seat.actor, call_id, lang=seat.lang)
    return popped(seat, journal, taken) if taken is not None else None


def ring_next(seat: Seat, journal: Journal | None) -> CallLoaded | None:
    """(worker) Ring this free seat with the longest-waiting call it serves (None: none)."""
    rung = seat.backend.calls.ring_next(seat.actor, lang=seat.lang)
    return popped(seat, journal, rung) if rung is not None else None


class Ringing(Part):
    """The take hold and the ring checks (one at a time, re-armed once after)."""

    def __init__(self, desk: DeskScreen) -> None:
        super().__init__(desk)
        self.take = TakeHold()
        self.checks = Coalescing()  # one "is it ringing here?" read at a time

    # ---- the hold ------------------------------------------------------------------------

    def end_take(self, drawn: bool = True) -> None:
        """The pop is shown (``drawn``) or none came: run the refreshes held back."""
        if not self.take.end():
            return
        if not drawn:
            self.after_take()  # nothing to draw: the queue should not wait
            return
        # A few frames later, not at the next refresh: two workers re-querying while the
        # pop is drawn take the GIL from the drawing (measured: 20-30 ms later paints).
        self.desk.set_timer(AFTER_POP_SECONDS, self.after_take)

    def after_take(self) -> None:
        held = self.take.release()
        feed = self.desk.feed
        if feed.dirty and not held.queue:
            feed.show_floor()
        if held.queue:
            feed.refresh_queue()
        if held.status:
            feed.refresh_status()

    # ---- F2 and Enter ----------------------------------------------------------------------

    def take_next(self) -> None:
        call = self.desk.call
        if call is not None and call.state != "offered":
            self.desk.notify(_("finish the current call first"), severity="warning")
            return
        self.take.begin()
        self._take(None)

    def take_row(self, call_id: int) -> None:
        """Enter on a queue row (with no call on the desk): take that caller."""
        self.take.begin()
        self._take(call_id)

    def _take(self, call_id: int | None) -> None:
        desk, seat = self.desk, self.seat
        journal, phone, shown = desk.journal, desk.phone, desk.call
        call_service(desk, lambda: take(seat, journal, phone, shown, call_id), self._taken,
                     group="call")

    def _taken(self, loaded: CallLoaded | None) -> None:
        if loaded is None:
            self.desk.post_message(ServiceFailed(_("nobody is waiting")))
            return
        self.desk.show_call(loaded)

    # ---- ringing ---------------------------------------------------------------------------

    def ring_when_free(self) -> None:
        """A free seat takes the longest-waiting call, ringing (Settings.ring_when_free)."""
        if not self.seat.app.settings.ring_when_free or self.desk.call is not None \
                or self.take.active:
            return
        self.take.begin()
        seat, journal = self.seat, self.desk.journal
        # Not the "call" group: the database decides between it and an F2 at the same
        # moment (F2 answers what rings here, or ring_next finds the seat on a call).
        call_service(self.desk, lambda: ring_next(seat, journal), self._rung, group="ring",
                     on_failed=self._ring_failed)

    def _rung(self, loaded: CallLoaded | None) -> None:
        if loaded is None:
            self.end_take(False)  # nobody waiting here
            return
        self.desk.show_call(loaded)

    def _ring_failed(self, failed: ServiceFailed) -> None:
        # F2 still works; the next status read tries again.
        self.end_take(False)
        self.desk.offline.failed_quietly(failed)

    def check_ringing(self) -> None:
        if self.checks.request():
            self._check(self.desk.call)

    def _check(self, shown: CallView | None) -> None:
        seat, journal = self.seat, self.desk.journal
        call_service(self.desk, lambda: check_ring(seat, journal, shown), self._checked,
                     group="ring", on_failed=self._check_failed)

    def _checked(self, found: RingCheck) -> None:
        if found.rang_out:
            self.desk.show_call(CallLoaded(None))
            # Paused after a missed call, or free: the status line says which.
            self.take.hold(status=True)
            self.end_take(False)
        elif found.pop is not None:
            self.desk.show_call(found.pop)  # the pop ends the hold
        else:
            self.end_take(False)  # no pop: refresh now
        self._check_finished()

    def _check_failed(self, failed: ServiceFailed) -> None:
        self.end_take(False)  # no pop: refresh now; the next change checks again
        self.desk.offline.failed_quietly(failed)
        self._check_finished()

    def _check_finished(self) -> None:
        """A check finished: run one more if a hint came meanwhile (the first may have read
        the seat before that ring was committed)."""
        if self.checks.finished():
            self.take.begin()
            self._check(self.desk.call)
