"""A drop-down whose choices carry a one-key code shown beside them (disposition hotkeys).

With the field focused and closed, pressing a choice's code chooses it at once and posts
``CodeSelect.Chosen`` (the call record moves the cursor on); Enter or ↓ still opens the list.
The codes are digits or letters that the list's own type-ahead would otherwise take, which
also keeps a typed letter from matching the prompt ("choose…").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual import events
from textual.message import Message
from textual.widgets import Select


class CodeSelect(Select[Any]):
    """A Select with a code per option; ``options`` are (code, label, value)."""

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
        super().__init__(shown, prompt=prompt, compact=compact, id=id)

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
        if self.expanded or event.character is None or not event.is_printable:
            return
        if self.choose_code(event.character):
            event.stop()
            event.prevent_default()
