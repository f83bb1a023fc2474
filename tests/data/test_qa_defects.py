"""Issue 17's defects in the QA services, each reproduced on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from seatdesk.domain.errors import Conflict, InvalidTransition
from seatdesk.domain.qa.scoring import Answer
from seatdesk.exchange.qa_default_form import ensure_default_form
from seatdesk.services.dto import SYSTEM, CustomerInput, WrapUp
from seatdesk.services.qa_views import WorkFilter
from tests.data.qa_helpers import closed_call, perfect
from tests.factories import FLOOR_PASSWORD, floor

# The CLI proves each --as user; these tests use the floor users' password, as a script would.
PROVE = {"SEATDESK_PASSWORD": FLOOR_PASSWORD}


@pytest.fixture
def people(backend):
    p = floor(backend)
    backend.users.add_user("qa2", name="Qa2", role="qa", password="secret123")
    p["qa2"] = backend.users.actor("qa2")
    ensure_default_form(backend)
    return p


def _submitted(backend, inspector, agent, **changes):
    ev = backend.qa.start_evaluation(inspector, closed_call(backend, agent))
    answers = perfect(ev.form)
    for key, answer in changes.items():
        answers[key.replace("__", ".")] = answer
    return backend.qa.submit(inspector, ev.id, answers)


# ---- 2: looking does not claim; claims expire ----------------------------------------------


def test_item2_claims_expire_after_the_setting(backend, people, clock):
    call_id = closed_call(backend, people["agent1"])
    backend.qa.start_evaluation(people["qa1"], call_id)
    with pytest.raises(Conflict):
        backend.qa.start_evaluation(people["qa2"], call_id)
    clock.advance(minutes=backend.qa.claim_minutes + 1)
    ev = backend.qa.start_evaluation(people["qa2"], call_id)
    assert ev.inspector_id == people["qa2"].user_id


def test_item2_looking_at_a_call_does_not_claim_it(backend, people):
    call_id = closed_call(backend, people["agent1"])
    look = backend.qa.look(people["super1"], call_id)
    assert look.evaluation is None and look.claimed_by is None
    ev = backend.qa.start_evaluation(people["qa1"], call_id)  # not locked out
    assert ev.inspector_id == people["qa1"].user_id
    assert backend.qa.look(people["super1"], call_id).claimed_by == "qa1"


# ---- 7: the ruling keeps the inspector --------------------------------------------------------


def test_item7_ruling_keeps_the_original_inspector(backend, people, clock):
    qa, agent, lead = people["qa1"], people["agent1"], people["lead1"]
    start = clock() - timedelta(hours=1)
    ev = _submitted(backend, qa, agent, opening__greeting=Answer(value=0, comment="no ID"))
    backend.qa.dispute(agent, ev.id, {"opening.greeting": "I said it"})
    [row] = backend.qa.open_disputes(lead)
    new = backend.qa.rule(lead, row.response_id, "heard it", {"opening.greeting": Answer(value=1)})
    assert new.inspector_id == qa.user_id
    assert new.revised_by == "lead1"
    by_inspector = backend.qa.results(people["super1"], start, clock() + timedelta(hours=1),
                                      "inspector")
    assert [(r.key, r.evaluations) for r in by_inspector] == [("qa1", 1)]


# ---- 8: one dispute round by default ----------------------------------------------------------


def test_item8_a_revision_cannot_be_disputed_again_by_default(backend, people):
    qa, agent, lead = people["qa1"], people["agent1"], people["lead1"]
    ev = _submitted(backend, qa, agent, opening__greeting=Answer(value=0, comment="no ID"))
    backend.qa.dispute(agent, ev.id, {"opening.greeting": "I said it"})
    [row] = backend.qa.open_disputes(lead)
    new = backend.qa.rule(lead, row.response_id, "partly", {"courtesy.emotion": Answer(value=4)})
    assert new.respond_until is None  # no window is opened for the revision
    with pytest.raises(InvalidTransition):
        backend.qa.dispute(agent, new.id, {"courtesy.emotion": "again"})
    backend.qa.set_dispute_rounds(2)
    backend.qa.dispute(agent, new.id, {"courtesy.emotion": "again"})


# ---- 9: one count and one day in both reports -------------------------------------------------


def _kpi_qa(backend, day: date, by: str = "day"):
    report = backend.reports.kpi(SYSTEM, day, day, by)
    return report.total.values


def test_item9_kpi_and_qa_report_count_the_standing_revision_on_the_calls_day(
        backend, people, clock):
    qa, agent, lead = people["qa1"], people["agent1"], people["lead1"]
    tz_day = date(2026, 11, 23)  # the clock's day in Shanghai
    _submitted(backend, qa, agent)  # 100
    _submitted(backend, qa, agent, critical__no_argument=Answer(value=0, comment="shouted"))
    disputed = _submitted(backend, qa, agent, opening__greeting=Answer(value=0, comment="no"))
    backend.qa.dispute(agent, disputed.id, {"opening.greeting": "I said it"})
    [row] = backend.qa.open_disputes(lead)
    # The ruling lands the next day; the evaluation stays on the call's day.
    clock.advance(days=1)
    backend.qa.rule(lead, row.response_id, "critical after all",
                    {"critical.no_data_leak": Answer(value=0, comment="read the card out")})
    from zoneinfo import ZoneInfo

    from seatdesk.services.reports import period_bounds

    start, end = period_bounds(tz_day, tz_day, ZoneInfo("Asia/Shanghai"))
    [qa_row] = backend.qa.results(people["super1"], start, end, "agent")
    assert qa_row.evaluations == 3  # three calls; the replaced revision does not count
    kpi = _kpi_qa(backend, tz_day)
    assert kpi["qa_evaluations"] == qa_row.evaluations
    assert kpi["qa_avg"] == pytest.approx(qa_row.average, abs=0.01)
    assert 100 * kpi["qa_pass_rate"] == pytest.approx(qa_row.pass_rate, abs=0.01)
    next_day = _kpi_qa(backend, tz_day + timedelta(days=1))
    assert not next_day.get("qa_evaluations")


# ---- 10: the smaller ones ---------------------------------------------------------------------


def test_item10_sample_leaves_out_unconnected_and_too_short_calls(backend, people):
    agent = people["agent1"]
    good = closed_call(backend, agent, talk=90)
    closed_call(backend, agent, talk=2)  # too short to judge
    cust = backend.customers.create(agent, CustomerInput(name="Wang", phones=("13900000001",)))
    out = backend.calls.start_outbound(agent, customer_id=cust.id, purpose="callback")
    backend.calls.end(agent, out.id)
    backend.calls.save_wrap_up(agent, out.id, WrapUp(category="query", disposition="resolved",
                                                     outbound_outcome="no_answer"))
    rows = backend.qa.sample(people["qa1"], 10, WorkFilter(), seed=1)
    assert [r.call_id for r in rows] == [good]


def test_item10_agent_filter_takes_the_name_shown_in_the_list(backend, people):
    call_id = closed_call(backend, people["agent1"])
    closed_call(backend, people["agent2"])
    rows = backend.qa.work_list(people["qa1"], WorkFilter(agent="Agent1"))  # the shown name
    assert [r.call_id for r in rows] == [call_id]
    assert [r.call_id for r in backend.qa.work_list(people["qa1"], WorkFilter(agent="agent1"))] \
        == [call_id]


def test_item10_qa_inspector_may_export_a_form(db_url, clock, tmp_path):
    from click.testing import CliRunner

    from seatdesk.cli.main import main
    from seatdesk.services.container import Backend

    backend = Backend.open(db_url, clock)
    floor(backend)
    ensure_default_form(backend)
    backend.close()
    path = tmp_path / "form.toml"
    out = CliRunner().invoke(main, ["--db", db_url, "--lang", "en", "qa", "form", "export",
                                    str(path), "--as", "qa1"], env=PROVE)
    assert out.exit_code == 0, out.output
    assert "critical" in path.read_text(encoding="utf-8")
