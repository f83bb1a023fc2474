"""Textual's own words (command palette, system commands, screen keys) in the seat's language.

Textual writes these in English. The app shows them through gettext with what Textual offers
for it: ``App.get_system_commands`` (the app passes Textual's commands through
``translated_commands``), the palette's ``placeholder`` argument, and ``Screen.active_bindings``,
which the Footer, the Keys panel, F1 and the desk's key bar read: ``SeatScreen`` gives the
bindings there their descriptions in the seat's language (its own, its widgets', the app's).
The msgids are Textual's own English, listed here so ``pybabel extract`` finds them; a
Textual upgrade that rewords one shows up in the zh screens test as English on screen.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import TypeVar

from textual.app import SystemCommand
from textual.binding import ActiveBinding
from textual.screen import ModalScreen, Screen

from seatdesk.domain.i18n import N_, _

ScreenResult = TypeVar("ScreenResult")

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


def shown_in_language(active: Mapping[str, ActiveBinding],
                      labels: Mapping[str, str]) -> dict[str, ActiveBinding]:
    """``active`` with each description translated, or labelled from ``labels`` by binding id.

    Bindings are declared with English message ids (class attributes are built once, at
    import), so they are translated when shown, in the language chosen by then.
    """
    shown: dict[str, ActiveBinding] = {}
    for key, item in active.items():
        binding = item.binding
        label = labels.get(binding.id or "") or (_(binding.description)
                                                 if binding.description else "")
        if label != binding.description:
            item = item._replace(binding=replace(binding, description=label))
        shown[key] = item
    return shown


class SeatScreen(Screen[ScreenResult]):
    """A screen whose keys are labelled in the seat's language wherever they are listed."""

    def binding_labels(self) -> Mapping[str, str]:
        """Labels made at run time (with a number in them), by binding id."""
        return {}

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return shown_in_language(super().active_bindings, self.binding_labels())


class SeatModalScreen(ModalScreen[ScreenResult]):
    """A dialog whose keys are labelled in the seat's language.

    Not built on SeatScreen: Textual takes a screen's type CSS along its first bases only,
    and a dialog must keep ModalScreen's (the translucent background showing the desk).
    """

    def binding_labels(self) -> Mapping[str, str]:
        """Labels made at run time (with a number in them), by binding id."""
        return {}

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return shown_in_language(super().active_bindings, self.binding_labels())
