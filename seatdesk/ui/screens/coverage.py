"""Coverage of one day: agents required versus scheduled per interval, with a chart.

← and → change the day, Escape goes back to the roster.
"""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from seatdesk.domain.i18n import _
from seatdesk.domain.roster.coverage import OVER, SHORT, bar_chart
from seatdesk.services.roster import CoverageView
from seatdesk.ui.context import seat_app, signed_in
from seatdesk.ui.errors import ServiceFailed, call_service
from seatdesk.ui.textual_words import SeatScreen
from seatdesk.ui.widgets.table import SeatTable

STYLE = {SHORT: "bold red", OVER: "yellow"}


class CoverageScreen(SeatScreen[None]):
    DEFAULT_CSS = """
    CoverageScreen #coverage-title { height: 1; padding: 0 1; text-style: bold; }
    CoverageScreen #coverage-chart { height: 12; padding: 0 1; }
    CoverageScreen #coverage-table { height: 1fr; }
    CoverageScreen #coverage-summary { height: auto; padding: 0 1; }
    """
    BINDINGS = [
        Binding("left", "day(-1)", _("Previous day"), id="coverage.prev"),
        Binding("right", "day(1)", _("Next day"), id="coverage.next"),
        Binding("escape", "app.pop_screen", _("Back"), id="coverage.back"),
    ]

    def __init__(self, team_code: str | None, day: date) -> None:
        super().__init__()
        self.team_code = team_code
        self.day = day

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="coverage-title")
        yield Static("", id="coverage-chart")
        table: DataTable[str | Text] = SeatTable(id="coverage-table", cursor_type="row")
        yield table
        yield Static("", id="coverage-summary")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label in (_("Interval"), _("Required"), _("Scheduled"), _("On break"), _("Gap"),
                      _("Status")):
            table.add_column(label)
        self.load()

    def load(self) -> None:
        app, actor, team, day = seat_app(self), signed_in(self), self.team_code, self.day
        call_service(self, lambda: app.backend.roster.coverage(actor, team, day),
                     self.show_coverage, group="coverage")

    def on_service_failed(self, message: ServiceFailed) -> None:
        message.stop()
        self.query_one("#coverage-summary", Static).update(Text(message.text, style="red"))

    def show_coverage(self, view: CoverageView) -> None:
        tz = seat_app(self).settings.tz
        self.query_one("#coverage-title", Static).update(
            _("Coverage · team {team} · {day} ({interval} min)").format(
                team=view.team_code, day=view.day, interval=view.interval_minutes))
        chart = bar_chart(view.rows, height=9)
        hours = "".join(f"{r.start.astimezone(tz).hour:<4}" if i % 4 == 0 else ""
                        for i, r in enumerate(view.rows))
        legend = _("█ scheduled  ░ missing")
        self.query_one("#coverage-chart", Static).update(
            Text("\n".join([*chart, "─" * len(view.rows), hours[:len(view.rows)], legend])))
        table = self.query_one(DataTable)
        table.clear()
        for i, r in enumerate(view.rows):
            on_break = view.on_break[i] if i < len(view.on_break) else 0
            if not r.required and not r.scheduled and not on_break:
                continue  # the night nobody plans for: keeps the table on one screen
            style = STYLE.get(r.status, "")
            status = {SHORT: _("short"), OVER: _("over")}.get(r.status, _("ok"))
            table.add_row(r.start.astimezone(tz).strftime("%H:%M"), f"{r.required:g}",
                          f"{r.scheduled:g}", f"{on_break:g}" if on_break else "",
                          Text(f"{r.gap:+g}", style=style),
                          Text(status, style=style))
        s = view.summary
        lines = [_("{short} intervals short ({sh} agent-hours), {over} overstaffed "
                   "({oh} agent-hours)").format(short=s.short_intervals,
                                               sh=s.shortage_agent_hours,
                                               over=s.over_intervals,
                                               oh=s.overstaffing_agent_hours)]
        if view.shares:
            lines.append(_("Skill groups (this team's share): {groups}").format(
                groups=" · ".join(f"{g} {share:.0%}" for g, share in sorted(
                    view.shares.items()))))
        if view.accuracy:
            lines.append(_("Forecast accuracy (WAPE): {queues}").format(queues=" · ".join(
                f"{a.queue_shown} {a.forecast:g}/{a.actual} "
                + ("—" if a.wape is None else f"{a.wape:.0%}") for a in view.accuracy)))
        self.query_one("#coverage-summary", Static).update("\n".join(lines))

    def action_day(self, step: int) -> None:
        self.day += timedelta(days=step)
        self.load()
