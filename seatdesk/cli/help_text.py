"""`--help` in the reader's language.

click keeps a command's help (its docstring, ``help=`` of its options) as the English
written in the source, fixed when the module is imported — before ``--lang`` is read. The
help is translated when it is shown instead: the context every command runs in renders a
translated copy of the command (its text, its options' and its subcommands' help), so
nothing shared is changed and another language in the same process reads its own words.

The msgids are the English texts (a docstring as ``inspect.cleandoc`` gives it);
``tools/catalogue.py`` extracts them from ``seatdesk/cli`` (see ``click_help_messages``).
"""

from __future__ import annotations

import copy
import inspect
import re

import click

from seatdesk.domain.i18n import _, detect_language, set_language

# Where a sentence ends in either language: the commands list shows the first one.
_SENTENCE_END = re.compile(r"(?<=[。！？])|(?<=\.)\s")


def translated_help(text: str | None) -> str | None:
    """``text`` (a docstring or an option's help) in the current language."""
    if not text:
        return text
    msgid = inspect.cleandoc(text).partition("\f")[0].strip()
    shown = _(msgid)
    return text if shown == msgid else shown


def _short(text: str) -> str:
    """The first sentence of the first paragraph, for the list of commands."""
    first = inspect.cleandoc(text).partition("\f")[0].split("\n\n")[0].replace("\n", " ")
    return _SENTENCE_END.split(first, maxsplit=1)[0].strip()


def _translated_param(param: click.Parameter) -> click.Parameter:
    # Only options carry help in click; arguments are described by their command's text.
    if not isinstance(param, click.Option) or not param.help:
        return param
    shown = copy.copy(param)
    shown.help = translated_help(param.help)
    return shown


def translated_command(command: click.Command, ctx: click.Context) -> click.Command:
    """A shallow copy of ``command`` whose words are in the current language."""
    shown = copy.copy(command)
    if command.help:
        shown.help = translated_help(command.help)
    if command.short_help:
        shown.short_help = translated_help(command.short_help)
    elif shown.help and shown.help != command.help:
        # click shortens by English words; a Chinese sentence has no spaces to cut at.
        shown.short_help = _short(shown.help)
    if command.epilog:
        shown.epilog = translated_help(command.epilog)
    shown.params = [_translated_param(p) for p in command.params]
    helper = getattr(command, "_help_option", None)  # --help, made before --lang was read
    if isinstance(helper, click.Parameter):
        # click declares its cached --help as None and fills it with an Option under the
        # same ignore (Command.get_help_option).
        shown._help_option = _translated_param(helper)  # type: ignore[assignment]
    # shown is a copy of command, so a group's copy is a group (the second test says so).
    if isinstance(command, click.Group) and isinstance(shown, click.Group):
        names = command.list_commands(ctx)  # loads a lazy group's commands first
        subcommands = {}
        for name in names:
            sub = command.get_command(ctx, name)
            if sub is not None:
                subcommands[name] = translated_command(sub, ctx) if sub.help or \
                    sub.short_help else sub
        shown.commands = subcommands
    return shown


class TranslatedHelpContext(click.Context):
    """Renders its command's help translated (see the module's docstring)."""

    def get_help(self) -> str:
        root = self.find_root()
        if root is self and "lang" not in self.params:
            # `seatdesk --help` runs before the top-level options are read: the locale's.
            set_language(detect_language())
        return translated_command(self.command, self).get_help(self)


def use_translated_help(command: click.Command) -> None:
    """Give ``command`` and every command under it the translating context."""
    command.context_class = TranslatedHelpContext
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            use_translated_help(sub)
