"""The desk's start-up: once painted, write what the journal holds, read the queue, resume
an unfinished call or log the seat in available, and keep the seat's heartbeat."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from seatdesk.runtime.journal import drain
from seatdesk.ui.errors import Show, call_service_steps
from seatdesk.ui.queue_view import seat_floor
from seatdesk.ui.screens.desk.pop import deliver
from seatdesk.ui.screens.desk.presence import read_status
from seatdesk.ui.screens.desk.seat import Part

if TYPE_CHECKING:
    from seatdesk.runtime.heartbeat import Heartbeat
    from seatdesk.services.dto import WaitingCall
    from seatdesk.ui.queue_view import SeatFloor
    from seatdesk.ui.screens.desk.screen import DeskScreen
    from seatdesk.ui.widgets.status_bar import SeatStatus


class StartUp(Part):
    """Fills the painted desk; the heartbeat it starts lives as long as the desk."""

    def __init__(self, desk: DeskScreen) -> None:
        super().__init__(desk)
        self.heartbeat: Heartbeat | None = None

    def run(self) -> None:
        """The worker waits for the database and the sign-in (both may still be opening in
        the background) and then fills the desk, step by step."""
        desk, seat, journal = self.desk, self.seat, self.desk.journal
        assert journal is not None
        zh = seat.lang == "zh"

        def start(show: Show) -> None:
            from seatdesk.runtime.heartbeat import Heartbeat

            actor = seat.actor  # first: the sign-in opens the backend after the first paint
            backend = seat.backend
            # [integrity] the seat's heartbeat: a desk killed stops it, and the daemon
            # repairs the seat's calls (seatdesk.runtime.heartbeat).
            show(partial(self._beating, Heartbeat(backend, actor).start()))
            report = drain(journal, backend, backend.users.actor)
            show(partial(desk.offline.show, report.left, report.offline, report.messages))
            queues = backend.users.queues()
            names = {q.code: (q.name_zh if zh and q.name_zh else q.name) for q in queues}
            limits = {q.id: q.acw_seconds for q in queues}
            floor = seat_floor(backend.calls, actor)
            calls = floor.read(lambda: backend.calls.waiting(actor))
            show(partial(self._queue_read, names, limits, floor, calls))
            current = backend.calls.current_call(actor)
            # Records the wrap-up limit closed incomplete (earlier, or by the worker).
            incomplete = len(backend.calls.incomplete_records(actor))
            if current is None:
                backend.agents.log_in(actor)
            show(partial(self._seat_read, incomplete, read_status(seat)))
            if current is not None:
                deliver(seat, journal, current, show, desk.show_call)

        call_service_steps(desk, start, lambda _none: None, group="start")

    def stop(self) -> None:
        """The desk is closed on purpose: stop beating."""
        if self.heartbeat is not None:
            self.heartbeat.stop()

    def _beating(self, beat: Heartbeat) -> None:
        self.heartbeat = beat

    def _queue_read(self, names: dict[str, str], limits: dict[int, int], floor: SeatFloor,
                    calls: list[WaitingCall]) -> None:
        self.desk.presence.acw_limits = limits
        self.desk.feed.started(names, floor, calls)

    def _seat_read(self, incomplete: int, status: SeatStatus) -> None:
        self.desk.finish.incomplete = incomplete
        self.desk.presence.loaded(status)
