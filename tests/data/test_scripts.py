"""Scripts: published versions, fallbacks, TOML import/export with clear errors."""

from __future__ import annotations

import pytest

from seatdesk.domain.errors import InvalidInput, PermissionDenied
from seatdesk.domain.scripts import auto_stage, fill, render_steps, step_stage
from seatdesk.services.dto import SYSTEM
from seatdesk.services.scripts import ScriptInput, parse_toml, to_toml
from tests.factories import floor

STEPS = ({"stage": "identify", "text": "您好,{company},工号{agent_no}为您服务。"},
         {"stage": "solve", "text": "{customer},请问产品型号?"})


def test_publish_makes_a_new_version_and_calls_keep_theirs(backend):
    people = floor(backend)
    sup = people["super1"]
    v1 = backend.scripts.publish(sup, ScriptInput("repair", "zh", "inbound", "报修", STEPS))
    same = backend.scripts.publish(sup, ScriptInput("repair", "zh", "inbound", "报修", STEPS))
    assert same.id == v1.id  # publishing the same text again adds no version
    v2 = backend.scripts.publish(sup, ScriptInput("repair", "zh", "inbound", "报修 v2",
                                                  STEPS[:1]))
    assert (v1.version, v2.version) == (1, 2)
    assert backend.scripts.published("repair", "zh").id == v2.id
    assert backend.scripts.get(v1.id).title == "报修"  # the old version is still there
    with pytest.raises(PermissionDenied):
        backend.scripts.publish(people["agent1"],
                                ScriptInput("repair", "zh", "inbound", "x", STEPS))


def test_lookup_falls_back_to_general_then_other_language(backend):
    floor(backend)
    backend.scripts.ensure_defaults(SYSTEM)
    assert backend.scripts.published(None, "zh").category == "general"
    assert backend.scripts.published("repair", "en").lang == "en"
    assert backend.scripts.published("survey", "zh", "outbound").category == "survey"
    assert backend.scripts.ensure_defaults(SYSTEM) == 0  # idempotent


def test_toml_round_trip_and_import(backend):
    people = floor(backend)
    sup = people["super1"]
    backend.scripts.ensure_defaults(SYSTEM)
    text = backend.scripts.export_toml(sup)
    scripts = parse_toml(text)
    assert len(scripts) == len(backend.scripts.current())
    # Quotes, backslashes, newlines and controls survive the hand-written TOML writer.
    tricky = ScriptInput("order", "en", "inbound", 'Say "hi" \\ o/',
                         ({"stage": "identify", "text": "line1\nline2\ttab \x01"},))
    assert parse_toml(to_toml([tricky]))[0] == tricky
    edited = text.replace("Repair script", "Repair script (revised)")
    views = backend.scripts.import_toml(sup, edited)
    changed = [v for v in views if v.version == 2]
    assert [v.category for v in changed] == ["repair"]


@pytest.mark.parametrize("text, message", [
    ("[[script]\ncategory=", "not valid TOML"),
    ("title = 'x'", "no [[script]]"),
    ('[[script]]\ncategory="repairs"\nlang="zh"\ntitle="t"\n[[script.step]]\nstage="identify"'
     '\ntext="x"', "category must be one of"),
    ('[[script]]\ncategory="repair"\nlang="fr"\ntitle="t"\n[[script.step]]\nstage="identify"'
     '\ntext="x"', "lang must be zh or en"),
    ('[[script]]\ncategory="repair"\nlang="zh"\ntitle="t"\n[[script.step]]\nstage="greet"'
     '\ntext="x"', "step 1: stage must be one of"),
    ('[[script]]\ncategory="repair"\nlang="zh"\ntitle="t"\n[[script.step]]\nstage="identify"'
     '\ntext="{boss}"', "unknown placeholder {boss}"),
    ('[[script]]\ncategory="repair"\nlang="zh"\ntitle="t"', "at least one step"),
])
def test_bad_toml_is_refused_with_a_clear_message(backend, text, message):
    people = floor(backend)
    with pytest.raises(InvalidInput) as err:
        backend.scripts.import_toml(people["super1"], text)
    assert message in str(err.value)
    assert backend.scripts.current() == []  # nothing half-imported


def test_render_and_stage_logic():
    steps = [{"stage": "confirm", "text": "再见"}, {"stage": "identify", "text": "{company} {x}"}]
    rendered = render_steps(steps, {"company": "XX公司"})
    assert [s.stage for s in rendered] == ["identify", "confirm"]
    assert rendered[0].text == "XX公司 {x}"  # unknown placeholders stay visible
    assert fill("{agent_no}", {"agent_no": "1024"}) == "1024"
    kw = dict(has_customer=False, has_category=False, resolved=None)
    assert auto_stage(state="active", **kw) == 0
    assert auto_stage(state="active", **{**kw, "has_customer": True}) == 1
    assert auto_stage(state="active", **{**kw, "has_category": True}) == 2
    assert auto_stage(state="active", **{**kw, "resolved": False}) == 3
    assert auto_stage(state="wrap_up", **kw) == 4
    assert step_stage(4, 1) == 4 and step_stage(0, -1) == 0


def test_the_chinese_starter_scripts_use_chinese_punctuation():
    """A Chinese script reads 您好，XX公司，…？ not 您好,XX公司,…? (issue 13)."""
    from seatdesk.services.scripts import default_scripts

    ascii_marks = set(",?:;()!")
    wrong = [(s.category, step["stage"], step["text"]) for s in default_scripts()
             if s.lang == "zh" for step in s.steps if ascii_marks & set(step["text"])]
    assert wrong == []
