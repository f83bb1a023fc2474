"""Key labels in the seat's language through Textual's public API (no ``_bindings``)."""

from __future__ import annotations

import re
from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer

from seatdesk.domain.i18n import N_, current_language, set_language
from seatdesk.ui.textual_words import SeatScreen

UI = Path(__file__).resolve().parents[2] / "seatdesk" / "ui"


class _Publishing(SeatScreen[None]):
    """Declared (at import) while the language may be another one."""

    BINDINGS = [Binding("p", "publish", N_("Publish"), id="t.publish"),
                Binding("t", "template", N_("Template"), id="t.template")]

    def compose(self) -> ComposeResult:
        yield Footer()

    def binding_labels(self) -> dict[str, str]:
        return {"t.template": "T-7"}  # a label made at run time

    def action_publish(self) -> None:
        pass

    def action_template(self) -> None:
        pass


def _labels(screen: Screen[None]) -> dict[str, str]:
    return {key: a.binding.description for key, a in screen.active_bindings.items()}


async def test_labels_follow_the_language_chosen_after_the_import() -> None:
    before = current_language()
    try:
        for lang, publish, focus_next in (("zh", "发布", "下一个控件"),
                                          ("en", "Publish", "Focus Next")):
            set_language(lang)
            app: App[None] = App()
            async with app.run_test() as pilot:
                screen = _Publishing()
                await app.push_screen(screen)
                await pilot.pause()
                labels = _labels(screen)
                assert labels["p"] == publish
                assert labels["t"] == "T-7"
                assert labels["tab"] == focus_next  # the app's and Textual's own keys too
                footer = " ".join(str(k.render()) for k in screen.query("FooterKey"))
                assert publish in footer
    finally:
        set_language(before)


def test_no_module_reaches_into_textuals_private_bindings() -> None:
    private = re.compile(r"\._bindings\b|key_to_bindings|_merged_bindings")
    found = [f"{p.relative_to(UI)}:{n}" for p in UI.rglob("*.py")
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if private.search(line)]
    assert found == []


async def test_a_dialog_keeps_its_translucent_background_and_translated_keys() -> None:
    from seatdesk.ui.textual_words import SeatModalScreen

    class _Dialog(SeatModalScreen[None]):
        BINDINGS = [Binding("p", "publish", N_("Publish"), id="t.publish")]

    before = current_language()
    set_language("zh")
    try:
        app: App[None] = App()
        async with app.run_test() as pilot:
            dialog = _Dialog()
            await app.push_screen(dialog)
            await pilot.pause()
            assert dialog.styles.background.a < 1  # the screen behind shows through
            assert _labels(dialog)["p"] == "发布"
    finally:
        set_language(before)


def test_no_module_imports_textuals_private_modules() -> None:
    """Textual's underscore modules (``textual.widgets._select`` …) change without notice."""
    private = re.compile(r"^\s*(from|import)\s+textual(\.\w+)*\._\w+")
    found = [f"{p.relative_to(UI)}:{n}" for p in UI.rglob("*.py")
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if private.search(line)]
    assert found == []
