"""Sign-in: an atomic lock-out, and failures that tell nothing about which logins exist.

Issue 14, items 3 and 14. The race runs barrier-synchronised threads on PostgreSQL, each
with its own connections, as 30 seats guessing at once would.
"""

from __future__ import annotations

import hashlib
import threading

import pytest
from sqlalchemy import select

from seatdesk.data.models import AuditEntry, User
from seatdesk.domain import passwords
from seatdesk.domain.errors import InvalidInput, LoginFailed
from seatdesk.services.container import Backend
from seatdesk.services.dto import SYSTEM
from tests.factories import floor, row


@pytest.mark.postgres
def test_parallel_wrong_guesses_lock_the_account(pg_url, clock):
    first = Backend.open(pg_url, clock)
    first.users.add_user("amy", name="Amy", role="agent", password="correct-horse")
    guesses = 30
    backends = [Backend.open(pg_url, clock) for _ in range(guesses)]
    barrier = threading.Barrier(guesses)
    failures: list[str] = []

    def guess(backend: Backend, n: int) -> None:
        barrier.wait()
        try:
            backend.users.authenticate("amy", f"guess-{n}")
        except LoginFailed as exc:
            failures.append(str(exc))

    threads = [threading.Thread(target=guess, args=(b, n)) for n, b in enumerate(backends)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for b in backends:
        b.close()
    try:
        assert len(failures) == guesses
        amy = first.db.read
        with amy() as s:
            locked_until = s.scalar(select(User.locked_until).where(User.login == "amy"))
            checked = [d for (d,) in s.execute(
                select(AuditEntry.detail).where(AuditEntry.action == "login.failed"))
                if d.get("reason") == "wrong password"]
        assert locked_until is not None, "30 parallel wrong guesses left the account open"
        # No more passwords are tried than the lock-out allows, however many arrive at once.
        assert len(checked) == 5
        with pytest.raises(LoginFailed):
            first.users.authenticate("amy", "correct-horse")
    finally:
        first.close()


def test_unknown_login_and_wrong_password_look_the_same(backend, monkeypatch):
    floor(backend)
    costs: list[tuple[int, int, int]] = []
    real = hashlib.scrypt

    def counting(password: bytes, **kw: int) -> bytes:
        costs.append((kw["n"], kw["r"], kw["p"]))
        return real(password, **kw)

    monkeypatch.setattr(passwords.hashlib, "scrypt", counting)
    messages = []
    for login in ("agent1", "nobody"):
        costs.clear()
        with pytest.raises(LoginFailed) as err:
            backend.users.authenticate(login, "wrong-password")
        messages.append((str(err.value), tuple(costs)))
    (known, known_cost), (unknown, unknown_cost) = messages
    assert known == unknown
    assert known_cost == unknown_cost and len(known_cost) == 1


def test_a_locked_or_disabled_account_says_the_same_and_costs_the_same(backend, clock,
                                                                       monkeypatch):
    people = floor(backend)
    for _ in range(5):
        with pytest.raises(LoginFailed):
            backend.users.authenticate("agent1", "nope")
    with backend.db.write() as s:
        s.get(User, people["agent2"].user_id).active = False  # type: ignore[union-attr]
    calls: list[int] = []
    real = hashlib.scrypt
    monkeypatch.setattr(passwords.hashlib, "scrypt",
                        lambda pw, **kw: calls.append(1) or real(pw, **kw))
    said = set()
    for login in ("agent1", "agent2", "nobody"):
        calls.clear()
        with pytest.raises(LoginFailed) as err:
            backend.users.authenticate(login, "secret123")
        said.add(str(err.value))
        assert len(calls) == 1, login
    assert len(said) == 1


def test_an_over_long_login_is_refused_and_audited(backend):
    long_login = "x" * 100
    with pytest.raises(LoginFailed):
        backend.users.authenticate(long_login, "whatever")
    with backend.db.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "login.failed")).one()
    assert entry.actor_login == long_login[:64]


def test_password_hashes_use_owasp_scrypt_parameters():
    # OWASP Password Storage Cheat Sheet: scrypt N=2^17, r=8, p=1.
    assert (passwords.DEFAULT_N, passwords._R, passwords._P) == (2**17, 8, 1)
    stored = passwords.hash_password("correct-horse", n=passwords.DEFAULT_N)
    assert stored.split("$")[1:4] == [str(2**17), "8", "1"]
    assert passwords.verify_password("correct-horse", stored)
    assert not passwords.verify_password("wrong", stored)


def test_a_call_draft_has_a_size_limit(backend):
    people = floor(backend)
    agent = people["agent1"]
    call_id = backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    backend.calls.claim_next(agent)
    with pytest.raises(InvalidInput):
        backend.calls.save_draft(agent, call_id, {"notes": "x" * 200_000})
    backend.calls.save_draft(agent, call_id, {"notes": "fine"})
    from seatdesk.data.models import Call

    assert row(backend, Call, call_id).draft == {"notes": "fine"}
