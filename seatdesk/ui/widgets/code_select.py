"""A drop-down whose choices carry a one-key code shown beside them (disposition hotkeys).

With the field focused and closed, pressing a choice's code chooses it at once and posts
``CodeSelect.Chosen`` (the call record moves the cursor on); Enter or ↓ still opens the list.
The codes are digits or letters that the list's own type-ahead would otherwise take, which
also keeps a typed letter from matching the prompt ("choose…").

Open, the list's type-ahead searches the choices only, never the prompt, and the list opens
where it fits inside the bordered pane that holds the field (upwards near the pane's foot),
instead of spilling over the pane's border and the key bar below it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from textual import events
from textual.message import Message
from textual.widget import Widget
from textual.widgets import OptionList, Select

# Letters typed within this long of each other make one search ("co" for consultation).
SEARCH_PAUSE_SECONDS = 1.0


def _bordered_pane(widget: Widget) -> Widget | None:
    """The nearest ancestor drawn with a border (the pane the field sits in)."""
    for node in widget.ancestors:
        if isinstance(node, Widget) and any(
                edge[0] not in ("", "none", "hidden") for edge in node.styles.border):
            return node
    return None


class CodeSelect(Select[Any]):
    """A Select with a code per option; ``options`` are (code, label, value)."""

    # Placed by _fit_overlay inside the pane (Textual's own constraint keeps it only inside
    # the screen, so near the pane's foot it covered the border and the key bar).
    DEFAULT_CSS = """
    CodeSelect > SelectOverlay { constrain: none none; }
    """

    class Chosen(Message):
        """The seat chose an option by its code."""

        def __init__(self, select: CodeSelect, value: Any) -> None:
            super().__init__()
            self.select = select
            self.value = value

        @property
        def control(self) -> CodeSelect:
            return self.select

    def __init__(self, options: Sequence[tuple[str, str, Any]], *, prompt: str,
                 id: str | None = None, compact: bool = True) -> None:  # noqa: A002
        self.codes: dict[str, Any] = {code.lower(): value for code, _label, value in options}
        shown = [(f"{code} {label}".strip(), value) for code, label, value in options]
        # The list's own type-ahead also searches the prompt ("choose…"): ours searches the
        # choices only (on_key).
        super().__init__(shown, prompt=prompt, compact=compact, id=id, type_to_search=False)
        self._search = ""
        self._search_at = 0.0

    def _overlay(self) -> OptionList | None:
        """The open list (Textual's overlay is an OptionList)."""
        found = self.query(OptionList)
        return found.first() if found else None

    def watch_expanded(self, expanded: bool) -> None:
        overlay = self._overlay()
        if expanded and overlay is not None:
            overlay.styles.offset = (0, 0)  # laid out below the field first, then fitted
            self._search = ""
            self.call_after_refresh(self._fit_overlay)

    def _search_choices(self, overlay: OptionList, typed: str) -> None:
        """Highlight the choice whose text has ``typed`` earliest in it (never the prompt)."""
        now = time.monotonic()
        if now - self._search_at > SEARCH_PAUSE_SECONDS:
            self._search = ""
        self._search_at = now
        self._search += typed.lower()
        best: tuple[int, int] | None = None  # (where the text matches, option index)
        for index in range(overlay.option_count):
            shown = str(overlay.get_option_at_index(index).prompt)
            if shown == str(self.prompt):
                continue  # the empty field's prompt is not a choice
            at = shown.lower().find(self._search)
            if at != -1 and (best is None or at < best[0]):
                best = (at, index)
        if best is not None:
            overlay.highlighted = best[1]

    def _fit_overlay(self) -> None:
        """Move the open list inside the pane's border: up if it runs past the foot."""
        overlay = self._overlay()
        if not self.expanded or overlay is None:
            return
        pane = _bordered_pane(self)
        inside = pane.content_region if pane is not None else self.screen.region
        region = overlay.region
        if region.height > inside.height:
            overlay.styles.max_height = inside.height
            self.call_after_refresh(self._fit_overlay)
            return
        shift = min(0, inside.bottom - region.bottom)  # up by what spills below
        shift = max(shift, inside.y - region.y)  # never above the pane's top
        if shift:
            overlay.styles.offset = (0, shift)

    @property
    def code_range(self) -> str:
        """The codes as shown in a prompt: "1-7" or "y/n"."""
        codes = list(self.codes)
        if all(c.isdigit() for c in codes) and len(codes) > 2:
            return f"{codes[0]}-{codes[-1]}"
        return "/".join(codes)

    def choose_code(self, code: str) -> bool:
        """Choose the option with ``code``; False when no option has it."""
        key = code.lower()
        if key not in self.codes:
            return False
        value = self.codes[key]
        self.value = value
        self.post_message(self.Chosen(self, value))
        return True

    def on_key(self, event: events.Key) -> None:
        if event.character is None or not event.is_printable:
            return
        if self.expanded:
            overlay = self._overlay()
            if overlay is not None:
                self._search_choices(overlay, event.character)
                event.stop()
                event.prevent_default()
            return
        if self.choose_code(event.character):
            event.stop()
            event.prevent_default()
