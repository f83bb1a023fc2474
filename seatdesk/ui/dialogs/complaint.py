"""F8: register a complaint (客户投诉登记表) linked to the call and the customer.

Let the customer finish, then write what they complain about, what they want, and who
owns it. The deadline follows the center's rules and is shown after saving; the return
call is scheduled with it. Dismisses with the new complaint id, or None when cancelled.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from seatdesk.domain.duetime import local_text
from seatdesk.domain.i18n import _
from seatdesk.services.complaints import CATEGORIES, SEVERITIES, ComplaintInput, ComplaintRow
from seatdesk.ui.context import seat_app, signed_in
from seatdesk.ui.dialogs.form import FormDialog
from seatdesk.ui.errors import call_service


class RegisterComplaintDialog(FormDialog[int | None]):
    DEFAULT_CSS = """
    RegisterComplaintDialog { align: center middle; }
    RegisterComplaintDialog > Vertical { width: 90; max-width: 100%; height: auto;
                                         max-height: 100%; overflow-y: auto;
                                         border: thick $error; background: $panel;
                                         padding: 0 1; }
    RegisterComplaintDialog Horizontal { height: auto; }
    RegisterComplaintDialog .half { width: 1fr; height: auto; }
    RegisterComplaintDialog #summary { height: 4; }
    RegisterComplaintDialog #complaint-error { color: $error; height: auto; }
    RegisterComplaintDialog #buttons { margin-top: 1; height: auto; }
    """
    BINDINGS = [
        Binding("escape", "cancel", _("Cancel"), id="complaint.cancel"),
        Binding("ctrl+s", "save", _("Register complaint"), id="complaint.save"),
    ]
    ERROR_ID = "complaint-error"
    FIELD_WIDGETS = {"category": "#category", "severity": "#severity", "summary": "#summary",
                     "customer_wants": "#wants", "owner_department": "#department",
                     "owner": "#owner"}

    def __init__(self, call_id: int | None = None, customer_id: int | None = None) -> None:
        super().__init__()
        self.call_id = call_id
        self.customer_id = customer_id
        self.draft_key = f"complaint:{call_id}:{customer_id}"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Register a complaint"), classes="pane-title")
            with Horizontal():
                with Vertical(classes="half"):
                    yield Label(_("Category"))
                    yield Select([(_(c), c) for c in CATEGORIES], compact=True, id="category",
                                 prompt=_("choose…"))
                with Vertical(classes="half"):
                    yield Label(_("Severity"))
                    yield Select([(_(s), s) for s in SEVERITIES], compact=True, id="severity",
                                 value="normal", allow_blank=False)
            yield Label(_("What the customer complains about"))
            yield TextArea(compact=True, id="summary")
            yield Label(_("What the customer wants"))
            yield Input(compact=True, id="wants", max_length=4000)
            with Horizontal():
                with Vertical(classes="half"):
                    yield Label(_("Owner department"))
                    yield Input(compact=True, id="department", max_length=100)
                with Vertical(classes="half"):
                    yield Label(_("Owner (login, optional)"))
                    yield Input(compact=True, id="owner", max_length=64)
            yield Static("", id="complaint-error")
            with Horizontal(id="buttons"):
                yield Button(_("Register"), id="save", variant="error")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.restore_draft()
        self.query_one("#category", Select).focus()

    def action_save(self) -> None:
        if self.customer_id is None:
            self._error(_("identify the customer first (a complaint needs a customer)"))
            return
        category = self.query_one("#category", Select).value
        if category is Select.BLANK or category is None:
            self._error(_("choose the category"), "category")
            return
        data = ComplaintInput(
            customer_id=self.customer_id, call_id=self.call_id, category=str(category),
            severity=str(self.query_one("#severity", Select).value),
            summary=self.query_one("#summary", TextArea).text,
            customer_wants=self.query_one("#wants", Input).value,
            owner_department=self.query_one("#department", Input).value,
            owner_login=self.query_one("#owner", Input).value)
        self.query_one("#complaint-error", Static).update(_("saving…"))
        self._save(data)

    def _save(self, data: ComplaintInput) -> None:
        complaints, actor = seat_app(self).backend.complaints, signed_in(self)
        call_service(self, lambda: complaints.register(actor, data), self._saved,
                     group="complaint-dialog")

    def _saved(self, row: ComplaintRow) -> None:
        when = local_text(row.deadline_at, seat_app(self).settings.tz)
        self.app.notify(_("complaint #{id} registered; answer due {when}").format(
            id=row.id, when=when))
        self.dismiss(row.id)
