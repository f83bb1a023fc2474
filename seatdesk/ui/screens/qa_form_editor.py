"""The monitoring form editor for supervisors: sections, items, types, weights, N/A,
critical, comment rules, guidance, pass mark; Ctrl+S publishes a new version.

The list on the left holds the sections and their items; the fields on the right edit the
highlighted one. Nothing is checked while typing: publishing runs the same validation as
a file import and puts the cursor on the item it names, keeping everything typed.
Ctrl+N adds an item after the highlighted one, Ctrl+B a section, Ctrl+D deletes the
highlighted row, Alt+↑/↓ move it, Esc goes back without publishing.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Checkbox, DataTable, Footer, Header, Input, Select, Static

from seatdesk.domain.i18n import _
from seatdesk.domain.qa.forms import FormDefinition, FormError, form_from_dict
from seatdesk.domain.qa.scoring import ITEM_TYPES
from seatdesk.domain.text import neutralise
from seatdesk.services.qa_views import FormVersion
from seatdesk.ui.context import seat_app, signed_in
from seatdesk.ui.errors import ServiceFailed, call_service
from seatdesk.ui.textual_words import SeatScreen
from seatdesk.ui.widgets.cells import plain_cells
from seatdesk.ui.widgets.table import SeatTable

ITEM_TEXT = ("id", "question", "question_zh", "weight", "max_points", "guidance",
             "guidance_zh")
ITEM_FLAGS = ("allow_na", "critical", "comment_on_low")
SECTION_TEXT = ("id", "title", "title_zh")
FORM_TEXT = ("code", "name", "name_zh", "pass_mark")


def _number(text: Any) -> Any:
    """A typed number as a number; anything else as typed (validation names it)."""
    if isinstance(text, str) and re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", text):
        value = float(text)
        return int(value) if value.is_integer() else value
    return text


def draft_to_form(draft: dict[str, Any]) -> FormDefinition:
    """The edited form, validated as an import is; FormError names what is wrong."""
    data = copy.deepcopy(draft)
    data["pass_mark"] = _number(data.get("pass_mark"))
    for sec in data.get("sections", []):
        for item in sec.get("items", []):
            item["weight"] = _number(item.get("weight"))
            item["max_points"] = _number(item.get("max_points"))
    return form_from_dict(data)


class QaFormEditorScreen(SeatScreen[FormVersion | None]):
    DEFAULT_CSS = """
    QaFormEditorScreen #editor-top { height: 3; }
    QaFormEditorScreen #editor-top Input { width: 1fr; }
    QaFormEditorScreen #editor-rows { width: 60; height: 1fr; }
    QaFormEditorScreen #editor-fields { width: 1fr; }
    QaFormEditorScreen #editor-fields Input { height: 3; }
    QaFormEditorScreen #editor-status { height: auto; padding: 0 1; }
    QaFormEditorScreen .label { height: 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("ctrl+s", "publish", _("Publish new version"), id="qa.editor.publish",
                priority=True),
        Binding("ctrl+n", "add_item", _("Add item"), id="qa.editor.add_item"),
        Binding("ctrl+b", "add_section", _("Add section"), id="qa.editor.add_section"),
        Binding("ctrl+d", "delete", _("Delete"), id="qa.editor.delete", priority=True),
        Binding("alt+up", "move(-1)", _("Move up"), id="qa.editor.up", show=False),
        Binding("alt+down", "move(1)", _("Move down"), id="qa.editor.down", show=False),
        Binding("escape", "back", _("Back"), id="qa.editor.back"),
    ]

    def __init__(self, form: FormDefinition) -> None:
        super().__init__()
        self.draft: dict[str, Any] = form.to_dict()
        for sec in self.draft["sections"]:
            for item in sec["items"]:
                item["weight"] = f"{item['weight']:g}"
                item["max_points"] = str(item["max_points"])
        self.draft["pass_mark"] = f"{self.draft['pass_mark']:g}"
        self.selected: tuple[int, int | None] = (0, 0)  # (section, item or None)
        self._fields_for: tuple[int, int | None] | None = None  # what the fields show

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="editor-top"):
            for key in FORM_TEXT:
                yield Input(str(self.draft.get(key, "")), id=f"form-{key}", max_length=300,
                            placeholder=self._label(key))
        with Horizontal():
            yield SeatTable(id="editor-rows", cursor_type="row")
            with VerticalScroll(id="editor-fields"):
                for key in (*ITEM_TEXT[:3], "type", *ITEM_TEXT[3:]):
                    yield Static(self._label(key), classes="label", id=f"label-{key}")
                    if key == "type":
                        yield Select([(_(t), t) for t in ITEM_TYPES], id="field-type",
                                     allow_blank=False, value=ITEM_TYPES[0])
                    else:
                        yield Input(id=f"field-{key}", max_length=1000)
                with Vertical():
                    for key in ITEM_FLAGS:
                        yield Checkbox(self._label(key), id=f"field-{key}")
                yield Static(_("section title"), classes="label", id="label-title")
                yield Input(id="field-title", max_length=300)
                yield Static(_("section title (Chinese)"), classes="label", id="label-title_zh")
                yield Input(id="field-title_zh", max_length=300)
        yield Static("", id="editor-status", classes="field-error")
        yield Footer()

    @staticmethod
    def _label(key: str) -> str:
        return {
            "code": _("form code"), "name": _("form name"), "name_zh": _("form name (Chinese)"),
            "pass_mark": _("pass mark"), "id": _("id (a–z, 0–9, _)"),
            "question": _("question"), "question_zh": _("question (Chinese)"),
            "type": _("type"), "weight": _("weight"),
            "max_points": _("max points (points items, 1–9)"),
            "guidance": _("guidance: what the inspector listens for"),
            "guidance_zh": _("guidance (Chinese)"), "allow_na": _("N/A allowed"),
            "critical": _("critical (a fail sets the score to 0)"),
            "comment_on_low": _("a low score needs a comment"),
        }[key]

    def on_mount(self) -> None:
        self.sub_title = _("editing {code}: Ctrl+S publishes a new version").format(
            code=neutralise(str(self.draft.get("code", ""))))
        self._fill_rows()
        self.query_one("#editor-rows", DataTable).focus()

    # ---- the list -----------------------------------------------------------------------

    def _rows(self) -> list[tuple[int, int | None]]:
        out: list[tuple[int, int | None]] = []
        for si, sec in enumerate(self.draft["sections"]):
            out.append((si, None))
            out += [(si, ii) for ii in range(len(sec["items"]))]
        return out

    def _fill_rows(self) -> None:
        table = self.query_one("#editor-rows", DataTable)
        table.clear(columns=True)
        table.add_columns(_("Item"), _("Type"), _("Weight"), _("Flags"))
        lang = seat_app(self).settings.lang
        for si, ii in self._rows():
            sec = self.draft["sections"][si]
            if ii is None:
                title = sec.get("title_zh") if lang == "zh" and sec.get("title_zh") else \
                    sec.get("title", "")
                table.add_row(*plain_cells(f"▸ {sec.get('id', '')} {title}", "", "", ""),
                              key=f"s{si}")
                continue
            item = sec["items"][ii]
            flags = "".join(mark for key, mark in (("critical", "✱"), ("allow_na", "N"),
                                                   ("comment_on_low", "✎")) if item.get(key))
            table.add_row(*plain_cells(f"   {item.get('id', '')}",
                                       _(str(item.get("type", ""))), str(item.get("weight", "")),
                                       flags), key=f"i{si}.{ii}")
        rows = self._rows()
        if self.selected in rows:
            table.move_cursor(row=rows.index(self.selected))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        rows = self._rows()
        if 0 <= event.cursor_row < len(rows):
            self.selected = rows[event.cursor_row]
            if self._fields_for != self.selected:  # a rebuilt list re-highlights the row
                self._fill_fields()

    def _fill_fields(self) -> None:
        si, ii = self.selected
        sec = self.draft["sections"][si]
        item = sec["items"][ii] if ii is not None else None
        self._fields_for = self.selected
        # Values set here are not edits: each field's Changed message is held back.
        for key in ITEM_TEXT:
            field = self.query_one(f"#field-{key}", Input)
            field.display = item is not None or key == "id"
            self.query_one(f"#label-{key}").display = field.display
            source = item if item is not None else sec
            with field.prevent(Input.Changed):
                field.value = str(source.get(key, "") or "")
        select: Select[str] = self.query_one("#field-type", Select)
        select.display = self.query_one("#label-type").display = item is not None
        if item is not None:
            with select.prevent(Select.Changed):
                select.value = item.get("type") or ITEM_TYPES[0]
        for key in ITEM_FLAGS:
            box = self.query_one(f"#field-{key}", Checkbox)
            box.display = item is not None
            with box.prevent(Checkbox.Changed):
                box.value = bool(item.get(key)) if item is not None else False
        for key in ("title", "title_zh"):
            field = self.query_one(f"#field-{key}", Input)
            field.display = self.query_one(f"#label-{key}").display = item is None
            with field.prevent(Input.Changed):
                field.value = str(sec.get(key, "") or "")

    # ---- editing ------------------------------------------------------------------------

    def _target(self) -> dict[str, Any]:
        si, ii = self.selected
        sec: dict[str, Any] = self.draft["sections"][si]
        item: dict[str, Any] = sec if ii is None else sec["items"][ii]
        return item

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id is None:
            return
        name = event.input.id
        if name.startswith("form-"):
            self.draft[name[5:]] = event.value
        elif name.startswith("field-"):
            self._target()[name[6:]] = event.value
            self._refresh_row()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if not (event.checkbox.id or "").startswith("field-"):
            return
        if self.selected[1] is not None:
            self._target()[(event.checkbox.id or "")[6:]] = event.value
            self._refresh_row()

    def on_select_changed(self, event: Select.Changed) -> None:
        if self.selected[1] is None or event.value is Select.BLANK:
            return
        self._target()["type"] = event.value
        self._refresh_row()

    def _refresh_row(self) -> None:
        table = self.query_one("#editor-rows", DataTable)
        at = table.cursor_row
        self._fill_rows()
        table.move_cursor(row=at)

    def action_add_item(self) -> None:
        si, ii = self.selected
        items = self.draft["sections"][si]["items"]
        at = 0 if ii is None else ii + 1
        n = len(items) + 1
        items.insert(at, {"id": f"item_{n}", "question": "", "question_zh": "",
                          "type": "yes_no", "weight": "5", "max_points": "1",
                          "allow_na": False, "comment_on_low": False, "critical": False,
                          "guidance": "", "guidance_zh": ""})
        self.selected = (si, at)
        self._fill_rows()
        self._fill_fields()
        self.query_one("#field-question", Input).focus()

    def action_add_section(self) -> None:
        si = self.selected[0] + 1
        self.draft["sections"].insert(si, {"id": f"section_{si + 1}", "title": "",
                                           "title_zh": "", "items": []})
        self.selected = (si, None)
        self._fill_rows()
        self._fill_fields()
        self.query_one("#field-title", Input).focus()

    def action_delete(self) -> None:
        si, ii = self.selected
        if ii is None:
            if len(self.draft["sections"]) == 1:
                self._say(_("a form needs at least one section"))
                return
            del self.draft["sections"][si]
            self.selected = (max(0, si - 1), None)
        else:
            del self.draft["sections"][si]["items"][ii]
            self.selected = (si, ii - 1 if ii > 0 else None)
        self._fill_rows()
        self._fill_fields()

    def action_move(self, step: int) -> None:
        si, ii = self.selected
        if ii is None:
            sections = self.draft["sections"]
            to = si + step
            if 0 <= to < len(sections):
                sections[si], sections[to] = sections[to], sections[si]
                self.selected = (to, None)
        else:
            items = self.draft["sections"][si]["items"]
            to = ii + step
            if 0 <= to < len(items):
                items[ii], items[to] = items[to], items[ii]
                self.selected = (si, to)
        self._fill_rows()

    # ---- publishing ---------------------------------------------------------------------

    def action_publish(self) -> None:
        try:
            form = draft_to_form(self.draft)
        except FormError as exc:
            self._say(str(exc))
            self._go_to(exc.section, exc.item)
            return
        self.publish(form)

    def _go_to(self, section: str | None, item: str | None) -> None:
        """Put the cursor on the section or item a validation error is about."""
        for si, sec in enumerate(self.draft["sections"]):
            if section is None or sec.get("id") != section:
                continue
            self.selected = (si, None)
            for ii, entry in enumerate(sec["items"]):
                if item is not None and entry.get("id") == item:
                    self.selected = (si, ii)
            self._fill_rows()
            self._fill_fields()
            return

    def publish(self, form: FormDefinition) -> None:
        app = seat_app(self)
        actor = signed_in(self)
        call_service(self, lambda: app.backend.qa.publish_form(actor, form), self.published,
                     group="qa-editor")

    def on_service_failed(self, message: ServiceFailed) -> None:
        message.stop()  # said in the editor; the edits are kept
        self._say(message.text)

    def published(self, version: FormVersion) -> None:
        self.app.notify(_("form {code} published as version {v}").format(
            code=version.code, v=version.version))
        self.dismiss(version)

    def _say(self, text: str) -> None:
        self.query_one("#editor-status", Static).update(neutralise(text))

    def action_back(self) -> None:
        self.dismiss(None)
