"""QA results (质检结果): average score, pass rate, critical fails and most-failed items.

Pick a period (this week, last week, this month, last month, or typed dates) and a
grouping (agent, team, inspector, form item); the table shows what the service
computed. Ctrl+E exports the table as CSV or XLSX into the user's data directory or the
typed path. A team lead sees only their own team (the service enforces it).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Input, Select, Static

from seatdesk.domain.errors import SeatdeskError
from seatdesk.domain.i18n import _, ngettext
from seatdesk.domain.qa.periods import period_days
from seatdesk.domain.text import neutralise
from seatdesk.services.qa_results import result_columns, result_dicts
from seatdesk.services.qa_views import ResultRow
from seatdesk.ui.context import seat_app, signed_in
from seatdesk.ui.errors import ServiceFailed, call_service
from seatdesk.ui.textual_words import SeatScreen
from seatdesk.ui.widgets.cells import plain_cells
from seatdesk.ui.widgets.table import SeatTable


def _period_options() -> list[tuple[str, str]]:
    return [(_("This week"), "this_week"), (_("Last week"), "last_week"),
            (_("This month"), "this_month"), (_("Last month"), "last_month"),
            (_("Typed dates"), "custom")]


def _group_options() -> list[tuple[str, str]]:
    return [(_("By agent"), "agent"), (_("By team"), "team"),
            (_("By inspector"), "inspector"), (_("By form item"), "item")]


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}"
    return neutralise(str(value))


class QaResultsScreen(SeatScreen[None]):
    DEFAULT_CSS = """
    QaResultsScreen #period-bar, QaResultsScreen #export-bar { height: 3; }
    QaResultsScreen #r-period { width: 20; }
    QaResultsScreen #r-by { width: 22; }
    QaResultsScreen #r-from, QaResultsScreen #r-to { width: 16; }
    QaResultsScreen #r-format { width: 12; }
    QaResultsScreen #r-out { width: 1fr; }
    QaResultsScreen #results { height: 1fr; }
    QaResultsScreen #results-status { height: auto; padding: 0 1; }
    """
    BINDINGS = [
        Binding("f5", "refresh", _("Refresh"), id="qa_results.refresh"),
        Binding("ctrl+e", "export", _("Export"), id="qa_results.export"),
        Binding("escape", "back", _("Back"), id="qa_results.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[ResultRow] = []
        self.by = "agent"
        # What a preset wrote into the date fields: only other text means "typed dates".
        self._filled: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="period-bar"):
            yield Select(_period_options(), value="this_week", allow_blank=False, id="r-period")
            yield Input(id="r-from", placeholder=_("from"), max_length=40)
            yield Input(id="r-to", placeholder=_("to"), max_length=40)
            yield Select(_group_options(), value="agent", allow_blank=False, id="r-by")
        with Horizontal(id="export-bar"):
            yield Select([("CSV", "csv"), ("XLSX", "xlsx")], value="csv", allow_blank=False,
                         id="r-format")
            yield Input(id="r-out", max_length=500,
                        placeholder=_("export file; empty = your data directory"))
        yield SeatTable(id="results", cursor_type="row", zebra_stripes=True)
        yield Static("", id="results-status", classes="field-error")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = _("QA results")
        self._fill_period("this_week")
        seat_app(self).data_changed.subscribe(self, self._on_data_changed)
        self.query_one("#results", DataTable).focus()
        self.action_refresh()

    def _on_data_changed(self, topics: frozenset[str]) -> None:
        if topics & {"qa", "*"}:
            self.action_refresh(audited=False)

    # ---- the period and grouping ----------------------------------------------------------

    def _fill_period(self, period: str) -> None:
        start, end = period_days(period, seat_app(self).clock(),
                                 seat_app(self).settings.tz)
        self._filled = {"r-from": start.isoformat(), "r-to": end.isoformat()}
        for field_id, text in self._filled.items():
            self.query_one(f"#{field_id}", Input).value = text

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "r-period" and event.value != "custom":
            self._fill_period(str(event.value))
            self.action_refresh()
        elif event.select.id == "r-by":
            self.action_refresh()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in self._filled and event.value != self._filled[event.input.id]:
            self.query_one("#r-period", Select).value = "custom"

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "r-out":
            self.action_export()
        else:
            self.action_refresh()

    def _period(self) -> tuple[datetime, datetime]:
        """[start, end) in UTC from the date fields; raises InvalidInput naming the field."""
        from seatdesk.exchange.exporter import parse_date_range

        return parse_date_range(self.query_one("#r-from", Input).value,
                                self.query_one("#r-to", Input).value,
                                seat_app(self).settings.tz, seat_app(self).clock())

    def _grouping(self) -> str:
        return str(self.query_one("#r-by", Select).value)

    # ---- loading ----------------------------------------------------------------------------

    def action_refresh(self, audited: bool = True) -> None:
        try:
            start, end = self._period()
        except (ValueError, SeatdeskError) as exc:  # the typed dates stay as typed
            self._say(str(exc))
            return
        if audited:
            self._say(_("loading…"))
        self.load(start, end, self._grouping(), audited)

    def load(self, start: datetime, end: datetime, by: str, audited: bool) -> None:
        app, actor = seat_app(self), signed_in(self)
        call_service(self, lambda: app.backend.qa.results(actor, start, end, by,
                                                          audited=audited),
                     lambda rows: self.show_results(rows, by, quiet=not audited),
                     group="qa-results")

    def show_results(self, rows: list[ResultRow], by: str, quiet: bool) -> None:
        """Fill the table; ``quiet`` (a refresh nobody asked for) keeps the status line."""
        self.rows, self.by = rows, by
        table = self.query_one("#results", DataTable)
        table.clear(columns=True)
        columns = result_columns(by)
        for key, heading in columns:
            table.add_column(heading, key=key)
        for row in result_dicts(rows):
            table.add_row(*plain_cells(*(_cell(row[k]) for k, _h in columns)),
                          key=str(row["key"]))
        if quiet:
            return
        if rows:
            self._say(ngettext("{n} row", "{n} rows", len(rows)).format(n=len(rows)))
        else:
            self._say(_("no submitted evaluations in this period"))

    def on_service_failed(self, message: ServiceFailed) -> None:
        message.stop()  # shown on the screen; the typed dates and path stay for a retry
        self._say(message.text)

    def _say(self, text: str) -> None:
        self.query_one("#results-status", Static).update(text)

    # ---- export -----------------------------------------------------------------------------

    def action_export(self) -> None:
        try:
            start, end = self._period()
        except (ValueError, SeatdeskError) as exc:
            self._say(str(exc))
            return
        fmt = str(self.query_one("#r-format", Select).value)
        by = self._grouping()
        typed = self.query_one("#r-out", Input).value.strip()
        if typed:
            path = Path(typed).expanduser()
        else:
            from seatdesk.services.settings import data_dir

            tz = seat_app(self).settings.tz
            path = data_dir() / "qa-results-{by}-{a}-{b}.{fmt}".format(
                by=by, a=start.astimezone(tz).strftime("%Y%m%d"),
                b=(end - timedelta(seconds=1)).astimezone(tz).strftime("%Y%m%d"), fmt=fmt)
        self._say(_("exporting…"))
        self.export(start, end, by, fmt, str(path))

    def export(self, start: datetime, end: datetime, by: str, fmt: str, path: str) -> None:
        app, actor = seat_app(self), signed_in(self)

        def write() -> int:
            from seatdesk.exchange.exporter import export_qa_results  # off the app's thread

            return export_qa_results(app.backend, actor, start, end, by, fmt, path)

        call_service(self, write, lambda count: self.exported(count, path),
                     group="qa-results-export")

    def exported(self, rows: int, path: str) -> None:
        text = ngettext("{n} row written to {path}", "{n} rows written to {path}",
                        rows).format(n=rows, path=path)
        self._say(text)
        self.app.notify(text)

    def action_back(self) -> None:
        # Opened from the work list it was pushed; opened from the palette it is a mode.
        if len(self.app.screen_stack) > 1:
            self.dismiss(None)
