"""Agents' own schedule, leave and swap requests, the lead's decision with the rule checks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from seatdesk.data.models import AuditEntry, Notification
from seatdesk.domain.errors import InvalidInput, PermissionDenied
from seatdesk.services.roster import RuleBroken
from tests.data.test_roster_service import _setup, _shifts
from tests.factories import prove_floor_users

MON = date(2026, 11, 23)  # frozen clock: Monday 09:30
WED, THU = MON + timedelta(days=2), MON + timedelta(days=3)
NEXT_MON = MON + timedelta(days=7)


def _notes(backend, user_id, kind="roster"):
    with backend.db.read() as s:
        return [n.text for n in s.scalars(select(Notification).where(
            Notification.user_id == user_id, Notification.kind == kind)
            .order_by(Notification.id))]


def _actions(backend):
    with backend.db.read() as s:
        return [a.action for a in s.scalars(select(AuditEntry).where(
            AuditEntry.action.like("roster.request%")).order_by(AuditEntry.id))]


def test_an_agent_sees_this_and_next_week_once_published(backend):
    people = _setup(backend)
    lead, agent = people["lead1"], people["agent1"]
    backend.roster.assign(lead, agent.user_id, WED, "D")
    backend.roster.assign(lead, agent.user_id, NEXT_MON, "L")
    backend.roster.assign(lead, agent.user_id, NEXT_MON + timedelta(days=7), "L")
    assert backend.roster.my_schedule(agent).shifts == ()  # nothing published yet
    backend.roster.publish(lead, None, MON)
    backend.roster.publish(lead, None, NEXT_MON)
    backend.roster.publish(lead, None, NEXT_MON + timedelta(days=7))
    mine = backend.roster.my_schedule(agent)
    assert mine.first == MON and mine.last == NEXT_MON + timedelta(days=6)
    assert [(s.day, s.template_code) for s in mine.shifts] == [(WED, "D"), (NEXT_MON, "L")]
    with pytest.raises(PermissionDenied):
        backend.roster.my_schedule(lead)  # leads have no shifts of their own here


def test_leave_request_approved_with_the_rules_and_notified(backend):
    people = _setup(backend)
    lead, agent = people["lead1"], people["agent1"]
    backend.roster.assign(lead, agent.user_id, WED, "D")
    backend.roster.publish(lead, None, MON)
    req = backend.roster.request_leave(agent, WED, "看病")
    assert req.state == "pending" and req.kind == "leave"
    with pytest.raises(InvalidInput):
        backend.roster.request_leave(agent, WED, "again")  # one pending request a day
    with pytest.raises(InvalidInput):
        backend.roster.request_leave(agent, MON - timedelta(days=1), "past")
    assert "leave" in _notes(backend, lead.user_id)[-1]
    assert [r.id for r in backend.roster.requests(lead, None)] == [req.id]
    with pytest.raises(PermissionDenied):
        backend.roster.decide(people["lead2"], req.id, True)  # another team's lead
    done = backend.roster.decide(lead, req.id, True, note="批准")
    assert done.state == "approved"
    assert [(s.day, s.kind) for s in _shifts(backend, agent.user_id)] == [(WED, "leave")]
    assert "approved" in _notes(backend, agent.user_id)[-1]
    assert _actions(backend) == ["roster.request.leave", "roster.request.approve"]
    # The week was published: the change is in its history, to be re-published.
    assert backend.roster.week(lead, None, MON).status == "published, changed since"


def test_swap_request_checks_the_rules_for_both_and_can_be_refused(backend):
    people = _setup(backend)
    lead, a1, a2 = people["lead1"], people["agent1"], people["agent2"]
    backend.roster.assign(lead, a1.user_id, WED, "L")  # 13:00–22:00
    backend.roster.assign(lead, a2.user_id, WED, "D")  # 08:30–17:30
    req = backend.roster.request_swap(a2, WED, "agent1", "家里有事")
    assert req.kind == "swap" and req.other_user_id == a1.user_id
    assert "swap" in _notes(backend, a1.user_id)[-1]
    assert backend.roster.decide(lead, req.id, True).state == "approved"
    week = backend.roster.week(lead, None, MON)
    assert week.shift(a1.user_id, WED).template_code == "D"
    assert week.shift(a2.user_id, WED).template_code == "L"
    # a2 taking a1's Thursday day shift would rest only 10.5 h after Wednesday's late one.
    backend.roster.assign(lead, a1.user_id, THU, "D")
    bad = backend.roster.request_swap(a1, THU, "agent2", "")
    with pytest.raises(RuleBroken):
        backend.roster.decide(lead, bad.id, True)
    assert backend.roster.week(lead, None, MON).shift(a1.user_id, THU).template_code == "D"
    refused = backend.roster.decide(lead, bad.id, False, note="休息不足")
    assert refused.state == "refused" and "休息不足" in _notes(backend, a1.user_id)[-1]
    with pytest.raises(InvalidInput):
        backend.roster.decide(lead, bad.id, True)  # already decided


def test_roster_mine_request_and_decide_commands(backend, clock, db_url, monkeypatch):
    from click.testing import CliRunner

    from seatdesk.cli.main import main
    from seatdesk.services.container import Backend

    people = _setup(backend)
    backend.roster.assign(people["lead1"], people["agent1"].user_id, WED, "D")
    backend.roster.publish(people["lead1"], None, MON)
    monkeypatch.setenv("SEATDESK_DB", db_url)
    prove_floor_users(monkeypatch)  # each --as is proven with the floor's password
    real_open = Backend.open
    monkeypatch.setattr(Backend, "open", classmethod(lambda cls, url: real_open(url, clock)))

    def run(*args):
        result = CliRunner().invoke(main, ["--lang", "en", "roster", *args])
        assert result.exit_code == 0, result.output
        return result.output

    assert "2026-11-25 Wed  D 08:30–17:30" in run("mine", "--as", "agent1")
    sent = run("request", "leave", "--day", "2026-11-25", "--reason", "看病", "--as", "agent1")
    assert sent.startswith("request #") and "sent to your team lead" in sent
    rid = sent.split("#")[1].split()[0]
    assert f"#{rid} leave 2026-11-25 Agent1 [pending] 看病" in run("requests", "--as", "lead1")
    assert "approved" in run("decide", rid, "approve", "--as", "lead1")
    assert "2026-11-25 Wed  leave" in run("mine", "--as", "agent1")
