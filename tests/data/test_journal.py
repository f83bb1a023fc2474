"""The offline journal: durable appends, oldest-first idempotent drain, nothing lost."""

from __future__ import annotations

import json

from seatdesk.data.models import Call, CallState
from seatdesk.runtime.journal import DRAFT, WRAP_UP, Journal, drain, wrap_up_to_json
from seatdesk.services.dto import SYSTEM, WrapUp
from tests.factories import floor


def test_entries_survive_a_new_process_and_a_torn_last_line(tmp_path, clock):
    path = tmp_path / "journal.jsonl"
    j = Journal(path)
    j.append(DRAFT, 7, "agent1", clock(), {"notes": "第一句"})
    j.append(DRAFT, 7, "agent1", clock(), {"notes": "第一句\x1b[2J"})
    with path.open("a") as fh:
        fh.write('{"id": "torn", "kind": "dr')  # the process died mid-write
    again = Journal(path)
    assert again.waiting() == 1 and len(again) == 2
    assert again.latest_draft(7) == {"notes": "第一句\x1b[2J"}  # stored exactly as typed


def test_drain_writes_oldest_first_and_replays_are_no_ops(backend, clock, tmp_path):
    people = floor(backend)
    agent = people["agent1"]
    call_id = backend.calls.offer_inbound(SYSTEM, "13900000000", "general")
    backend.calls.claim_next(agent)
    backend.calls.end(agent, call_id)
    j = Journal(tmp_path / "journal.jsonl")
    record = WrapUp(category="query", disposition="resolved", resolved=True, notes="离线记录")
    j.append(DRAFT, call_id, "agent1", clock(), {"notes": "离线"})
    wrap = j.append(WRAP_UP, call_id, "agent1", clock(), wrap_up_to_json(record))
    report = drain(j, backend, backend.users.actor)
    assert (report.applied, report.rejected, report.left) == (2, 0, 0)
    assert not (tmp_path / "journal.jsonl").read_text().strip()
    with backend.db.read() as s:
        row = s.get(Call, call_id)
        assert row.state == CallState.CLOSED and row.notes == "离线记录" and row.draft is None
    # The same record again (a crash after the database answered, before the ack): no-op.
    j2 = Journal(tmp_path / "again.jsonl")
    j2.append(WRAP_UP, call_id, "agent1", clock(), wrap.data)
    assert drain(j2, backend, backend.users.actor).applied == 1
    # A different record for the closed call is refused and set aside, never dropped.
    other = wrap_up_to_json(WrapUp(category="query", disposition="resolved", resolved=True,
                                   notes="不同"))
    j2.append(WRAP_UP, call_id, "agent1", clock(), other)
    report = drain(j2, backend, backend.users.actor)
    assert report.rejected == 1 and report.left == 0
    kept = [json.loads(line) for line in j2.rejected_path.read_text().splitlines()]
    assert kept[0]["data"]["notes"] == "不同"
