"""The desk's key bar: the keys that matter in the seat's state, wrapping to a second line
rather than losing the call keys on a narrow terminal (80 columns).

It reads the screen's active bindings, so a key remapped in the keymap file shows here as
remapped. Which actions are offered is the desk's decision (``offered``), not a guess.
"""

from __future__ import annotations

from collections.abc import Collection

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widgets import Static


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar { height: 1; background: $panel; padding: 0 1; }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__("", name=name, id=id, classes=classes)
        self._offered: tuple[str, ...] = ()
        self.plain = ""

    def show_keys(self, offered: Collection[str]) -> None:
        """Show the bindings of ``offered`` actions (in the screen's binding order)."""
        self._offered = tuple(offered)
        self._render_keys()

    def on_resize(self, event: events.Resize) -> None:
        self._render_keys()

    def _render_keys(self) -> None:
        if not self.is_mounted:
            return
        parts: list[tuple[str, str]] = []
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if binding.action not in self._offered or binding.action in seen:
                continue
            seen.add(binding.action)
            parts.append((self.app.get_key_display(binding), binding.description))
        width = max(20, self.content_size.width or 80)
        out = Text()
        used = 0
        lines = 1
        for key, label in parts:
            cells = cell_len(key) + 1 + cell_len(label)
            if used and used + 2 + cells > width:
                out.append("\n")
                used = 0
                lines += 1
            elif used:
                out.append("  ")
                used += 2
            out.append(key, style="bold reverse")
            out.append(" " + label)
            used += cells
        self.plain = out.plain
        if self.styles.height is None or self.styles.height.value != lines:
            # A second line only when the keys need it (80 columns during a call): the
            # desk is laid out again then, not on every change of state.
            self.styles.height = lines
            self.update(out)
        else:
            self.update(out, layout=False)  # same height: repaint the bar alone
