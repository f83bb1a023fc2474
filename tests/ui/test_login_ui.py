"""The sign-in screen: a forced password change first, a demo database that says so."""

from __future__ import annotations

from sqlalchemy import select

from seatdesk.data.models import AuditEntry, User
from seatdesk.domain.passwords import verify_password
from seatdesk.services.container import Backend
from seatdesk.services.settings import Settings
from seatdesk.ui.app import SeatdeskApp
from tests.factories import floor


async def _settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


def _error(app) -> str:
    return str(app.screen.query_one("#login-error").render())


async def test_a_reset_password_is_replaced_before_the_desk_opens(sqlite_url, clock):
    backend = Backend.open(sqlite_url, clock)
    people = floor(backend)
    backend.admin.reset_password(people["admin1"], "agent1", "given-pass-1")
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), login="agent1", clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.click("#password")
        await pilot.press(*"given-pass-1", "enter")
        await _settle(app, pilot)
        assert app.actor is None and app.screen.has_class("-changing")
        assert "choose your own" in _error(app)
        await pilot.press(*"own-pass-11", "enter", *"own-pass-12", "enter")
        await _settle(app, pilot)
        assert app.actor is None and "differ" in _error(app)
        await pilot.press(*"own-pass-11", "enter", *"own-pass-11", "enter")
        await _settle(app, pilot)
        assert app.actor is not None and app.actor.login == "agent1"
        assert app.screen.__class__.__name__ == "DeskScreen"
    with backend.db.read() as s:
        user = s.scalars(select(User).where(User.login == "agent1")).one()
        assert verify_password("own-pass-11", user.password_hash)
        assert not user.must_change_password
        assert s.scalar(select(AuditEntry.actor_login).where(
            AuditEntry.action == "user.password_changed")) == "agent1"
    backend.close()


async def test_a_demo_database_says_so_and_a_disabled_user_is_refused(sqlite_url, clock):
    backend = Backend.open(sqlite_url, clock)
    people = floor(backend)
    backend.users.mark_demo()
    backend.admin.set_active(people["admin1"], "agent2", False)
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), login="agent2", clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        assert "Demo database" in str(app.screen.query_one("#demo-banner").render())
        await pilot.click("#password")
        await pilot.press(*"secret123", "enter")
        await _settle(app, pilot)
        assert app.actor is None and "wrong login or password" in _error(app)
    backend.close()


async def test_a_real_database_shows_no_demo_banner(sqlite_url, clock):
    backend = Backend.open(sqlite_url, clock)
    floor(backend)
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), login="agent1", clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        assert str(app.screen.query_one("#demo-banner").render()).strip() == ""
    backend.close()
