"""What the command line prints is made safe for a terminal, whatever it holds.

Stored text (a user's name, a customer's note, a queue's label) may hold escape sequences:
printed raw, they retitle the terminal, set the clipboard (OSC 52), clear the screen or
forge output. Every text line the CLI writes passes through ``TerminalSafe``, which shows
control characters as visible symbols (seatdesk.domain.text.neutralise). Binary output
(an export written to standard output) goes through ``.buffer`` untouched: it is a file's
bytes, for a pipe.
"""

from __future__ import annotations

from typing import Any, TextIO

from seatdesk.domain.text import neutralise


class TerminalSafe:
    """A text stream that writes everything neutralised; other attributes pass through."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(neutralise(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def cell(value: object) -> str:
    """One table cell: stored text neutralised (for building tables before printing)."""
    return neutralise("" if value is None else str(value))
