"""QA form files: validation names the item and the problem; TOML/JSON round trips."""

from __future__ import annotations

import json

import pytest

from seatdesk.domain.qa.forms import FormError, format_of, parse_form, render_form
from seatdesk.exchange.qa_default_form import DEFAULT_FORM, default_form


@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_round_trip(fmt):
    form = default_form()
    assert parse_form(render_form(form, fmt), fmt) == form


def test_default_form_sections_and_weights():
    form = default_form()
    assert [s.id for s in form.sections] == ["opening", "courtesy", "accuracy", "resolution",
                                             "records", "closing", "critical"]
    assert sum(r.weight for r in form.rules()) == 100
    assert {r.id for r in form.rules() if r.critical} == {"critical.no_data_leak",
                                                          "critical.no_argument"}
    assert form.item("courtesy.five_voices").text("zh") == "使用五声十一字"


def _broken(**changes):
    data = json.loads(json.dumps(DEFAULT_FORM))
    item = data["sections"][1]["items"][0]
    item.update(changes)
    return json.dumps(data)


@pytest.mark.parametrize(("changes", "message"), [
    ({"type": "stars"}, "section 'courtesy', item 1 'five_voices': type must be one of"),
    ({"weight": -1}, "'five_voices': weight must be a number"),
    ({"type": "points", "max_points": 12}, "max_points must be a whole number from 1 to 9"),
    ({"critical": True, "allow_na": True}, "a critical item cannot be N/A"),
    ({"question": ""}, "'five_voices': question is required"),
    ({"question": "bad\x1b[31m"}, "control characters"),
    ({"id": "Five Voices"}, "id must be 1–32 lowercase"),
    ({"allow_na": "yes"}, "allow_na must be true or false"),
])
def test_errors_name_item_and_problem(changes, message):
    with pytest.raises(FormError) as err:
        parse_form(_broken(**changes), "json")
    assert message in str(err.value)


def test_file_level_errors():
    with pytest.raises(FormError, match="not valid TOML"):
        parse_form("code = ", "toml")
    with pytest.raises(FormError, match="pass_mark"):
        parse_form('code = "x"\nname = "x"\npass_mark = 120\n', "toml")
    with pytest.raises(FormError, match="at least one"):
        parse_form('code = "x"\nname = "x"\n', "toml")
    with pytest.raises(FormError, match="used twice"):
        data = json.loads(json.dumps(DEFAULT_FORM))
        data["sections"][0]["items"].append(data["sections"][0]["items"][0])
        parse_form(json.dumps(data), "json")
    with pytest.raises(FormError, match=r"\.toml or \.json"):
        format_of("form.yaml")


def test_item10_import_refuses_unknown_keys_and_names_them():
    """Issue 17 item 10: a typo `critcal = true` published a form without its critical item."""
    import pytest as _pytest

    from seatdesk.domain.qa.forms import FormError, parse_form

    text = """
code = "x"
name = "X"
pass_mark = 80

[[sections]]
id = "s"
title = "S"

[[sections.items]]
id = "leak"
question = "Does not leak data"
critcal = true
"""
    with _pytest.raises(FormError) as err:
        parse_form(text, "toml")
    assert "critcal" in str(err.value) and "'leak'" in str(err.value)
    with _pytest.raises(FormError) as err:
        parse_form(text.replace("critcal = true", "").replace("pass_mark", "pas_mark"), "toml")
    assert "pas_mark" in str(err.value)


def test_form_errors_are_chinese_on_a_chinese_desk_and_name_the_item():
    import pytest as _pytest

    from seatdesk.domain.i18n import set_language
    from seatdesk.domain.qa.forms import FormError, form_from_dict

    data = {"code": "x", "name": "X", "sections": [
        {"id": "s", "title": "S", "items": [{"id": "leak", "question": "Q", "critcal": True}]}]}
    set_language("zh")
    try:
        with _pytest.raises(FormError) as err:
            form_from_dict(data)
    finally:
        set_language("en")
    assert "未知的键" in str(err.value) and "critcal" in str(err.value)
    assert (err.value.section, err.value.item) == ("s", "leak")
