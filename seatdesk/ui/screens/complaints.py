"""Complaints for team leads and supervisors: open, overdue, by owner, by category.

The list is in deadline order (overdue in red); the pane below shows the selected
complaint's history. Keys act on the selected complaint: assign, investigate, answer,
close. Each step opens a small form; a refusal (e.g. closing before the return call)
is shown in the form, and what was typed stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, DataTable, Footer, Input, Label, Static

from seatdesk.domain.duetime import local_text, until_text
from seatdesk.domain.i18n import N_, _, ngettext
from seatdesk.domain.text import neutralise
from seatdesk.services.complaints import Breakdown, ComplaintDetail, ComplaintRow
from seatdesk.ui.context import seat_app, signed_in
from seatdesk.ui.errors import ServiceFailed, call_service
from seatdesk.ui.textual_words import SeatModalScreen, SeatScreen
from seatdesk.ui.widgets.cells import plain_cells
from seatdesk.ui.widgets.table import SeatTable

VIEWS = ("open", "overdue", "all")

# The form of each step: (field id, label, kind) with kind "text" or "check".
STEP_FIELDS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "assign": (("owner_login", N_("Owner (login)"), "text"),
               ("department", "Owner department", "text"), ("note", N_("Note"), "text")),
    "investigate": (("note", N_("What was found"), "text"),),
    "answer": (("outcome", "Outcome", "text"),
               ("company_fault", N_("The company was at fault"), "check")),
    "close": (("closing_summary", N_("Closing summary"), "text"),
              ("lesson", N_("Lesson learned"), "text")),
}
STEP_TITLES = {"assign": N_("Assign complaint"), "investigate": N_("Record investigation"),
               "answer": N_("Answer complaint"), "close": N_("Close complaint")}


@dataclass(frozen=True)
class ComplaintsListing:
    rows: list[ComplaintRow]
    by_owner: list[Breakdown]
    by_category: list[Breakdown]


class ComplaintStepDialog(SeatModalScreen[bool]):
    """One handling step's form; runs the step itself so a refusal keeps the form open."""

    DEFAULT_CSS = """
    ComplaintStepDialog { align: center middle; }
    ComplaintStepDialog > Vertical { width: 80; height: auto; border: thick $accent;
                                     background: $panel; padding: 1 2; }
    ComplaintStepDialog #step-error { color: $error; height: auto; }
    ComplaintStepDialog Horizontal { height: auto; margin-top: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", _("Cancel"), id="complaint_step.cancel"),
                Binding("ctrl+s", "save", _("Save"), id="complaint_step.save")]

    def __init__(self, step: str, complaint_id: int) -> None:
        super().__init__()
        self.step = step
        self.complaint_id = complaint_id

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("{title} #{id}").format(title=_(STEP_TITLES[self.step]),
                                                   id=self.complaint_id),
                         classes="pane-title")
            for field, label, kind in STEP_FIELDS[self.step]:
                if kind == "check":
                    yield Checkbox(_(label), id=field)
                else:
                    yield Label(_(label))
                    yield Input(id=field, max_length=4000)
            yield Static("", id="step-error")
            with Horizontal():
                yield Button(_("Save"), id="save", variant="primary")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def action_save(self) -> None:
        values: dict[str, Any] = {}
        for field, _label, kind in STEP_FIELDS[self.step]:
            values[field] = (self.query_one(f"#{field}", Checkbox).value if kind == "check"
                             else self.query_one(f"#{field}", Input).value)
        self.query_one("#step-error", Static).update(_("saving…"))
        self._run(values)

    def _run(self, values: dict[str, Any]) -> None:
        service, actor = seat_app(self).backend.complaints, signed_in(self)
        step, cid = self.step, self.complaint_id

        def save() -> object:
            if step == "assign":
                return service.assign(actor, cid, owner_login=values["owner_login"],
                                      department=values["department"] or None,
                                      note=values["note"])
            if step == "investigate":
                return service.investigate(actor, cid, values["note"])
            if step == "answer":
                return service.answer(actor, cid, values["outcome"], values["company_fault"])
            return service.close(actor, cid, closing_summary=values["closing_summary"],
                                 lesson=values["lesson"])

        call_service(self, save, lambda _saved: self._saved(cid), group="complaint-step")

    def _saved(self, cid: int) -> None:
        self.app.notify(_("complaint #{id} saved").format(id=cid))
        self.dismiss(True)

    def on_service_failed(self, message: ServiceFailed) -> None:
        message.stop()  # said in the dialog, over the list
        self.query_one("#step-error", Static).update(message.text)


class ComplaintsScreen(SeatScreen[None]):
    DEFAULT_CSS = """
    ComplaintsScreen #complaints-top { height: 1fr; }
    ComplaintsScreen #complaints { width: 1fr; height: 1fr; }
    ComplaintsScreen #breakdown { width: 34; height: 1fr; border-left: solid $primary;
                                  padding: 0 1; }
    ComplaintsScreen #complaint-detail { height: 12; border-top: solid $primary;
                                         padding: 0 1; overflow-y: auto; }
    ComplaintsScreen #complaints-status { height: 1; padding: 0 1; }
    """
    BINDINGS = [
        Binding("o", "view('open')", _("Open"), id="complaints.open"),
        Binding("d", "view('overdue')", _("Overdue"), id="complaints.overdue"),
        Binding("l", "view('all')", _("All"), id="complaints.all"),
        Binding("a", "step('assign')", _("Assign"), id="complaints.assign"),
        Binding("i", "step('investigate')", _("Investigate"), id="complaints.investigate"),
        Binding("w", "step('answer')", _("Answer"), id="complaints.answer"),
        Binding("c", "step('close')", _("Close"), id="complaints.close"),
        Binding("s", "sort_by", _("Sort by owner/category"), id="complaints.sort", show=False),
        Binding("f5", "refresh", _("Refresh"), id="complaints.refresh", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view = "open"
        self.sort = "deadline"
        self.rows: list[ComplaintRow] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="complaints-status")
        with Horizontal(id="complaints-top"):
            yield SeatTable(id="complaints", cursor_type="row", zebra_stripes=True)
            with Vertical(id="breakdown"):
                yield Static("", id="by-owner")
                yield Static("", id="by-category")
        yield Static("", id="complaint-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#complaints", DataTable)
        table.add_columns("#", _("Deadline"), _("Left"), _("Level"), _("State"),
                          _("Owner"), _("Category"), _("Customer"), _("Summary"))
        table.focus()
        seat_app(self).data_changed.subscribe(self, self._on_data_changed)
        self.load()

    def _on_data_changed(self, topics: frozenset[str]) -> None:
        if topics & {"complaints", "*", "poll"}:
            self.load()

    # ---- loading -----------------------------------------------------------------------

    def load(self) -> None:
        service, actor, view = seat_app(self).backend.complaints, signed_in(self), self.view
        call_service(self, lambda: ComplaintsListing(
            service.listing(actor, view), service.breakdown(actor, "owner"),
            service.breakdown(actor, "category")), self._show_listing,
            group="complaints-load", latest_only=True)

    def _show_listing(self, listing: ComplaintsListing) -> None:
        table = self.query_one("#complaints", DataTable)
        selected = self._selected()
        rows = list(listing.rows)
        if self.sort == "owner":
            rows.sort(key=lambda r: (r.owner_login or r.owner_department, r.deadline_at))
        elif self.sort == "category":
            rows.sort(key=lambda r: (r.category, r.deadline_at))
        self.rows = rows
        tz = seat_app(self).settings.tz
        now = seat_app(self).clock()
        table.clear()
        for r in rows:
            left = until_text(r.deadline_at, now, tz) if r.state != "closed" else ""
            table.add_row(*plain_cells(
                str(r.id), local_text(r.deadline_at, tz),
                Text(left, style="red") if r.overdue else left, str(r.level), _(r.state),
                r.owner_login or r.owner_department or "-", _(r.category),
                r.customer_name, r.summary[:40]), key=str(r.id))
        if selected is not None:
            index = next((i for i, r in enumerate(rows) if r.id == selected.id), None)
            if index is not None:
                table.move_cursor(row=index)
        self.query_one("#by-owner", Static).update(
            self._breakdown_text(_("By owner"), listing.by_owner))
        self.query_one("#by-category", Static).update(
            self._breakdown_text(_("By category"), listing.by_category, translate=True))
        overdue = sum(1 for r in rows if r.overdue)
        self.query_one("#complaints-status", Static).update(
            ngettext("{view}: {n} complaint, {o} overdue · sorted by {sort}",
                     "{view}: {n} complaints, {o} overdue · sorted by {sort}", len(rows))
            .format(view=_(self.view), n=len(rows), o=overdue, sort=_(self.sort)))
        self._load_detail()

    @staticmethod
    def _breakdown_text(title: str, items: list[Breakdown], translate: bool = False) -> str:
        lines = [f"[b]{title}[/b]  " + _("open/overdue")]
        for b in items[:8]:
            key = _(b.key) if translate else neutralise(b.key)
            lines.append(f"{key[:18]:<18} {b.open:>4}/{b.overdue:<4}")
        return "\n".join(lines)

    def on_service_failed(self, message: ServiceFailed) -> None:
        message.stop()  # a load that failed: said in the status line
        self.query_one("#complaints-status", Static).update(message.text)

    def _selected(self) -> ComplaintRow | None:
        table = self.query_one("#complaints", DataTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    @on(DataTable.RowHighlighted, "#complaints")
    def _highlighted(self) -> None:
        self._load_detail()

    def _load_detail(self) -> None:
        row = self._selected()
        if row is None:
            self.query_one("#complaint-detail", Static).update(_("no complaint selected"))
            return
        self._fetch_detail(row.id)

    def _fetch_detail(self, complaint_id: int) -> None:
        complaints, actor = seat_app(self).backend.complaints, signed_in(self)
        call_service(self, lambda: complaints.detail(actor, complaint_id), self._show_detail,
                     group="complaints-detail", latest_only=True)

    def _show_detail(self, d: ComplaintDetail) -> None:
        tz = seat_app(self).settings.tz
        fault = {None: "?", True: _("yes"), False: _("no")}[d.company_fault]
        lines = [
            f"[b]#{d.row.id}[/b] {neutralise(d.row.customer_name)} · {_(d.row.category)} · "
            f"{_(d.row.severity)} · " + _("wants: {w}").format(w=neutralise(d.customer_wants)),
            _("outcome: {o} · company's fault: {f} · return call: {r}").format(
                o=neutralise(d.outcome) or "-", f=fault,
                r=f"#{d.return_call_id}" if d.return_call_id else _("not yet")),
        ]
        for e in d.events:
            lines.append(f"  {local_text(e.at, tz)}  {_(e.kind):<12} {e.actor_login:<10} "
                         f"{neutralise(e.detail)[:60]}")
        self.query_one("#complaint-detail", Static).update("\n".join(lines))

    # ---- actions -----------------------------------------------------------------------

    def action_view(self, view: str) -> None:
        self.view = view if view in VIEWS else "open"
        self.load()

    def action_sort_by(self) -> None:
        order = ("deadline", "owner", "category")
        self.sort = order[(order.index(self.sort) + 1) % len(order)]
        self.load()

    def action_refresh(self) -> None:
        self.load()

    def action_step(self, step: str) -> None:
        row = self._selected()
        if row is None:
            self.app.notify(_("no complaint selected"), severity="warning")
            return
        if row.state == "closed":
            self.app.notify(_("complaint #{id} is already closed").format(id=row.id),
                            severity="warning")
            return

        def _after(changed: bool | None) -> None:
            if changed:
                self.load()

        self.app.push_screen(ComplaintStepDialog(step, row.id), _after)
