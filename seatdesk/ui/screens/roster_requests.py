"""The team's leave and swap requests for the lead: approve with the roster rules or refuse.

Keys: A approve (a broken rule is shown; R approves anyway with a reason); X refuse with
a note for the agent; Escape back to the roster.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Static

from seatdesk.domain.errors import SeatdeskError
from seatdesk.domain.i18n import _
from seatdesk.services.roster import LEAVE, RequestView, RuleBroken
from seatdesk.ui.context import seat_app, signed_in
from seatdesk.ui.screens.roster import TextPrompt
from seatdesk.ui.textual_words import SeatScreen
from seatdesk.ui.widgets.cells import plain_cells


@dataclass
class RequestsLoaded(Message):
    requests: list[RequestView]


@dataclass
class RequestNotice(Message):
    text: str
    error: bool = False
    reload: bool = False


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
        table: DataTable[str | Text] = DataTable(id="requests-table", cursor_type="row")
        yield table
        yield Static("", id="requests-message")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label in (("id", _("No.")), ("kind", _("Request")), ("day", _("Day")),
                           ("agent", _("Agent")), ("with", _("With")), ("reason", _("Reason"))):
            table.add_column(label, key=key)
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="requests")
    def load(self) -> None:
        app = seat_app(self)
        try:
            self.post_message(RequestsLoaded(app.backend.roster.requests(signed_in(self),
                                                                         self.team_code)))
        except SeatdeskError as exc:
            self.post_message(RequestNotice(str(exc), error=True))

    def on_requests_loaded(self, message: RequestsLoaded) -> None:
        self.requests = message.requests
        table = self.query_one(DataTable)
        table.clear()
        for r in self.requests:
            table.add_row(*plain_cells(str(r.id), _("leave") if r.kind == LEAVE else _("swap"),
                                       r.day.isoformat(), r.user_name, r.other_name or "",
                                       r.reason), key=str(r.id))
        if not self.requests:
            self._message(_("no requests waiting"))

    def on_request_notice(self, message: RequestNotice) -> None:
        self._message(message.text, error=message.error)
        if message.reload:
            self.load()

    def _message(self, text: str, *, error: bool = False) -> None:
        self.query_one("#requests-message", Static).update(
            Text(text, style="bold red" if error else "green"))

    def _chosen(self) -> RequestView | None:
        table = self.query_one(DataTable)
        if not self.requests or not table.row_count:
            return None
        return self.requests[table.cursor_row]

    @work(thread=True, exclusive=False, exit_on_error=False, group="requests-write")
    def _decide(self, act: Callable[[], RequestView], done: str) -> None:
        try:
            act()
        except RuleBroken as exc:
            self.post_message(RequestNotice(
                _("{rules} — R approves anyway with a reason").format(rules=str(exc)),
                error=True))
            return
        except SeatdeskError as exc:
            self.post_message(RequestNotice(str(exc), error=True))
            return
        self.post_message(RequestNotice(done, reload=True))

    def action_approve(self) -> None:
        r = self._chosen()
        if r is None:
            return
        app = seat_app(self)
        self._decide(lambda: app.backend.roster.decide(signed_in(self), r.id, True),
                     _("request #{id} approved").format(id=r.id))

    def action_approve_with_reason(self) -> None:
        r = self._chosen()
        if r is None:
            return
        app = seat_app(self)

        def done(reason: str | None) -> None:
            if reason:
                self._decide(lambda: app.backend.roster.decide(signed_in(self), r.id, True,
                                                               reason=reason),
                             _("request #{id} approved").format(id=r.id))

        self.app.push_screen(TextPrompt(_("Why keep a change that breaks a rule?"),
                                        max_len=200), done)

    def action_refuse(self) -> None:
        r = self._chosen()
        if r is None:
            return
        app = seat_app(self)

        def done(note: str | None) -> None:
            if note is not None:
                self._decide(lambda: app.backend.roster.decide(signed_in(self), r.id, False,
                                                               note=note),
                             _("request #{id} refused").format(id=r.id))

        self.app.push_screen(TextPrompt(_("What should the agent be told?"), required=False,
                                        max_len=200), done)
