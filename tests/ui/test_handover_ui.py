"""Pilot test of the handover screen: pre-fill, check, sign; the incoming lead countersigns."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from seatdesk.data.models import Callback, Customer, Handover
from seatdesk.services.container import Backend
from seatdesk.services.settings import Settings
from seatdesk.ui.app import SeatdeskApp
from tests.factories import floor


async def _settle(app, pilot):
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def _handover(backend):
    with backend.db.read() as s:
        return s.scalar(select(Handover))


async def test_write_sign_and_countersign_a_handover(sqlite_url, clock):
    backend = Backend.open(sqlite_url, clock)
    people = floor(backend)
    backend.users.add_user("lead1b", name="Lead1b", role="team_lead", password="secret123",
                           team="t1")
    now = clock()
    with backend.db.write() as s:
        c = Customer(name="王芳", created_at=now, updated_at=now)
        s.add(c)
        s.flush()
        s.add(Callback(customer_id=c.id, reason="安装回访", due_at=now - timedelta(hours=1),
                       owner_id=people["agent1"].user_id, created_at=now))
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=people["lead1"], clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_screen("handover")
        await _settle(app, pilot)
        screen = app.screen
        assert "press N" in str(screen.query_one("#handover-title").render())
        await pilot.press("n")
        await _settle(app, pilot)
        items = screen.query_one("#handover-items")
        assert items.row_count == 1 and "安装回访" in str(items.get_row_at(0)[3])
        await pilot.press("s", *"lead1b", "enter")  # not checked yet: refused, message shown
        await _settle(app, pilot)
        assert "check every item" in str(screen.query_one("#handover-message").render())
        assert screen.query_one("#handover-message").has_class("error")
        assert not [n for n in app._notifications if "check every item" in str(n.message)]
        await pilot.press("A")  # mark all unchanged as seen
        await _settle(app, pilot)
        assert _handover(backend).items[0]["ok"] is True
        await pilot.press("s", *"lead1b", "enter")
        await _settle(app, pilot)
        assert _handover(backend).state == "awaiting"
    incoming = backend.users.actor("lead1b")
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=incoming, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_screen("handover")
        await _settle(app, pilot)
        screen = app.screen
        assert "awaiting" in str(screen.query_one("#handover-title").render())
        await pilot.press("c")
        await _settle(app, pilot)
        assert _handover(backend).state == "signed"
        assert "read-only" in str(screen.query_one("#handover-title").render())
        await pilot.press("x")  # a signed handover refuses changes, with a message
        await _settle(app, pilot)
        assert "read-only" in str(screen.query_one("#handover-message").render())
        assert _handover(backend).items[0]["ok"] is True
    backend.close()
