"""Translation of user-visible strings: GNU gettext, English msgids, a 简体中文 catalogue.

The English text is the message id, so code stays readable and a missing translation
degrades to English instead of a blank. The catalogue is
``seatdesk/locale/zh_CN/LC_MESSAGES/seatdesk.po`` (a translator edits it), compiled to the
``.mo`` beside it that ships with the package; only the standard library's ``gettext``
reads it at run time (Babel is a tool for extracting and compiling, see
``tools/catalogue.py``).

* ``_(text)`` translates; ``pgettext(context, text)`` where one English word needs two
  Chinese terms (the desk's queue 排队, a report's queue 队列); ``ngettext`` for counts;
  ``N_(text)`` marks a string defined at import time (a binding, a constant) that is
  translated when shown.
* Stored codes (``on_call``, ``wrap_up``) passed to ``_()`` are shown as words: the
  vocabulary in ``seatdesk.domain.vocabulary`` gives each code its English word, which is
  then translated like any other message.
* ``render(msgid, params)`` shows a message stored for later readers (callback reasons,
  notifications) in the reader's language.

The active language is process-wide: a seat runs one language at a time, chosen at
start-up (``--lang``) or from the locale.
"""

from __future__ import annotations

import gettext as _gettext
import locale
import os
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

SUPPORTED = ("en", "zh")
DOMAIN = "seatdesk"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
# The gettext locale name of each language the product speaks.
GNU_LOCALE = {"zh": "zh_CN"}

_translations: dict[str, _gettext.NullTranslations] = {}
_code_words: dict[str, str] | None = None
_code_contexts: dict[str, tuple[str, str]] | None = None
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
    _share_with_libraries(lang)


def _share_with_libraries(lang: str) -> None:
    """Libraries that speak through the stdlib's global gettext (click's "Error:", "Usage:",
    "Missing option") find their words in this catalogue, in this language: the process's
    default domain is seatdesk's and ``LANGUAGE`` (which only gettext reads) names it."""
    _gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    _gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = GNU_LOCALE.get(lang, lang)


def current_language() -> str:
    return _current


def catalogue(lang: str) -> _gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (loaded once; English is the msgids themselves)."""
    found = _translations.get(lang)
    if found is not None:
        return found
    if lang not in GNU_LOCALE:
        found = _gettext.NullTranslations()
    else:
        try:
            found = _gettext.translation(DOMAIN, LOCALE_DIR, languages=[GNU_LOCALE[lang]])
        except OSError:
            # A broken install still runs, in English, and says why once.
            warnings.warn(f"no compiled {lang} catalogue under {LOCALE_DIR}; showing English",
                          stacklevel=2)
            found = _gettext.NullTranslations()
    _translations[lang] = found
    return found


def _word(code: str, context: str | None = None) -> tuple[str | None, str]:
    """The (context, English word) of a stored code (``on_call`` → ``on call``)."""
    global _code_words, _code_contexts
    if _code_words is None or _code_contexts is None:
        from seatdesk.domain.vocabulary import CODE_CONTEXTS, CODE_WORDS

        _code_words, _code_contexts = CODE_WORDS, CODE_CONTEXTS
    key = code if context is None else f"{context}.{code}"
    if key in _code_contexts:
        return _code_contexts[key]
    return context, _code_words.get(code, code)


def localized_name(name: str, name_zh: str = "") -> str:
    """A stored name in the reader's language: its Chinese name on a Chinese screen."""
    return name_zh if _current == "zh" and name_zh else name


def queue_label(code: str | None, name: str | None, name_zh: str | None = None, *,
                missing: str = "") -> str:
    """A queue as a person reads it: its name in their language, else its code.

    A queue imported without a name still shows as something (its code); ``missing`` is
    what a row without any queue shows.
    """
    return localized_name(name or code or missing, name_zh or "")


def N_(text: str) -> str:  # noqa: N802 - the gettext convention's name
    """Mark ``text`` for extraction without translating it (translated when shown)."""
    return text


def NC_(context: str, text: str) -> str:  # noqa: N802 - gettext convention
    """Mark ``text`` with its ``context`` for extraction (``pgettext`` translates it later)."""
    return text


def translate(text: str, lang: str, context: str | None = None) -> str:
    """Translate into an explicit language (reports written for another reader)."""
    context, text = _word(text, context)
    cat = catalogue(lang)
    if context is None:
        return cat.gettext(text)
    # A word with no entry of its own in this context reads as it does everywhere else.
    found = cat.pgettext(context, text)
    return cat.gettext(text) if found == text else found


def _(text: str) -> str:
    """Translate ``text`` into the current language."""
    return translate(text, _current)


def pgettext(context: str, text: str) -> str:
    """Translate ``text`` as meant in ``context`` (one English word, two Chinese terms)."""
    return translate(text, _current, context)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, translated (format ``{n}`` afterwards)."""
    return catalogue(_current).ngettext(singular, plural, n)


class _Missing(_gettext.NullTranslations):
    """A fallback that answers a sentinel, so a lookup can tell "absent" from "same text"."""

    MISSING = "\x00missing\x00"

    def gettext(self, message: str) -> str:
        return self.MISSING

    def pgettext(self, context: str, message: str) -> str:
        return self.MISSING


def has_translation(text: str, lang: str = "zh", context: str | None = None) -> bool:
    """Whether the catalogue of ``lang`` has an entry for ``text`` (tests and tools)."""
    if lang not in GNU_LOCALE:
        return True
    try:
        probe = _gettext.translation(DOMAIN, LOCALE_DIR, languages=[GNU_LOCALE[lang]])
    except OSError:
        return False
    probe.add_fallback(_Missing())
    context, text = _word(text, context)
    found = probe.gettext(text) if context is None else probe.pgettext(context, text)
    return found != _Missing.MISSING


def code(value: str) -> dict[str, str]:
    """A parameter of a stored message that is a code (an outcome, a state): ``render``
    shows its word in the reader's language. Plain parameters are shown as stored."""
    return {"code": value}


def message(msgid: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A parameter of a stored message that is itself a message (rendered in turn)."""
    return {"msgid": msgid, "params": dict(params or {})}


def message_list(items: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A parameter that is a list of ``message()`` items, shown joined by the reader's
    list separator (English "; ", Chinese "；")."""
    return {"messages": list(items)}


LIST_SEPARATOR = N_("; ")


def _param(value: Any, lang: str) -> Any:
    if not isinstance(value, Mapping):
        return value
    if "code" in value:
        return translate(value["code"], lang)
    if "msgid" in value:
        return render(value["msgid"], value.get("params"), lang)
    if "messages" in value:
        return translate(LIST_SEPARATOR, lang).join(
            str(_param(item, lang)) for item in value["messages"])
    return value


def render(msgid: str, params: Mapping[str, Any] | None = None, lang: str | None = None,
           context: str | None = None) -> str:
    """A message stored as id + parameters, in the reader's language.

    A parameter stored as ``code(value)`` is shown as that code's word, one stored as
    ``message()`` or ``message_list()`` is rendered in the same language. A parameter
    missing from the stored set leaves the template as is rather than failing the screen.
    """
    lang = lang or _current
    template = translate(msgid, lang, context)
    shown = {k: _param(v, lang) for k, v in (params or {}).items()}
    try:
        return template.format(**shown)
    except (KeyError, IndexError, ValueError):
        return template
