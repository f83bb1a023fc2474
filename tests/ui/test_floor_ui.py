"""Pilot test of the live floor: a state change made through the services shows up."""

from __future__ import annotations

from seatdesk.services.container import Backend
from seatdesk.services.dto import SYSTEM
from seatdesk.services.settings import Settings
from seatdesk.ui.app import SeatdeskApp
from tests.factories import floor


async def _settle(app, pilot):
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_floor_shows_state_changes_after_data_changed(sqlite_url, clock):
    backend = Backend.open(sqlite_url, clock)
    people = floor(backend)
    lead, agent = people["lead1"], people["agent1"]
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=lead, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        assert screen.__class__.__name__ == "FloorScreen"  # the team lead's home
        agents = screen.query_one("#floor-agents")
        key = str(agent.user_id)
        assert str(agents.get_cell(key, "state")) == "logged out"  # the word, not the code
        assert str(agents.get_cell(key, "adherence")) == "off"  # no shift, signed out
        backend.agents.log_in(agent)
        backend.calls.offer_inbound(SYSTEM, "13900000001", "general")
        clock.advance(seconds=8)
        app.data_changed.publish(frozenset({"floor"}))
        await _settle(app, pilot)
        assert str(agents.get_cell(key, "state")) == "available"
        # Signed in with no shift today: real-time adherence says so (8 s: 0 minutes yet).
        assert str(agents.get_cell(key, "adherence")) == "signed in off shift"
        queues = screen.query_one("#floor-queues")
        assert str(queues.get_cell("general", "waiting")) == "1"
        backend.calls.claim_next(agent)
        clock.advance(seconds=65)
        app.data_changed.publish(frozenset({"floor"}))
        await _settle(app, pilot)
        assert str(agents.get_cell(key, "state")) == "on call"
        assert str(agents.get_cell(key, "call")).endswith("General")  # the name, not the code
        assert str(queues.get_cell("general", "sl")) == "100.0%"
        assert "offered 1" in str(screen.query_one("#floor-kpis").render())
        clock.advance(seconds=60)
        screen._tick()
        assert str(agents.get_cell(key, "since")) == "02:05"
    backend.close()
