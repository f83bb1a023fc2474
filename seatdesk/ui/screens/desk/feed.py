"""The floor feed on the desk: change topics and batches -> a plan -> queue deltas painted,
the queue re-read, the status line re-read, or a ring check.

``FeedPlanner`` is the bookkeeping (no Textual, no database: tested alone); ``FloorFeed``
owns the queue pane and carries the plan out, holding it back while a take is in flight.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.widget import MountError

from seatdesk.ui.queue_view import Plan, SeatFloor
from seatdesk.ui.screens.desk.seat import Part, Seat
from seatdesk.ui.widgets.queue_table import QueueTable

if TYPE_CHECKING:
    from seatdesk.services.dto import WaitingCall
    from seatdesk.ui.screens.desk.screen import DeskScreen

# Re-reading the seat's status on every change would be a query per commit on the floor.
STATUS_EVERY = 2.0
# With change batches a seat knows when its status changed; this catches the rest.
STATUS_SAFETY = 60.0
# Change-feed topics after which an idle, available seat checks whether it is ringing
# ("*": SQLite tells only that something changed; "poll": the slow safety poll).
RING_TOPICS = frozenset({"ring", "*", "poll"})


class FeedPlanner:
    """What the seat re-reads after a change: the floor view's deltas, or all (no view yet).

    ``floor`` is the seat's queue view (issue 19), set once the seat is known; until then,
    and on SQLite, every change re-reads the queue.
    """

    def __init__(self) -> None:
        self.floor: SeatFloor | None = None
        self.batched = False  # the feed sends change batches (PostgreSQL)
        self.status_at = 0.0  # when the status line was last asked for (clock seconds)
        self.dirty = False  # deltas applied while a take held the repaint back

    def plan(self, topics: frozenset[str], now: float, batches: Sequence[Any] = (),
             lost: bool = False) -> Plan:
        """The plan for ``topics`` and the ``batches`` taken with them (``lost``: some were
        dropped before the desk took them)."""
        if self.floor is None:
            return Plan(queue_full=True, status=self.status_due(topics, now),
                        ring_check=bool(topics & RING_TOPICS))
        self.batched |= bool(batches)
        plan = self.floor.take(batches, topics | {"*"} if lost else topics)
        if "*" in topics and not batches:
            # SQLite says only "something changed": the status line as before, throttled.
            plan.status = self.status_due(topics, now)
        elif not plan.status:
            plan.status = self.status_due(frozenset(), now)  # today's figures, callbacks due
        return plan

    def status_due(self, topics: frozenset[str], now: float) -> bool:
        """The status line is re-read at most every STATUS_EVERY seconds, or on floor news
        (with change batches: when the change concerns this seat, and every STATUS_SAFETY
        seconds for what no change announces, such as a callback falling due)."""
        every = STATUS_SAFETY if self.batched else STATUS_EVERY
        return now - self.status_at >= every or "floor" in topics


def read_queue(seat: Seat, floor: SeatFloor | None) -> list[WaitingCall]:
    """(worker) The queue in full, reconciled with the deltas that arrived meanwhile."""
    def fetch() -> list[WaitingCall]:
        return seat.backend.calls.waiting(seat.actor)

    return fetch() if floor is None else floor.read(fetch)


class FloorFeed(Part):
    """The queue pane and what the change feed asks of the desk."""

    def __init__(self, desk: DeskScreen) -> None:
        super().__init__(desk)
        self.planner = FeedPlanner()
        # Queue names in the seat's language (code -> name), read once at start-up.
        self.queue_names: dict[str, str] = {}
        self.table: QueueTable | None = None  # mounted after the first paint
        self._pending: list[WaitingCall] | None = None  # rows that came before the table
        self.last_queue_ms = 0.0

    @property
    def dirty(self) -> bool:
        return self.planner.dirty

    # ---- the queue pane ------------------------------------------------------------------

    async def mount_queue(self) -> None:
        """Mount the table right after the first paint: it has no rows before the database
        answers, and mounting it costs the first frame a sixth of its time."""
        desk = self.desk
        if not desk.still_shown():
            return
        table = QueueTable(self._fetch(), on_failed=desk.offline.failed_quietly, id="queue")
        try:
            await desk.query_one("#queue-pane").mount(table)
        except MountError:
            return  # closing meanwhile
        await desk.query_one("#queue-placeholder").remove()
        self.table = table  # mounted, columns added: rows may go in
        if desk.focused is None:
            table.focus()  # as when it was the first focusable widget: Enter takes a row
        if self._pending is not None:
            calls, self._pending = self._pending, None
            table.queue_names = self.queue_names
            table.apply(calls, self.now())

    def _fetch(self) -> Callable[[], list[WaitingCall]]:
        """How the table's refresh worker reads the queue: through the floor view, once
        the seat is known (the worker is given it; it reads nothing of the desk)."""
        return partial(read_queue, self.seat, self.planner.floor)

    def started(self, queue_names: dict[str, str], floor: SeatFloor,
                calls: list[WaitingCall]) -> None:
        """The start-up read: the names, the seat's floor view and its first rows."""
        self.queue_names = queue_names
        self.planner.floor = floor
        if self.table is not None:
            self.table.read_with(self._fetch())
        self.show_queue(calls, refresh=False)

    def show_queue(self, calls: list[WaitingCall], *, refresh: bool) -> None:
        """Rows read from the database (``refresh``: the answer of a table's refresh)."""
        started = time.perf_counter()
        table, floor = self.table, self.planner.floor
        # The floor view is never behind the read it was reset from (deltas may be ahead).
        shown = floor.calls() if floor is not None else calls
        if table is None:
            self._pending = shown  # shown once the table is mounted
        else:
            table.queue_names = self.queue_names
            table.apply(shown, self.now())
        self.last_queue_ms = (time.perf_counter() - started) * 1000
        if refresh and table is not None:
            table.refresh_finished()  # asked for again while this one ran: once more

    def show_floor(self) -> None:
        """Repaint the queue from the floor view (deltas applied, nothing re-read)."""
        self.planner.dirty = False
        table, floor = self.table, self.planner.floor
        if table is None or floor is None:
            return
        table.queue_names = self.queue_names
        table.apply(floor.calls(), self.now())

    def tick(self) -> None:
        if self.table is not None:
            self.table.tick(self.now())

    # ---- changes from other seats --------------------------------------------------------

    def plan(self, topics: frozenset[str]) -> Plan:
        planner = self.planner
        now = self.now().timestamp()
        if planner.floor is None:
            return planner.plan(topics, now)
        batches, lost = self.seat.app.take_batches()
        return planner.plan(topics, now, batches, lost)

    def changed(self, topics: frozenset[str]) -> None:
        desk = self.desk
        if desk.actor is None:
            return  # the start-up worker loads everything once signed in
        plan = self.plan(topics)
        take = desk.ring.take
        if take.active:
            # Refreshed once the pop is shown; deltas are already in the view.
            take.hold(queue=plan.queue_full, status=plan.status)
            self.planner.dirty |= plan.queue_changed
            return
        # Not the status line's word for it: that may be a refresh behind the database.
        call = desk.call
        if (call is None or call.state == "offered") and plan.ring_check:
            # The pop first, alone: the queue and status refreshes wait for it (as for F2),
            # so three workers do not share the GIL while the seat's phone rings.
            take.begin()
            take.hold(queue=plan.queue_full, status=plan.status)
            self.planner.dirty |= plan.queue_changed
            desk.ring.check_ringing()
            return
        if plan.queue_full:
            self.refresh_queue()
        elif plan.queue_changed:
            self.show_floor()
        if plan.status:
            self.refresh_status()

    def refresh_queue(self) -> None:
        """Re-query the queue (the table coalesces); held back while a take is in flight."""
        take = self.desk.ring.take
        if take.active:
            take.hold(queue=True)
            return
        if self.table is not None:
            self.table.request_refresh()

    def refresh_status(self) -> None:
        self.planner.status_at = self.now().timestamp()
        self.desk.presence.refresh()
