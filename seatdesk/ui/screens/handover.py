"""交接班: write the shift handover, check each item ✓/✗, sign, countersign or refuse.

Keys: N open my handover (pre-filled with what is open); Space ✓; X ✗; M remark;
A add a note; S sign and hand over (asks the incoming lead); on a handover handed to
you: C countersign, R refuse with a reason. Tab moves between the list and the items.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from seatdesk.domain.i18n import _, pgettext
from seatdesk.domain.text import neutralise
from seatdesk.services.handover import AWAITING, EDITABLE, HandoverView
from seatdesk.ui.context import seat_app, signed_in
from seatdesk.ui.errors import ServiceFailed, call_service
from seatdesk.ui.screens.roster import TextPrompt
from seatdesk.ui.textual_words import SeatScreen
from seatdesk.ui.widgets.cells import plain_cells
from seatdesk.ui.widgets.table import SeatTable

MARK = {True: Text("✓", style="bold green"), False: Text("✗", style="bold red"),
        None: Text("·", style="dim")}


class HandoverScreen(SeatScreen[None]):
    DEFAULT_CSS = """
    HandoverScreen #handover-list { height: 9; }
    HandoverScreen #handover-title { height: auto; padding: 0 1; text-style: bold; }
    HandoverScreen #handover-items { height: 1fr; }
    HandoverScreen #handover-message { height: auto; min-height: 1; padding: 0 1; }
    HandoverScreen #handover-message.error { color: $error; text-style: bold; }
    """
    BINDINGS = [
        Binding("n", "start", _("My handover"), id="handover.start"),
        Binding("space", "check(True)", _("✓"), id="handover.ok"),
        Binding("x", "check(False)", _("✗"), id="handover.not_ok"),
        Binding("A", "mark_seen", _("Mark all unchanged as seen"), id="handover.mark_seen"),
        Binding("m", "remark", _("Remark"), id="handover.remark"),
        Binding("a", "note", _("Add note"), id="handover.note"),
        Binding("s", "sign", _("Sign"), id="handover.sign"),
        Binding("c", "countersign", _("Countersign"), id="handover.countersign"),
        Binding("r", "refuse", _("Refuse"), id="handover.refuse"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.handovers: list[HandoverView] = []
        self.current: HandoverView | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        listing: DataTable[str | Text] = SeatTable(id="handover-list", cursor_type="row")
        yield listing
        yield Static("", id="handover-title", markup=False)  # stored text
        items: DataTable[str | Text] = SeatTable(id="handover-items", cursor_type="row",
                                                 zebra_stripes=True)
        yield items
        yield Static("", id="handover-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        listing = self.query_one("#handover-list", DataTable)
        for label in ("#", _("Outgoing"), _("Incoming"), _("State"), _("Written")):
            listing.add_column(label)
        items = self.query_one("#handover-items", DataTable)
        for label in ("#", "✓/✗", _("Kind"), pgettext("handover", "Item"), _("Due"), _("Remark")):
            items.add_column(label)
        seat_app(self).data_changed.subscribe(self, self._on_data_changed)
        self.load()
        items.focus()

    def _on_data_changed(self, topics: frozenset[str]) -> None:
        if topics & {"handover", "*"}:
            self.load(self.current.id if self.current else None)

    # ---- loading -----------------------------------------------------------------------

    def load(self, select: int | None = None) -> None:
        """Re-read the recent handovers, then show ``select`` (else the one shown, else mine)."""
        handover, actor = seat_app(self).backend.handover, signed_in(self)
        call_service(self, lambda: handover.recent(actor),
                     lambda found: self._show_handovers(found, select),
                     group="handover-load", latest_only=True)

    def _show_handovers(self, found: list[HandoverView], select: int | None) -> None:
        self.handovers = found
        tz = seat_app(self).settings.tz
        listing = self.query_one("#handover-list", DataTable)
        listing.clear()
        for h in self.handovers:
            listing.add_row(*plain_cells(
                str(h.id), h.outgoing_name, h.incoming_name or "–", pgettext("handover", h.state),
                h.created_at.astimezone(tz).strftime("%m-%d %H:%M")), key=str(h.id))
        wanted = select or (self.current.id if self.current else None)
        chosen = next((h for h in self.handovers if h.id == wanted), None)
        if chosen is None:
            # Default: what waits for me, else my own handover being written.
            me = signed_in(self).user_id
            chosen = next((h for h in self.handovers
                           if h.state == AWAITING and h.incoming_id == me), None) or next(
                (h for h in self.handovers if h.outgoing_id == me and h.state in EDITABLE), None)
        self._show(chosen)

    @on(DataTable.RowSelected, "#handover-list")
    def _picked(self, event: DataTable.RowSelected) -> None:
        chosen = next((h for h in self.handovers if str(h.id) == event.row_key.value), None)
        self._show(chosen)
        self.query_one("#handover-items", DataTable).focus()

    def _show(self, h: HandoverView | None) -> None:
        self.current = h
        title = self.query_one("#handover-title", Static)
        items = self.query_one("#handover-items", DataTable)
        row = items.cursor_row
        items.clear()
        if h is None:
            title.update(_("No handover open: press N to write yours"))
            return
        tz = seat_app(self).settings.tz
        state = pgettext("handover", h.state) + (" · " + _("read-only") if h.read_only else "")
        text = _("Handover #{id} · {out} → {inc} · {state} · {n} unchecked").format(
            id=h.id, out=h.outgoing_name, inc=h.incoming_name or "?", state=state,
            n=h.unchecked)
        if h.refusal_reason:
            text += "\n" + _("Refused: {reason}").format(reason=h.refusal_reason)
        title.update(neutralise(text))
        for i, item in enumerate(h.items):
            due = item.due_at.astimezone(tz).strftime("%m-%d %H:%M") if item.due_at else ""
            items.add_row(*plain_cells(
                str(i + 1), MARK[item.ok], _(item.kind),
                Text(neutralise(item.text), style="red" if item.overdue else ""),
                due, item.remark), key=str(i))
        if items.row_count:
            items.move_cursor(row=min(row, items.row_count - 1))

    def _message(self, text: str, *, error: bool = False) -> None:
        bar = self.query_one("#handover-message", Static)
        bar.update(neutralise(text))
        bar.set_class(error, "error")

    def on_service_failed(self, message: ServiceFailed) -> None:
        message.stop()  # said in the screen's message line
        self._message(message.text, error=True)

    # ---- actions -----------------------------------------------------------------------

    def _run(self, act: Callable[[], HandoverView], done: str) -> None:
        """Run one change off the app's thread; say ``done`` and show the handover it made."""
        call_service(self, act, lambda h: self._changed(done, h), group="handover-write")

    def _changed(self, done: str, h: HandoverView) -> None:
        self._message(done)
        self.load(h.id)

    def action_start(self) -> None:
        self._run(lambda: seat_app(self).backend.handover.start(signed_in(self)),
                  _("your handover is open"))

    def _item_index(self) -> int | None:
        items = self.query_one("#handover-items", DataTable)
        if self.current is None or not items.row_count:
            self._message(_("no item chosen"), error=True)
            return None
        return items.cursor_row

    def action_check(self, ok: bool) -> None:
        index = self._item_index()
        if index is None or self.current is None:
            return
        hid = self.current.id
        self._run(lambda: seat_app(self).backend.handover.check(
                signed_in(self), hid, index, ok),
                  _("item {n} checked").format(n=index + 1))
        items = self.query_one("#handover-items", DataTable)
        if index + 1 < items.row_count:
            items.move_cursor(row=index + 1)

    def action_remark(self) -> None:
        index = self._item_index()
        if index is None or self.current is None:
            return
        h = self.current
        item = h.items[index]

        def done(text: str | None) -> None:
            if text is not None:
                self._run(lambda: seat_app(self).backend.handover.check(
                signed_in(self), h.id, index, item.ok, text), _("remark saved"))

        self.app.push_screen(TextPrompt(_("Remark on item {n}").format(n=index + 1),
                                        value=item.remark, required=False), done)

    def action_note(self) -> None:
        if self.current is None:
            self._message(_("press N to open your handover first"), error=True)
            return
        hid = self.current.id

        def done(text: str | None) -> None:
            if text:
                handover, actor = seat_app(self).backend.handover, signed_in(self)
                self._run(lambda: handover.add_note(actor, hid, text),
                          _("note added"))

        self.app.push_screen(TextPrompt(_("Note for the next shift"), max_len=1000), done)

    def action_sign(self) -> None:
        if self.current is None:
            return
        hid = self.current.id

        def done(login: str | None) -> None:
            if login:
                handover, actor = seat_app(self).backend.handover, signed_in(self)
                self._run(lambda: handover.sign_out(actor, hid, login),
                          _("signed and handed over"))

        self.app.push_screen(TextPrompt(_("Login of the incoming team lead"), max_len=64), done)

    def action_mark_seen(self) -> None:
        if self.current is None:
            return
        hid = self.current.id
        self._run(lambda: seat_app(self).backend.handover.mark_unchanged_seen(
            signed_in(self), hid), _("every unchecked item marked as seen"))

    def action_countersign(self) -> None:
        if self.current is None:
            return
        hid = self.current.id
        self._run(lambda: seat_app(self).backend.handover.countersign(signed_in(self), hid),
                  _("countersigned"))

    def action_refuse(self) -> None:
        if self.current is None:
            return
        hid = self.current.id

        def done(reason: str | None) -> None:
            if reason:
                handover, actor = seat_app(self).backend.handover, signed_in(self)
                self._run(lambda: handover.refuse(actor, hid, reason),
                          _("refused; the supervisors are told"))

        self.app.push_screen(TextPrompt(_("Why do you refuse this handover?"), max_len=1000),
                             done)
