"""One scope everywhere: a team lead sees their team, a supervisor the center.

Before issue 16, `report kpi --by agent --as demo_lead` listed the other team's agents and
`export calls --as demo_lead` returned every call.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from seatdesk.cli.main import main
from seatdesk.domain.errors import PermissionDenied
from seatdesk.exchange.exporter import export_calls, parse_date_range
from seatdesk.services.dto import SYSTEM, WrapUp
from tests.factories import FLOOR_PASSWORD, floor

DAY = date(2026, 11, 23)


def _two_teams(backend):
    people = floor(backend)  # t1: agent1, agent2, lead1
    for login, role in (("agent3", "agent"), ("lead2", "team_lead")):
        backend.users.add_user(login, name=login.title(), role=role, password=FLOOR_PASSWORD,
                               team="t2", queues=("general",))
        people[login] = backend.users.actor(login)
    calls = {}
    for agent in ("agent1", "agent3"):
        call_id = backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
        backend.calls.claim_next(people[agent])
        backend.calls.save_wrap_up(people[agent], call_id, WrapUp(
            category="query", disposition="resolved", resolved=True, notes="ok"))
        calls[agent] = call_id
    return people, calls


def _handled(report):
    return {row.key: row.values.get("handled") for row in report.rows}


def test_a_leads_kpi_report_shows_their_team_only(backend):
    people, _calls = _two_teams(backend)
    ids = {k: str(p.user_id) for k, p in people.items()}
    center = _handled(backend.reports.kpi(people["super1"], DAY, DAY, "agent"))
    assert {ids["agent1"], ids["agent3"]} <= set(center)
    team = _handled(backend.reports.kpi(people["lead1"], DAY, DAY, "agent"))
    assert ids["agent3"] not in team and team.get(ids["agent1"]) == 1
    by_day = backend.reports.kpi(people["lead1"], DAY, DAY, "day")
    assert by_day.total.values["handled"] == 1
    assert backend.reports.kpi(people["super1"], DAY, DAY, "day").total.values["handled"] == 2
    by_team = backend.reports.kpi(people["lead2"], DAY, DAY, "team")
    assert [row.label for row in by_team.rows if row.values.get("handled")] == ["t2"]


def test_a_leads_call_export_holds_their_teams_calls(backend, tmp_path):
    people, calls = _two_teams(backend)
    start, end = parse_date_range("2026-11-23", "2026-11-23", "Asia/Shanghai",
                                  now=backend.clock())
    out = tmp_path / "lead.json"
    export_calls(backend, people["lead1"], start, end, "json", out)
    assert [r["call_id"] for r in json.loads(out.read_text())] == [calls["agent1"]]
    out = tmp_path / "super.json"  # a new file: --out never replaces one unasked
    export_calls(backend, people["super1"], start, end, "json", out)
    assert {r["call_id"] for r in json.loads(out.read_text())} == set(calls.values())


def test_a_lead_without_a_team_sees_no_report(backend):
    people = floor(backend)
    backend.users.add_user("floater", name="F", role="team_lead", password=FLOOR_PASSWORD)
    with pytest.raises(PermissionDenied):
        backend.reports.kpi(backend.users.actor("floater"), DAY, DAY, "day")
    assert people  # the floor exists; only the teamless lead is refused


def test_another_teams_roster_is_refused_to_a_lead(backend):
    people, _calls = _two_teams(backend)
    with pytest.raises(PermissionDenied):
        backend.roster.export_rows(people["lead1"], "t2", DAY)


def test_the_command_line_applies_the_same_scope(backend, db_url, monkeypatch):
    people, _calls = _two_teams(backend)
    monkeypatch.setenv("SEATDESK_PASSWORD", FLOOR_PASSWORD)
    args = ["--db", db_url, "--lang", "en", "report", "kpi", "--from", "2026-11-23",
            "--to", "2026-11-23", "--by", "agent", "--format", "json", "--measures",
            "handled"]
    lead = CliRunner().invoke(main, [*args, "--as", "lead1"])
    assert lead.exit_code == 0, lead.output
    assert "Agent3" not in lead.output and "Agent1" in lead.output
    sup = CliRunner().invoke(main, [*args, "--as", "super1"])
    assert "Agent3" in sup.output


def test_a_leads_live_floor_is_their_team(backend):
    people, _calls = _two_teams(backend)
    since = backend.clock().replace(hour=0)
    lead_view = backend.agents.floor(people["lead1"], team_id=None, since=since)
    assert {v.login for v in lead_view} == {"agent1", "agent2", "lead1"}
    with pytest.raises(PermissionDenied):
        backend.agents.floor(people["lead1"], team_id=people["agent3"].team_id, since=since)
    center = backend.agents.floor(people["super1"], team_id=None, since=since)
    assert {"agent1", "agent3"} <= {v.login for v in center}


def test_a_leads_complaint_list_is_their_teams(backend):
    from seatdesk.services.complaints import ComplaintInput
    from tests.factories import customer

    people, _calls = _two_teams(backend)
    cid = customer(backend, people["agent1"], "王芳", "13900139000")
    ours = backend.complaints.register(people["agent1"], ComplaintInput(
        customer_id=cid, category="product", summary="漏水", owner_department="售后部"))
    theirs = backend.complaints.register(people["agent3"], ComplaintInput(
        customer_id=cid, category="product", summary="噪音", owner_department="售后部"))
    assert [r.id for r in backend.complaints.listing(people["lead1"], "all")] == [ours.id]
    assert [r.id for r in backend.complaints.listing(people["lead2"], "all")] == [theirs.id]
    assert {r.id for r in backend.complaints.listing(people["super1"], "all")} == \
        {ours.id, theirs.id}
    assert sum(b.open for b in backend.complaints.breakdown(people["lead1"])) == 1
