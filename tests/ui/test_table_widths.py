"""A table's cells drawn before its columns were measured are redrawn at the measured widths.

Seen in CI on the Chinese scripts screen: a frame drawn between the rows' arrival and the
table's idle cut every title to its header's width ("Comp" for "Complaint call"), for good.
"""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from seatdesk.ui.widgets.table import SeatTable


class OneTable(App[None]):
    CSS = "DataTable { height: 1fr; }"  # a fixed size, as every table of the desk has

    def compose(self) -> ComposeResult:
        yield SeatTable(id="t")

    def on_mount(self) -> None:
        table = self.query_one("#t", DataTable)
        table.add_column("标题", key="title")
        table.add_column("日期", key="date")


def _lines(app: App[Any]) -> str:
    table = app.query_one("#t", DataTable)
    return "\n".join(strip.text for strip in table.render_lines(table.size.region))


async def test_rows_drawn_before_the_table_measured_them_show_whole() -> None:
    app = OneTable()
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        table = app.query_one("#t", DataTable)
        table.add_row("Complaint call", "2026-03-10")
        app.export_screenshot()  # a frame drawn before the table's idle, as under load
        await pilot.pause()
        await pilot.pause()
        shown = _lines(app)
        assert "Complaint call" in shown and "2026-03-10" in shown, shown


def test_every_table_of_the_ui_is_a_seat_table() -> None:
    """A plain DataTable in a screen would bring the stale cells back."""
    import re
    from pathlib import Path

    import seatdesk.ui as ui

    root = Path(ui.__file__).parent
    sources = [p for p in root.rglob("*.py") if p != root / "widgets" / "table.py"]
    plain = [f"{p.relative_to(root)}:{n}" for p in sources
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"(?<![\w.])DataTable(\[[^\]]*\])?\(", line)
             or re.search(r"class \w+\(DataTable\b", line)]
    assert not plain, "use SeatTable: " + ", ".join(plain)
