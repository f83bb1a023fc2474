"""Pilot test of the agent's own schedule: published shifts, a leave request from the keys."""

from __future__ import annotations

from datetime import date

from seatdesk.services.container import Backend
from seatdesk.services.settings import Settings
from seatdesk.ui.app import SeatdeskApp
from tests.factories import floor

WED = date(2026, 11, 25)


async def _settle(app, pilot):
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def _published_week(sqlite_url, clock):
    """agent1 has a published day shift on WED; the app is signed in as agent1."""
    backend = Backend.open(sqlite_url, clock)
    people = floor(backend)
    lead, agent = people["lead1"], people["agent1"]
    backend.roster.ensure_default_templates(lead)
    backend.roster.assign(lead, agent.user_id, WED, "D")
    backend.roster.publish(lead, None, WED)
    return backend, lead, SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=agent,
                                      clock=clock)


async def _open_schedule(app, pilot):
    await _settle(app, pilot)
    app.open_screen("my_schedule")
    await _settle(app, pilot)
    return app.screen


async def test_an_agent_sees_the_week_and_asks_for_leave(sqlite_url, clock):
    backend, lead, app = _published_week(sqlite_url, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_schedule(app, pilot)
        assert screen.__class__.__name__ == "MyScheduleScreen"
        days = screen.query_one("#schedule-days")
        assert days.row_count == 14
        assert str(days.get_cell("2026-11-25", "shift")) == "D 08:30–17:30"
        days.focus()
        await pilot.press("down", "down", "l")
        await pilot.pause()
        await pilot.press(*"kid", "enter")
        await _settle(app, pilot)
        assert "sent to your team lead" in str(screen.query_one("#schedule-message").render())
        [req] = backend.roster.requests(lead, None)
        assert (req.kind, req.day, req.reason) == ("leave", WED, "kid")
        requests = screen.query_one("#schedule-requests")
        assert requests.row_count == 1
    backend.close()


async def test_a_refused_swap_is_said_on_the_schedule_once(sqlite_url, clock):
    backend, lead, app = _published_week(sqlite_url, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_schedule(app, pilot)
        screen.query_one("#schedule-days").focus()
        await pilot.press("down", "down", "s")
        await pilot.pause()
        await pilot.press(*"nobody", "enter")  # no such colleague
        await pilot.pause()
        await pilot.press(*"school", "enter")
        await _settle(app, pilot)
        message = screen.query_one("#schedule-message").content  # the Text it was given
        assert "'nobody' is no other agent of your team" in str(message)
        assert str(message.style) == "red"  # a refusal, not a confirmation (green)
        assert app.screen is screen
        assert not [n for n in app._notifications if "nobody" in str(n.message)]  # said once
        assert backend.roster.requests(lead, None) == []
    backend.close()
