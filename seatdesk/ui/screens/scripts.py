"""Scripts (supervisors): every version of every call script; import and export TOML files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Footer, Input, Static

from seatdesk.domain.errors import InvalidInput
from seatdesk.domain.i18n import N_, _, ngettext
from seatdesk.domain.scripts import render_steps
from seatdesk.domain.text import neutralise
from seatdesk.services.dto import ScriptView
from seatdesk.ui.context import seat_app, signed_in
from seatdesk.ui.textual_words import SeatScreen
from seatdesk.ui.widgets.cells import plain_cells
from seatdesk.ui.widgets.script_pane import STAGE_LABELS
from seatdesk.ui.widgets.table import SeatTable


class ScriptsScreen(SeatScreen[None]):
    DEFAULT_CSS = """
    ScriptsScreen #versions { height: 1fr; border: round $primary; }
    ScriptsScreen #preview { height: 12; border: round $secondary; padding: 0 1; }
    ScriptsScreen #file-row { height: 3; }
    ScriptsScreen #file-row Input { width: 1fr; }
    ScriptsScreen #scripts-message { height: auto; padding: 0 1; }
    """
    BINDINGS = [
        Binding("ctrl+e", "export", N_("Export to file"), id="scripts.export"),
        Binding("ctrl+o", "import", N_("Import file"), id="scripts.import"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.versions: list[ScriptView] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield SeatTable(id="versions", cursor_type="row", zebra_stripes=True)
            yield Static("", id="preview")
            with Horizontal(id="file-row"):
                yield Input(str(Path.cwd() / "scripts.toml"), id="path")
                yield Button(_("Import"), id="import", variant="primary")
                yield Button(_("Export"), id="export")
            yield Static("", id="scripts-message")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#versions", DataTable)
        table.border_title = _("Scripts")
        for key, label in (("direction", _("Direction")), ("category", _("Category")),
                           ("lang", _("Language")), ("version", _("Version")),
                           ("title", _("Title")), ("created", _("Published"))):
            table.add_column(label, key=key)
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="scripts")
    def load(self) -> None:
        versions = seat_app(self).backend.scripts.versions(signed_in(self))
        self.app.call_from_thread(self._show, versions)

    def _show(self, versions: list[ScriptView]) -> None:
        self.versions = versions
        table = self.query_one("#versions", DataTable)
        table.clear()
        tz = seat_app(self).settings.tz
        for v in versions:
            table.add_row(*plain_cells(_(v.direction), _(v.category), v.lang, str(v.version),
                                       v.title, v.created_at.astimezone(tz).strftime("%Y-%m-%d")),
                          key=str(v.id))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        found = next((v for v in self.versions if str(v.id) == event.row_key.value), None)
        if found is None:
            return
        out = Text()
        for step in render_steps(found.steps, {}):
            stage = _(STAGE_LABELS.get(step.stage, step.stage))
            out.append(_("{stage}: ").format(stage=stage), style="bold")
            out.append(neutralise(step.text) + "\n")
        self.query_one("#preview", Static).update(out)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "import":
            self.action_import()
        else:
            self.action_export()

    def action_import(self) -> None:
        self._import(self.query_one("#path", Input).value.strip())

    def action_export(self) -> None:
        self._export(self.query_one("#path", Input).value.strip())

    def _say(self, message: str, error: bool = False) -> None:
        self.query_one("#scripts-message", Static).update(
            Text(message, style="bold red" if error else "green"))

    @work(thread=True, exclusive=True, exit_on_error=False, group="scripts-file")
    def _import(self, path: str) -> None:
        app: Any = self.app
        try:
            text = Path(path).read_text(encoding="utf-8")
            views = app.backend.scripts.import_toml(signed_in(self), text)
        except (OSError, UnicodeDecodeError) as exc:
            message = _("cannot read {file}: {reason}").format(
                file=path, reason=getattr(exc, "strerror", None) or exc)
            app.call_from_thread(self._say, message, True)
            return
        except InvalidInput as exc:
            app.call_from_thread(self._say, str(exc), True)
            return
        app.call_from_thread(self._say, ngettext(
            "{n} script read and published", "{n} scripts read and published", len(views))
            .format(n=len(views)))
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="scripts-file")
    def _export(self, path: str) -> None:
        app: Any = self.app
        try:
            text = app.backend.scripts.export_toml(signed_in(self))
            Path(path).write_text(text, encoding="utf-8")
        except OSError as exc:
            app.call_from_thread(self._say, _("cannot write {file}: {reason}").format(
                file=path, reason=exc.strerror), True)
            return
        app.call_from_thread(self._say, ngettext(
            "exported {n} script to {file}", "exported {n} scripts to {file}",
            text.count("[[script]]")).format(n=text.count("[[script]]"), file=path))
