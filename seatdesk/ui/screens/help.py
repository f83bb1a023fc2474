"""F1: the keys of the screen underneath, as they are bound now (after remapping)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from seatdesk.domain.i18n import _


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 80; max-height: 90%; border: thick $accent;
                            background: $panel; padding: 1 2; height: auto; }
    HelpScreen DataTable { height: auto; max-height: 30; }
    """
    BINDINGS = [Binding("escape,f1,q", "dismiss", _("Close"), id="help.close")]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Keys"), classes="pane-title")
            yield DataTable(id="keys", cursor_type="row", zebra_stripes=True)
            yield Static(_("Esc closes this help. Keys can be remapped in the settings."))

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(_("Key"), _("Action"))
        seen: set[str] = set()
        stack = self.app.screen_stack
        under = stack[-2] if len(stack) >= 2 else self.app.screen
        for node in (under, self.app):
            for key, active in node._bindings.key_to_bindings.items():
                for binding in active:
                    if not isinstance(binding, Binding) or not binding.description:
                        continue
                    label = self.app.get_key_display(binding)
                    if (label, binding.description) in seen:
                        continue
                    seen.add((label, binding.description))
                    table.add_row(label or key, _(binding.description))  # Textual's own too
