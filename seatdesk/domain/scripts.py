"""Call scripts as the seat sees them: steps with placeholders filled, and the current stage.

Pure logic (no I/O, no textual). A script is a list of steps ``{"stage": ..., "text": ...}``
following the service flow of a call: identify the caller -> let them state the problem ->
solve it -> arrange service -> confirm (来电识别 → 问题提出 → 问题解决 → 安排服务 → 服务确认).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from seatdesk.domain.i18n import _

STAGES: tuple[str, ...] = ("identify", "problem", "solve", "arrange", "confirm")
# The script shown before a category is chosen (greeting and identification).
GENERAL = "general"
PLACEHOLDERS = ("customer", "agent", "agent_no", "company")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class RenderedStep:
    stage: str
    text: str


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace ``{name}`` placeholders; unknown names are left as written."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def render_steps(steps: Sequence[Mapping[str, object]],
                 values: Mapping[str, str]) -> list[RenderedStep]:
    """The script's steps in service-flow order with placeholders filled."""
    order = {stage: i for i, stage in enumerate(STAGES)}
    indexed = sorted(enumerate(steps), key=lambda p: (order.get(str(p[1].get("stage")), 99), p[0]))
    return [RenderedStep(stage=str(step.get("stage", "")), text=fill(str(step.get("text", "")),
                                                                      values))
            for _, step in indexed]


def auto_stage(*, state: str | None, has_customer: bool, has_category: bool,
               resolved: bool | None) -> int:
    """Which stage the call is at, judged from what the seat knows about it.

    Answered -> identify; the customer identified -> problem; a category chosen -> solve;
    not resolved (a hand-over or a visit to arrange) -> arrange; resolved or wrap-up -> confirm.
    """
    if state in (None, "queued", "offered"):
        return 0
    if state == "wrap_up":
        return STAGES.index("confirm")
    stage = 0
    if has_customer:
        stage = 1
    if has_category:
        stage = 2
    if resolved is False:
        stage = 3
    elif resolved is True:
        stage = 4
    return stage


def step_stage(current: int, delta: int) -> int:
    """Move the current stage by ``delta`` keys, staying within the flow."""
    return max(0, min(len(STAGES) - 1, current + delta))


def validate_steps(steps: object) -> list[dict[str, str]]:
    """Check a script's steps as typed or imported; raises ValueError saying what is wrong."""
    if not isinstance(steps, list) or not steps:
        raise ValueError(_("a script needs at least one step"))
    clean: list[dict[str, str]] = []
    for n, step in enumerate(steps, 1):
        if not isinstance(step, Mapping):
            raise ValueError(_("step {n} is not a table with 'stage' and 'text'").format(n=n))
        stage, text = step.get("stage"), step.get("text")
        if stage not in STAGES:
            raise ValueError(_("step {n}: stage must be one of {choices}, not {stage!r}").format(
                n=n, choices=", ".join(STAGES), stage=stage))
        if not isinstance(text, str) or not text.strip():
            raise ValueError(_("step {n}: text is missing").format(n=n))
        if len(text) > 2000:
            raise ValueError(_("step {n}: text is too long ({length} characters, at most 2000)")
                             .format(n=n, length=len(text)))
        unknown = sorted(set(_PLACEHOLDER.findall(text)) - set(PLACEHOLDERS))
        if unknown:
            raise ValueError(_("step {n}: unknown placeholder {name}; use {known}").format(
                n=n, name="{" + unknown[0] + "}",
                known=", ".join("{" + p + "}" for p in PLACEHOLDERS)))
        clean.append({"stage": str(stage), "text": text})
    return clean
