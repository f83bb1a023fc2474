"""The offline journal shared by desks and databases: nothing dropped, nothing misdirected,
one refused record never blocks the others, a record keeps the time it was saved."""

from __future__ import annotations

import json
import multiprocessing
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from seatdesk.data.models import Call, CallState, QuarantinedRecord
from seatdesk.runtime.journal import DRAFT, WRAP_UP, Journal, drain, wrap_up_to_json
from seatdesk.services.container import Backend
from seatdesk.services.dto import SYSTEM, WrapUp
from tests.factories import floor

RECORD = WrapUp(category="query", disposition="resolved", resolved=True, notes="离线记录")


def _call_in_wrap_up(backend: Backend, agent) -> int:
    call_id = backend.calls.offer_inbound(SYSTEM, "13900000000", "general")
    backend.calls.claim_next(agent)
    backend.calls.end(agent, call_id)
    return call_id


def _append_in_another_process(path: str, call_id: int, at: str) -> None:
    from datetime import datetime

    Journal(Path(path)).append(DRAFT, call_id, "agent2", datetime.fromisoformat(at),
                               {"notes": "另一个座席"})


def test_another_desks_waiting_record_survives_an_acknowledge(tmp_path, clock):
    path = tmp_path / "journal.jsonl"
    mine = Journal(path)  # this desk opened the journal first
    entry = mine.append(DRAFT, 1, "agent1", clock(), {"notes": "我的"})
    ctx = multiprocessing.get_context("spawn")
    other = ctx.Process(target=_append_in_another_process,
                        args=(str(path), 2, clock().isoformat()))
    other.start()
    other.join(30)
    assert other.exitcode == 0
    mine.acknowledge(entry)  # rewrites the file: the other desk's record must stay
    left = Journal(path).entries()
    assert [(e.call_id, e.login) for e in left] == [(2, "agent2")]
    mine.discard(mine.append(DRAFT, 1, "agent1", clock(), {"notes": "x"}))
    assert [e.call_id for e in Journal(path).entries()] == [2]


def test_an_entry_for_database_a_is_never_drained_into_database_b(sqlite_url, tmp_path,
                                                                   clock):
    other_db = tmp_path / "other.db"
    import shutil

    shutil.copy(sqlite_url.removeprefix("sqlite:///"), other_db)
    a, b = Backend.open(sqlite_url, clock), Backend.open(f"sqlite:///{other_db}", clock)
    try:
        agent_a, agent_b = floor(a)["agent1"], floor(b)["agent1"]
        call_a, call_b = _call_in_wrap_up(a, agent_a), _call_in_wrap_up(b, agent_b)
        assert call_a == call_b  # the same id in both: a misdirected record would land
        path = tmp_path / "journal.jsonl"
        journal = Journal(path)
        drain(journal, a, a.users.actor)  # the desk of database A starts
        journal.append(WRAP_UP, call_a, "agent1", clock(), wrap_up_to_json(RECORD))
        # The same data directory, a desk started against database B.
        report = drain(Journal(path), b, b.users.actor)
        assert report.applied == 0
        with b.db.read() as s:
            assert s.get(Call, call_b).state == CallState.WRAP_UP
        assert len(Journal(path)) == 1  # still waiting for A
        assert drain(Journal(path), a, a.users.actor).applied == 1
        with a.db.read() as s:
            assert s.get(Call, call_a).state == CallState.CLOSED
        assert not path.read_text().strip()
    finally:
        a.close()
        b.close()


def test_a_refused_entry_is_quarantined_and_the_rest_drain(backend, clock, tmp_path):
    people = floor(backend)
    agent, other = people["agent1"], people["agent2"]
    first = _call_in_wrap_up(backend, agent)
    second = _call_in_wrap_up(backend, other)
    third = backend.calls.offer_inbound(SYSTEM, "13900000001", "general")
    backend.calls.claim_next(people["lead1"])
    backend.calls.end(people["lead1"], third)
    journal = Journal(tmp_path / "journal.jsonl")
    drain(journal, backend, backend.users.actor)
    # From a newer desk, with a field this one does not know: it can never be applied.
    odd = dict(wrap_up_to_json(RECORD), mood="sunny")
    journal.append(WRAP_UP, first, "agent1", clock(), odd)
    # A NUL pasted into the notes: PostgreSQL refuses it in text (DataError).
    nul = WrapUp(category="query", disposition="resolved", resolved=True, notes="a\x00b")
    journal.append(WRAP_UP, second, "agent2", clock(), wrap_up_to_json(nul))
    journal.append(WRAP_UP, third, "lead1", clock(), wrap_up_to_json(RECORD))
    report = drain(journal, backend, backend.users.actor)
    assert (report.applied, report.rejected, report.left) == (2, 1, 0)
    assert report.messages  # the agent is told on the desk
    with backend.db.read() as s:
        assert s.get(Call, second).state == CallState.CLOSED
        assert s.get(Call, second).notes == "a\u2400b"  # shown, not silently dropped
        assert s.get(Call, third).state == CallState.CLOSED
        assert s.get(Call, first).state == CallState.WRAP_UP  # left for the agent
        kept = s.scalars(select(QuarantinedRecord)).all()
    assert [(q.call_id, q.login) for q in kept] == [(first, "agent1")]
    assert json.loads(kept[0].payload)["data"]["mood"] == "sunny"
    # The team lead sees it too.
    listed = backend.calls.quarantined(people["lead1"])
    assert [q.call_id for q in listed] == [first]


def test_a_record_saved_offline_keeps_the_time_it_was_saved(backend, clock, tmp_path):
    agent = floor(backend)["agent1"]
    call_id = backend.calls.offer_inbound(SYSTEM, "13900000000", "general")
    backend.calls.claim_next(agent)
    clock.advance(seconds=23)
    journal = Journal(tmp_path / "journal.jsonl")
    saved_at = clock()
    journal.append(WRAP_UP, call_id, "agent1", saved_at, wrap_up_to_json(RECORD))
    clock.advance(seconds=32)  # the outage: the database is back 32 s later
    assert drain(journal, backend, backend.users.actor).applied == 1
    with backend.db.read() as s:
        row = s.get(Call, call_id)
        assert row.talk_seconds == 23
        assert row.closed_at == saved_at and row.ended_at == saved_at
    # A clock that runs ahead on the seat cannot put a record in the future.
    second = backend.calls.offer_inbound(SYSTEM, "13900000001", "general")
    backend.calls.claim_next(agent)
    ahead = clock() + timedelta(hours=5)
    journal.append(WRAP_UP, second, "agent1", ahead, wrap_up_to_json(RECORD))
    drain(journal, backend, backend.users.actor)
    with backend.db.read() as s:
        assert s.get(Call, second).closed_at == clock()
