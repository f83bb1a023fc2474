"""A bar chart of one measure over time, drawn with block characters (▁▂▃▄▅▆▇█).

Block characters need no plotting library and read well in any terminal; empty buckets
(no calls, so no ratio) show as a dot so "zero" and "n/a" are not confused.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

_EIGHTHS = " ▁▂▃▄▅▆▇█"


def bar_rows(values: list[float | None], height: int) -> list[str]:
    """The chart's lines, top first: one character column per value."""
    peak = max((v for v in values if v is not None), default=0.0)
    scale = (height * 8) / peak if peak > 0 else 0.0
    rows = []
    for level in range(height - 1, -1, -1):
        line = []
        for v in values:
            if v is None:
                line.append("·" if level == 0 else " ")
                continue
            eighths = round(v * scale)
            filled = eighths - level * 8
            line.append(_EIGHTHS[max(0, min(8, filled))])
        rows.append("".join(line))
    return rows


class KpiChart(Widget):
    """One measure over the report's buckets, with its peak and first/last bucket labels."""

    DEFAULT_CSS = """
    KpiChart {
        height: 12;
        border: round $primary;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.chart_title = ""
        self.points: list[tuple[str, float | None]] = []
        self.peak_text = ""

    def show(self, title: str, points: list[tuple[str, float | None]], peak_text: str) -> None:
        """Draw ``points`` (label, value) under ``title``; ``peak_text`` labels the top."""
        self.chart_title = title
        self.points = points
        self.peak_text = peak_text
        self.border_title = title
        self.refresh()

    def render(self) -> Text:
        if not self.points:
            return Text("")
        inner_width = max(10, self.size.width - 4)
        height = max(2, self.size.height - 4)
        width = max(1, min(4, inner_width // max(1, len(self.points))))
        values = [v for _label, v in self.points]
        lines = bar_rows(values, height)
        text = Text()
        text.append(f"{self.peak_text}\n", style="dim")
        for line in lines:
            text.append("".join(ch * width for ch in line) + "\n", style="bold")
        first, last = self.points[0][0], self.points[-1][0]
        span = len(self.points) * width
        gap = max(1, span - len(first) - len(last))
        text.append(first + " " * gap + last if len(self.points) > 1 else first, style="dim")
        return text
