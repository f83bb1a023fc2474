"""Textual's own words (command palette, system commands, screen keys) in the seat's language.

Textual writes these in English. The app shows them through gettext with what Textual offers
for it: ``App.get_system_commands`` (the app passes Textual's commands through
``translated_commands``), the palette's ``placeholder`` argument, and binding descriptions.
The msgids are Textual's own English, listed here so ``pybabel extract`` finds them; a
Textual upgrade that rewords one shows up in the zh screens test as English on screen.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

from textual.app import SystemCommand
from textual.dom import DOMNode

from seatdesk.domain.i18n import N_, _

TEXTUAL_WORDS = (
    # App.get_system_commands
    N_("Theme"), N_("Change the current theme"),
    N_("Quit"), N_("Quit the application as soon as possible"),
    N_("Keys"), N_("Hide the keys and widget help panel"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Minimize"), N_("Minimize the widget and restore to normal size"),
    N_("Maximize"), N_("Maximize the focused widget"),
    N_("Screenshot"), N_("Save an SVG 'screenshot' of the current screen"),
    N_("Bell"), N_("Ring the bell"),
    # the command palette and its key
    N_("Search for commands…"), N_("palette"), N_("Open the command palette"),
    # Screen.BINDINGS and App.BINDINGS
    N_("Focus Next"), N_("Focus Previous"), N_("Copy selected text"),
    N_("Show menu"),  # the Select's own key
    # The DataTable's own keys, which F1 lists while a table has the focus.
    N_("Cursor up"), N_("Cursor down"), N_("Cursor left"), N_("Cursor right"),
    N_("Page up"), N_("Page down"), N_("Page Left"), N_("Page Right"), N_("Select"),
    N_("Top"), N_("Bottom"),
    N_("Next tab"), N_("Previous tab"),  # the tabs' own keys
    N_("Quit the app and return to the command prompt."),
)
PALETTE_PLACEHOLDER = N_("Search for commands…")


def translated_commands(commands: Iterable[SystemCommand]) -> Iterator[SystemCommand]:
    """Textual's system commands with their title and help in the current language."""
    for command in commands:
        yield command._replace(title=_(command.title), help=_(command.help))


def translate_bindings(node: DOMNode) -> None:
    """Bindings are declared with English message ids (class attributes are built once, at
    import); show them in the seat's language, which may be chosen after the import."""
    table = node._bindings.key_to_bindings
    for key, items in table.items():
        table[key] = [replace(b, description=_(b.description)) if b.description else b
                      for b in items]


def label_bindings(node: DOMNode, labels: dict[str, str]) -> None:
    """Give the bindings with these ids labels made at run time (a number in the label)."""
    table = node._bindings.key_to_bindings
    for key, items in table.items():
        table[key] = [replace(b, description=labels[b.id]) if b.id in labels else b
                      for b in items]
