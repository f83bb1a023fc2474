"""Administration on both engines: queues, teams, users; every change audited before → after."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from seatdesk.data.models import AuditEntry
from seatdesk.domain.errors import InvalidInput, LoginFailed, PermissionDenied
from seatdesk.services.admin import QueueInput
from tests.factories import floor


def _audit(backend, action):
    with backend.db.read() as s:
        return [(e.actor_login, e.entity_id, e.detail) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))]


def test_a_fresh_database_gets_its_first_admin_once(backend):
    view = backend.admin.bootstrap_admin("root", name="Root", password="first-password")
    assert view.role == "admin" and not view.must_change_password
    assert backend.users.authenticate("root", "first-password").role == "admin"
    with pytest.raises(PermissionDenied):
        backend.admin.bootstrap_admin("mallory", name="M", password="another-password")
    assert _audit(backend, "admin.user.created")[0][0] == "system"


def test_queues_are_created_and_edited_with_before_and_after(backend):
    people = floor(backend)
    sup = people["super1"]
    backend.admin.create_queue(sup, QueueInput("billing", "Billing", "账务", priority=5,
                                               sl_seconds=30, acw_seconds=90))
    view = backend.admin.update_queue(sup, "billing", QueueInput(
        "billing", "Billing line", "账务专线", priority=7, sl_seconds=20, acw_seconds=60))
    assert (view.name_zh, view.priority, view.sl_seconds, view.acw_seconds) == \
        ("账务专线", 7, 20, 60)
    (who, code, detail), = _audit(backend, "admin.queue.changed")
    assert who == "super1" and code == "billing"
    assert detail["before"] == {"name": "Billing", "name_zh": "账务", "priority": 5,
                                "sl_seconds": 30, "acw_seconds": 90}
    assert detail["after"]["priority"] == 7
    with pytest.raises(InvalidInput) as err:
        backend.admin.create_queue(sup, QueueInput("billing", "Again"))
    assert err.value.field == "code"
    with pytest.raises(InvalidInput):
        backend.admin.create_queue(sup, QueueInput("x", "X", sl_seconds=0))
    with pytest.raises(PermissionDenied):
        backend.admin.create_queue(people["lead1"], QueueInput("y", "Y"))


def test_teams_and_their_lead(backend):
    people = floor(backend)
    admin = people["admin1"]
    view = backend.admin.create_team(admin, "t9", "Night team", lead="lead1")
    assert view.lead_login == "lead1"
    with pytest.raises(InvalidInput):
        backend.admin.update_team(admin, "t9", lead="agent1")  # an agent cannot lead
    backend.admin.update_team(admin, "t9", lead=None, name="Nights")
    (_who, _code, detail), = _audit(backend, "admin.team.changed")
    assert detail == {"before": {"name": "Night team", "lead": "lead1"},
                      "after": {"name": "Nights", "lead": None}}


def test_users_are_added_edited_disabled_and_enabled(backend):
    people = floor(backend)
    admin = people["admin1"]
    view = backend.admin.add_user(admin, "lin", name="林静", role="agent", password="temp-pass-1",
                                  team="t1", queues=("general",), languages=("zh", "en"))
    assert view.queues == ("general",) and view.languages == ("zh", "en")
    assert view.must_change_password
    backend.admin.update_user(admin, "lin", queues=("general", "vip"), agent_no="2048",
                              role="team_lead")
    (_who, _id, detail), = _audit(backend, "admin.user.changed")
    assert detail["before"] == {"agent_no": view.agent_no, "role": "agent",
                                "queues": ["general"]}
    assert detail["after"] == {"agent_no": "2048", "role": "team_lead",
                               "queues": ["general", "vip"]}
    backend.admin.set_active(admin, "lin", False)
    with pytest.raises(LoginFailed):
        backend.users.authenticate("lin", "temp-pass-1")
    backend.admin.set_active(admin, "lin", True)
    assert backend.users.authenticate("lin", "temp-pass-1").login == "lin"
    assert [d for _w, _i, d in _audit(backend, "admin.user.disabled")] == \
        [{"before": {"active": True}, "after": {"active": False}}]
    assert len(_audit(backend, "admin.user.enabled")) == 1
    with pytest.raises(PermissionDenied):
        backend.admin.add_user(people["super1"], "eve", name="Eve", role="admin",
                               password="whatever-1")
    with pytest.raises(InvalidInput):
        backend.admin.set_active(admin, "admin1", False)  # not yourself
    with pytest.raises(InvalidInput):
        backend.admin.update_user(admin, "lin", agent_no="12ab")


def test_reset_password_forces_a_change_and_unlocks(backend):
    people = floor(backend)
    admin = people["admin1"]
    for _ in range(5):
        with pytest.raises(LoginFailed):
            backend.users.authenticate("agent1", "wrong")
    backend.admin.reset_password(admin, "agent1", "reset-pass-1")
    actor = backend.users.authenticate("agent1", "reset-pass-1")
    assert actor.must_change_password
    with pytest.raises(LoginFailed):
        backend.users.open_session(actor)  # no session until a new password is chosen
    changed = backend.users.change_password("agent1", "reset-pass-1", "my-own-pass-1")
    assert not changed.must_change_password
    assert not backend.users.authenticate("agent1", "my-own-pass-1").must_change_password
    backend.admin.require_password_change(admin, "agent2")
    assert backend.users.authenticate("agent2", "secret123").must_change_password
    assert len(_audit(backend, "admin.user.password_reset")) == 1
    assert len(_audit(backend, "admin.user.must_change_password")) == 1
    assert len(_audit(backend, "user.password_changed")) == 1


def test_the_last_admin_stays(backend):
    people = floor(backend)
    backend.admin.add_user(people["admin1"], "admin2", name="A2", role="admin",
                           password="admin-pass-2")
    admin2 = backend.users.actor("admin2")
    backend.admin.set_active(admin2, "admin1", False)
    with pytest.raises(InvalidInput):
        backend.admin.update_user(admin2, "admin2", role="agent")


def test_sessions_expire_and_are_revoked(backend, clock):
    people = floor(backend)
    token = backend.users.open_session(people["agent1"], hours=1)
    assert backend.users.session_actor(token).login == "agent1"
    clock.advance(minutes=61)
    with pytest.raises(LoginFailed):
        backend.users.session_actor(token)
    token = backend.users.open_session(people["agent1"])
    assert backend.admin.revoke_sessions(people["admin1"], "agent1") == 1
    with pytest.raises(LoginFailed):
        backend.users.session_actor(token)
    token = backend.users.open_session(people["agent2"])
    backend.admin.set_active(people["admin1"], "agent2", False)
    with pytest.raises(LoginFailed):
        backend.users.session_actor(token)


def test_the_system_identity_needs_the_configured_secret(backend):
    people = floor(backend)
    with pytest.raises(PermissionDenied):
        backend.users.system_actor("anything")
    secret = backend.admin.new_system_secret(people["admin1"])
    assert backend.users.system_actor(secret).is_system
    with pytest.raises(PermissionDenied):
        backend.users.system_actor("wrong")
    with pytest.raises(PermissionDenied):
        backend.users.system_actor(None)
    newer = backend.admin.new_system_secret(people["admin1"])
    with pytest.raises(PermissionDenied):
        backend.users.system_actor(secret)
    assert backend.users.system_actor(newer).is_system
