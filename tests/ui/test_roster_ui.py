"""Pilot tests of the roster screen: assign from the keyboard, rule messages, coverage."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from seatdesk.data.models import Shift
from seatdesk.services.container import Backend
from seatdesk.services.settings import Settings
from seatdesk.ui.app import SeatdeskApp
from tests.factories import floor

MON = date(2026, 11, 23)


async def _settle(app, pilot):
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def _days(backend, user_id):
    with backend.db.read() as s:
        return [(r.day.day, r.kind, r.template_id, r.override_reason) for r in s.scalars(
            select(Shift).where(Shift.user_id == user_id).order_by(Shift.day))]


async def test_assign_from_keyboard_and_rule_violation_message(sqlite_url, clock):
    backend = Backend.open(sqlite_url, clock)
    people = floor(backend)
    lead, agent = people["lead1"], people["agent1"]
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=lead, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_screen("roster")
        await _settle(app, pilot)
        screen = app.screen
        assert screen.__class__.__name__ == "RosterScreen"
        templates = {t.code: t.id for t in backend.roster.templates()}
        title = str(screen.query_one("#roster-title").render())
        assert "t1" in title and "2026-11-23" in title
        await pilot.press("right", "3")  # Monday: template 3 = late 13:00–22:00
        await _settle(app, pilot)
        assert _days(backend, agent.user_id) == [(23, "work", templates["L"], "")]
        cell = screen.query_one("#roster-grid").get_cell(str(agent.user_id), "2026-11-23")
        assert str(cell).startswith("L 13:00–22:00")
        await pilot.press("right", "1")  # Tuesday early: 9 h after Monday's late shift
        await _settle(app, pilot)
        message = str(screen.query_one("#roster-message").render())
        assert "9 h rest" in message and "R" in message
        assert len(_days(backend, agent.user_id)) == 1  # refused: nothing stored
        await pilot.press("r")
        await pilot.pause()
        await pilot.press(*"cover", "enter")
        await _settle(app, pilot)
        assert _days(backend, agent.user_id)[1] == (24, "work", templates["E"], "cover")
        await pilot.press("right", "l", "down", "o")  # Wednesday leave; agent2 Wednesday off
        await _settle(app, pilot)
        assert _days(backend, agent.user_id)[2][:2] == (25, "leave")
        assert _days(backend, people["agent2"].user_id) == [(25, "off", None, "")]
        await pilot.press("p")
        await _settle(app, pilot)
        assert [s.day.day for s in backend.roster.my_next_shifts(agent, 5)] == [23, 24, 25]
        assert "changed since" not in str(screen.query_one("#roster-title").render())
        await pilot.press("up", "o")  # agent1's Wednesday: leave -> day off, after publishing
        await _settle(app, pilot)
        assert "changed since (1 change;" in str(screen.query_one("#roster-title").render())
        await pilot.press("p")
        await _settle(app, pilot)
        assert "changed since" not in str(screen.query_one("#roster-title").render())
        await pilot.press("v")  # coverage of Wednesday
        await _settle(app, pilot)
        assert app.screen.__class__.__name__ == "CoverageScreen"
        assert "2026-11-25" in str(app.screen.query_one("#coverage-title").render())
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
    backend.close()


async def test_a_locked_day_says_so_where_the_lead_looks(sqlite_url, clock):
    backend = Backend.open(sqlite_url, clock)
    people = floor(backend)
    lead, agent = people["lead1"], people["agent1"]
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=lead, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_screen("roster")
        await _settle(app, pilot)
        screen = app.screen
        await pilot.press("right", "1")  # Monday early 07:00: it is 09:30 already
        await _settle(app, pilot)
        message = str(screen.query_one("#roster-message").render())
        assert "would already have begun" in message
        assert _days(backend, agent.user_id) == []
    backend.close()


async def test_the_lead_approves_and_refuses_requests_from_the_roster(sqlite_url, clock):
    backend = Backend.open(sqlite_url, clock)
    people = floor(backend)
    lead, a1, a2 = people["lead1"], people["agent1"], people["agent2"]
    backend.roster.ensure_default_templates(lead)
    wed, thu = date(2026, 11, 25), date(2026, 11, 26)
    backend.roster.assign(lead, a1.user_id, wed, "D")
    first = backend.roster.request_leave(a1, wed, "看病")
    second = backend.roster.request_leave(a2, thu, "私事")
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=lead, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_screen("roster")
        await _settle(app, pilot)
        await pilot.press("q")
        await _settle(app, pilot)
        screen = app.screen
        assert screen.__class__.__name__ == "RosterRequestsScreen"
        assert screen.query_one("#requests-table").row_count == 2
        await pilot.press("a")  # the first: a1's Wednesday becomes leave
        await _settle(app, pilot)
        assert f"request #{first.id} approved" in str(
            screen.query_one("#requests-message").render())
        assert _days(backend, a1.user_id)[0][:2] == (25, "leave")
        assert screen.query_one("#requests-table").row_count == 1
        await pilot.press("x")
        await pilot.pause()
        await pilot.press(*"busy", "enter")
        await _settle(app, pilot)
        assert [r.state for r in backend.roster.requests(lead, None, pending_only=False)] == [
            "approved", "refused"]
        assert second.id
    backend.close()


async def test_coverage_names_the_skill_groups_and_the_team_share(sqlite_url, clock):
    backend = Backend.open(sqlite_url, clock)
    people = floor(backend)
    backend.forecast.set_override(people["lead1"], "general", date(2026, 11, 25), 600, 10)
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=people["lead1"], clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        from seatdesk.ui.screens.coverage import CoverageScreen

        app.push_screen(CoverageScreen(None, date(2026, 11, 25)))
        await _settle(app, pilot)
        summary = str(app.screen.query_one("#coverage-summary").render())
        assert "Skill groups (this team's share): general+vip 100%" in summary
    backend.close()


async def test_a_swap_that_breaks_a_rule_says_r_approves_anyway(sqlite_url, clock):
    """The requests screen adds its own words to a broken rule (ServiceFailed.refusal)."""
    backend = Backend.open(sqlite_url, clock)
    people = floor(backend)
    lead, a1, a2 = people["lead1"], people["agent1"], people["agent2"]
    backend.roster.ensure_default_templates(lead)
    wed, thu = date(2026, 11, 25), date(2026, 11, 26)
    backend.roster.assign(lead, a1.user_id, wed, "L")  # late Wednesday
    backend.roster.assign(lead, a2.user_id, thu, "E")  # early Thursday
    backend.roster.request_swap(a1, thu, a2.login, "家里有事")
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=lead, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_screen("roster")
        await _settle(app, pilot)
        await pilot.press("q")
        await _settle(app, pilot)
        screen = app.screen
        await pilot.press("a")
        await _settle(app, pilot)
        message = str(screen.query_one("#requests-message").render())
        assert "rest" in message and message.endswith("— R approves anyway with a reason")
        assert screen.query_one("#requests-table").row_count == 1  # still waiting
    backend.close()
