"""The one plain-text table every command prints: CJK-aware widths, text made terminal-safe.

Column widths come from ``rich.cells.cell_len`` (a Chinese character takes two columns);
every cell goes through ``neutralise`` so a stored name with escape sequences cannot
retitle, clear or write to the user's terminal.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len

from seatdesk.domain.text import neutralise


def text_table(head: Sequence[str], body: Sequence[Sequence[str]], *,
               footer: Sequence[str] | None = None, rules: bool = True,
               numbers_right: bool = True) -> str:
    """Rows aligned in columns two spaces apart.

    The first column (a label) reads left to right; with ``numbers_right`` the others line
    up on the right. ``rules`` draws a dashed line under the head (and over the footer).
    """
    grid = [[neutralise(c) for c in row] for row in [head, *body, *([footer] if footer else [])]]
    widths = [max(cell_len(row[i]) for row in grid) for i in range(len(head))]

    def line(row: list[str]) -> str:
        cells = []
        for i, cell in enumerate(row):
            gap = " " * (widths[i] - cell_len(cell))
            cells.append(gap + cell if numbers_right and i > 0 else cell + gap)
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    out = [line(grid[0])]
    if rules:
        out.append(rule)
    out.extend(line(row) for row in grid[1:len(body) + 1])
    if footer:
        if rules:
            out.append(rule)
        out.append(line(grid[-1]))
    return "\n".join(out)
