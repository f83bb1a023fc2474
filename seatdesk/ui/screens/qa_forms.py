"""Monitoring forms for supervisors: preview, edit in the app, export to a TOML/JSON file,
import a new version.

F2 opens the form editor on the newest version (supervisors). A file edited elsewhere is
imported with Ctrl+O: it is validated like the editor's form (unknown keys refused and
named), keeping the typed path so it can be tried again. Inspectors may export.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Footer, Header, Input, Static

from seatdesk.domain.i18n import _
from seatdesk.services.qa_views import FormVersion
from seatdesk.ui.context import seat_app, signed_in
from seatdesk.ui.textual_words import SeatScreen
from seatdesk.ui.widgets.score_form import ScoreForm


@dataclass
class FormsLoaded(Message):
    forms: list[FormVersion]
    note: str = ""


@dataclass
class FormsNote(Message):
    text: str


class QaFormsScreen(SeatScreen[None]):
    DEFAULT_CSS = """
    QaFormsScreen #forms-head { height: auto; padding: 0 1; }
    QaFormsScreen #forms-status { height: auto; padding: 0 1; }
    QaFormsScreen Input { height: 3; }
    """
    BINDINGS = [
        Binding("ctrl+e", "export", _("Export"), id="qa.forms.export"),
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

    @work(thread=True, exclusive=True, exit_on_error=False, group="qa-forms")
    def run_forms(self, what: str, path: str) -> None:
        from seatdesk.domain.qa.forms import FormError, format_of, parse_form, render_form
        from seatdesk.services.permissions import Permission, allowed, require
        from seatdesk.ui.errors import user_message

        qa, actor = seat_app(self).backend.qa, signed_in(self)
        note = ""
        try:
            if what == "export":
                if not allowed(actor, Permission.SCORE_CALLS):
                    require(actor, Permission.EDIT_QA_FORMS)
                version = qa.form(actor)
                Path(path).write_text(render_form(version.form, format_of(path)),
                                      encoding="utf-8")
                note = _("form {code} version {v} written to {path}").format(
                    code=version.code, v=version.version, path=path)
            elif what == "import":
                form = parse_form(Path(path).read_text(encoding="utf-8"), format_of(path))
                version = qa.publish_form(actor, form)
                note = _("form {code} published as version {v}").format(
                    code=version.code, v=version.version)
            forms = qa.forms(actor)
        except (FormError, OSError, UnicodeDecodeError) as exc:
            self.post_message(FormsNote(f"{path}: {exc}"))
            return
        except Exception as exc:  # noqa: BLE001 - boundary (worker top): shown on the screen
            self.post_message(FormsNote(user_message(exc)))
            return
        self.post_message(FormsLoaded(forms, note))

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

    def on_forms_loaded(self, message: FormsLoaded) -> None:
        self.forms = message.forms
        lang = seat_app(self).settings.lang
        head = [_("Forms (newest versions):")] + [
            f"  {f.code} v{f.version} · {f.form.text(lang)} · "
            + _("pass mark {p:.0f}").format(p=f.form.pass_mark) for f in message.forms]
        self.query_one("#forms-head", Static).update("\n".join(head))
        self.query_one("#forms-status", Static).update(message.note)
        preview = self.query_one("#forms-preview", Vertical)
        preview.remove_children()
        if message.forms:
            preview.mount(ScoreForm(message.forms[0].form, lang=lang, read_only=True))

    def on_forms_note(self, message: FormsNote) -> None:
        self.query_one("#forms-status", Static).update(message.text)

    def action_export(self) -> None:
        self.run_forms("export", self.query_one("#form-path", Input).value.strip())

    def action_import_form(self) -> None:
        self.run_forms("import", self.query_one("#form-path", Input).value.strip())

    def action_back(self) -> None:
        self.dismiss(None)
