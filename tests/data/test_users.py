"""Users: scrypt hashes, validation, lock-out after five failures (audited)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from seatdesk.data.models import AuditEntry, User
from seatdesk.domain.errors import InvalidInput, LoginFailed


def test_password_is_hashed_and_lockout_persists(backend, clock):
    backend.users.add_user("amy", name="Amy", role="agent", password="correct-horse")
    with backend.db.read() as s:
        stored = s.scalar(select(User.password_hash).where(User.login == "amy"))
    assert stored.startswith("scrypt$") and "correct-horse" not in stored
    assert backend.users.authenticate("amy", "correct-horse").login == "amy"
    for _ in range(4):
        with pytest.raises(LoginFailed):
            backend.users.authenticate("amy", "nope")
    with pytest.raises(LoginFailed):
        backend.users.authenticate("amy", "nope")
    with backend.db.read() as s:  # the message is the same for every failure; the row tells
        assert s.scalar(select(User.locked_until).where(User.login == "amy")) is not None
    with pytest.raises(LoginFailed):
        backend.users.authenticate("amy", "correct-horse")
    clock.advance(minutes=16)
    assert backend.users.authenticate("amy", "correct-horse").login == "amy"
    with backend.db.read() as s:
        actions = list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions.count("login.failed") == 5 and actions.count("login.locked") == 1


@pytest.mark.parametrize("login,role,password,field", [
    ("a", "agent", "secret123", "login"),
    ("bob smith", "agent", "secret123", "login"),
    ("bob", "boss", "secret123", "role"),
    ("bob", "agent", "123", "password"),
])
def test_bad_user_input(backend, login, role, password, field):
    with pytest.raises(InvalidInput) as err:
        backend.users.add_user(login, name="Bob", role=role, password=password)
    assert err.value.field == field
