"""The reports screen: the floor's measures per day, week (to Friday) or month, and a chart.

Team leads and supervisors pick the period and the view; the table shows the headline
measures per bucket with the total, and the chart draws one measure over time ([ and ]
change it). Reports run in a thread worker; other seats' changes re-run it, at most
every ``REFRESH_SECONDS``.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Input, Label, Static

from seatdesk.domain import kpi
from seatdesk.domain.errors import SeatdeskError
from seatdesk.domain.i18n import _, ngettext
from seatdesk.domain.text import neutralise
from seatdesk.services.reports import KpiReport
from seatdesk.ui.context import seat_app, signed_in
from seatdesk.ui.errors import ServiceFailed, call_service
from seatdesk.ui.textual_words import SeatScreen
from seatdesk.ui.widgets.cells import plain_cells
from seatdesk.ui.widgets.kpi_chart import KpiChart
from seatdesk.ui.widgets.table import SeatTable

REFRESH_SECONDS = 30.0
VIEWS = ("day", "week", "month", "interval", "agent", "team", "queue")


class ReportsScreen(SeatScreen[None]):
    """KPI table and chart for a period, by day / week / month (and interval, agent...)."""

    DEFAULT_CSS = """
    ReportsScreen #report-bar { height: 3; }
    ReportsScreen #report-bar Input { width: 18; }
    ReportsScreen #report-bar Label { padding: 1 1 0 1; }
    ReportsScreen #report-view { width: 1fr; padding: 1 1 0 1; text-style: bold; }
    ReportsScreen #kpi-table { height: 1fr; }
    ReportsScreen #report-status { height: 1; color: $text-muted; }
    ReportsScreen #report-status.error { color: $error; }
    """

    BINDINGS = [
        Binding("d", "view('day')", _("Daily"), id="reports.day"),
        Binding("w", "view('week')", _("Weekly"), id="reports.week"),
        Binding("m", "view('month')", _("Monthly"), id="reports.month"),
        Binding("i", "view('interval')", _("Intervals"), id="reports.interval"),
        Binding("a", "view('agent')", _("By agent"), id="reports.agent"),
        Binding("t", "view('team')", _("By team"), id="reports.team"),
        Binding("[", "measure(-1)", _("Previous measure"), id="reports.prev_measure"),
        Binding("]", "measure(1)", _("Next measure"), id="reports.next_measure"),
        Binding("f5", "reload", _("Refresh"), id="reports.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.grouping = "day"
        self.measure_index = 0
        self.report: KpiReport | None = None
        self._last_load = 0.0

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="report-bar"):
            yield Label(_("From"))
            yield Input(id="report-from", placeholder="2026-11-01")
            yield Label(_("To"))
            yield Input(id="report-to", placeholder="2026-11-30")
            yield Static("", id="report-view")
        yield SeatTable(id="kpi-table", zebra_stripes=True, cursor_type="row")
        yield KpiChart(id="kpi-chart")
        yield Static("", id="report-status")
        yield Footer()

    def on_mount(self) -> None:
        today = seat_app(self).clock().astimezone(seat_app(self).settings.tz).date()
        self.query_one("#report-from", Input).value = (today - timedelta(days=27)).isoformat()
        self.query_one("#report-to", Input).value = today.isoformat()
        seat_app(self).data_changed.subscribe(self, self._on_data_changed)
        # The view keys (d, w, m...) act on the table; the date boxes take typing.
        self.query_one("#kpi-table", DataTable).focus()
        self.action_reload()

    # ---- actions -------------------------------------------------------------------------

    def action_view(self, view: str) -> None:
        """Switch the grouping (day, week, month...) and re-run the report."""
        if view in VIEWS:
            self.grouping = view
            self.action_reload()

    def action_measure(self, step: int) -> None:
        """Chart the previous or next measure."""
        self.measure_index = (self.measure_index + step) % len(kpi.MEASURES)
        self._draw_chart()

    def action_reload(self) -> None:
        """Read the period typed in the bar and run the report (typed text is kept)."""
        from seatdesk.exchange.exporter import parse_date_range

        from_text = self.query_one("#report-from", Input).value
        to_text = self.query_one("#report-to", Input).value or from_text
        tz = seat_app(self).settings.tz
        try:
            start, end = parse_date_range(from_text, to_text, tz, now=seat_app(self).clock())
        except (SeatdeskError, ValueError) as exc:
            self._status(str(exc), error=True)
            return
        first = start.astimezone(tz).date()
        last = (end - timedelta(microseconds=1)).astimezone(tz).date()
        self.query_one("#report-view", Static).update(
            _("{view} report, {first} to {last}").format(
                view=_(self.grouping.title()), first=first, last=last))
        self._status(_("loading..."))
        self._last_load = time.monotonic()
        self._load(first, last, self.grouping)

    @on(Input.Submitted)
    def _submitted(self, _event: Input.Submitted) -> None:
        self.action_reload()

    def _on_data_changed(self, topics: frozenset[str]) -> None:
        # The slow poll alone ("poll") never re-runs a report; real changes do, throttled.
        if topics <= {"poll"} or time.monotonic() - self._last_load < REFRESH_SECONDS:
            return
        self.action_reload()

    # ---- the worker ----------------------------------------------------------------------

    def _load(self, first: date, last: date, view: str) -> None:
        app = seat_app(self)
        settings, actor = app.settings, signed_in(self)
        call_service(self, lambda: app.backend.reports.kpi(
            actor, first, last, view, timezone=settings.timezone,
            repeat_days=settings.repeat_contact_days), self.show_report, group="reports")

    def show_report(self, report: KpiReport) -> None:
        self.report = report
        table = self.query_one("#kpi-table", DataTable)
        table.clear(columns=True)
        first = _("Period") if self.report.by in kpi.TIME_GROUPINGS else _(self.report.by.title())
        table.add_column(first, key="key")
        for key in kpi.HEADLINE:
            table.add_column(_(kpi.BY_KEY[key].label), key=key)
        for row in [*self.report.rows, self.report.total]:
            label = _("Total") if row is self.report.total else neutralise(row.label)
            cells = [kpi.format_value(kpi.BY_KEY[k], row.values.get(k)) for k in kpi.HEADLINE]
            table.add_row(*plain_cells(label, *cells), key=row.key)  # labels: names
        self._draw_chart()
        n = len(self.report.rows)
        self._status(ngettext("{n} row", "{n} rows", n).format(n=n))

    def on_service_failed(self, message: ServiceFailed) -> None:
        message.stop()  # said in the status line; the typed period stays
        self._status(message.text, error=True)

    # ---- helpers -------------------------------------------------------------------------

    def _draw_chart(self) -> None:
        if self.report is None:
            return
        measure = kpi.MEASURES[self.measure_index]
        points = [(neutralise(label), value) for label, value in self.report.series(measure.key)]
        peak = max((v for _l, v in points if v is not None), default=None)
        self.query_one("#kpi-chart", KpiChart).show(
            _(measure.label), points,
            _("peak {value}").format(value=kpi.format_value(measure, peak)))

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#report-status", Static)
        status.update(text)
        status.set_class(error, "error")
