"""The script pane: the call's script as service-flow steps, the current one highlighted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.widgets import Static

from seatdesk.domain.i18n import N_, _, ngettext
from seatdesk.domain.scripts import STAGES, render_steps
from seatdesk.domain.text import neutralise

if TYPE_CHECKING:
    from collections.abc import Mapping

    from seatdesk.services.dto import ScriptView

STAGE_LABELS = {"identify": N_("Identify"), "problem": N_("Problem"), "solve": N_("Solve"),
                "arrange": N_("Arrange service"), "confirm": N_("Confirm")}


class ScriptPane(Static):
    DEFAULT_CSS = """
    ScriptPane { height: 1fr; padding: 0 1; overflow: hidden; }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(_("The script appears when a call starts."), name=name, id=id,
                         classes=classes)
        self.script: ScriptView | None = None
        self.stage = 0
        self.values: dict[str, str] = {}
        self.shown = Text()  # the script as last drawn

    def show(self, script: ScriptView | None, values: Mapping[str, str], stage: int) -> None:
        self.script, self.values, self.stage = script, dict(values), stage
        self._render_script()

    def set_stage(self, stage: int) -> None:
        if stage != self.stage:
            self.stage = stage
            self._render_script()

    def clear_script(self) -> None:
        self.script = None
        # layout=False throughout: the pane's size is fixed (see CustomerCardView).
        self.update(Text(_("The script appears when a call starts."), style="dim"),
                    layout=False)

    def on_resize(self) -> None:
        if self.script is not None:
            self._render_script()

    def _fits(self, text: Text) -> bool:
        width, height = self.content_size.width, self.content_size.height
        if width <= 0 or height <= 0:
            return True  # not laid out yet
        return len(text.wrap(self.app.console, width)) <= height

    def _steps_text(self, steps: list[Any], current: str, first: int) -> Text:
        assert self.script is not None
        out = Text()
        out.append(neutralise(self.script.title), style="bold")
        out.append(f"  v{self.script.version}\n", style="dim")
        if first:
            out.append(ngettext("↑ {n} earlier step (Alt+↑)", "↑ {n} earlier steps (Alt+↑)",
                                first).format(n=first) + "\n", style="dim")
        for step in steps[first:]:
            here = step.stage == current
            label = _(STAGE_LABELS.get(step.stage, step.stage))
            out.append("▶ " if here else "  ", style="bold green")
            # TRANSLATORS: a script step's stage before its text; Chinese uses "：".
            out.append(_("{stage}: ").format(stage=label),
                       style="bold green" if here else "bold dim")
            out.append(neutralise(step.text) + "\n", style="" if here else "dim")
        return out

    @property
    def stage_name(self) -> str:
        return STAGES[self.stage]

    def _render_script(self) -> None:
        if self.script is None:
            self.update(Text(_("No script is published for this call."), style="dim"),
                        layout=False)
            return
        current = STAGES[self.stage]
        values = {k: neutralise(v) for k, v in self.values.items()}
        steps = list(render_steps(self.script.steps, values))
        here = next((n for n, step in enumerate(steps) if step.stage == current), 0)
        out = self._steps_text(steps, current, 0)
        if here and not self._fits(out):
            # A small pane: start at the current step (the pane follows the call).
            out = self._steps_text(steps, current, here)
        self.shown = out
        self.update(out, layout=False)
