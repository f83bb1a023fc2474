"""An agent's own schedule: published shifts this and next week, leave and swap requests.

Keys: ↑/↓ choose a day; L ask for leave that day; S ask to swap it with a colleague
(their login); both ask for a reason shown to the team lead. Requests and the lead's
answers are listed below.
"""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from seatdesk.domain.i18n import N_, _
from seatdesk.services.roster import LEAVE, OFF, MySchedule, RequestView
from seatdesk.ui.context import seat_app, signed_in
from seatdesk.ui.errors import ServiceFailed, call_service
from seatdesk.ui.screens.roster import TextPrompt
from seatdesk.ui.textual_words import SeatScreen
from seatdesk.ui.widgets.cells import plain_cells
from seatdesk.ui.widgets.table import SeatTable

STATE_STYLE = {"pending": "yellow", "approved": "green", "refused": "red"}


def state_text(state: str) -> str:
    """A request's state as the agent reads it."""
    return {"pending": _("waiting for the lead"), "approved": _("approved"),
            "refused": _("refused by the lead")}.get(state, state)


# Weekday names in the reader's language (strftime's %a follows the C locale: English).
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


class MyScheduleScreen(SeatScreen[None]):
    DEFAULT_CSS = """
    MyScheduleScreen #schedule-title { height: 1; padding: 0 1; text-style: bold; }
    MyScheduleScreen #schedule-days { height: 2fr; }
    MyScheduleScreen #schedule-requests { height: 1fr; }
    MyScheduleScreen #schedule-message { height: auto; min-height: 1; padding: 0 1; }
    """
    BINDINGS = [
        Binding("l", "leave", _("Ask for leave"), id="schedule.leave"),
        Binding("s", "swap", _("Ask to swap"), id="schedule.swap"),
        Binding("escape", "app.pop_screen", _("Back"), id="schedule.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.schedule: MySchedule | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="schedule-title")
        days: DataTable[str | Text] = SeatTable(id="schedule-days", cursor_type="row")
        yield days
        requests: DataTable[str | Text] = SeatTable(id="schedule-requests", cursor_type="row")
        yield requests
        yield Static("", id="schedule-message")
        yield Footer()

    def on_mount(self) -> None:
        days = self.query_one("#schedule-days", DataTable)
        for key, label in (("day", _("Day")), ("shift", _("Shift"))):
            days.add_column(label, key=key)
        requests = self.query_one("#schedule-requests", DataTable)
        for key, label in (("id", _("No.")), ("kind", _("Request")), ("day", _("Day")),
                           ("with", _("With")), ("state", _("State")), ("note", _("Note"))):
            requests.add_column(label, key=key)
        self.load()

    def load(self) -> None:
        roster, actor = seat_app(self).backend.roster, signed_in(self)
        call_service(self, lambda: roster.my_schedule(actor), self._show_schedule,
                     group="schedule", latest_only=True)

    def _show_schedule(self, mine: MySchedule) -> None:
        self.schedule = mine
        self.query_one("#schedule-title", Static).update(
            _("My schedule · {first} to {last}").format(first=mine.first, last=mine.last))
        hours = {t.code: t.hours for t in mine.templates}
        by_day = {s.day: s for s in mine.shifts}
        days = self.query_one("#schedule-days", DataTable)
        days.clear()
        day = mine.first
        while day <= mine.last:
            sh = by_day.get(day)
            if sh is None:
                what = ""
            elif sh.kind == LEAVE:
                what = _("leave")
            elif sh.kind == OFF:
                what = _("off")
            else:
                what = f"{sh.template_code} {hours.get(sh.template_code or '', '')}"
            days.add_row(f"{day:%Y-%m-%d} {_(WEEKDAYS[day.weekday()])}", what,
                         key=day.isoformat())
            day += timedelta(days=1)
        requests = self.query_one("#schedule-requests", DataTable)
        requests.clear()
        for r in mine.requests:
            requests.add_row(*plain_cells(
                str(r.id), _("leave") if r.kind == LEAVE else _("swap"), r.day.isoformat(),
                r.other_name or "", Text(state_text(r.state), style=STATE_STYLE.get(r.state, "")),
                r.decision_note))

    def _say(self, text: str, *, error: bool = False) -> None:
        self.query_one("#schedule-message", Static).update(
            Text(text, style="red" if error else "green"))

    def on_service_failed(self, message: ServiceFailed) -> None:
        message.stop()  # said in the screen's message line
        self._say(message.text, error=True)

    def _chosen_day(self) -> date | None:
        days = self.query_one("#schedule-days", DataTable)
        if self.schedule is None or not days.row_count:
            return None
        return self.schedule.first + timedelta(days=days.cursor_row)

    def _send(self, day: date, reason: str, colleague: str | None) -> None:
        roster, actor = seat_app(self).backend.roster, signed_in(self)

        def send() -> RequestView:
            if colleague is None:
                return roster.request_leave(actor, day, reason)
            return roster.request_swap(actor, day, colleague, reason)

        call_service(self, send, self._sent, group="schedule-write")

    def _sent(self, request: RequestView) -> None:
        self._say(_("request #{id} sent to your team lead").format(id=request.id))
        self.load()

    def action_leave(self) -> None:
        day = self._chosen_day()
        if day is None:
            return

        def done(reason: str | None) -> None:
            if reason is not None:
                self._send(day, reason, None)

        self.app.push_screen(TextPrompt(_("Why do you need leave on {day}?").format(day=day),
                                        required=False, max_len=200), done)

    def action_swap(self) -> None:
        day = self._chosen_day()
        if day is None:
            return

        def got_reason(colleague: str, reason: str | None) -> None:
            if reason is not None:
                self._send(day, reason, colleague)

        def got_colleague(colleague: str | None) -> None:
            if colleague:
                self.app.push_screen(TextPrompt(_("Why?"), required=False, max_len=200),
                                     lambda reason: got_reason(colleague, reason))

        self.app.push_screen(TextPrompt(_("Swap {day} with (colleague's login)").format(
            day=day), max_len=64), got_colleague)
