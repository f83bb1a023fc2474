"""Finishing on the desk a record the after-call-work limit closed incomplete: Ctrl+O loads
the oldest into the call record form, Ctrl+S saves it, the seat keeps its presence."""

from __future__ import annotations

import pytest
from textual.widgets import TextArea

from seatdesk.data.models import AgentStatus, Call, CallState
from seatdesk.services.admin import QueueInput
from seatdesk.services.container import Backend
from seatdesk.services.dto import SYSTEM
from seatdesk.ui.dialogs.desk import PauseReasonDialog
from seatdesk.ui.widgets.status_bar import StatusBar
from tests.factories import row
from tests.ui.desk_support import desk_app, desk_floor, settle, take_call, until

TYPED = {"category": "query", "disposition": None, "resolved": True, "question": "",
         "notes": "customer still deciding [/]", "handed_to": "", "follow_up": "",
         "satisfaction": None, "outbound_outcome": None}


def _closed_incomplete(backend, clock, agent, number: str, notes: str) -> int:
    """A call of ``agent`` closed at the wrap-up limit with its disposition missing."""
    call_id = backend.calls.offer_inbound(SYSTEM, number, "general")
    backend.calls.take(agent, call_id, lang="en")
    clock.advance(seconds=60)
    backend.calls.end(agent, call_id)
    backend.calls.save_draft(agent, call_id, {**TYPED, "notes": notes})
    clock.advance(seconds=31)
    assert [e.complete for e in backend.calls.end_overdue_wrap_ups(agent)] == [False]
    return call_id


@pytest.fixture
def two_incomplete(sqlite_url, clock):
    backend = Backend.open(sqlite_url, clock)
    data = desk_floor(backend)
    backend.admin.update_queue(data["people"]["super1"], "general", QueueInput(
        "general", "General", "综合", acw_seconds=30))
    agent = data["people"]["agent1"]
    backend.agents.log_in(agent)
    first = _closed_incomplete(backend, clock, agent, "13800138000", "first call [/]")
    second = _closed_incomplete(backend, clock, agent, "13900139000", "second call")
    yield backend, agent, first, second
    backend.close()


def _status_line(app) -> str:
    return str(app.screen.query_one("#status", StatusBar).render())


def _said(app) -> str:
    return " ".join(str(n.message) for n in app._notifications)


async def _paused(app, pilot, desk) -> None:
    await pilot.press("f9")
    await settle(app, pilot)
    assert isinstance(app.screen, PauseReasonDialog)
    app.screen.dismiss("break")
    assert await until(app, pilot, lambda: desk.status.state == "paused")


async def test_ctrl_o_loads_the_oldest_and_ctrl_s_finishes_it_the_seat_stays_paused(
        two_incomplete, sqlite_url, clock):
    backend, agent, first, second = two_incomplete
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        desk = app.screen
        assert await until(app, pilot, lambda: "2 records incomplete" in _status_line(app))
        assert await until(app, pilot, lambda: "^o Finish record"
                           in desk.query_one("#keys").plain)  # in the key bar while some wait
        await _paused(app, pilot, desk)
        await pilot.press("ctrl+o")
        assert await until(app, pilot, lambda: desk.finishing is not None)
        assert desk.finishing.id == first and desk.call is None
        assert desk.card is not None and desk.card.name == "王芳"  # its caller's card
        assert desk.form.values()["notes"] == "first call [/]"  # the kept draft, as typed
        assert "save_record" in desk.offered_actions()
        await pilot.press("ctrl+s")  # still without a disposition: said on the form
        await settle(app, pilot)
        assert "disposition" in desk.form.error_text.lower()
        assert desk.finishing.id == first and desk.form.values()["notes"] == "first call [/]"
        assert row(backend, Call, first).disposition is None
        await pilot.press("3")  # the missing disposition (the cursor is on it): follow-up
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        assert await until(app, pilot, lambda: desk.finishing is None
                           and "1 record incomplete" in _status_line(app))
        assert f"#{first}" in _said(app)
        assert desk.form.values()["notes"] == ""  # the form is free again
        # The seat was not put back into wrap-up nor made ready: still on its break.
        assert (desk.status.state, desk.status.reason) == ("paused", "break")
        status = row(backend, AgentStatus, agent.user_id)
        assert (status.state.value, status.reason) == ("paused", "break")
        call = row(backend, Call, first)
        assert (call.state, call.disposition, call.notes, call.draft) == (
            CallState.CLOSED, "follow_up", "first call [/]", None)
        assert [c.id for c in backend.calls.incomplete_records(agent)] == [second]
        await pilot.press("ctrl+o")  # the next one, the same way
        assert await until(app, pilot, lambda: desk.finishing is not None
                           and desk.finishing.id == second)
        assert desk.form.values()["notes"] == "second call"


async def test_ctrl_o_waits_during_a_live_call_and_says_so_when_none(two_incomplete, sqlite_url,
                                                                  clock):
    backend, agent, first, second = two_incomplete
    backend.calls.save_wrap_up(agent, first, _finished())
    backend.calls.save_wrap_up(agent, second, _finished())
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        desk = app.screen
        assert "Finish record" not in desk.query_one("#keys").plain  # none waits
        await pilot.press("ctrl+o")
        await settle(app, pilot)
        assert "no incomplete records" in _said(app) and desk.finishing is None
        backend.calls.offer_inbound(SYSTEM, "13900139000", "general")
        desk = await take_call(app, pilot)
        assert await until(app, pilot, lambda: desk.call is not None
                           and desk.call.state == "active")
        await pilot.press("ctrl+o")
        await settle(app, pilot)
        assert "after this call" in _said(app) and desk.finishing is None


async def test_a_call_ringing_while_a_record_is_open_keeps_what_was_typed(
        two_incomplete, sqlite_url, clock):
    backend, agent, first, _second = two_incomplete
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        desk = app.screen
        assert await until(app, pilot, lambda: desk.status.state == "available")
        await pilot.press("ctrl+o")
        assert await until(app, pilot, lambda: desk.finishing is not None)
        notes = desk.form.query_one("#notes", TextArea)
        notes.focus()
        notes.move_cursor(notes.document.end)
        await pilot.press(*" and more")
        await settle(app, pilot)
        call_id = backend.calls.offer_inbound(SYSTEM, "13700137000", "general", ring=True)
        assert await until(app, pilot, lambda: desk.call is not None
                           and desk.call.id == call_id)
        assert desk.finishing is None and desk.status.state == "ringing"
        assert desk.form.values()["notes"] == ""  # the ringing call's own record
        await pilot.press("f2")  # F2 still answers
        assert await until(app, pilot, lambda: desk.call.state == "active")
        await settle(app, pilot)
    assert row(backend, Call, first).draft["notes"] == "first call [/] and more"
    assert row(backend, Call, call_id).state == CallState.ACTIVE


async def test_the_ring_banner_and_f2_work_from_another_screen_with_a_record_open(
        two_incomplete, sqlite_url, clock):
    backend, agent, first, _second = two_incomplete
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        await settle(app, pilot)
        desk = app.screen
        assert await until(app, pilot, lambda: desk.status.state == "available")
        await pilot.press("ctrl+o")
        assert await until(app, pilot, lambda: desk.finishing is not None)
        app.open_screen("my_qa")  # the agent looks at another screen meanwhile
        await settle(app, pilot)
        assert app.screen is not desk
        call_id = backend.calls.offer_inbound(SYSTEM, "13800138000", "general", ring=True)
        assert await until(app, pilot, lambda: "F2 answers" in _said(app))
        assert "王芳" in _said(app)
        await pilot.press("f2")
        assert await until(app, pilot, lambda: app.screen is desk and desk.call is not None
                           and desk.call.state == "active")
        assert desk.call.id == call_id and desk.finishing is None
        await settle(app, pilot)
    assert row(backend, Call, first).draft["notes"] == "first call [/]"
    assert [c.id for c in backend.calls.incomplete_records(agent)][0] == first


@pytest.mark.postgres
async def test_a_record_finished_while_the_database_is_down_waits_in_the_journal(pg_url,
                                                                                clock):
    from sqlalchemy.engine import make_url
    from textual.widgets import Select

    from tests.ui.test_desk_resilience import CuttableProxy

    direct = Backend.open(pg_url, clock)
    data = desk_floor(direct)
    direct.admin.update_queue(data["people"]["super1"], "general", QueueInput(
        "general", "General", "综合", acw_seconds=30))
    agent = data["people"]["agent1"]
    direct.agents.log_in(agent)
    first = _closed_incomplete(direct, clock, agent, "13800138000", "断网前记录")
    u = make_url(pg_url)
    proxy = CuttableProxy((u.host or "127.0.0.1", u.port or 5432))
    via_proxy = u.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    backend = Backend.open(via_proxy, clock)
    app = desk_app(backend, via_proxy, clock, agent)
    try:
        async with app.run_test(size=(140, 45)) as pilot:
            await settle(app, pilot)
            desk = app.screen
            assert await until(app, pilot, lambda: desk.status.state == "available")
            await pilot.press("ctrl+o")
            assert await until(app, pilot, lambda: desk.finishing is not None)
            proxy.cut()
            desk.form.query_one("#disposition", Select).value = "follow_up"
            await settle(app, pilot)
            await pilot.press("ctrl+s")
            banner = desk.query_one("#offline")
            assert await until(app, pilot, lambda: desk.finishing is None
                               and banner.has_class("-shown"), 15)
            assert desk.incomplete_records == 0 and desk.journal.waiting() >= 1
            assert row(direct, Call, first).disposition is None  # only in the journal
            proxy.restore()
            assert await until(app, pilot, lambda: not banner.has_class("-shown"), 20)
            assert desk.journal.waiting() == 0
    finally:
        proxy.close()
        backend.close()
    call = row(direct, Call, first)
    assert (call.disposition, call.notes, call.draft) == ("follow_up", "断网前记录", None)
    assert direct.calls.incomplete_records(agent) == []
    direct.close()


def _finished():
    from seatdesk.services.dto import WrapUp

    return WrapUp(category="query", disposition="other", resolved=True)
