"""The reports screen over the hand-built floor: views, table, chart, bad input."""

from __future__ import annotations

from seatdesk.domain import kpi
from seatdesk.services.container import Backend
from seatdesk.services.settings import Settings
from seatdesk.ui.app import SeatdeskApp
from seatdesk.ui.widgets.kpi_chart import KpiChart
from tests.data.test_reports import build_hand_floor


async def _settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


def _row(table, key: str) -> list[str]:
    return [str(c) for c in table.get_row(key)]


async def test_views_table_and_chart_show_the_database_numbers(sqlite_url, clock):
    backend = Backend.open(sqlite_url, clock)
    build_hand_floor(backend)
    # The center's numbers, as a supervisor sees them (a lead sees their team's).
    supervisor = backend.users.actor("super1")
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=supervisor, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_screen("reports")
        await _settle(app, pilot)
        screen = app.screen
        assert screen.__class__.__name__ == "ReportsScreen"
        table = screen.query_one("#kpi-table")
        # Default period: the 28 days to today (2026-11-23), daily.
        assert table.row_count == 28 + 1
        offered = kpi.HEADLINE.index("offered") + 1
        sl = kpi.HEADLINE.index("service_level") + 1
        assert _row(table, "2026-11-20")[offered] == "6"
        assert _row(table, "2026-11-20")[sl] == "40.0%"
        assert _row(table, "2026-11-21")[offered] == "2"
        # The chart draws offered calls per day from the same report.
        chart = screen.query_one("#kpi-chart", KpiChart)
        assert dict(chart.points)["2026-11-20"] == 6
        assert dict(chart.points)["2026-11-13"] == 1

        await pilot.press("w")
        await _settle(app, pilot)
        # Weeks end on Friday: the 20th closes one, Saturday the 21st starts the next.
        assert _row(table, "2026-11-20")[offered] == "6"
        assert _row(table, "2026-11-13")[offered] == "1"  # K: Friday the 13th ends its week
        assert _row(table, "2026-11-27")[offered] == "2"
        await pilot.press("m")
        await _settle(app, pilot)
        assert _row(table, "2026-11")[offered] == "9"
        assert _row(table, "total")[offered] == "9"
        await pilot.press("]")
        await pilot.pause()
        assert chart.chart_title == "Answered"
        assert dict(chart.points)["2026-11"] == 6  # K, A, B, F, I, J
    backend.close()


async def test_bad_dates_give_a_message_and_keep_the_text(sqlite_url, clock):
    backend = Backend.open(sqlite_url, clock)
    build_hand_floor(backend)
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=backend.users.actor("super1"),
                      clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_screen("reports")
        await _settle(app, pilot)
        box = app.screen.query_one("#report-from")
        box.value = "next blursday"
        box.focus()
        await pilot.press("enter")
        await _settle(app, pilot)
        status = str(app.screen.query_one("#report-status").render())
        assert "cannot read" in status
        assert box.value == "next blursday"
        box.value = "2026-11-21"
        app.screen.query_one("#report-to").value = "2026-11-20"
        await pilot.press("enter")
        await _settle(app, pilot)
        assert "before" in str(app.screen.query_one("#report-status").render())
    backend.close()
