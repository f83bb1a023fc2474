"""The baseline of ``bench/bench_memory.py``: a bare Textual app, nothing of seatdesk's.

A screen shaped like a seat's desk at its simplest, built only from Textual's own widgets
(the same Textual the desk runs on): a Header, a DataTable holding a queue of 20 waiting
callers, and an Input. What a seat costs is judged against what this costs.
``python bench/bare_textual.py`` runs it in a terminal; it paints ``bare-app-ready``.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Header, Input

READY_MARK = "bare-app-ready"


class BareDesk(App[None]):
    """Header, a DataTable of waiting callers and an Input; no database, no seatdesk."""

    TITLE = READY_MARK

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="queue")
        yield Input(placeholder="phone number")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("#", "caller", "queue", "waiting")
        for i in range(20):
            table.add_row(str(i + 1), f"+86139000{i:05d}", "general", f"0:{i:02d}")
        self.query_one(Input).focus()


if __name__ == "__main__":
    BareDesk().run()
