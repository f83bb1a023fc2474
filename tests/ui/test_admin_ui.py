"""The administration screen: every action, with what reached the database and the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from textual.widgets import Button, Input, Select, Static, TabbedContent

from seatdesk.data.models import AuditEntry, Queue, Team, User
from seatdesk.domain.errors import LoginFailed
from seatdesk.services.container import Backend
from seatdesk.services.settings import Settings
from seatdesk.ui.app import SeatdeskApp
from tests.factories import floor


async def _settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def _fill(screen, **values: str) -> None:
    for field_id, value in values.items():
        widget = screen.query_one(f"#{field_id.replace('_', '-')}")
        if isinstance(widget, Select):
            widget.value = value
        else:
            assert isinstance(widget, Input)
            widget.value = value


async def _press(app, pilot, tab: str, button: str) -> None:
    app.screen.query_one(TabbedContent).active = tab
    await pilot.pause()
    app.screen.query_one(f"#{button}", Button).press()
    await _settle(app, pilot)


def _audit(backend, action: str) -> list[tuple[str, dict]]:
    with backend.db.read() as s:
        return [(e.actor_login, e.detail) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))]


def _message(app, area: str) -> str:
    return str(app.screen.query_one(f"#{area}-message", Static).render())


def _user(backend, login: str) -> User:
    with backend.db.read() as s:
        user = s.scalars(select(User).where(User.login == login)).one()
        s.expunge(user)
        return user


async def test_an_admin_manages_queues_teams_and_users(sqlite_url, clock):
    backend = Backend.open(sqlite_url, clock)
    floor(backend)
    admin = backend.users.actor("admin1")
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=admin, clock=clock)
    async with app.run_test(size=(140, 45)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        assert screen.__class__.__name__ == "AdminScreen"  # the admin's home

        # Queues: add, then edit.
        _fill(screen, q_code="billing", q_name="Billing", q_name_zh="账务", q_priority="5",
              q_sl="30", q_acw="90")
        await _press(app, pilot, "tab-queues", "q-add")
        assert "added queue billing" in _message(app, "q")
        _fill(screen, q_sl="15", q_acw="60")
        await _press(app, pilot, "tab-queues", "q-save")
        with backend.db.read() as s:
            q = s.scalars(select(Queue).where(Queue.code == "billing")).one()
            assert (q.name_zh, q.priority, q.sl_seconds, q.acw_seconds) == ("账务", 5, 15, 60)
        assert _audit(backend, "admin.queue.created")[0][0] == "admin1"
        (_who, change), = _audit(backend, "admin.queue.changed")
        assert change == {"before": {"sl_seconds": 30, "acw_seconds": 90},
                          "after": {"sl_seconds": 15, "acw_seconds": 60}}

        # Teams: add with a lead, then rename.
        _fill(screen, t_code="t7", t_name="Seven", t_lead="lead1")
        await _press(app, pilot, "tab-teams", "t-add")
        _fill(screen, t_name="Team seven")
        await _press(app, pilot, "tab-teams", "t-save")
        lead1 = backend.users.actor("lead1")
        with backend.db.read() as s:
            team = s.scalars(select(Team).where(Team.code == "t7")).one()
            assert team.name == "Team seven" and team.lead_id == lead1.user_id
        assert _audit(backend, "admin.team.created")[0][1]["after"]["lead"] == "lead1"
        assert _audit(backend, "admin.team.changed")[0][1] == {
            "before": {"name": "Seven"}, "after": {"name": "Team seven"}}

        # Users: add, edit, disable, enable, reset a password, force a change.
        _fill(screen, u_login="lin", u_name="林静", u_role="agent", u_agent_no="2048",
              u_team="t7", u_queues="general, billing", u_langs="zh,en",
              u_password="first-pass-1")
        await _press(app, pilot, "tab-users", "u-add")
        assert "added lin" in _message(app, "u"), _message(app, "u")
        assert screen.query_one("#u-password", Input).value == ""  # not left on screen
        lin = _user(backend, "lin")
        assert lin.agent_no == "2048" and lin.languages == "zh,en" and lin.must_change_password
        assert _audit(backend, "admin.user.created")[0][1]["after"]["queues"] == \
            ["billing", "general"]
        _fill(screen, u_role="team_lead", u_queues="general")
        await _press(app, pilot, "tab-users", "u-save")
        assert _user(backend, "lin").role.value == "team_lead"
        assert _audit(backend, "admin.user.changed")[0][1] == {
            "before": {"role": "agent", "queues": ["billing", "general"]},
            "after": {"role": "team_lead", "queues": ["general"]}}
        await _press(app, pilot, "tab-users", "u-disable")
        assert not _user(backend, "lin").active
        assert len(_audit(backend, "admin.user.disabled")) == 1
        await _press(app, pilot, "tab-users", "u-enable")
        assert _user(backend, "lin").active
        assert len(_audit(backend, "admin.user.enabled")) == 1
        _fill(screen, u_password="reset-pass-2")
        await _press(app, pilot, "tab-users", "u-reset")
        assert backend.users.authenticate("lin", "reset-pass-2").must_change_password
        assert len(_audit(backend, "admin.user.password_reset")) == 1
        _fill(screen, u_login="agent1")
        await _press(app, pilot, "tab-users", "u-force")
        assert _user(backend, "agent1").must_change_password
        assert len(_audit(backend, "admin.user.must_change_password")) == 1
        token = backend.users.open_session(backend.users.actor("agent2"))
        _fill(screen, u_login="agent2")
        await _press(app, pilot, "tab-users", "u-end")
        with pytest.raises(LoginFailed):
            backend.users.session_actor(token)
        assert _audit(backend, "admin.user.sessions_revoked")[0][1] == {"sessions": 1}

        # A refusal is said under the form, and what was typed stays.
        _fill(screen, u_login="bad login!", u_name="X", u_password="whatever-1")
        await _press(app, pilot, "tab-users", "u-add")
        assert "login must be" in _message(app, "u")
        assert screen.query_one("#u-login", Input).value == "bad login!"
        _fill(screen, q_code="x1", q_name="X", q_sl="soon")
        await _press(app, pilot, "tab-queues", "q-add")
        assert "whole number" in _message(app, "q")
    backend.close()


async def test_a_supervisor_manages_queues_but_not_users(sqlite_url, clock):
    backend = Backend.open(sqlite_url, clock)
    floor(backend)
    supervisor = backend.users.actor("super1")
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=supervisor, clock=clock)
    async with app.run_test(size=(140, 45)) as pilot:
        app.open_screen("admin")
        await _settle(app, pilot)
        screen = app.screen
        assert screen.__class__.__name__ == "AdminScreen"
        assert not screen.query("#tab-users")  # no users tab for a supervisor
        _fill(screen, q_code="vip2", q_name="VIP 2", q_sl="10")
        await _press(app, pilot, "tab-queues", "q-add")
        assert _audit(backend, "admin.queue.created")[0][0] == "super1"
    backend.close()


async def test_an_agent_cannot_open_administration(sqlite_url, clock):
    backend = Backend.open(sqlite_url, clock)
    floor(backend)
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=backend.users.actor("agent1"),
                      clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        app.open_screen("admin")
        await pilot.pause()
        assert app.screen.__class__.__name__ != "AdminScreen"
    backend.close()
