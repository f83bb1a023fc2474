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


def _lost_seat_with_a_call(backend, clock):
    """agent1 answers, ends the call and its desk dies: the daemon marks the seat lost."""
    from seatdesk.runtime.daemon import SEAT_SILENT_LIMIT, run_once

    people = floor(backend)
    agent = people["agent1"]
    backend.agents.log_in(agent)
    call_id = backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    backend.calls.take(agent, call_id, lang="en")
    clock.advance(seconds=SEAT_SILENT_LIMIT.total_seconds() + 1)
    assert run_once(backend).seats_lost == 1
    return people, call_id


def _call_state_and_audit(backend, call_id):
    from sqlalchemy import select

    from seatdesk.data.models import AuditEntry, Call

    with backend.db.read() as s:
        state = s.get(Call, call_id).state.value
        audited = list(s.scalars(select(AuditEntry.actor_login)
                                 .where(AuditEntry.action == "close_lost_call")))
    return state, audited


async def test_a_team_lead_closes_a_lost_seats_call_from_the_floor(sqlite_url, clock):
    from seatdesk.ui.dialogs.desk import ConfirmDialog
    from tests.ui.desk_support import until

    backend = Backend.open(sqlite_url, clock)
    people, call_id = _lost_seat_with_a_call(backend, clock)
    lead, agent = people["lead1"], people["agent1"]
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=lead, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        agents = screen.query_one("#floor-agents")
        key = str(agent.user_id)
        assert "seat" in str(agents.get_cell(key, "state"))
        assert str(agents.get_cell(key, "handled")) == "0"
        assert any(b.binding.action == "close_lost_call" and b.binding.show
                   for b in screen.active_bindings.values())  # the key is in the footer
        agents.move_cursor(row=agents.get_row_index(key))
        await pilot.press("x")
        assert await until(app, pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert f"#{call_id}" in str(app.screen.message)
        await pilot.press("escape")  # thought better of it: nothing changes
        await _settle(app, pilot)
        assert _call_state_and_audit(backend, call_id) == ("wrap_up", [])
        await pilot.press("x")
        assert await until(app, pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        assert await until(app, pilot,
                           lambda: _call_state_and_audit(backend, call_id)[0] == "closed")
        assert _call_state_and_audit(backend, call_id) == ("closed", ["lead1"])
        # The lead is told, and the floor is refreshed after: the call counts as handled.
        assert await until(app, pilot, lambda: any(
            f"Call #{call_id} closed" in n.message for n in list(app._notifications)))
        assert await until(app, pilot, lambda: str(agents.get_cell(key, "handled")) == "1")
        # A seat with nothing left to close says so where the lead is looking.
        await pilot.press("x")
        assert await until(app, pilot, lambda: any(
            "no call" in n.message for n in list(app._notifications)))
        assert not isinstance(app.screen, ConfirmDialog)
    backend.close()


async def test_an_agent_cannot_close_a_lost_seats_call(sqlite_url, clock):
    """The service refuses, whatever the screen shows: the floor reached by an agent."""
    from seatdesk.ui.screens.floor import FloorScreen
    from tests.ui.desk_support import until

    backend = Backend.open(sqlite_url, clock)
    people, call_id = _lost_seat_with_a_call(backend, clock)
    intruder, agent = people["agent2"], people["agent1"]
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=intruder, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        screen = FloorScreen()
        # The floor's own refreshes (refused to an agent too) are held, so only the key's
        # answer can show.
        screen.load = lambda: None
        await app.push_screen(screen)
        await _settle(app, pilot)
        # What a lead would see, shown to the agent's screen.
        screen.show_floor(backend.floor.snapshot(people["lead1"], None))
        await _settle(app, pilot)
        assert str(screen.query_one("#floor-error").render()) == ""
        agents = screen.query_one("#floor-agents")
        agents.move_cursor(row=agents.get_row_index(str(agent.user_id)))
        await pilot.press("x")
        assert await until(app, pilot, lambda: "may not" in str(
            screen.query_one("#floor-error").render()))
        await pilot.press("y")
        await _settle(app, pilot)
    assert _call_state_and_audit(backend, call_id) == ("wrap_up", [])
    backend.close()
