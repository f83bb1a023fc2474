"""A published roster: locked past, change history, audit, notifications, re-publish."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from seatdesk.data.models import AuditEntry, Notification
from seatdesk.data.models.roster import ShiftChange
from seatdesk.services.roster import Locked
from tests.data.test_roster_service import _setup, _shifts
from tests.factories import prove_floor_users

MON = date(2026, 11, 23)  # the frozen clock: Monday 09:30 in Shanghai
WED = MON + timedelta(days=2)


def _notes(backend, user_id):
    with backend.db.read() as s:
        return [n.text for n in s.scalars(select(Notification).where(
            Notification.user_id == user_id, Notification.kind == "roster")
            .order_by(Notification.id))]


def test_started_and_past_shifts_are_locked(backend):
    people = _setup(backend)
    lead, agent = people["lead1"], people["agent1"]
    with backend.db.write() as s:  # planted directly: the service refuses the past
        from seatdesk.data.models import Shift
        s.add(Shift(user_id=agent.user_id, day=MON - timedelta(days=1), kind="off"))
    backend.roster.assign(lead, agent.user_id, WED, "D")
    with pytest.raises(Locked):  # Monday's day shift would have started at 08:30
        backend.roster.assign(lead, agent.user_id, MON, "D")
    backend.roster.assign(lead, agent.user_id, MON, "L")  # 13:00: still ahead
    backend.roster.publish(lead, None, MON)
    # Yesterday is over, whatever it held.
    with pytest.raises(Locked):
        backend.roster.assign(lead, agent.user_id, MON - timedelta(days=1), "leave")
    backend.clock.advance(hours=4)  # 13:30: the late shift has started
    with pytest.raises(Locked):
        backend.roster.assign(lead, agent.user_id, MON, "")  # deleting it
    assert [s.day for s in _shifts(backend, agent.user_id)] == [
        MON - timedelta(days=1), MON, WED]


def test_editing_a_published_week_keeps_history_audits_and_notifies(backend):
    people = _setup(backend)
    lead, agent, other = people["lead1"], people["agent1"], people["agent2"]
    backend.roster.assign(lead, agent.user_id, WED, "D")
    backend.roster.publish(lead, None, MON)
    assert backend.roster.week(lead, None, MON).status == "published"
    backend.roster.assign(lead, agent.user_id, WED, "L", reason="cover the evening")
    week = backend.roster.week(lead, None, MON)
    assert week.status == "published, changed since" and week.changes_since_publish == 1
    with backend.db.read() as s:
        change = s.scalars(select(ShiftChange)).one()
        assert (change.user_id, change.day, change.before, change.after, change.reason) == (
            agent.user_id, WED, "D", "L", "cover the evening")
        assert change.sent_at is None
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "roster.change")).one()
        assert int(audit.entity_id) == agent.user_id
    assert _notes(backend, agent.user_id)[-1].startswith("Your shift on 2026-11-25 changed")
    assert len(_notes(backend, other.user_id)) == 1  # only the publication
    # Re-publishing sends the changes and the week is plainly published again.
    backend.roster.publish(lead, None, MON)
    assert backend.roster.week(lead, None, MON).status == "published"
    with backend.db.read() as s:
        assert s.scalars(select(ShiftChange)).one().sent_at is not None
    assert "2026-11-25: D → L" in _notes(backend, agent.user_id)[-1]
    assert len(_notes(backend, other.user_id)) == 1  # nothing changed for them
    assert [c.after for c in backend.roster.changes(lead, None, MON)] == ["L"]


def test_a_draft_week_keeps_no_history(backend):
    people = _setup(backend)
    lead, agent = people["lead1"], people["agent1"]
    backend.roster.assign(lead, agent.user_id, WED, "D")
    backend.roster.assign(lead, agent.user_id, WED, "L")
    assert backend.roster.week(lead, None, MON).status == "draft"
    with backend.db.read() as s:
        assert s.scalars(select(ShiftChange)).all() == []


def test_roster_changes_command_lists_the_history(backend, clock, db_url, monkeypatch):
    from click.testing import CliRunner

    from seatdesk.cli.main import main
    from seatdesk.services.container import Backend

    people = _setup(backend)
    lead, agent = people["lead1"], people["agent1"]
    backend.roster.assign(lead, agent.user_id, WED, "D")
    backend.roster.publish(lead, None, MON)
    backend.roster.assign(lead, agent.user_id, WED, "leave", reason="病假")
    monkeypatch.setenv("SEATDESK_DB", db_url)
    prove_floor_users(monkeypatch)  # each --as is proven with the floor\'s password
    real_open = Backend.open
    monkeypatch.setattr(Backend, "open", classmethod(lambda cls, url: real_open(url, clock)))
    result = CliRunner().invoke(main, ["--lang", "en", "roster", "changes", "--week",
                                       "2026-11-23", "--as", "lead1"])
    assert result.exit_code == 0, result.output
    assert "Agent1 2026-11-25: D → leave  病假  [not re-published yet]" in result.output
