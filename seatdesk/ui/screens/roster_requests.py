"""The team's leave and swap requests for the lead: approve with the roster rules or refuse.

Keys: A approve (a broken rule is shown; R approves anyway with a reason); X refuse with
a note for the agent; Escape back to the roster.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from seatdesk.domain.i18n import _
from seatdesk.services.roster import LEAVE, RequestView, RuleBroken
from seatdesk.ui.context import seat_app, signed_in
from seatdesk.ui.errors import ServiceFailed, call_service
from seatdesk.ui.screens.roster import TextPrompt
from seatdesk.ui.textual_words import SeatScreen
from seatdesk.ui.widgets.cells import plain_cells
from seatdesk.ui.widgets.table import SeatTable


class RosterRequestsScreen(SeatScreen[None]):
    DEFAULT_CSS = """
    RosterRequestsScreen #requests-title { height: 1; padding: 0 1; text-style: bold; }
    RosterRequestsScreen #requests-table { height: 1fr; }
    RosterRequestsScreen #requests-message { height: auto; min-height: 1; padding: 0 1; }
    """
    BINDINGS = [
        Binding("a", "approve", _("Approve"), id="requests.approve"),
        Binding("r", "approve_with_reason", _("Approve with reason"), id="requests.override"),
        Binding("x", "refuse", _("Refuse request"), id="requests.refuse"),
        Binding("escape", "app.pop_screen", _("Back"), id="requests.back"),
    ]

    def __init__(self, team_code: str | None) -> None:
        super().__init__()
        self.team_code = team_code
        self.requests: list[RequestView] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Leave and swap requests"), id="requests-title")
        table: DataTable[str | Text] = SeatTable(id="requests-table", cursor_type="row")
        yield table
        yield Static("", id="requests-message")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label in (("id", _("No.")), ("kind", _("Request")), ("day", _("Day")),
                           ("agent", _("Agent")), ("with", _("With")), ("reason", _("Reason"))):
            table.add_column(label, key=key)
        self.load()

    def load(self) -> None:
        roster, actor, team = seat_app(self).backend.roster, signed_in(self), self.team_code
        call_service(self, lambda: roster.requests(actor, team), self._show_requests,
                     group="requests", latest_only=True, on_failed=self._refused)

    def _show_requests(self, requests: list[RequestView]) -> None:
        self.requests = requests
        table = self.query_one(DataTable)
        table.clear()
        for r in self.requests:
            table.add_row(*plain_cells(str(r.id), _("leave") if r.kind == LEAVE else _("swap"),
                                       r.day.isoformat(), r.user_name, r.other_name or "",
                                       r.reason), key=str(r.id))
        if not self.requests:
            self._message(_("no requests waiting"))

    def _refused(self, failed: ServiceFailed) -> None:
        text = failed.refusal_text
        if isinstance(failed.refusal, RuleBroken):
            text = _("{rules} — R approves anyway with a reason").format(rules=text)
        self._message(text, error=True)

    def _message(self, text: str, *, error: bool = False) -> None:
        self.query_one("#requests-message", Static).update(
            Text(text, style="bold red" if error else "green"))

    def _chosen(self) -> RequestView | None:
        table = self.query_one(DataTable)
        if not self.requests or not table.row_count:
            return None
        return self.requests[table.cursor_row]

    def _decide(self, act: Callable[[], RequestView], done: str) -> None:
        call_service(self, act, lambda _decided: self._decided(done), group="requests-write",
                     on_failed=self._refused)

    def _decided(self, done: str) -> None:
        self._message(done)
        self.load()

    def action_approve(self) -> None:
        r = self._chosen()
        if r is None:
            return
        roster, actor = seat_app(self).backend.roster, signed_in(self)
        self._decide(lambda: roster.decide(actor, r.id, True),
                     _("request #{id} approved").format(id=r.id))

    def action_approve_with_reason(self) -> None:
        r = self._chosen()
        if r is None:
            return
        roster, actor = seat_app(self).backend.roster, signed_in(self)

        def done(reason: str | None) -> None:
            if reason:
                self._decide(lambda: roster.decide(actor, r.id, True, reason=reason),
                             _("request #{id} approved").format(id=r.id))

        self.app.push_screen(TextPrompt(_("Why keep a change that breaks a rule?"),
                                        max_len=200), done)

    def action_refuse(self) -> None:
        r = self._chosen()
        if r is None:
            return
        roster, actor = seat_app(self).backend.roster, signed_in(self)

        def done(note: str | None) -> None:
            if note is not None:
                self._decide(lambda: roster.decide(actor, r.id, False, note=note),
                             _("request #{id} refused").format(id=r.id))

        self.app.push_screen(TextPrompt(_("What should the agent be told?"), required=False,
                                        max_len=200), done)
