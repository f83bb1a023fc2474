"""The live queue pane: waiting calls, diffed by call id so the table is never rebuilt.

A refresh adds new rows, removes gone rows and updates only cells that changed; the wait
column ticks every second for the rows on screen only, so 5,000 waiting calls stay smooth.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets.data_table import CellDoesNotExist

from seatdesk.domain.i18n import N_, _, pgettext
from seatdesk.domain.text import neutralise
from seatdesk.ui.errors import ServiceFailed, call_service
from seatdesk.ui.take_hold import Coalescing
from seatdesk.ui.widgets.table import SeatTable

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from seatdesk.services.dto import WaitingCall

# Who is waiting comes first: on an 80-column terminal the number is what gets cut.
COLUMNS = ("wait", "customer", "grade", "queue", "number")


@dataclass
class QueueLoaded(Message):
    """Waiting calls read from the database (bubbles to the desk, which shows them)."""

    calls: list[WaitingCall]
    refresh: bool = False  # the answer of request_refresh (not the start-up's first rows)

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, QueueLoaded)


class WaitCell(Text):
    """The wait column's cell, which knows its call (the key of the routing-order sort)."""

    def __init__(self, text: str, call_id: int, style: str = "") -> None:
        super().__init__(text, style=style)
        self.call_id = call_id


def format_wait(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds >= 3600:
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def _signature(cells: tuple[object, ...]) -> tuple[tuple[str, str], ...]:
    # rich's Text equality ignores the style; a key account turning up must still repaint.
    return tuple((str(c), str(getattr(c, "style", ""))) for c in cells)


class QueueTable(SeatTable[object]):
    """Waiting calls in the order seats take them; Enter takes the highlighted call."""

    DEFAULT_CSS = """
    QueueTable { height: 1fr; }
    """
    BINDINGS = [Binding("enter", "select_cursor", N_("Take this call"), id="desk.take_row",
                        show=False)]

    def __init__(self, fetch: Callable[[], list[WaitingCall]] | None = None, *,
                 on_failed: Callable[[ServiceFailed], object] | None = None,
                 id: str | None = None) -> None:
        """``fetch`` (run in a worker thread) reads the waiting calls for a refresh;
        ``on_failed`` gets a refresh's ServiceFailed (None: it bubbles to the screen). The
        table keeps its last rows either way."""
        super().__init__(cursor_type="row", zebra_stripes=True, id=id)
        self._fetch = fetch
        self._on_failed = on_failed
        self.refresher = Coalescing()
        self._calls: dict[int, WaitingCall] = {}
        self._order: list[int] = []
        self._cells: dict[int, tuple[object, ...]] = {}
        self._wait_shown: dict[int, str] = {}
        self.title_text = ""
        self.loaded = False  # the first rows arrived (until then "nobody waiting" is a guess)
        # Queue names in the seat's language (code -> name), set by the desk.
        self.queue_names: dict[str, str] = {}

    def on_mount(self) -> None:
        labels = (_("Wait"), _("Customer"), _("Grade"), pgettext("desk", "Queue"), _("Number"))
        widths = (7, 12, 5, 12, 11)
        for key, label, width in zip(COLUMNS, labels, widths, strict=True):
            self.add_column(label, key=key, width=width)

    # ---- refreshing: one at a time, re-armed once after the last one finished ----------

    def read_with(self, fetch: Callable[[], list[WaitingCall]]) -> None:
        """The next refreshes read through ``fetch`` (the owner's view of the queue changed)."""
        self._fetch = fetch

    def request_refresh(self) -> None:
        """Re-read the queue; asked for while a refresh runs, it runs once more after it."""
        if self._fetch is not None and self.refresher.request():
            self._load(self._fetch)

    def refresh_finished(self) -> None:
        """The rows of the last refresh are shown (by the desk): re-arm if asked meanwhile."""
        if self.refresher.finished() and self._fetch is not None:
            self._load(self._fetch)

    def _load(self, fetch: Callable[[], list[WaitingCall]]) -> None:
        call_service(self, fetch, self._loaded, group="queue", on_failed=self._failed)

    def _loaded(self, calls: list[WaitingCall]) -> None:
        # A message, not a call: the desk shows it (and re-arms through refresh_finished).
        self.post_message(QueueLoaded(calls, refresh=True))

    def _failed(self, failed: ServiceFailed) -> None:
        self.refresher.finished()  # the next change asks again (no retry loop while down)
        if self._on_failed is None:
            self.post_message(failed)
        else:
            self._on_failed(failed)

    # ---- content --------------------------------------------------------------------

    @property
    def calls(self) -> list[WaitingCall]:
        return [self._calls[i] for i in self._order]

    def _static_cells(self, call: WaitingCall) -> tuple[object, ...]:
        queue = self.queue_names.get(call.queue_code, call.queue_name)
        name = neutralise(call.customer_name or "")
        grade = call.grade or "-"
        style = "bold yellow" if call.key_account else ""
        mark = "★" if call.key_account else ""
        return (Text(name or _("unknown"), style=style if name else "dim"),
                Text(f"{grade}{mark}", style=style), Text(neutralise(queue)),
                Text(call.caller_number))

    def _wait_cell(self, call: WaitingCall, now: datetime) -> Text:
        seconds = (now - call.queued_at).total_seconds()
        over = seconds >= call.wait_alert_seconds
        return WaitCell(format_wait(seconds), call.id, style="bold red" if over else "")

    def apply(self, calls: Sequence[WaitingCall], now: datetime) -> tuple[int, int, int]:
        """Bring the table to ``calls``: (added, removed, changed cells)."""
        wanted = {c.id: c for c in calls}
        # The cursor stays on the caller, not on the row number: "Enter takes the highlighted
        # caller" must hold when someone is routed above them meanwhile.
        highlighted = self.selected_call_id()
        gone = [i for i in self._order if i not in wanted]
        gone_count = len(gone)
        if gone_count > 200:
            # remove_row re-indexes every row; past a few hundred, starting over is cheaper.
            self.clear()
            self._calls.clear()
            self._cells.clear()
            self._wait_shown.clear()
            self._order = []
            gone = []
        for call_id in gone:
            self.remove_row(str(call_id))
            self._calls.pop(call_id, None)
            self._cells.pop(call_id, None)
            self._wait_shown.pop(call_id, None)
        changed = 0
        added: list[int] = []
        for call in calls:
            old = self._calls.get(call.id)
            if old is None:
                cells = self._static_cells(call)
                wait = self._wait_cell(call, now)
                self.add_row(wait, *cells, key=str(call.id))
                self._wait_shown[call.id] = wait.plain
                self._cells[call.id] = cells
                added.append(call.id)
            elif old != call:
                # Only rows whose data changed are rendered again, and only changed cells.
                cells = self._static_cells(call)
                for key, before, after in zip(COLUMNS[1:], self._cells[call.id], cells,
                                              strict=True):
                    if _signature((before,)) != _signature((after,)):
                        self.update_cell(str(call.id), key, after)
                        changed += 1
                self._cells[call.id] = cells
            self._calls[call.id] = call
        desired = list(wanted)
        if added or gone_count:
            kept = [i for i in self._order if i in wanted] + added
        else:
            kept = self._order
        if kept != desired:
            # A call that jumped the queue (key account, priority line): re-order once.
            self._reorder(desired)
        self._order = desired
        self.loaded = True
        if highlighted is not None and highlighted in wanted:
            row = self.get_row_index(str(highlighted))
            if row != self.cursor_row:
                self.move_cursor(row=row, animate=False, scroll=False)
        self._update_title(now)
        return len(added), gone_count, changed

    def _reorder(self, desired: list[int]) -> None:
        """Rows in the routing order (the service's, not a column's value).

        DataTable sorts by cell values only, so each wait cell carries its call id and the
        sort key ranks it by the routing order: public API, no rows rebuilt.
        """
        rank = {call_id: n for n, call_id in enumerate(desired)}
        self.sort("wait", key=lambda cell: rank.get(getattr(cell, "call_id", -1), -1))

    def tick(self, now: datetime) -> int:
        """Update the wait column of the rows on screen only; returns cells updated."""
        if not self._order:
            self._update_title(now)
            return 0
        first = max(0, int(self.scroll_offset.y))
        visible = self._order[first:first + max(1, self.size.height)]
        updated = 0
        for call_id in visible:
            cell = self._wait_cell(self._calls[call_id], now)
            if self._wait_shown.get(call_id) != cell.plain:
                self.update_cell(str(call_id), "wait", cell)
                self._wait_shown[call_id] = cell.plain
                updated += 1
        self._update_title(now)
        return updated

    def _update_title(self, now: datetime) -> None:
        count = len(self._order)
        if not self.loaded:
            title = _("Queue (loading…)")
        elif count:
            longest = max((now - c.queued_at).total_seconds() for c in self._calls.values())
            title = _("Queue · {n} waiting · longest {w}").format(n=count, w=format_wait(longest))
        else:
            title = _("Queue · nobody waiting")
        if isinstance(self.parent, Widget):
            self.parent.border_title = title
        self.title_text = title

    def selected_call_id(self) -> int | None:
        if not self._order or self.cursor_row < 0:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except CellDoesNotExist:  # an empty or shrinking table has no cursor row
            return None
        return int(key.value) if key.value else None
