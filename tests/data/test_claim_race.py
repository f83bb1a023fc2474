"""Concurrency proof: many seats race over one queue; every call is claimed exactly once.

Threads (each seat its own engine, as separate desks would have) and separate processes
(spawned, so nothing is shared but the database), on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from seatdesk.data.models import Call, CallEvent, CallState, Direction, Role, User
from seatdesk.domain.passwords import hash_password
from seatdesk.services.container import Backend
from seatdesk.services.dto import WrapUp

WRAP = WrapUp(category="query", disposition="resolved", resolved=True, notes="race")


def _make_agents(backend: Backend, count: int) -> list[str]:
    # add_user hashes with scrypt each time; one shared hash keeps the setup fast.
    shared = hash_password("secret123")
    now = datetime.now(UTC)
    logins = [f"racer{i:02d}" for i in range(count)]
    with backend.db.write() as s:
        for i, login in enumerate(logins):
            s.add(User(login=login, name=login, agent_no=str(5000 + i), role=Role.AGENT,
                       password_hash=shared, created_at=now))
    return logins


def _queue_calls(backend: Backend, count: int) -> list[int]:
    """Put ``count`` waiting calls in two queues in one transaction.

    offer_inbound is one commit per call (tested elsewhere); here only claiming races.
    """
    general = backend.users.ensure_queue("general", "General")
    vip = backend.users.ensure_queue("vip", "VIP", priority=10)
    now = datetime.now(UTC)
    with backend.db.write() as s:
        calls = [Call(direction=Direction.INBOUND, state=CallState.QUEUED,
                      queue_id=(vip if i % 7 == 0 else general).id,
                      caller_number=f"+86138000{i:05d}", route_order=-10 if i % 7 == 0 else 0,
                      route_rank=5, queued_at=now + timedelta(milliseconds=i))
                 for i in range(count)]
        s.add_all(calls)
        s.flush()
        s.add_all(CallEvent(call_id=c.id, at=c.queued_at, kind="queued", to_state="queued")
                  for c in calls)
        return [c.id for c in calls]


def _seat_url(url: str) -> str:
    # Commits need not wait for the disk here: locking, the thing under test, is the same.
    if url.startswith("postgresql"):
        return url + ("&" if "?" in url else "?") + "options=-csynchronous_commit%3Doff"
    return url


def _seat_loop(url: str, login: str) -> list[int]:
    """One seat: claim, wrap up, repeat until the queue is empty; returns the calls taken.

    No retries: a "database is locked" here is a failure. (SQLite's busy handler alone is
    unfair under 20 back-to-back writers; seatdesk queues same-process writers on a lock.)
    """
    backend = Backend.open(_seat_url(url))
    taken: list[int] = []
    try:
        actor = backend.users.actor(login)
        while True:
            view = backend.calls.claim_next(actor)
            if view is None:
                return taken
            taken.append(view.id)
            backend.calls.save_wrap_up(actor, view.id, WRAP)
    finally:
        backend.close()


def _process_seats(url: str, logins: list[str]) -> list[tuple[str, list[int]]]:
    """Several seats in one spawned process, each in its own thread."""
    results: dict[str, list[int]] = {}
    threads = [threading.Thread(target=lambda who=login: results.__setitem__(
                                    who, _seat_loop(url, who)))
               for login in logins]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(results.items())


def _assert_exactly_once(backend: Backend, call_ids: list[int],
                         taken: dict[str, list[int]]) -> None:
    claimed = [cid for ids in taken.values() for cid in ids]
    assert len(claimed) == len(set(claimed)), "a call was claimed by two seats"
    assert sorted(claimed) == sorted(call_ids), "a call was lost"
    by_login = {cid: login for login, ids in taken.items() for cid in ids}
    with backend.db.read() as s:
        logins = dict(s.execute(select(User.id, User.login)).all())
        calls = s.scalars(select(Call).where(Call.id.in_(call_ids))).all()
        assert all(c.state == CallState.CLOSED for c in calls)
        assert all(logins[c.agent_id] == by_login[c.id] for c in calls)
        per_call = Counter()
        for call_id, kind, n in s.execute(
            select(CallEvent.call_id, CallEvent.kind, func.count())
            .where(CallEvent.kind.in_(["offered", "closed"]))
            .group_by(CallEvent.call_id, CallEvent.kind)
        ):
            per_call[(call_id, kind)] = n
    for cid in call_ids:
        assert per_call[(cid, "offered")] == 1 and per_call[(cid, "closed")] == 1
    assert sum(1 for ids in taken.values() if ids) >= 2, "the race had only one runner"


def test_twenty_seats_in_threads_claim_each_call_once(db_url, backend):
    logins = _make_agents(backend, 20)
    call_ids = _queue_calls(backend, 1000)
    taken: dict[str, list[int]] = {}
    errors: list[BaseException] = []

    def run(login: str) -> None:
        try:
            taken[login] = _seat_loop(db_url, login)
        except BaseException as exc:  # surfaced below: a seat must never crash
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(login,)) for login in logins]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    _assert_exactly_once(backend, call_ids, taken)


def test_seats_in_separate_processes_claim_each_call_once(db_url, backend):
    logins = _make_agents(backend, 20)
    call_ids = _queue_calls(backend, 100)
    groups = [logins[i::4] for i in range(4)]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(4) as pool:
        results = pool.starmap(_process_seats, [(db_url, g) for g in groups], chunksize=1)
    taken = {login: ids for group in results for login, ids in group}
    assert sorted(taken) == sorted(logins)
    _assert_exactly_once(backend, call_ids, taken)
