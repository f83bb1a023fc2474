"""Calibration: several inspectors score one call blind; the spread is compared once closed.

N opens a session on the call highlighted in the work list (supervisors), Enter scores
the highlighted session, X closes it (supervisors), V shows its spread per item and each
inspector's distance from the supervisor's score.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from seatdesk.domain.i18n import _, ngettext
from seatdesk.services.qa_views import CalibrationReport, CalibrationRow
from seatdesk.ui.context import seat_app, signed_in
from seatdesk.ui.errors import ServiceFailed, call_service
from seatdesk.ui.textual_words import SeatScreen
from seatdesk.ui.widgets.cells import plain_cells
from seatdesk.ui.widgets.table import SeatTable


def _num(v: float | None) -> str:
    return "-" if v is None else f"{v:.1f}"


class QaCalibrationScreen(SeatScreen[None]):
    DEFAULT_CSS = """
    QaCalibrationScreen #sessions { height: 10; }
    QaCalibrationScreen #spread { height: 1fr; }
    QaCalibrationScreen #distances { height: auto; max-height: 8; padding: 0 1; }
    QaCalibrationScreen #cal-status { height: auto; padding: 0 1; }
    """
    BINDINGS = [
        Binding("n", "new", _("New session"), id="qa.cal.new"),
        Binding("x", "close_session", _("Close session"), id="qa.cal.close"),
        Binding("v", "report", _("Spread"), id="qa.cal.report"),
        Binding("r", "refresh", _("Refresh"), id="qa.cal.refresh"),
        Binding("escape", "back", _("Back"), id="qa.cal.back"),
    ]

    def __init__(self, call_id: int | None = None) -> None:
        super().__init__()
        self.call_id = call_id
        self.rows: list[CalibrationRow] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Calibration sessions"), classes="pane-title")
        yield SeatTable(id="sessions", cursor_type="row")
        yield Static("", id="cal-status", classes="field-error", markup=False)
        yield SeatTable(id="spread", cursor_type="row")
        yield Static("", id="distances", markup=False)  # names, logins
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#sessions", DataTable).add_columns(
            _("Session"), _("Call"), _("State"), _("Opened by"), _("Opened"), _("Scores"),
            _("Mine"))
        self.query_one("#spread", DataTable).add_columns(
            _("Item"), _("Min"), _("Max"), _("Stdev"), _("Scores"))
        seat_app(self).data_changed.subscribe(self, self._on_data_changed)
        self.query_one("#sessions", DataTable).focus()
        self.action_refresh()

    def _on_data_changed(self, topics: frozenset[str]) -> None:
        if topics & {"qa", "*"}:
            self.action_refresh()

    def action_refresh(self) -> None:
        qa, actor = seat_app(self).backend.qa, signed_in(self)
        call_service(self, lambda: qa.calibrations(actor), self.show_sessions, group="qa-cal")

    def show_sessions(self, rows: list[CalibrationRow]) -> None:
        table = self.query_one("#sessions", DataTable)
        table.clear()
        self.rows = rows
        tz = seat_app(self).settings.tz
        for r in rows:
            table.add_row(*plain_cells(str(r.id), str(r.call_id), _(r.state), r.created_by,
                                       r.created_at.astimezone(tz).strftime("%m-%d %H:%M"),
                                       str(r.submitted), "✓" if r.scored_by_me else ""),
                          key=str(r.id))

    def on_service_failed(self, message: ServiceFailed) -> None:
        message.stop()  # shown on the screen
        self.query_one("#cal-status", Static).update(message.text)

    def _selected(self) -> CalibrationRow | None:
        table = self.query_one("#sessions", DataTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def action_new(self) -> None:
        if self.call_id is None:
            self.query_one("#cal-status", Static).update(
                _("highlight a call in the work list first, then press K and N"))
            return
        qa, actor, call_id = seat_app(self).backend.qa, signed_in(self), self.call_id

        def create() -> list[CalibrationRow]:
            qa.create_calibration(actor, call_id)
            return qa.calibrations(actor)

        call_service(self, create, self.show_sessions, group="qa-cal")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id != "sessions":
            return
        row = self._selected()
        if row is None:
            return
        from seatdesk.ui.screens.qa_score import QaScoreScreen

        self.app.push_screen(QaScoreScreen(calibration_id=row.id),
                             lambda _r: self.action_refresh())

    def action_close_session(self) -> None:
        row = self._selected()
        if row is not None:
            qa, actor = seat_app(self).backend.qa, signed_in(self)
            call_service(self, lambda: qa.close_calibration(actor, row.id), self.show_report,
                         group="qa-cal")

    def action_report(self) -> None:
        row = self._selected()
        if row is not None:
            qa, actor = seat_app(self).backend.qa, signed_in(self)
            call_service(self, lambda: qa.calibration_report(actor, row.id), self.show_report,
                         group="qa-cal")

    def show_report(self, report: CalibrationReport) -> None:
        table = self.query_one("#spread", DataTable)
        table.clear()
        for item in report.items:
            table.add_row(*plain_cells(item.question[:50], _num(item.minimum),
                                       _num(item.maximum), _num(item.stdev),
                                       " ".join(f"{v:.0f}" for v in item.values)),
                          key=item.key)
        lines = [_("Distance from {ref}'s score (reference):").format(ref=report.reference)]
        for d in report.inspectors:
            lines.append(_("  {login:<12} score {score:>6}  distance {d:>6}  per item {i:>6}")
                         .format(login=d.login, score=_num(d.score), d=_num(d.distance),
                                 i=_num(d.item_distance)))
        self.query_one("#distances", Static).update("\n".join(lines))
        self.query_one("#cal-status", Static).update(
            ngettext("session #{id} closed: {n} score", "session #{id} closed: {n} scores",
                     len(report.inspectors)).format(id=report.id, n=len(report.inspectors)))
        self.action_refresh()

    def action_back(self) -> None:
        self.dismiss(None)
