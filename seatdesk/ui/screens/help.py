"""F1: the keys of the screen underneath, as they are bound now (after remapping)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from seatdesk.domain.i18n import N_, _
from seatdesk.ui.textual_words import SeatModalScreen
from seatdesk.ui.widgets.table import SeatTable


class HelpScreen(SeatModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 80; max-height: 90%; border: thick $accent;
                            background: $panel; padding: 1 2; height: auto; }
    HelpScreen DataTable { height: auto; max-height: 30; }
    """
    # A dialog hides the app's own keys (Textual stops at a modal screen), so F2, which
    # answers a ringing call from any screen, is bound here too.
    BINDINGS = [Binding("escape,f1,q", "dismiss", N_("Close"), id="help.close"),
                Binding("f2", "app.answer_ring", N_("Answer"), id="help.answer_ring",
                        show=False)]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Keys"), classes="pane-title")
            yield SeatTable(id="keys", cursor_type="row", zebra_stripes=True)
            yield Static(Text(self._remap_note()), id="keymap-note")

    def _remap_note(self) -> str:
        path = getattr(self.app, "keymap_file", None)
        note = _("Esc closes this help.")
        if path is not None:
            note += " " + _("Remap keys in {path}, one line per action id, e.g. "
                            "\"desk.take_next\" = \"f12\".").format(path=path)
        for problem in getattr(self.app, "keymap_problems", []):
            note += "\n" + problem
        return note

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(_("Key"), _("Action"), _("Action id"))
        seen: set[tuple[str, str]] = set()
        stack = self.app.screen_stack
        under = stack[-2] if len(stack) >= 2 else self.app.screen
        # The bindings in force on the screen underneath (its focus chain and the app's).
        for active in under.active_bindings.values():
            binding = active.binding
            if not isinstance(binding, Binding) or not binding.description:
                continue
            label = self.app.get_key_display(binding)
            if (label, binding.description) in seen:
                continue
            seen.add((label, binding.description))
            table.add_row(Text(label or binding.key), Text(_(binding.description)),
                          Text(binding.id or ""))
