"""The app shell: login with lock-out, role screens, help."""

from __future__ import annotations

from seatdesk.services.container import Backend
from seatdesk.services.settings import Settings
from seatdesk.ui.app import SeatdeskApp
from tests.factories import floor


async def test_login_failures_lock_the_account_and_are_audited(sqlite_url, clock):
    backend = Backend.open(sqlite_url, clock)
    floor(backend)
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), login="agent1", clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(5):
            await pilot.click("#password")
            await pilot.press(*"wrong", "enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
        message = str(app.screen.query_one("#login-error").render())
        # One message for every failure (it tells nothing about the account); the lock-out
        # itself is asserted below, in the database and the audit log.
        assert "wrong login or password" in message
        # The right password is refused while the account is locked.
        await pilot.press(*"secret123", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.actor is None
    from sqlalchemy import func, select

    from seatdesk.data.models import AuditEntry

    with backend.db.read() as s:
        fails = s.scalar(select(func.count()).where(AuditEntry.action == "login.failed"))
        locked = s.scalar(select(func.count()).where(AuditEntry.action == "login.locked"))
    assert fails == 5 and locked == 1
    with backend.db.read() as s:
        from seatdesk.data.models import User

        assert s.scalar(select(User.locked_until).where(User.login == "agent1")) is not None
    backend.close()


async def test_login_opens_role_home_and_help(sqlite_url, clock):
    backend = Backend.open(sqlite_url, clock)
    floor(backend)
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), login="lead1", clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.click("#password")
        await pilot.press(*"secret123", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.actor is not None and app.actor.login == "lead1"
        await pilot.press("f1")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "HelpScreen"
    backend.close()


async def test_notifications_reach_the_user_on_any_screen(sqlite_url, clock):
    from seatdesk.services.notifications import add_notification

    backend = Backend.open(sqlite_url, clock)
    people = floor(backend)
    lead = people["lead1"]
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url, slow_poll_seconds=0.2), actor=lead,
                      clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        with backend.db.write() as s:
            add_notification(s, lead.user_id, at=clock(), kind="escalation",
                             text="投诉 #7 已升级给您\x1b[31m")
        for _ in range(60):
            await pilot.pause(0.05)
            if app._notifications:
                break
        texts = [n.message for n in app._notifications]
        assert any("投诉 #7" in t and "\x1b" not in t for t in texts), texts
    assert backend.notifications.unread(lead) == []  # shown once, then read
    backend.close()
