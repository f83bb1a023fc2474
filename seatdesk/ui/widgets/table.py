"""SeatTable: Textual's DataTable, without stale cells after its columns widen.

The DataTable measures new rows when it is next idle. A frame drawn before that (a busy
seat, a worker's rows arriving just before the screen's refresh) caches each cell cut to
the width its column had then, the header's. A table whose own size does not change (every
table here has a fixed height) never drops those cells, so a title read "Comp" for good.
The columns' new widths always widen the virtual size, so that is the moment to drop them.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from textual.geometry import Size
from textual.widgets import DataTable

CellT = TypeVar("CellT")


class SeatTable(DataTable[CellT], Generic[CellT]):
    def watch_virtual_size(self, old: Size, new: Size) -> None:
        if new.width != old.width:
            # Public API: clears the drawn-cell caches and refreshes the table.
            self.notify_style_update()
