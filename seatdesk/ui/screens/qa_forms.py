"""Monitoring forms for supervisors: preview, edit in the app, export to a TOML/JSON file,
import a new version.

F2 opens the form editor on the newest version (supervisors). A file edited elsewhere is
imported with Ctrl+O: it is validated like the editor's form (unknown keys refused and
named), keeping the typed path so it can be tried again. Inspectors may export.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Header, Input, Static

from seatdesk.domain.errors import InvalidInput
from seatdesk.domain.i18n import _
from seatdesk.domain.qa.forms import FormError, format_of, parse_form, render_form
from seatdesk.services.qa_views import FormVersion
from seatdesk.ui.context import seat_app, signed_in
from seatdesk.ui.errors import ServiceFailed, call_service
from seatdesk.ui.textual_words import SeatScreen
from seatdesk.ui.widgets.score_form import ScoreForm

if TYPE_CHECKING:
    from seatdesk.services.dto import Actor
    from seatdesk.services.qa import QaService


def _write_or_read(qa: QaService, actor: Actor, what: str, path: str) -> str:
    """(worker thread) Export the newest form to ``path`` or publish the one in it; the note."""
    from seatdesk.services.permissions import Permission, allowed, require

    if what == "export":
        if not allowed(actor, Permission.SCORE_CALLS):
            require(actor, Permission.EDIT_QA_FORMS)
        version = qa.form(actor)
        Path(path).write_text(render_form(version.form, format_of(path)), encoding="utf-8")
        return _("form {code} version {v} written to {path}").format(
            code=version.code, v=version.version, path=path)
    if what == "import":
        form = parse_form(Path(path).read_text(encoding="utf-8"), format_of(path))
        version = qa.publish_form(actor, form)
        return _("form {code} published as version {v}").format(
            code=version.code, v=version.version)
    return ""


class QaFormsScreen(SeatScreen[None]):
    DEFAULT_CSS = """
    QaFormsScreen #forms-head { height: auto; padding: 0 1; }
    QaFormsScreen #forms-status { height: auto; padding: 0 1; }
    QaFormsScreen Input { height: 3; }
    """
    BINDINGS = [
        Binding("ctrl+e", "export", _("Export"), id="qa.forms.export",
                priority=True),  # also from the path box, where focus starts
        Binding("ctrl+o", "import_form", _("Import"), id="qa.forms.import"),
        Binding("f2", "edit", _("Edit form"), id="qa.forms.edit"),
        Binding("escape", "back", _("Back"), id="qa.forms.back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="forms-head")
        yield Input("qa-form.toml", id="form-path", max_length=500,
                    placeholder=_("file (.toml or .json)"))
        yield Static("", id="forms-status", classes="field-error")
        yield Vertical(id="forms-preview")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#form-path", Input).focus()
        self.run_forms("list", "")

    def run_forms(self, what: str, path: str) -> None:
        """List the forms; before that, export the newest to ``path`` or import it from there."""
        qa, actor = seat_app(self).backend.qa, signed_in(self)

        def run() -> tuple[list[FormVersion], str]:
            try:
                note = _write_or_read(qa, actor, what, path)
            except (FormError, OSError, UnicodeDecodeError) as exc:
                # The file's own fault: said with its path, which stays typed to try again.
                raise InvalidInput(f"{path}: {exc}", "form-path") from exc
            return qa.forms(actor), note

        call_service(self, run, lambda done: self._show_forms(*done), group="qa-forms",
                     on_failed=self._refused)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "import_form"):
            from seatdesk.services.permissions import Permission, allowed

            actor = seat_app(self).actor
            return actor is not None and allowed(actor, Permission.EDIT_QA_FORMS)
        return True

    def action_edit(self) -> None:
        forms = getattr(self, "forms", [])
        if not forms:
            return
        from seatdesk.ui.screens.qa_form_editor import QaFormEditorScreen

        def reload(_version: FormVersion | None) -> None:
            self.run_forms("list", "")

        self.app.push_screen(QaFormEditorScreen(forms[0].form), reload)

    def _show_forms(self, forms: list[FormVersion], note: str) -> None:
        self.forms = forms
        lang = seat_app(self).settings.lang
        head = [_("Forms (newest versions):")] + [
            f"  {f.code} v{f.version} · {f.form.text(lang)} · "
            + _("pass mark {p:.0f}").format(p=f.form.pass_mark) for f in forms]
        self.query_one("#forms-head", Static).update("\n".join(head))
        self.query_one("#forms-status", Static).update(note)
        preview = self.query_one("#forms-preview", Vertical)
        preview.remove_children()
        if forms:
            preview.mount(ScoreForm(forms[0].form, lang=lang, read_only=True))

    def _refused(self, failed: ServiceFailed) -> None:
        self.query_one("#forms-status", Static).update(failed.text)

    def action_export(self) -> None:
        self.run_forms("export", self.query_one("#form-path", Input).value.strip())

    def action_import_form(self) -> None:
        self.run_forms("import", self.query_one("#form-path", Input).value.strip())

    def action_back(self) -> None:
        self.dismiss(None)
