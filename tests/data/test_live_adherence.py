"""Real-time adherence on the floor: not signed in, paused outside a break, off shift."""

from __future__ import annotations

from datetime import UTC, date, datetime

from seatdesk.data.models import AgentState, AgentStateEvent
from tests.data.test_roster_service import _setup

WED = date(2026, 11, 25)


def test_who_is_out_of_adherence_now_and_for_how_long_today(backend, clock):
    people = _setup(backend)
    lead = people["lead1"]
    backend.users.add_user("agent3", name="Agent3", role="agent", password="secret123",
                           team="t1")
    a1, a2 = people["agent1"].user_id, people["agent2"].user_id
    a3 = backend.users.actor("agent3").user_id
    clock.now = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)  # plan on Tuesday
    backend.roster.assign(lead, a1, WED, "D")  # 08:30–17:30 local = 00:30–09:30 UTC
    backend.roster.assign(lead, a2, WED, "D")
    def at(h, m):
        return datetime(2026, 11, 25, h, m, tzinfo=UTC)
    with backend.db.write() as s:
        s.add(AgentStateEvent(user_id=a1, at=at(0, 40), state=AgentState.AVAILABLE))
        s.add(AgentStateEvent(user_id=a1, at=at(1, 30), state=AgentState.PAUSED))
        s.add(AgentStateEvent(user_id=a3, at=at(1, 0), state=AgentState.AVAILABLE))
    clock.now = at(2, 0)  # Wednesday 10:00 local: nobody's lunch has begun
    lines = {ln.name: ln for ln in backend.roster.live_adherence(lead, None)}
    # By hand: agent1 10 min late + paused 09:30–10:00 = 40; agent2 never came: 08:30–10:00
    # = 90; agent3 has no shift and has been signed in since 09:00 = 60.
    assert (lines["Agent1"].status, lines["Agent1"].minutes_out) == ("paused", 40)
    assert (lines["Agent2"].status, lines["Agent2"].minutes_out) == ("not_signed_in", 90)
    assert (lines["Agent3"].status, lines["Agent3"].minutes_out) == ("off_shift", 60)
    # 12:30 local. The break rule placed agent1's lunch at 12:00 (nominal) and agent2's at
    # 11:00 (staggered). agent1 is on break: 10 + 09:30–12:00 paused = 160 out; agent2,
    # still absent: 08:30–12:30 less the 11:00–12:00 break = 180.
    clock.now = at(4, 30)
    lines = {ln.name: ln for ln in backend.roster.live_adherence(lead, None)}
    assert (lines["Agent1"].status, lines["Agent1"].minutes_out) == ("on_break", 160)
    assert (lines["Agent2"].status, lines["Agent2"].minutes_out) == ("not_signed_in", 180)
