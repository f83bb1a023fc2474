"""A coaching task from an evaluation: what the agent should improve, by when, which items.

Opened by an inspector from a submitted evaluation, or by the lead ruling a dispute
(Ctrl+T). The items start as the evaluation's low ones; the due time is typed as the
desk types due times ("+7d", "friday 17:00", "2026-12-08"). Ctrl+S creates it; the agent
is notified and acknowledges it in "My evaluations".
"""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from seatdesk.domain.i18n import _
from seatdesk.domain.qa.scoring import score
from seatdesk.domain.text import neutralise
from seatdesk.services.qa_views import CoachingRow, EvaluationView
from seatdesk.ui.context import seat_app, signed_in
from seatdesk.ui.errors import ServiceFailed, call_service
from seatdesk.ui.textual_words import SeatModalScreen


def low_items(ev: EvaluationView) -> list[str]:
    """The evaluation's low items, in form order: where coaching usually starts."""
    result = score(ev.form.rules(), ev.answers, ev.form.pass_mark)
    return [k for _s, _i, k in ev.form.items() if k in result.low_items]


# The service's field names -> the inputs to focus when it refuses one.
FIELD_INPUTS = {"what": "coaching-what", "due": "coaching-due", "items": "coaching-items"}


class CoachingScreen(SeatModalScreen[CoachingRow | None]):
    DEFAULT_CSS = """
    CoachingScreen { align: center middle; }
    CoachingScreen #coaching-box { width: 90; height: auto; border: round $accent;
                                   padding: 0 1; background: $surface; }
    CoachingScreen Input { height: 3; }
    CoachingScreen #coaching-status { height: auto; }
    """
    BINDINGS = [
        Binding("ctrl+s", "create", _("Create coaching"), id="qa.coaching.create",
                priority=True),
        Binding("escape", "cancel", _("Cancel"), id="qa.coaching.cancel"),
    ]

    def __init__(self, evaluation: EvaluationView) -> None:
        super().__init__()
        self.evaluation = evaluation

    def compose(self) -> ComposeResult:
        ev = self.evaluation
        with Vertical(id="coaching-box"):
            yield Static(_("Coaching for {agent} · call #{call}").format(
                agent=neutralise(ev.agent_name), call=ev.call_id))
            yield Input(id="coaching-what", max_length=2000,
                        placeholder=_("what to improve"))
            yield Input("+7d", id="coaching-due", max_length=60,
                        placeholder=_("due, e.g. +7d or friday 17:00"))
            yield Input(", ".join(low_items(ev)), id="coaching-items", max_length=1000,
                        placeholder=_("items, e.g. opening.greeting"))
            yield Static("", id="coaching-status", classes="field-error")

    def on_mount(self) -> None:
        self.query_one("#coaching-what", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_create(self) -> None:
        from seatdesk.domain.duetime import DueTimeError, parse_due

        app = seat_app(self)
        what = self.query_one("#coaching-what", Input).value
        try:
            due = parse_due(self.query_one("#coaching-due", Input).value, app.clock(),
                            app.settings.tz)
        except DueTimeError as exc:
            self._fail(str(exc), "coaching-due")
            return
        items = [k.strip() for k in self.query_one("#coaching-items", Input).value.split(",")
                 if k.strip()]
        self.save(what, due, items)

    def save(self, what: str, due: datetime, items: list[str]) -> None:
        app = seat_app(self)
        actor = signed_in(self)
        evaluation_id = self.evaluation.id
        call_service(self, lambda: app.backend.qa.create_coaching(actor, evaluation_id, what,
                                                                  due, items),
                     self.saved, group="qa-coaching")

    def on_service_failed(self, message: ServiceFailed) -> None:
        message.stop()  # shown in the dialog; the text is kept
        self._fail(message.text, FIELD_INPUTS.get(message.field or ""))

    def _fail(self, text: str, field: str | None) -> None:
        self.query_one("#coaching-status", Static).update(neutralise(text))
        if field:
            self.query_one(f"#{field}", Input).focus()

    def saved(self, row: CoachingRow) -> None:
        self.app.notify(_("coaching task created for {agent}").format(
            agent=neutralise(row.agent_name)))
        self.dismiss(row)
