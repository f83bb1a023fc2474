"""Properties of the QA score arithmetic (seatdesk.domain.qa.scoring)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from seatdesk.domain.qa.scoring import (
    POINTS,
    SCALE,
    YES_NO,
    Answer,
    ItemRule,
    fraction,
    missing_comments,
    score,
    value_range,
)


@st.composite
def rules(draw: st.DrawFn) -> ItemRule:
    kind = draw(st.sampled_from([YES_NO, SCALE, POINTS]))
    return ItemRule(
        id="", type=kind, weight=draw(st.floats(0.5, 50)),
        max_points=draw(st.integers(1, 9)) if kind == POINTS else 1,
        allow_na=draw(st.booleans()), critical=False,
    )


@st.composite
def scored_forms(draw: st.DrawFn) -> tuple[list[ItemRule], dict[str, Answer]]:
    raw = draw(st.lists(rules(), min_size=1, max_size=8))
    form = [ItemRule(**{**r.__dict__, "id": f"i{n}"}) for n, r in enumerate(raw)]
    answers = {}
    for r in form:
        if r.allow_na and draw(st.booleans()):
            answers[r.id] = Answer(na=True)
        else:
            low, high = value_range(r)
            answers[r.id] = Answer(value=draw(st.integers(low, high)))
    return form, answers


def test_fractions_by_type():
    assert fraction(ItemRule("a", YES_NO), 1) == 1 and fraction(ItemRule("a", YES_NO), 0) == 0
    assert [fraction(ItemRule("s", SCALE), v) for v in (1, 3, 5)] == [0, 0.5, 1]
    assert fraction(ItemRule("p", POINTS, max_points=4), 3) == 0.75
    with pytest.raises(ValueError):
        fraction(ItemRule("s", SCALE), 0)


def test_worked_example():
    form = [ItemRule("a", YES_NO, weight=30), ItemRule("b", SCALE, weight=10),
            ItemRule("c", POINTS, weight=60, max_points=3, allow_na=True)]
    r = score(form, {"a": Answer(1), "b": Answer(2), "c": Answer(na=True)}, 80)
    assert r.score == pytest.approx(100 * (30 + 2.5) / 40) and r.passed is True
    r = score(form, {"a": Answer(0), "b": Answer(5), "c": Answer(2)}, 80)
    assert r.score == pytest.approx(50) and r.passed is False and r.low_items == ("a",)


@given(scored_forms(), st.floats(0.01, 100))
def test_scaling_every_weight_leaves_the_score(data, factor):
    form, answers = data
    scaled = [ItemRule(**{**r.__dict__, "weight": r.weight * factor}) for r in form]
    a, b = score(form, answers, 80).score, score(scaled, answers, 80).score
    assert (a is None) == (b is None)
    if a is not None:
        assert a == pytest.approx(b, abs=1e-6)


@given(scored_forms())
def test_score_within_bounds_and_pass_rule(data):
    form, answers = data
    r = score(form, answers, 80)
    if r.score is None:
        assert all(a.na for a in answers.values()) and r.passed is None
    else:
        assert 0 <= r.score <= 100
        assert r.passed == (r.score >= 80)


@given(scored_forms(), rules())
def test_na_item_does_not_change_the_rest(data, extra):
    form, answers = data
    extra = ItemRule(**{**extra.__dict__, "id": "extra", "allow_na": True})
    before = score(form, answers, 80).score
    after = score([*form, extra], {**answers, "extra": Answer(na=True)}, 80).score
    assert before == after


@given(scored_forms(), st.data())
def test_critical_fail_gives_zero(data, draw):
    form, answers = data
    target = draw.draw(st.sampled_from(form))
    critical = ItemRule(**{**target.__dict__, "critical": True, "allow_na": False})
    form = [critical if r.id == target.id else r for r in form]
    low = value_range(critical)[0]
    r = score(form, {**answers, target.id: Answer(low)}, 0)
    assert r.score == 0 and r.critical_failed and r.passed is False


@given(scored_forms(), st.data())
def test_monotone_in_each_item(data, draw):
    form, answers = data
    target = draw.draw(st.sampled_from(form))
    low, high = value_range(target)
    v = draw.draw(st.integers(low, high - 1)) if high > low else low
    assume(high > low)
    worse = score(form, {**answers, target.id: Answer(v)}, 80).score
    better = score(form, {**answers, target.id: Answer(v + 1)}, 80).score
    assert worse is not None and better is not None
    assert better >= worse - 1e-9


def test_all_na_has_no_score_and_na_must_be_allowed():
    form = [ItemRule("a", YES_NO, allow_na=True), ItemRule("b", YES_NO)]
    assert score(form[:1], {"a": Answer(na=True)}, 80).score is None
    with pytest.raises(ValueError):
        score(form, {"b": Answer(na=True)}, 80)


def test_low_score_needs_comment():
    form = [ItemRule("a", SCALE, comment_on_low=True), ItemRule("b", SCALE)]
    assert missing_comments(form, {"a": Answer(2), "b": Answer(1)}) == ["a"]
    assert missing_comments(form, {"a": Answer(2, comment="why"), "b": Answer(1)}) == []
    assert missing_comments(form, {"a": Answer(3)}) == []
