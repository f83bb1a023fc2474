"""The QA loop through the real services, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from seatdesk.data.models import AuditEntry, Notification, QaEvaluation, QaForm
from seatdesk.domain.errors import (
    Conflict,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
)
from seatdesk.domain.qa.scoring import Answer
from seatdesk.exchange.qa_default_form import default_form, ensure_default_form
from seatdesk.services.qa_views import WorkFilter
from tests.data.qa_helpers import closed_call, perfect
from tests.factories import floor


@pytest.fixture
def people(backend):
    p = floor(backend)
    ensure_default_form(backend)
    return p


def test_default_form_is_seeded_once_and_edits_make_versions(backend, people):
    first = ensure_default_form(backend)
    assert ensure_default_form(backend) == first
    with backend.db.read() as s:
        assert s.scalar(select(func.count(QaForm.id))) == 1
    form = backend.qa.form(people["qa1"]).form
    assert form.item("critical.no_data_leak").critical
    assert form.item("opening.greeting").question_zh == "使用公司名称和工号问候"
    with pytest.raises(PermissionDenied):
        backend.qa.publish_form(people["qa1"], form)
    from dataclasses import replace

    v2 = backend.qa.publish_form(people["super1"], replace(form, pass_mark=85))
    assert v2.version == 2 and v2.id != first
    assert backend.qa.form(people["qa1"]).form.pass_mark == 85
    assert backend.qa.form(people["qa1"], first).form.pass_mark == 80


def test_score_submit_is_read_only_and_notifies_agent(backend, people):
    qa, agent = people["qa1"], people["agent1"]
    call_id = closed_call(backend, agent)
    ev = backend.qa.start_evaluation(qa, call_id)
    answers = perfect(ev.form)
    answers["resolution.solution_confirmed"] = Answer(na=True)
    answers["opening.greeting"] = Answer(value=0)  # low: needs a comment
    with pytest.raises(InvalidInput) as err:
        backend.qa.submit(qa, ev.id, answers)
    assert err.value.field == "opening.greeting"
    answers["opening.greeting"] = Answer(value=0, comment="no 工号 in the greeting")
    draft = backend.qa.save_draft(qa, ev.id, {"opening.greeting": answers["opening.greeting"]})
    assert draft.state == "draft" and draft.score == 0.0  # only the low item counts so far
    done = backend.qa.submit(qa, ev.id, answers, "good call otherwise")
    # 10 of 90 weight lost (the N/A item's 10 leaves the denominator).
    assert done.score == pytest.approx(100 * 80 / 90)
    assert done.passed is True and done.read_only
    with pytest.raises(InvalidTransition):
        backend.qa.submit(qa, ev.id, perfect(ev.form))
    with pytest.raises(InvalidTransition):
        backend.qa.save_draft(qa, ev.id, perfect(ev.form))
    with backend.db.read() as s:
        row = s.get(QaEvaluation, ev.id)
        assert row.answers["opening.greeting"]["v"] == 0 and row.score == done.score
        note = s.scalar(select(Notification).where(Notification.user_id == agent.user_id))
        assert note is not None and note.kind == "qa" and str(call_id) in note.text


def test_critical_fail_gives_zero(backend, people):
    qa = people["qa1"]
    ev = backend.qa.start_evaluation(qa, closed_call(backend, people["agent1"]))
    answers = perfect(ev.form)
    answers["critical.no_argument"] = Answer(value=0, comment="argued about the bill")
    done = backend.qa.submit(qa, ev.id, answers)
    assert done.score == 0 and done.critical_failed and done.passed is False


def test_claims_are_unique_and_release_discards_draft(backend, people):
    qa, boss = people["qa1"], people["super1"]
    call_id = closed_call(backend, people["agent1"])
    backend.qa.claim(qa, call_id)
    with pytest.raises(Conflict):
        backend.qa.claim(boss, call_id)
    with pytest.raises(Conflict):
        backend.qa.start_evaluation(boss, call_id)
    backend.qa.start_evaluation(qa, call_id)
    backend.qa.release(qa, call_id)
    ev = backend.qa.start_evaluation(boss, call_id)
    assert ev.inspector_id == boss.user_id
    backend.qa.submit(boss, ev.id, perfect(ev.form))
    with pytest.raises(InvalidTransition):
        backend.qa.release(boss, call_id)


def test_agent_reads_only_own_evaluations(backend, people):
    qa, a1, a2, lead = people["qa1"], people["agent1"], people["agent2"], people["lead1"]
    ev = backend.qa.start_evaluation(qa, closed_call(backend, a1))
    with pytest.raises(NotFound):  # drafts are not the agent's business yet
        backend.qa.evaluation(a1, ev.id)
    backend.qa.submit(qa, ev.id, perfect(ev.form))
    assert backend.qa.evaluation(a1, ev.id).score == 100
    assert [e.id for e in backend.qa.my_evaluations(a1)] == [ev.id]
    assert backend.qa.my_evaluations(a2) == []
    with pytest.raises(NotFound):
        backend.qa.evaluation(a2, ev.id)
    with pytest.raises(NotFound):
        backend.qa.history(a2, ev.id)
    with pytest.raises(NotFound):
        backend.qa.dispute(a2, ev.id, {"opening.greeting": "not mine but let me try"})
    assert backend.qa.evaluation(lead, ev.id).id == ev.id  # same team


def test_dispute_changes_score_as_new_revision(backend, people, clock):
    qa, agent, lead = people["qa1"], people["agent1"], people["lead1"]
    ev = backend.qa.start_evaluation(qa, closed_call(backend, agent))
    answers = perfect(ev.form)
    answers["opening.greeting"] = Answer(value=0, comment="no ID")
    first = backend.qa.submit(qa, ev.id, answers)
    with pytest.raises(InvalidInput):
        backend.qa.dispute(agent, ev.id, {})
    backend.qa.dispute(agent, ev.id, {"opening.greeting": "I did say 工号1024, listen at 0:03"})
    with pytest.raises(Conflict):
        backend.qa.acknowledge(agent, ev.id)
    [row] = backend.qa.open_disputes(lead)
    with pytest.raises(PermissionDenied):
        backend.qa.rule(agent, row.response_id, "mine", None)
    with pytest.raises(InvalidInput):
        backend.qa.rule(lead, row.response_id, "  ", {"opening.greeting": Answer(value=1)})
    new = backend.qa.rule(lead, row.response_id, "the greeting is there",
                          {"opening.greeting": Answer(value=1)})
    assert new.revision == 2 and new.revision_of == ev.id and new.score == 100
    chain = backend.qa.history(agent, new.id)
    assert [(e.revision, e.score) for e in chain] == [(1, first.score), (2, 100)]
    assert chain[0].response is not None and chain[0].response.state == "changed"
    assert chain[0].superseded_by == new.id
    with backend.db.read() as s:
        assert s.get(QaEvaluation, ev.id).score == first.score  # never edited in place
    with pytest.raises(InvalidTransition):
        backend.qa.rule(lead, row.response_id, "again", None)
    assert backend.qa.open_disputes(lead) == []


def test_dispute_window_and_upheld(backend, people, clock):
    qa, agent, boss = people["qa1"], people["agent1"], people["super1"]
    ev1 = backend.qa.start_evaluation(qa, closed_call(backend, agent))
    backend.qa.submit(qa, ev1.id, perfect(ev1.form))
    ev2 = backend.qa.start_evaluation(qa, closed_call(backend, agent))
    backend.qa.submit(qa, ev2.id, perfect(ev2.form))
    backend.qa.dispute(agent, ev2.id, {"closing.hang_up_last": "customer hung up first"})
    clock.advance(days=8)
    with pytest.raises(InvalidTransition):
        backend.qa.acknowledge(agent, ev1.id)
    [row] = backend.qa.open_disputes(boss)
    standing = backend.qa.rule(boss, row.response_id, "score stands", None)
    assert standing.id == ev2.id and standing.response.state == "upheld"
    backend.qa.set_dispute_days(30)  # the app and the CLI pass Settings.qa_dispute_days
    assert backend.qa.acknowledge(agent, ev1.id).response.kind == "acknowledged"


def test_work_list_filters_and_reproducible_sample(backend, people, clock):
    qa, a1, a2 = people["qa1"], people["agent1"], people["agent2"]
    ids = [closed_call(backend, a1, talk=30 + i) for i in range(5)]
    ids += [closed_call(backend, a2, category="complaint") for _ in range(3)]
    rows = backend.qa.work_list(qa, WorkFilter(agent="agent1"))
    assert sorted(r.call_id for r in rows) == sorted(ids[:5])
    assert {r.call_id for r in backend.qa.work_list(qa, WorkFilter(complaints_only=True))} \
        == set(ids[5:])
    assert {r.call_id for r in backend.qa.work_list(qa, WorkFilter(min_seconds=33))} \
        == set(ids[3:5]) | set(ids[5:])  # the complaint calls talked 60 s
    picked = backend.qa.sample(qa, 2, WorkFilter(), seed=7)
    assert [r.agent_login for r in picked].count("agent1") == 2
    assert [r.agent_login for r in picked].count("agent2") == 2
    assert picked == backend.qa.sample(qa, 2, WorkFilter(), seed=7)
    backend.qa.claim(qa, ids[0])
    [row] = [r for r in backend.qa.work_list(qa) if r.call_id == ids[0]]
    assert row.claimed_by == "qa1"
    with pytest.raises(PermissionDenied):
        backend.qa.work_list(a1)


def test_calibration_blind_until_closed_and_not_counted(backend, people, clock):
    qa, boss, agent = people["qa1"], people["super1"], people["agent1"]
    call_id = closed_call(backend, agent)
    cal = backend.qa.create_calibration(boss, call_id)
    with pytest.raises(PermissionDenied):
        backend.qa.create_calibration(qa, call_id)
    mine = backend.qa.start_calibration_score(qa, cal)
    ref = backend.qa.start_calibration_score(boss, cal)
    answers = perfect(mine.form)
    answers["courtesy.emotion"] = Answer(value=3)
    backend.qa.submit(qa, mine.id, answers)
    backend.qa.submit(boss, ref.id, perfect(ref.form))
    with pytest.raises(NotFound):
        backend.qa.evaluation(qa, ref.id)
    with pytest.raises(InvalidTransition):
        backend.qa.calibration_report(qa, cal)
    report = backend.qa.close_calibration(boss, cal)
    spread = {i.key: i for i in report.items}
    assert (spread["courtesy.emotion"].minimum, spread["courtesy.emotion"].maximum) == (50, 100)
    assert spread["courtesy.emotion"].stdev == 25
    assert spread["opening.greeting"].stdev == 0
    dist = {i.login: i for i in report.inspectors}
    assert dist["super1"].is_reference and dist["super1"].distance == 0
    assert dist["qa1"].distance == pytest.approx(5.0)  # 10 weight × 0.5 of 100
    assert backend.qa.evaluation(qa, ref.id).score == 100  # visible once closed
    assert backend.qa.my_evaluations(agent) == []
    start = clock() - timedelta(days=1)
    assert backend.qa.results(boss, start, clock() + timedelta(days=1)) == []


def test_results_by_agent_team_item(backend, people, clock):
    qa, boss, a1, a2 = people["qa1"], people["super1"], people["agent1"], people["agent2"]
    start = clock() - timedelta(hours=1)
    e1 = backend.qa.start_evaluation(qa, closed_call(backend, a1))
    backend.qa.submit(qa, e1.id, perfect(e1.form))
    e2 = backend.qa.start_evaluation(qa, closed_call(backend, a1))
    bad = perfect(e2.form)
    bad["critical.no_data_leak"] = Answer(value=0, comment="read out the ID number")
    backend.qa.submit(qa, e2.id, bad)
    e3 = backend.qa.start_evaluation(boss, closed_call(backend, a2))
    low = perfect(e3.form)
    low["accuracy.correct_info"] = Answer(value=1, comment="wrong price")
    low["courtesy.five_voices"] = Answer(value=1, comment="no 您好")
    backend.qa.submit(boss, e3.id, low)  # 100 − 12 − 10 = 78: fails the 80 pass mark
    end = clock() + timedelta(hours=1)
    by_agent = {r.key: r for r in backend.qa.results(boss, start, end, "agent")}
    assert by_agent["agent1"].evaluations == 2 and by_agent["agent1"].average == 50
    assert by_agent["agent1"].pass_rate == 50 and by_agent["agent1"].critical_fails == 1
    assert by_agent["agent1"].most_failed == ("critical.no_data_leak",)
    assert by_agent["agent2"].average == 78 and by_agent["agent2"].pass_rate == 0
    [team] = backend.qa.results(boss, start, end, "team")
    assert team.key == "t1" and team.evaluations == 3
    by_inspector = {r.key: r.evaluations for r in backend.qa.results(qa, start, end, "inspector")}
    assert by_inspector == {"qa1": 2, "super1": 1}
    items = {r.key: r for r in backend.qa.results(boss, start, end, "item")}
    assert items["critical.no_data_leak"].critical_fails == 1
    assert items["accuracy.correct_info"].average == pytest.approx((100 + 100 + 20) / 3, 0.01)
    with pytest.raises(PermissionDenied):
        backend.qa.results(a1, start, end)
    with backend.db.read() as s:
        assert s.scalar(select(func.count()).where(AuditEntry.action == "qa.results")) == 4


def test_call_record_masks_customer_and_is_audited(backend, people):
    from tests.factories import customer

    qa = people["qa1"]
    customer(backend, people["agent1"], "王芳", "138 0013 8000", grade="B")
    call_id = closed_call(backend, people["agent1"], number="+8613800138000",
                          recording="rec/1.wav")
    record = backend.qa.call_record(qa, call_id)
    assert record.customer.startswith("王*") and "芳" not in record.customer
    assert record.call.caller_number == "138****8000"
    assert [e.kind for e in record.events][:2] == ["queued", "offered"]
    assert record.call.recording_ref == "rec/1.wav"
    with pytest.raises(PermissionDenied):
        backend.qa.call_record(people["agent2"], call_id)


def test_default_form_round_trips():
    from seatdesk.domain.qa.forms import parse_form, render_form

    form = default_form()
    assert parse_form(render_form(form, "toml"), "toml") == form
