"""The arithmetic of a QA evaluation (呼叫质量监控表), with no I/O.

Definitions (these are the rules every screen, report and export relies on):

* Each item answer becomes a *fraction* in [0, 1]:
  - yes/no: yes = 1, no = 0;
  - 1–5 scale: (v - 1) / 4, so 1 → 0, 3 → 0.5, 5 → 1;
  - points out of N: v / N.
* An item marked N/A (only where the item allows it) leaves the denominator; so does an
  item not answered yet (the live total while scoring; a submission needs every item).
* score = 100 × Σ(weight × fraction) / Σ(weight), over the items that count.
* A *low* answer is a fraction below ``LOW_FRACTION`` (0.5): "no", 1–2 on the scale,
  under half the points. Items marked ``comment_on_low`` need a comment when low.
* A critical item (致命项) that is low is a *critical fail*: the score is 0.
* When no item counts (all N/A, or the only weight left is zero) there is no score
  (None), unless a critical item failed, which still gives 0.
* passed = score is not None and score ≥ pass mark and no critical fail.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

YES_NO = "yes_no"
SCALE = "scale"
POINTS = "points"
ITEM_TYPES = (YES_NO, SCALE, POINTS)
SCALE_MAX = 5
LOW_FRACTION = 0.5


@dataclass(frozen=True)
class ItemRule:
    """What scoring needs to know about one form item."""

    id: str
    type: str
    weight: float = 1.0
    max_points: int = 1
    allow_na: bool = False
    critical: bool = False
    comment_on_low: bool = False


@dataclass(frozen=True)
class Answer:
    """One item's answer: a value, or N/A, and the inspector's comment."""

    value: int | None = None
    na: bool = False
    comment: str = ""


@dataclass(frozen=True)
class ScoreResult:
    score: float | None  # 0–100, None when nothing counts
    passed: bool | None  # None when there is no score
    critical_failed: bool
    answered: int  # items with a value or N/A
    total: int  # items on the form
    low_items: tuple[str, ...]  # ids of items answered low
    critical_items_failed: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return self.answered == self.total


def value_range(rule: ItemRule) -> tuple[int, int]:
    """The lowest and highest value an item accepts."""
    if rule.type == YES_NO:
        return 0, 1
    if rule.type == SCALE:
        return 1, SCALE_MAX
    return 0, rule.max_points


def fraction(rule: ItemRule, value: int) -> float:
    """The share of the item's weight earned by ``value`` (raises ValueError if invalid)."""
    low, high = value_range(rule)
    if not low <= value <= high:
        raise ValueError(f"{rule.id}: {value} is outside {low}–{high}")
    if rule.type == YES_NO:
        return float(value)
    if rule.type == SCALE:
        return (value - 1) / (SCALE_MAX - 1)
    return value / rule.max_points


def is_low(rule: ItemRule, value: int) -> bool:
    return fraction(rule, value) < LOW_FRACTION


def score(
    rules: tuple[ItemRule, ...] | list[ItemRule],
    answers: Mapping[str, Answer],
    pass_mark: float,
) -> ScoreResult:
    """Score answers against the form's items (missing answers leave the denominator)."""
    earned = 0.0
    weight_sum = 0.0
    answered = 0
    low: list[str] = []
    critical: list[str] = []
    for rule in rules:
        answer = answers.get(rule.id)
        if answer is None or (answer.value is None and not answer.na):
            continue
        answered += 1
        if answer.na:
            if not rule.allow_na:
                raise ValueError(f"{rule.id}: N/A is not allowed for this item")
            continue
        assert answer.value is not None
        f = fraction(rule, answer.value)
        if f < LOW_FRACTION:
            low.append(rule.id)
            if rule.critical:
                critical.append(rule.id)
        earned += rule.weight * f
        weight_sum += rule.weight
    critical_failed = bool(critical)
    if critical_failed:
        total: float | None = 0.0
    elif weight_sum > 0:
        # Clamp float noise so a perfect call is exactly 100.
        total = min(100.0, max(0.0, 100.0 * earned / weight_sum))
    else:
        total = None
    passed = None if total is None else (total >= pass_mark and not critical_failed)
    return ScoreResult(
        score=total, passed=passed, critical_failed=critical_failed, answered=answered,
        total=len(rules), low_items=tuple(low), critical_items_failed=tuple(critical),
    )


def missing_comments(
    rules: tuple[ItemRule, ...] | list[ItemRule], answers: Mapping[str, Answer]
) -> list[str]:
    """Ids of items answered low that require a comment and have none."""
    out = []
    for rule in rules:
        answer = answers.get(rule.id)
        if (rule.comment_on_low and answer is not None and answer.value is not None
                and not answer.na and is_low(rule, answer.value) and not answer.comment.strip()):
            out.append(rule.id)
    return out
