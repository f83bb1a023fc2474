"""A call rings the seat: its card pops before the agent answers; F2 answers it."""

from __future__ import annotations

import pytest

from seatdesk.data.models import AgentState, AgentStatus, Call, CallState
from seatdesk.runtime.daemon import RING_TIMEOUT, run_once
from seatdesk.services.dto import SYSTEM
from tests.factories import row
from tests.ui.desk_support import desk_app, desk_floor, settle, until


def _call(backend, call_id):
    return row(backend, Call, call_id)


def _seat(backend, user_id):
    return row(backend, AgentStatus, user_id)


@pytest.fixture
def free_seat(sqlite_url, clock):
    """A floor with customers and scripts, and agent1's desk (not yet running)."""
    from seatdesk.services.container import Backend

    backend = Backend.open(sqlite_url, clock)
    agent = desk_floor(backend)["people"]["agent1"]
    yield backend, agent, desk_app(backend, sqlite_url, clock, agent)
    backend.close()


async def _available(app, pilot):
    desk = app.screen
    await settle(app, pilot)
    assert await until(app, pilot, lambda: desk.status.state == "available")
    return desk


async def test_ringing_call_pops_the_card_and_f2_answers(free_seat):
    backend, agent, app = free_seat
    async with app.run_test(size=(120, 40)) as pilot:
        desk = await _available(app, pilot)
        # The phone system offers a call and the ACD rings this (the only free) seat.
        call_id = backend.calls.offer_inbound(SYSTEM, "13800138000", "general", ring=True)
        assert await until(app, pilot, lambda: desk.card is not None)
        assert desk.card.name == "王芳" and desk.call.id == call_id
        assert desk.status.state == "ringing"
        assert "ringing for 00:00 · F2 answers" in str(desk.query_one("#status").render())
        assert "王芳" in str(desk.card_view.render())
        assert desk.script_pane.script is not None  # the script is there before "hello"
        assert _call(backend, call_id).state == CallState.OFFERED
        await pilot.press("f2")
        assert await until(app, pilot, lambda: desk.call.state == "active")
        assert _call(backend, call_id).state == CallState.ACTIVE
        assert _seat(backend, agent.user_id).state == AgentState.ON_CALL


async def test_ring_out_clears_the_pop_and_shows_the_missed_call(free_seat, clock):
    backend, agent, app = free_seat
    async with app.run_test(size=(120, 40)) as pilot:
        desk = await _available(app, pilot)
        call_id = backend.calls.offer_inbound(SYSTEM, "13900139000", "general", ring=True)
        assert await until(app, pilot, lambda: desk.call is not None)
        clock.advance(seconds=RING_TIMEOUT.total_seconds() + 1)
        assert run_once(backend).rang_out == 1  # nobody answered: back to the queue
        assert await until(app, pilot, lambda: desk.call is None)
        assert await until(app, pilot, lambda: desk.status.state == "paused")
        assert desk.status.reason == "missed_call"
        assert _call(backend, call_id).state == CallState.QUEUED


async def test_a_seat_that_frees_up_is_rung_with_the_waiting_call(sqlite_url, clock):
    """With ring_when_free, saving the record rings the next waiting caller at this seat."""
    from dataclasses import replace

    from seatdesk.services.container import Backend
    from tests.ui.test_desk_calls import _fill

    backend = Backend.open(sqlite_url, clock)
    agent = desk_floor(backend)["people"]["agent1"]
    first = backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    app = desk_app(backend, sqlite_url, clock, agent)
    app.settings = replace(app.settings, ring_when_free=True)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            desk = app.screen
            # Free at start-up with a caller waiting: it rings here without F2.
            assert await until(app, pilot, lambda: desk.call is not None)
            assert desk.call.id == first and desk.status.state == "ringing"
            await pilot.press("f2")
            assert await until(app, pilot, lambda: desk.call.state == "active")
            second = backend.calls.offer_inbound(SYSTEM, "13900139000", "general")
            await pilot.press("f5")
            assert await until(app, pilot, lambda: desk.call.state == "wrap_up")
            await desk.form.wait_ready()
            _fill(desk, category="query", disposition="information", resolved=True)
            await pilot.press("ctrl+s")
            assert await until(app, pilot, lambda: desk.call is not None
                               and desk.call.id == second)
            assert desk.status.state == "ringing" and desk.card.name == "李雷"
            assert _call(backend, first).state == CallState.CLOSED
            assert _call(backend, second).state == CallState.OFFERED
    finally:
        backend.close()
