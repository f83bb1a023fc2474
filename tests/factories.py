"""Small builders for test data through the real services."""

from __future__ import annotations

import threading
from typing import Any, TypeVar

from seatdesk.services.container import Backend
from seatdesk.services.dto import Actor, CustomerInput
from seatdesk.services.users import actor_of  # noqa: F401  (re-export for tests)

T = TypeVar("T")

FLOOR_PASSWORD = "secret123"  # every user floor() makes


def prove_floor_users(monkeypatch: Any) -> None:
    """Commands run in a test prove their --as user with the floor's password (scripts do so)."""
    monkeypatch.setenv("SEATDESK_PASSWORD", FLOOR_PASSWORD)


def hook_secret(backend: Backend, monkeypatch: Any) -> str:
    """Configure the system secret and give it to the phone hook's / daemon's environment."""
    from seatdesk.services.dto import SYSTEM

    secret = backend.admin.new_system_secret(SYSTEM)
    monkeypatch.setenv("SEATDESK_SYSTEM_SECRET", secret)
    return secret


def floor(backend: Backend) -> dict[str, Actor]:
    """Two queues, agents, a team lead, a QA inspector, a supervisor."""
    backend.users.ensure_queue("general", "General", name_zh="综合", priority=0)
    backend.users.ensure_queue("vip", "VIP line", name_zh="VIP专线", priority=10)
    people = {}
    for login, role, team in [("agent1", "agent", "t1"), ("agent2", "agent", "t1"),
                              ("lead1", "team_lead", "t1"), ("qa1", "qa", None),
                              ("super1", "supervisor", None), ("admin1", "admin", None)]:
        backend.users.add_user(login, name=login.title(), role=role, password=FLOOR_PASSWORD,
                               team=team)
        people[login] = backend.users.actor(login)
    return people


def customer(backend: Backend, actor: Actor, name: str, *phones: str, grade: str = "C",
             key_account: bool = False) -> int:
    return backend.customers.create(
        actor, CustomerInput(name=name, phones=phones, grade=grade, key_account=key_account)
    ).id


def row(backend: Backend, model: type[T], key: object) -> T:
    """One row as the database holds it now, detached (for asserting what was written)."""
    with backend.db.read() as s:
        found = s.get(model, key)
        assert found is not None, f"no {model.__name__} {key!r}"
        s.expunge(found)
        return found


def racing_worker_passes(db_url: str, clock: Any, workers: int = 2) -> list[Any]:
    """``workers`` timed-rules passes started together, each over its own connections."""
    from seatdesk.runtime.daemon import run_once

    backends = [Backend.open(db_url, clock) for _ in range(workers)]
    barrier = threading.Barrier(workers)
    reports: list[Any] = []

    def work(backend: Backend) -> None:
        barrier.wait()
        reports.append(run_once(backend))

    threads = [threading.Thread(target=work, args=(b,)) for b in backends]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for b in backends:
        b.close()
    return reports
