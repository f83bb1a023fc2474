"""Roster service: assign with rules, override with reason, copy, publish, fill, adherence."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from seatdesk.data.models import AgentState, AgentStateEvent, AuditEntry, Notification, Shift
from seatdesk.domain.errors import PermissionDenied
from seatdesk.domain.roster.rules import REST
from seatdesk.services.roster import RuleBroken
from tests.factories import floor

SH = ZoneInfo("Asia/Shanghai")
MON = date(2026, 11, 23)
TUE = MON + timedelta(days=1)


NOW = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)  # the frozen clock: Monday 09:30 local
# Past days and started shifts are locked, so the tests that plan last week and this Monday
# plan them from the Sunday before last, then come back to now.
PLANNING = datetime(2026, 11, 15, 2, 0, tzinfo=UTC)


def _plan_ahead(backend):
    backend.clock.now = PLANNING


def _back_to_now(backend):
    backend.clock.now = NOW


def _setup(backend):
    people = floor(backend)
    backend.users.add_user("lead2", name="Lead2", role="team_lead", password="secret123",
                           team="t2")
    people["lead2"] = backend.users.actor("lead2")
    backend.roster.ensure_default_templates(people["lead1"])
    return people


def _shifts(backend, user_id):
    with backend.db.read() as s:
        return list(s.scalars(select(Shift).where(Shift.user_id == user_id).order_by(Shift.day)))


def test_assign_checks_rules_and_keeps_override_reasons(backend):
    people = _setup(backend)
    lead, agent = people["lead1"], people["agent1"]
    _plan_ahead(backend)
    backend.roster.assign(lead, agent.user_id, MON, "L")  # 13:00–22:00
    view = backend.roster.assign(lead, agent.user_id, MON, "D")  # replaces the day
    assert view.template_code == "D"
    assert view.start_at == datetime(2026, 11, 23, 0, 30, tzinfo=UTC)
    backend.roster.assign(lead, agent.user_id, MON, "L")
    with pytest.raises(RuleBroken) as err:
        backend.roster.assign(lead, agent.user_id, TUE, "E")  # 9 h after the late shift
    assert [v.rule for v in err.value.violations] == [REST]
    assert "9 h rest" in str(err.value)
    assert [s.day for s in _shifts(backend, agent.user_id)] == [MON]  # nothing changed
    kept = backend.roster.assign(lead, agent.user_id, TUE, "E", reason="短缺, 员工同意")
    assert kept.override_reason == "短缺, 员工同意"
    week = backend.roster.week(lead, None, TUE)
    assert [v.rule for v in week.violations] == [REST]
    with backend.db.read() as s:
        assert s.scalar(select(func.count()).where(AuditEntry.action == "roster.override")) == 1
    backend.roster.assign(lead, agent.user_id, TUE, "leave")
    backend.roster.assign(lead, agent.user_id, MON, "")
    assert [(s.day, s.kind) for s in _shifts(backend, agent.user_id)] == [(TUE, "leave")]


def test_leads_plan_only_their_team(backend):
    people = _setup(backend)
    with pytest.raises(PermissionDenied):
        backend.roster.assign(people["lead2"], people["agent1"].user_id, MON, "D")
    with pytest.raises(PermissionDenied):
        backend.roster.week(people["agent1"], None, MON)
    assert backend.roster.week(people["super1"], "t1", MON).team_code == "t1"


def test_copy_publish_and_my_next_shifts(backend, clock):
    people = _setup(backend)
    lead, agent = people["lead1"], people["agent1"]
    _plan_ahead(backend)
    last_mon = MON - timedelta(days=7)
    for i in range(5):
        backend.roster.assign(lead, agent.user_id, last_mon + timedelta(days=i), "D")
    backend.roster.assign(lead, agent.user_id, last_mon + timedelta(days=5), "off")
    backend.roster.assign(lead, agent.user_id, TUE, "L")  # already planned: not overwritten
    copied = backend.roster.copy_last_week(lead, None, MON)
    # Wednesday's day shift would start 10.5 h after Tuesday's late one: left out, reported.
    assert copied.copied == 4
    assert [(v.rule, v.day) for v in copied.refused] == [(REST, MON + timedelta(days=2))]
    week = backend.roster.week(lead, None, MON)
    assert week.shift(agent.user_id, TUE).template_code == "L"
    assert week.shift(agent.user_id, MON + timedelta(days=5)).kind == "off"
    assert week.shift(agent.user_id, MON + timedelta(days=2)) is None
    assert week.unpublished_changes == 5 and week.published_at is None
    assert backend.roster.my_next_shifts(agent) == []  # nothing published yet
    assert backend.roster.publish(lead, None, MON) == 5
    _back_to_now(backend)
    nxt = backend.roster.my_next_shifts(agent, 3)
    # 09:30 on Monday: Monday's day shift is under way, so it is still the next one.
    assert [(s.day, s.template_code or s.kind) for s in nxt] == [
        (MON, "D"), (TUE, "L"), (MON + timedelta(days=3), "D")]
    with backend.db.read() as s:
        notes = s.scalars(select(Notification).where(Notification.kind == "roster")).all()
        assert {n.user_id for n in notes} == {agent.user_id, people["agent2"].user_id}
    columns, rows = backend.roster.export_rows(lead, None, MON)
    assert columns[:3] == ["agent_no", "name", "2026-11-23"]
    mine = next(r for r in rows if r["name"] == "Agent1")
    assert mine["2026-11-23"] == "D 08:30–17:30" and mine["2026-11-28"] == "off"


def test_fill_covers_the_requirement_and_reports_short_intervals(backend):
    people = _setup(backend)
    lead = people["lead1"]
    # Requirement: 09:00–10:00 Wednesday on the general line only (tiny volume: 1 agent).
    # (Wednesday: Monday 09:00 has already begun on the frozen clock, and is locked.)
    wed = MON + timedelta(days=2)
    for start in (9 * 60, 9 * 60 + 30):
        backend.forecast.set_override(lead, "general", wed, start, 0.5)
    report = backend.roster.fill(lead, None, MON, time_limit=5)
    assert report.result.fully_covered and report.created == 1
    cover = backend.roster.coverage(lead, None, wed)
    assert cover.rows[18].required == 1 and cover.rows[18].scheduled == 1
    assert cover.summary.short_intervals == 0
    # Both agents on leave Tuesday: the requirement there stays short, named by interval.
    for a in ("agent1", "agent2"):
        backend.roster.assign(lead, people[a].user_id, TUE, "leave")
    backend.forecast.set_override(lead, "general", TUE, 10 * 60, 0.5)
    report = backend.roster.fill(lead, None, MON, time_limit=5)
    assert report.created == 0
    assert [(s.start.astimezone(SH).strftime("%a %H:%M"), s.missing_agents)
            for s in report.result.short] == [("Tue 10:00", 1.0)]


def test_adherence_and_lateness_from_state_events(backend):
    people = _setup(backend)
    lead, agent = people["lead1"], people["agent1"]
    _plan_ahead(backend)
    backend.roster.assign(lead, agent.user_id, MON, "D")  # 00:30–09:30 UTC, lunch 04:00–05:00
    backend.roster.assign(lead, agent.user_id, TUE, "D")
    backend.clock.now = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # Tuesday 18:00
    events = [(datetime(2026, 11, 23, 0, 45, tzinfo=UTC), AgentState.AVAILABLE),
              (datetime(2026, 11, 23, 9, 0, tzinfo=UTC), AgentState.LOGGED_OUT),
              (datetime(2026, 11, 24, 0, 20, tzinfo=UTC), AgentState.AVAILABLE),
              (datetime(2026, 11, 24, 9, 40, tzinfo=UTC), AgentState.LOGGED_OUT)]
    with backend.db.write() as s:
        for at, state in events:
            s.add(AgentStateEvent(user_id=agent.user_id, at=at, state=state))
    lines = backend.roster.adherence(lead, None, MON, TUE)
    assert [(ln.day.day, ln.day.late_minutes, ln.day.early_leave_minutes) for ln in lines] == [
        (MON, 15, 30), (TUE, 0, 0)]
    assert lines[0].day.out_of_adherence_minutes == 45
    counts = {a.login: n for a, n in backend.roster.lateness(lead, None, MON)}
    assert counts == {"agent1": 1, "agent2": 0}


def test_fill_never_plans_past_days_or_shifts_already_started(backend):
    # Issue 18 item 4. The clock says Monday 09:30: the early (07:00) and day (08:30) shifts
    # have started, so a requirement at 10:00 today can only stay short.
    people = _setup(backend)
    lead = people["lead1"]
    backend.forecast.set_override(lead, "general", MON, 10 * 60, 0.5)
    backend.forecast.set_override(lead, "general", MON - timedelta(days=3), 10 * 60, 0.5)
    report = backend.roster.fill(lead, None, MON, time_limit=5)
    assert report.created == 0
    assert [(s.start.astimezone(SH).strftime("%a %H:%M"), s.missing_agents)
            for s in report.result.short] == [("Mon 10:00", 1.0)]
    past = backend.roster.fill(lead, None, MON - timedelta(days=3), time_limit=5)
    assert past.created == 0
    assert _shifts(backend, people["agent1"].user_id) == []


def test_breaks_are_placed_staggered_and_shown_in_coverage(backend):
    people = _setup(backend)
    lead = people["lead1"]
    backend.users.add_user("agent3", name="Agent3", role="agent", password="secret123",
                           team="t1")
    wed = MON + timedelta(days=2)
    for login in ("agent1", "agent2", "agent3"):
        backend.roster.assign(lead, backend.users.actor(login).user_id, wed, "D")
    cover = backend.roster.coverage(lead, None, wed)
    # Day shift 08:30, lunch nominally 3.5 h in (12:00) for 60 min, window ±60 min:
    # by hand the three lunches go 12:00, 11:00 and 13:00 (the first is the nominal one).
    at = {r.start.astimezone(SH).strftime("%H:%M"): i for i, r in enumerate(cover.rows)}
    assert [cover.on_break[at[h]] for h in ("10:30", "11:00", "11:30", "12:00", "12:30",
                                            "13:00", "13:30", "14:00")] == [
        0, 1, 1, 1, 1, 1, 1, 0]
    assert [cover.rows[at[h]].scheduled for h in ("10:30", "11:00", "12:00", "13:30")] == [
        3, 2, 2, 2]
