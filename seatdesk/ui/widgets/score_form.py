"""The monitoring form driven from the keyboard: number keys score, N marks N/A, Tab moves on.

The widget keeps the answers as typed and posts ``ScoreForm.Changed`` after each change;
the live total is computed by ``seatdesk.domain.qa.scoring`` (pure arithmetic, no database).
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from seatdesk.domain.i18n import _, ngettext
from seatdesk.domain.qa.forms import FormDefinition, FormItem, FormSection
from seatdesk.domain.qa.scoring import (
    POINTS,
    SCALE,
    YES_NO,
    Answer,
    ItemRule,
    ScoreResult,
    score,
    value_range,
)
from seatdesk.domain.text import neutralise


def value_text(item: FormItem, answer: Answer | None) -> str:
    """How an answer reads on screen: 是/否, 3/5, 2/3 pts, N/A, or a dash."""
    if answer is None or (answer.value is None and not answer.na):
        return "—"
    if answer.na:
        return _("N/A")
    if item.type == YES_NO:
        return _("yes") if answer.value else _("no")
    if item.type == SCALE:
        return f"{answer.value}/5"
    return ngettext("{v}/{n} pt", "{v}/{n} pts", item.max_points).format(
        v=answer.value, n=item.max_points)


def keys_hint(item: FormItem) -> str:
    if item.type == YES_NO:
        hint = _("1 yes · 0 no")
    elif item.type == SCALE:
        hint = "1–5"
    else:
        hint = f"0–{item.max_points}"
    return hint + (_(" · N n/a") if item.allow_na else "")


def weight_text(item: FormItem) -> str:
    """The item's weight as the form shows it (critical items carry none: they zero)."""
    if item.critical:
        return _("critical item")
    return _("weight {w}").format(w=f"{item.weight:g}")


class ItemRow(Widget, can_focus=True):
    """One question of the form; focus it and press a number to score it.

    The row shows the item's weight; its comment under it when the form shows comments
    (an agent or a lead reading a result); the item's guidance while it is focused.
    """

    DEFAULT_CSS = """
    ItemRow { height: auto; padding: 0 1; }
    ItemRow:focus { background: $accent 40%; }
    ItemRow.-low { color: $warning; }
    ItemRow.-critical-fail { color: $error; text-style: bold; }
    """

    def __init__(self, section: FormSection, item: FormItem, key: str, lang: str,
                 show_comments: bool = False) -> None:
        super().__init__(id=f"item-{key.replace('.', '--')}")
        self.section, self.item, self.key, self.lang = section, item, key, lang
        self.show_comments = show_comments
        self.answer: Answer | None = None
        self.mark = ""  # e.g. a dispute reason marker

    def render(self) -> Text:
        comment = self.answer.comment.strip() if self.answer is not None else ""
        flags = ("✱" if self.item.critical else " ") + ("✎" if comment else " ")
        mark = f" {self.mark}" if self.mark else ""
        text = Text.assemble(
            (f"{value_text(self.item, self.answer):>9} ", "bold"), flags, " ",
            neutralise(self.item.text(self.lang)),
            (f"  ({weight_text(self.item)})  [{keys_hint(self.item)}]", "dim"),
            (mark, "italic"),
        )
        if comment and self.show_comments:
            text.append("\n" + " " * 12 + "✎ " + neutralise(comment), "italic")
        guidance = self.item.guidance_text(self.lang)
        if guidance and self.has_focus:
            text.append("\n" + " " * 12 + "ℹ " + neutralise(guidance), "dim")
        return text

    def on_focus(self) -> None:
        self.refresh(layout=True)

    def on_blur(self) -> None:
        self.refresh(layout=True)


class ScoreForm(VerticalScroll):
    """Sections and items of one form version, with the inspector's answers."""

    DEFAULT_CSS = """
    ScoreForm { height: 1fr; border: round $primary; }
    ScoreForm .section-title { color: $accent; text-style: bold; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "na", _("N/A"), id="qa.score.na"),
        Binding("down,j", "move(1)", _("Next item"), id="qa.score.next", show=False),
        Binding("up,k", "move(-1)", _("Previous item"), id="qa.score.previous", show=False),
        Binding("backspace,delete", "clear", _("Clear"), id="qa.score.clear", show=False),
        *(Binding(str(d), f"set_value({d})", str(d), id=f"qa.score.key{d}", show=False)
          for d in range(10)),
    ]

    class Changed(Message):
        def __init__(self, form: ScoreForm) -> None:
            super().__init__()
            self.form = form

        @property
        def control(self) -> ScoreForm:
            return self.form

    class Problem(Message):
        """A key that cannot score the focused item (shown where the user looks)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, form: FormDefinition, answers: dict[str, Answer] | None = None, *,
                 lang: str = "en", read_only: bool = False, id: str | None = None,
                 show_comments: bool = False) -> None:
        super().__init__(id=id)
        self.form = form
        self.lang = lang
        self.read_only = read_only
        self.show_comments = show_comments
        self.answers: dict[str, Answer] = dict(answers or {})
        self.rules: dict[str, ItemRule] = {r.id: r for r in form.rules()}

    def compose(self) -> ComposeResult:
        for section in self.form.sections:
            yield Static(neutralise(section.text(self.lang)), classes="section-title")
            for item in section.items:
                key = f"{section.id}.{item.id}"
                row = ItemRow(section, item, key, self.lang, self.show_comments)
                row.answer = self.answers.get(key)
                yield row

    def on_mount(self) -> None:
        self._restyle()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A read-only form offers no scoring keys (they would do nothing).
        if self.read_only and action in ("na", "set_value", "clear"):
            return False
        return True

    # ---- reading ------------------------------------------------------------------------

    def rows(self) -> list[ItemRow]:
        return list(self.query(ItemRow))

    def row(self, key: str) -> ItemRow:
        return self.query_one(f"#item-{key.replace('.', '--')}", ItemRow)

    @property
    def current(self) -> ItemRow | None:
        focused = self.app.focused
        if isinstance(focused, ItemRow) and focused.parent is self:
            return focused
        return None

    def result(self) -> ScoreResult:
        return score(self.form.rules(), self.answers, self.form.pass_mark)

    def focus_item(self, key: str | None = None) -> None:
        rows = self.rows()
        target = next((r for r in rows if r.key == key), None) if key else None
        if target is None:
            target = next((r for r in rows if r.answer is None), rows[0] if rows else None)
        if target is not None:
            target.focus()

    # ---- changing -----------------------------------------------------------------------

    def set_answer(self, key: str, answer: Answer) -> None:
        self.answers[key] = answer
        row = self.row(key)
        row.answer = answer
        row.refresh()
        self._restyle()
        self.post_message(self.Changed(self))

    def set_comment(self, key: str, comment: str) -> None:
        old = self.answers.get(key, Answer())
        self.set_answer(key, replace(old, comment=comment))

    def _restyle(self) -> None:
        result = self.result()
        for row in self.rows():
            row.set_class(row.key in result.low_items and not row.item.critical, "-low")
            row.set_class(row.key in result.critical_items_failed, "-critical-fail")

    def action_set_value(self, value: int) -> None:
        row = self.current
        if row is None or self.read_only:
            return
        rule = self.rules[row.key]
        low, high = value_range(rule)
        if not low <= value <= high:
            self.post_message(self.Problem(
                _("'{q}' takes {keys}").format(q=row.item.text(self.lang)[:30],
                                               keys=keys_hint(row.item))))
            return
        old = self.answers.get(row.key, Answer())
        self.set_answer(row.key, Answer(value=value, na=False, comment=old.comment))
        self._advance(row)

    def action_na(self) -> None:
        row = self.current
        if row is None or self.read_only:
            return
        if not row.item.allow_na:
            self.post_message(self.Problem(_("this item cannot be N/A")))
            return
        old = self.answers.get(row.key, Answer())
        self.set_answer(row.key, Answer(value=None, na=True, comment=old.comment))
        self._advance(row)

    def action_clear(self) -> None:
        row = self.current
        if row is None or self.read_only:
            return
        old = self.answers.get(row.key, Answer())
        self.set_answer(row.key, Answer(comment=old.comment))

    def action_move(self, step: int) -> None:
        rows = self.rows()
        row = self.current
        if row is None or not rows:
            return
        index = max(0, min(len(rows) - 1, rows.index(row) + step))
        rows[index].focus()

    def _advance(self, row: ItemRow) -> None:
        # A low score may need a comment: stay so the inspector can write it (C).
        rule = self.rules[row.key]
        answer = self.answers[row.key]
        if rule.comment_on_low and answer.value is not None and row.key in \
                self.result().low_items:
            return
        self.action_move(1)


__all__ = ["ScoreForm", "ItemRow", "value_text", "keys_hint", "weight_text", "POINTS"]
