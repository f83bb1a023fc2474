"""An agent's own schedule: published shifts this and next week, leave and swap requests.

Keys: ↑/↓ choose a day; L ask for leave that day; S ask to swap it with a colleague
(their login); both ask for a reason shown to the team lead. Requests and the lead's
answers are listed below.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Static

from seatdesk.domain.errors import SeatdeskError
from seatdesk.domain.i18n import N_, _
from seatdesk.services.roster import LEAVE, OFF, MySchedule
from seatdesk.ui.context import seat_app, signed_in
from seatdesk.ui.screens.roster import TextPrompt
from seatdesk.ui.textual_words import SeatScreen
from seatdesk.ui.widgets.cells import plain_cells

STATE_STYLE = {"pending": "yellow", "approved": "green", "refused": "red"}


def state_text(state: str) -> str:
    """A request's state as the agent reads it."""
    return {"pending": _("waiting for the lead"), "approved": _("approved"),
            "refused": _("refused by the lead")}.get(state, state)


@dataclass
class ScheduleLoaded(Message):
    schedule: MySchedule


@dataclass
class ScheduleNotice(Message):
    text: str
    error: bool = False
    reload: bool = False


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
        days: DataTable[str | Text] = DataTable(id="schedule-days", cursor_type="row")
        yield days
        requests: DataTable[str | Text] = DataTable(id="schedule-requests", cursor_type="row")
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

    @work(thread=True, exclusive=True, exit_on_error=False, group="schedule")
    def load(self) -> None:
        app = seat_app(self)
        try:
            self.post_message(ScheduleLoaded(app.backend.roster.my_schedule(signed_in(self))))
        except SeatdeskError as exc:
            self.post_message(ScheduleNotice(str(exc), error=True))

    def on_schedule_loaded(self, message: ScheduleLoaded) -> None:
        mine = self.schedule = message.schedule
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

    def on_schedule_notice(self, message: ScheduleNotice) -> None:
        self.query_one("#schedule-message", Static).update(
            Text(message.text, style="red" if message.error else "green"))
        if message.reload:
            self.load()

    def _chosen_day(self) -> date | None:
        days = self.query_one("#schedule-days", DataTable)
        if self.schedule is None or not days.row_count:
            return None
        return self.schedule.first + timedelta(days=days.cursor_row)

    @work(thread=True, exclusive=False, exit_on_error=False, group="schedule-write")
    def _send(self, day: date, reason: str, colleague: str | None) -> None:
        app = seat_app(self)
        try:
            if colleague is None:
                r = app.backend.roster.request_leave(signed_in(self), day, reason)
            else:
                r = app.backend.roster.request_swap(signed_in(self), day, colleague, reason)
        except SeatdeskError as exc:
            self.post_message(ScheduleNotice(str(exc), error=True))
            return
        self.post_message(ScheduleNotice(
            _("request #{id} sent to your team lead").format(id=r.id), reload=True))

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
