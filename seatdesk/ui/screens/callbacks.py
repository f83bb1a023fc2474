"""F6 on the desk: my callbacks and the pool's, overdue and due first.

Enter starts the selected callback: the screen dismisses with a ``StartOutbound`` and
the desk dials. A pool callback is taken (assigned to me) first, so two agents never
call the same customer for the same reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Static

from seatdesk.domain.duetime import local_text, until_text
from seatdesk.domain.i18n import _, ngettext, pgettext
from seatdesk.domain.text import neutralise
from seatdesk.services.callbacks import CallbackRow
from seatdesk.ui.context import seat_app, signed_in
from seatdesk.ui.errors import ServiceFailed, call_service
from seatdesk.ui.textual_words import SeatScreen
from seatdesk.ui.widgets.table import SeatTable


@dataclass(frozen=True)
class StartOutbound:
    """What the desk needs to dial a callback."""

    customer_id: int
    number: str
    purpose: str
    callback_id: int | None = None
    complaint_id: int | None = None


class CallbacksScreen(SeatScreen[StartOutbound | None]):
    DEFAULT_CSS = """
    CallbacksScreen > Vertical { height: 1fr; padding: 0 1; }
    CallbacksScreen #callbacks { height: 1fr; }
    CallbacksScreen #callbacks-status { height: auto; color: $warning; }
    """
    BINDINGS = [
        Binding("escape", "close", _("Back"), id="callbacks.close"),
        Binding("enter", "start", pgettext("action", "Call"), id="callbacks.start", priority=True),
        Binding("t", "take", _("Take from pool"), id="callbacks.take"),
        Binding("p", "release", _("Give to pool"), id="callbacks.release"),
        Binding("m", "toggle_mine", _("Mine only"), id="callbacks.mine"),
        Binding("f5", "refresh", _("Refresh"), id="callbacks.refresh"),
        Binding("home", "first", _("First"), id="callbacks.first", show=False, priority=True),
        Binding("end", "last", _("Last"), id="callbacks.last", show=False, priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[CallbackRow] = []
        self._start_after_take = False
        self.mine_only = False
        self._loaded: list[CallbackRow] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Callbacks: mine and the pool's"), classes="pane-title")
            yield SeatTable(id="callbacks", cursor_type="row", zebra_stripes=True)
            yield Static("", id="callbacks-status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(_("Due"), _("When"), _("Customer"), _("Number"), _("Purpose"),
                          _("Reason"), _("Owner"), _("Tries"))
        table.focus()
        seat_app(self).data_changed.subscribe(self, self._on_data_changed)
        self.load()

    def _on_data_changed(self, topics: frozenset[str]) -> None:
        if topics & {"callbacks", "*", "poll"}:
            self.load()

    def load(self) -> None:
        callbacks, actor = seat_app(self).backend.callbacks, signed_in(self)
        call_service(self, lambda: callbacks.open_for(actor), self._show_loaded,
                     group="callbacks-load", latest_only=True)

    def _show_loaded(self, rows: list[CallbackRow]) -> None:
        self._loaded = rows
        self._show_rows()

    def _show_rows(self) -> None:
        table = self.query_one(DataTable)
        selected = self._selected()
        actor = seat_app(self).actor
        me = actor.user_id if actor is not None else None
        # Mine first (each part in the service's order: overdue and due first).
        mine = [r for r in self._loaded if r.owner_id == me]
        others = [] if self.mine_only else [r for r in self._loaded if r.owner_id != me]
        self.rows = mine + others
        table.clear()
        tz = seat_app(self).settings.tz
        now = seat_app(self).clock()
        for r in self.rows:
            when = until_text(r.due_at, now, tz)
            # Text, never a plain str: DataTable parses str cells as markup, and these
            # were typed by people ("[/]" would crash the desk, "[link=…]" would be live).
            table.add_row(
                Text(local_text(r.due_at, tz)), Text(when, style="red" if r.overdue else ""),
                Text(neutralise(r.customer_name)), Text(r.number), Text(_(r.purpose)),
                Text(neutralise(r.reason)[:40]),
                Text(_("me") if r.owner_id == me else (r.owner_login or _("pool"))),
                Text(f"{r.attempts}/{r.max_attempts}"), key=str(r.id))
        if selected is not None:
            index = next((i for i, r in enumerate(self.rows) if r.id == selected.id), None)
            if index is not None:
                table.move_cursor(row=index)
        overdue = sum(1 for r in mine if r.overdue)
        shown = ngettext("{n} callback, {o} of mine overdue",
                         "{n} callbacks, {o} of mine overdue", len(self.rows)).format(
            n=len(self.rows), o=overdue)
        if self.mine_only:
            shown += " · " + _("mine only (m: all)")
        self.query_one("#callbacks-status", Static).update(Text(shown))

    def action_toggle_mine(self) -> None:
        self.mine_only = not self.mine_only
        self._show_rows()

    def action_first(self) -> None:
        self.query_one(DataTable).move_cursor(row=0)

    def action_last(self) -> None:
        self.query_one(DataTable).move_cursor(row=max(0, len(self.rows) - 1))

    def on_service_failed(self, message: ServiceFailed) -> None:
        message.stop()  # said in the screen's status line
        self.query_one("#callbacks-status", Static).update(Text(message.text))

    def _selected(self) -> CallbackRow | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def action_close(self) -> None:
        self.dismiss(None)

    def action_refresh(self) -> None:
        self.load()

    def action_start(self) -> None:
        row = self._selected()
        if row is None:
            return
        if row.owner_id is None:
            self._start_after_take = True
            self._take(row.id)
            return
        self._dismiss_with(row)

    def action_take(self) -> None:
        row = self._selected()
        if row is not None:
            self._start_after_take = False
            self._take(row.id)

    def action_release(self) -> None:
        row = self._selected()
        if row is not None:
            self._release(row.id)

    def _take(self, callback_id: int) -> None:
        callbacks, actor = seat_app(self).backend.callbacks, signed_in(self)
        call_service(self, lambda: callbacks.take(actor, callback_id), self._taken,
                     group="callbacks-take", on_failed=self._refused)

    def _release(self, callback_id: int) -> None:
        callbacks, actor = seat_app(self).backend.callbacks, signed_in(self)
        call_service(self, lambda: callbacks.release(actor, callback_id),
                     lambda _released: self.load(), group="callbacks-take",
                     on_failed=self._refused)

    def _refused(self, failed: ServiceFailed) -> None:
        """A take or release refused (someone else was first): say why, show the list as it is."""
        self.query_one("#callbacks-status", Static).update(Text(failed.text))
        self.load()

    def _taken(self, row: CallbackRow) -> None:
        if self._start_after_take:
            self._dismiss_with(row)
        else:
            self.load()

    def _dismiss_with(self, row: CallbackRow) -> None:
        self.dismiss(StartOutbound(customer_id=row.customer_id, number=row.dial_number,
                                   purpose=row.purpose, callback_id=row.id,
                                   complaint_id=row.complaint_id))
