"""F7: schedule a callback (回访) for the customer on the line.

The due time is typed in plain words ("tomorrow 10:00", "+3h", "明天 10:00") and read
back at once ("due Tue 2026-12-01 09:30 (in 3 days)") so the agent sees what will be
saved. Unreadable or past times are said under the field and the typed text stays.
Dismisses with the new callback id, or None when cancelled.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Static

from seatdesk.domain.duetime import DueTimeError, describe_due, parse_due
from seatdesk.domain.i18n import _
from seatdesk.services.callbacks import CallbackInput, CallbackRow
from seatdesk.ui.context import seat_app
from seatdesk.ui.dialogs.form import FormDialog
from seatdesk.ui.errors import call_service

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo


class ScheduleCallbackDialog(FormDialog[int | None]):
    DEFAULT_CSS = """
    ScheduleCallbackDialog { align: center middle; }
    ScheduleCallbackDialog > Vertical { width: 76; max-width: 100%; height: auto;
                                        max-height: 100%; overflow-y: auto;
                                        border: thick $accent; background: $panel;
                                        padding: 0 1; }
    ScheduleCallbackDialog Label { margin-top: 1; }
    ScheduleCallbackDialog Input { margin-bottom: 0; }
    ScheduleCallbackDialog #due-preview { color: $success; height: 1; }
    ScheduleCallbackDialog #due-preview.bad { color: $error; }
    ScheduleCallbackDialog #callback-error { color: $error; height: auto; }
    ScheduleCallbackDialog Horizontal { height: auto; margin-top: 1; }
    """
    BINDINGS = [
        Binding("escape", "cancel", _("Cancel"), id="callback.cancel"),
        Binding("ctrl+s", "save", _("Save callback"), id="callback.save"),
    ]
    ERROR_ID = "callback-error"
    FIELD_WIDGETS = {"due_at": "#due", "reason": "#reason", "number": "#number"}

    def __init__(self, customer_id: int, call_id: int | None = None) -> None:
        super().__init__()
        self.customer_id = customer_id
        self.call_id = call_id
        self.draft_key = f"callback:{call_id}:{customer_id}"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Schedule a callback"), classes="pane-title")
            yield Label(_("When (tomorrow 10:00, +3h, 明天 10:00, 2026-12-01 09:30)"))
            yield Input(compact=True, id="due", placeholder=_("tomorrow 10:00"))
            yield Static("", id="due-preview")
            yield Label(_("Reason"))
            yield Input(compact=True, id="reason", max_length=500)
            yield Label(_("Number (empty: the customer's first number)"))
            yield Input(compact=True, id="number", max_length=40)
            yield Checkbox(_("Put it in the pool (any agent may take it)"), id="to-pool")
            yield Static("", id="callback-error")
            with Horizontal():
                yield Button(_("Save"), id="save", variant="primary")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.restore_draft()
        self.query_one("#due", Input).focus()

    def _tz(self) -> ZoneInfo:
        return seat_app(self).settings.tz

    def _now(self) -> datetime:
        return seat_app(self).clock()

    @on(Input.Changed, "#due")
    def _preview(self, event: Input.Changed) -> None:
        preview = self.query_one("#due-preview", Static)
        if not event.value.strip():
            preview.update("")
            preview.remove_class("bad")
            return
        try:
            due = parse_due(event.value, self._now(), self._tz())
        except DueTimeError as exc:
            preview.update(str(exc))
            preview.add_class("bad")
        else:
            preview.update(describe_due(due, self._now(), self._tz()))
            preview.remove_class("bad")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        due_text = self.query_one("#due", Input).value
        try:
            due = parse_due(due_text, self._now(), self._tz())
        except DueTimeError as exc:
            self._error(str(exc), "due_at")
            return
        data = CallbackInput(
            customer_id=self.customer_id, due_at=due,
            reason=self.query_one("#reason", Input).value,
            number=self.query_one("#number", Input).value, call_id=self.call_id,
            to_pool=self.query_one("#to-pool", Checkbox).value)
        self.query_one("#callback-error", Static).update(_("saving…"))
        self._save(data)

    def _save(self, data: CallbackInput) -> None:
        app = seat_app(self)
        # session_actor (off the app's thread) waits for a demo's background sign-in.
        call_service(self, lambda: app.backend.callbacks.schedule(app.session_actor(), data),
                     self._saved, group="callback-dialog")

    def _saved(self, row: CallbackRow) -> None:
        self.app.notify(_("callback #{id} scheduled").format(id=row.id))
        self.dismiss(row.id)
