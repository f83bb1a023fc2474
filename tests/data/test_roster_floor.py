"""The live floor: seats, queues, today's service level, abandonment and ASA."""

from __future__ import annotations

from datetime import timedelta

import pytest

from seatdesk.domain.errors import PermissionDenied
from seatdesk.services.dto import SYSTEM
from tests.factories import floor


def test_floor_snapshot_counts_today_in_sql(backend, clock):
    people = floor(backend)
    lead, a1, a2 = people["lead1"], people["agent1"], people["agent2"]
    # Yesterday's call does not count today.
    clock.advance(hours=-20)
    old = backend.calls.offer_inbound(SYSTEM, "13900000009", "general")
    backend.calls.mark_abandoned(SYSTEM, old)
    clock.advance(hours=20)
    backend.agents.log_in(a1)
    backend.agents.log_in(a2)
    fast = backend.calls.offer_inbound(SYSTEM, "13900000001", "general")
    clock.advance(seconds=5)
    assert backend.calls.claim_next(a1).id == fast  # answered in 5 s
    backend.calls.offer_inbound(SYSTEM, "13900000002", "general")
    clock.advance(seconds=35)
    assert backend.calls.claim_next(a2) is not None  # answered in 35 s: outside 20 s
    gone = backend.calls.offer_inbound(SYSTEM, "13900000003", "general")
    clock.advance(seconds=50)
    backend.calls.mark_abandoned(SYSTEM, gone)
    backend.calls.offer_inbound(SYSTEM, "13900000004", "vip")
    clock.advance(seconds=12)
    snap = backend.floor.snapshot(lead, lead.team_id)
    by_login = {a.status.login: a for a in snap.agents}
    assert by_login["agent1"].status.state == "on_call"
    assert by_login["agent1"].call_queue == "general"
    assert by_login["lead1"].status.state == "logged_out"
    general = next(q for q in snap.queues if q.code == "general")
    assert (general.offered, general.answered, general.abandoned) == (3, 2, 1)
    assert general.service_level == pytest.approx(1 / 3)
    assert general.abandon_rate == pytest.approx(1 / 3)
    assert general.asa_seconds == pytest.approx(20.0)
    vip = next(q for q in snap.queues if q.code == "vip")
    assert vip.waiting == 1 and vip.longest_wait_seconds == 12
    assert snap.total.offered == 4 and snap.total.waiting == 1
    clock.advance(minutes=1)
    backend.agents.log_out(a2)
    later = backend.floor.snapshot(lead, lead.team_id)
    assert {a.status.login: a.status.state for a in later.agents}["agent2"] == "logged_out"
    assert later.queues[0].longest_wait_seconds == 72  # VIP first (higher priority)
    with pytest.raises(PermissionDenied):
        backend.floor.snapshot(a1, a1.team_id)
    assert timedelta(0) <= clock() - later.at
