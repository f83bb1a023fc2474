"""The seat's presence: its state on the status line (with the after-call-work countdown),
the keys that do something now, and F9 (pause, resume, "not ready after this call")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from seatdesk.domain.enums import MISSED_CALL
from seatdesk.domain.i18n import _
from seatdesk.ui.dialogs.desk import READY, PauseReasonDialog
from seatdesk.ui.errors import call_service
from seatdesk.ui.screens.desk.seat import LIVE_STATES, Part, Seat
from seatdesk.ui.widgets.key_bar import KeyBar
from seatdesk.ui.widgets.status_bar import SeatStatus, StatusBar

if TYPE_CHECKING:
    from datetime import datetime

    from seatdesk.ui.screens.desk.screen import DeskScreen


def read_status(seat: Seat) -> SeatStatus:
    """(worker) The seat's state, today's count and handle time, and callback alerts: one
    statement (``seat_line``), since every seat re-reads it often."""
    from seatdesk.services.seat_figures import seat_line

    backend = seat.backend
    line = seat_line(backend.db, seat.actor, seat.today_start(), backend.callbacks.clock())
    return SeatStatus(
        state=line.state or "logged_out", reason=line.reason, since=line.since,
        handled_today=line.figures.handled,
        average_handle_seconds=line.figures.average_handle_seconds,
        callbacks_due=line.callbacks_due, callbacks_overdue=line.callbacks_overdue)


def offered_actions(state: str | None, *, identified: bool, incomplete: int,
                    finishing: bool) -> tuple[str, ...]:
    """The desk keys that do something with the seat's call in ``state`` (None: no call)."""
    if state is None:
        keys = ["take_next", "outbound", "pause"]
        if identified:
            keys += ["schedule_callback", "complaint"]
        if incomplete and not finishing:
            keys.append("finish_record")
        if finishing:
            keys.append("save_record")
    elif state == "offered":
        keys = ["take_next", "pause"]
    elif state == "wrap_up":
        keys = ["schedule_callback", "complaint", "pause", "save_record"]
    else:
        keys = ["hold", "transfer", "end_call", "schedule_callback", "complaint", "pause",
                "save_record"]
    return (*keys, "help")


class Presence(Part):
    """The seat's state as last read, the status line and key bar, and F9."""

    def __init__(self, desk: DeskScreen) -> None:
        super().__init__(desk)
        self.status = SeatStatus()
        # "Not ready after this call": the pause reason applied once the record is saved.
        self.pause_after: str | None = None
        # After-call-work limit per queue id (0: none), read at start-up with the names.
        self.acw_limits: dict[int, int] = {}
        self._keys_shown: tuple[str, ...] = ()
        self._keys_ready = False

    # ---- the status line and the keys ----------------------------------------------------

    def show_keys_first(self) -> None:
        """After the first paint: the key bar follows the panes."""
        self._keys_ready = True
        if self.desk.is_attached:
            self.render()

    def render(self) -> None:
        desk = self.desk
        call = desk.call if desk.call and desk.call.state in LIVE_STATES else None
        actor = desk.actor
        desk.query_one("#status", StatusBar).render_status(
            self.status, call, self.now(), pause_after=self.pause_after,
            agent=f"{actor.name} {actor.agent_no}" if actor else "",
            acw_limit=self.acw_limit(), incomplete=desk.finish.incomplete,
            acw_since=self.wrap_up_since())
        if not self._keys_ready:
            return  # the key bar follows the first paint (start-up: the panes come first)
        offered = self.offered_actions()
        if offered != self._keys_shown:
            self._keys_shown = offered
            desk.query_one("#keys", KeyBar).show_keys(offered)

    def offered_actions(self) -> tuple[str, ...]:
        desk = self.desk
        call = desk.call
        return offered_actions(call.state if call else None,
                               identified=desk.card is not None or call is not None,
                               incomplete=desk.finish.incomplete,
                               finishing=desk.finish.finishing is not None)

    def acw_limit(self) -> int:
        call = self.desk.call
        if call is None or call.queue_id is None:
            return 0
        return self.acw_limits.get(call.queue_id, 0)

    def wrap_up_since(self) -> datetime | None:
        """When the seat entered wrap-up, as last read (None: not read in that state)."""
        return self.status.since if self.status.state == "wrap_up" else None

    # ---- reading the seat's state --------------------------------------------------------

    def refresh(self) -> None:
        seat = self.seat
        call_service(self.desk, lambda: read_status(seat), self.loaded, group="status",
                     latest_only=True, on_failed=self.desk.offline.failed_quietly)

    def loaded(self, status: SeatStatus) -> None:
        desk = self.desk
        self.status = status
        self.render()
        if desk.call is None:
            desk.cards.show_idle()
        if desk.call is None and status.state == "ringing" and not desk.ring.take.active:
            desk.ring.check_ringing()  # rung while the desk was busy: pop it now
        elif status.state == "available":
            desk.ring.ring_when_free()
        desk._build_form()  # the start-up data is on screen (or about to be): the form now

    def set_ready(self, paused_reason: str = "") -> None:
        """The service made the seat ready (or paused with ``paused_reason``)."""
        if paused_reason:
            self.status.state, self.status.reason = "paused", paused_reason
        else:
            self.status.state, self.status.reason = "available", ""

    # ---- F9 ------------------------------------------------------------------------------

    def pause_key(self) -> None:
        """F9: pause or resume; during a call, "not ready after this call" (or cancel it)."""
        desk = self.desk
        if desk.call is not None:
            if self.pause_after is not None:
                self.pause_after = None
                desk.notify(_("you stay ready after this call"))
                self.render()
                desk.record.autosave()
                return
            desk.app.push_screen(PauseReasonDialog(_("Not ready after this call: why?")),
                                 self._pause_after_chosen)
            return
        if self.status.state == "paused" and self.status.reason != MISSED_CALL:
            self.resume()
            return
        # After a missed call the seat may come back, or take the break it was about to.
        offer_ready = self.status.state == "paused"
        desk.app.push_screen(PauseReasonDialog(offer_ready=offer_ready), self._pause_chosen)

    def _pause_after_chosen(self, reason: str | None) -> None:
        if reason and reason != READY and self.desk.call is not None:
            self.pause_after = reason
            self.desk.notify(_("not ready after this call ({reason})").format(
                reason=_(reason)))
            self.render()
            self.desk.record.autosave()

    def _pause_chosen(self, reason: str | None) -> None:
        if reason == READY:
            self.resume()
        elif reason:
            self.pause(reason)

    def pause(self, reason: str) -> None:
        seat = self.seat

        def pause() -> SeatStatus:
            seat.backend.agents.pause(seat.actor, reason)
            return read_status(seat)

        call_service(self.desk, pause, self.loaded, group="presence")

    def resume(self) -> None:
        seat = self.seat

        def resume() -> SeatStatus:
            seat.backend.agents.resume(seat.actor)
            return read_status(seat)

        call_service(self.desk, resume, self.loaded, group="presence")

