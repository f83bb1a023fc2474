"""Sampling plans, claims a supervisor frees, dispute reasons, coaching and the trend
(issue 17), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from seatdesk.data.models import AuditEntry
from seatdesk.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from seatdesk.domain.qa.scoring import Answer
from seatdesk.exchange.qa_default_form import ensure_default_form
from seatdesk.services.qa_workflow import SamplePlanSpec
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


def _period(clock):
    return clock() - timedelta(days=1), clock() + timedelta(days=1)


def test_a_plan_is_stored_split_and_the_same_tomorrow(backend, people, clock):
    start, end = _period(clock)
    agent1 = [closed_call(backend, people["agent1"], talk=90) for _ in range(5)]
    agent2 = [closed_call(backend, people["agent2"], talk=90) for _ in range(5)]
    complaint = closed_call(backend, people["agent2"], category="complaint", talk=90)
    short = closed_call(backend, people["agent1"], talk=20)
    closed_call(backend, people["agent1"], talk=3)  # too short to judge: never picked
    plan = backend.qa.plan_sample(people["qa1"], SamplePlanSpec(
        start=start, end=end, per_agent=2, all_complaints=True, all_under_seconds=30,
        seed=7, name="week 48"))
    rows = backend.qa.plan_calls(people["qa1"], plan.id)
    by_reason = {}
    for r in rows:
        by_reason.setdefault(r.sample_reason, set()).add(r.call_id)
    assert by_reason["complaint"] == {complaint} and by_reason["short"] == {short}
    assert len(by_reason["quota"]) == 4
    assert by_reason["quota"] <= set(agent1) | set(agent2)
    # Split over the inspectors on duty (nobody has a shift: every active inspector).
    assert {r.assigned_to for r in rows} == {"qa1", "qa2"}
    assert len(backend.qa.plan_calls(people["qa2"], plan.id, mine_only=True)) == 3
    # Scoring, claiming and new calls tomorrow leave the plan as it was.
    first = rows[0].call_id
    ev = backend.qa.start_evaluation(people["qa1"], first)
    backend.qa.submit(people["qa1"], ev.id, perfect(ev.form))
    clock.advance(days=1)
    closed_call(backend, people["agent1"], talk=90)
    again = backend.qa.plan_calls(people["qa1"], plan.id)
    assert [r.call_id for r in again] == [r.call_id for r in rows]
    [stored] = backend.qa.plans(people["qa1"])
    assert (stored.id, stored.calls, stored.scored, stored.name) == (plan.id, 6, 1, "week 48")
    with pytest.raises(InvalidInput):
        backend.qa.plan_sample(people["qa1"], SamplePlanSpec(start=start, end=end, per_agent=0))
    with pytest.raises(InvalidInput):
        backend.qa.plan_sample(people["qa1"], SamplePlanSpec(
            start=start, end=end, inspectors=("nobody",)))


def test_a_supervisor_frees_a_claim_and_it_is_audited(backend, people):
    call_id = closed_call(backend, people["agent1"])
    backend.qa.start_evaluation(people["qa1"], call_id)
    with pytest.raises(Conflict):
        backend.qa.release(people["qa2"], call_id)
    backend.qa.release(people["super1"], call_id)
    assert backend.qa.look(people["qa2"], call_id).claimed_by is None
    backend.qa.start_evaluation(people["qa2"], call_id)
    with backend.db.read() as s:
        assert s.scalar(select(AuditEntry.action).where(
            AuditEntry.action == "qa.claim.released")) == "qa.claim.released"


def test_dispute_reasons_from_the_list(backend, people):
    qa, agent = people["qa1"], people["agent1"]
    ev = backend.qa.start_evaluation(qa, closed_call(backend, agent))
    backend.qa.submit(qa, ev.id, perfect(ev.form))
    with pytest.raises(InvalidInput):
        backend.qa.dispute(agent, ev.id, {}, codes={"opening.greeting": "because"})
    backend.qa.dispute(agent, ev.id, {}, codes={"opening.greeting": "not_applicable"})
    [row] = backend.qa.open_disputes(people["lead1"])
    assert row.reason_codes == {"opening.greeting": "not_applicable"} and row.reasons == {}


def test_coaching_created_acknowledged_and_overdue_per_agent(backend, people, clock):
    qa, agent, lead = people["qa1"], people["agent1"], people["lead1"]
    ev = backend.qa.start_evaluation(qa, closed_call(backend, agent))
    answers = perfect(ev.form)
    answers["opening.greeting"] = Answer(value=0, comment="no ID")
    backend.qa.submit(qa, ev.id, answers)
    with pytest.raises(InvalidInput):
        backend.qa.create_coaching(lead, ev.id, "  ", clock() + timedelta(days=3))
    with pytest.raises(InvalidInput):
        backend.qa.create_coaching(lead, ev.id, "x", clock() - timedelta(days=1))
    with pytest.raises(InvalidInput):
        backend.qa.create_coaching(lead, ev.id, "x", clock() + timedelta(days=1), ["nope"])
    with pytest.raises(PermissionDenied):  # an agent coaches nobody, not even themselves
        backend.qa.create_coaching(agent, ev.id, "x", clock() + timedelta(days=1))
    task = backend.qa.create_coaching(lead, ev.id, "Say the agent ID",
                                      clock() + timedelta(days=2), ["opening.greeting"])
    backend.qa.create_coaching(qa, ev.id, "Listen to call 12", clock() + timedelta(hours=1))
    assert [c.what for c in backend.qa.my_coaching(agent)] == ["Listen to call 12",
                                                               "Say the agent ID"]
    with pytest.raises(NotFound):
        backend.qa.acknowledge_coaching(people["agent2"], task.id)
    done = backend.qa.acknowledge_coaching(agent, task.id)
    assert done.state == "acknowledged" and done.acknowledged_at == clock()
    clock.advance(hours=2)
    [summary] = backend.qa.coaching_overview(lead)
    assert (summary.agent_login, summary.open, summary.overdue) == ("agent1", 1, 1)
    assert backend.qa.coaching_overview(people["lead1"]) == [summary]


def test_trend_per_week_counts_the_standing_revision(backend, people, clock):
    qa, agent = people["qa1"], people["agent1"]
    ev = backend.qa.start_evaluation(qa, closed_call(backend, agent))
    backend.qa.submit(qa, ev.id, perfect(ev.form))
    clock.advance(days=7)
    ev = backend.qa.start_evaluation(qa, closed_call(backend, agent))
    answers = perfect(ev.form)
    answers["opening.greeting"] = Answer(value=0, comment="no ID")
    backend.qa.submit(qa, ev.id, answers)
    trend = backend.qa.trend(agent, weeks=3)
    assert [(t.evaluations, t.average) for t in trend] == [(0, None), (1, 100.0), (1, 90.0)]
    assert backend.qa.trend(people["lead1"], "agent1", weeks=1)[0].average == 90.0
    with pytest.raises(NotFound):
        backend.qa.trend(people["lead1"], "nobody")


def test_cli_makes_a_plan(db_url, clock):
    from click.testing import CliRunner

    from seatdesk.cli.main import main
    from seatdesk.services.container import Backend

    backend = Backend.open(db_url, clock)
    people = floor(backend)
    ensure_default_form(backend)
    for _ in range(3):
        closed_call(backend, people["agent1"], talk=90)
    closed_call(backend, people["agent2"], category="complaint", talk=90)
    backend.close()
    out = CliRunner().invoke(main, ["--db", db_url, "--lang", "en", "qa", "plan", "--from",
                                    "2026-11-23", "--to", "2026-11-23", "--per-agent", "1",
                                    "--complaints", "--as", "qa1"], env=PROVE)
    assert out.exit_code == 0, out.output
    import re

    assert re.search(r"sampling plan #\d+: 2 calls", out.output), out.output
    assert "complaint" in out.output
    bad = CliRunner().invoke(main, ["--db", db_url, "qa", "plan", "--from", "2026-11-23",
                                    "--to", "2026-11-23", "--per-agent", "0", "--as", "qa1"],
                             env=PROVE)
    assert bad.exit_code == 1 and "Traceback" not in bad.output and "nothing" in bad.output


def test_an_agent_reads_the_record_of_their_own_scored_call_only(backend, people):
    qa = people["qa1"]
    call_id = closed_call(backend, people["agent1"])
    with pytest.raises(PermissionDenied):  # not scored yet
        backend.qa.call_record(people["agent1"], call_id)
    ev = backend.qa.start_evaluation(qa, call_id)
    backend.qa.submit(qa, ev.id, perfect(ev.form))
    assert backend.qa.call_record(people["agent1"], call_id).call.id == call_id
    with pytest.raises(PermissionDenied):
        backend.qa.call_record(people["agent2"], call_id)
