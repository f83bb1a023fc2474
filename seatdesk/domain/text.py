"""Text typed or pasted by people: stored as typed, neutralised before display."""

from __future__ import annotations

import re
import unicodedata

from seatdesk.domain.i18n import _

# C0/C1 controls (ESC starts terminal escape sequences) except tab and newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def neutralise(text: str) -> str:
    """Make text safe to put on a terminal: controls become visible U+2400 symbols."""

    def _visible(match: re.Match[str]) -> str:
        code = ord(match.group())
        if code < 0x20:
            return chr(0x2400 + code)  # ␛ for ESC, ␇ for BEL...
        return "\ufffd"

    return _CONTROL.sub(_visible, text)


def storable(text: str) -> str:
    """Text as the database can store it: a NUL (refused by PostgreSQL) becomes visible ␀."""
    return text.replace("\x00", "\u2400") if "\x00" in text else text


def has_control(text: str) -> bool:
    return bool(_CONTROL.search(text))


def clean_line(text: str, *, field: str, max_len: int) -> str:
    """Validate a one-line field (a name, a company): trimmed, no controls, not too long.

    Raises ValueError with a message naming the field; the caller keeps what was typed.
    """
    value = unicodedata.normalize("NFC", text).strip()
    if has_control(value) or "\n" in value:
        raise ValueError(
            _("{field} contains control characters or line breaks").format(field=field)
        )
    if len(value) > max_len:
        raise ValueError(
            _("{field} is too long ({length} characters, at most {max_len})").format(
                field=field, length=len(value), max_len=max_len
            )
        )
    return value
