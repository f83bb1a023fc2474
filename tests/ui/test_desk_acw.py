"""The queue's after-call-work limit on the desk: the wrap-up timer counts down, warns near
the end, and the wrap-up ends by itself at the limit without losing a word typed."""

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


@pytest.fixture
def acw_backend(sqlite_url, clock):
    backend = Backend.open(sqlite_url, clock)
    data = desk_floor(backend)
    backend.admin.update_queue(data["people"]["super1"], "general", QueueInput(
        "general", "General", "综合", acw_seconds=30))
    yield backend, data
    backend.close()


def _status_line(app) -> str:
    return str(app.screen.query_one("#status", StatusBar).render())


async def _in_wrap_up(app, pilot, desk, note: str) -> None:
    notes = desk.form.query_one("#notes", TextArea)
    notes.focus()
    await pilot.press(*note)
    await pilot.press("f5")  # the caller is gone: wrap-up starts
    assert await until(app, pilot, lambda: desk.call is not None
                       and desk.call.state == "wrap_up")


async def test_the_wrap_up_counts_down_and_the_record_saves_itself(acw_backend, sqlite_url,
                                                                  clock):
    backend, data = acw_backend
    agent = data["people"]["agent1"]
    call_id = backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(140, 45)) as pilot:
        desk = await take_call(app, pilot)
        await pilot.press("1", "4")  # category and disposition by their codes (to Notes)
        await pilot.press(*"billing explained")
        await pilot.press("tab", "y")  # resolved now
        await settle(app, pilot)
        await pilot.press("f9")  # "not ready after this call"
        await settle(app, pilot)
        assert isinstance(app.screen, PauseReasonDialog)
        app.screen.dismiss("break")
        await settle(app, pilot)
        await pilot.press("f5")  # the caller is gone: wrap-up starts
        assert await until(app, pilot, lambda: desk.call.state == "wrap_up")
        clock.advance(seconds=10)
        desk._tick()
        assert "00:20 left" in _status_line(app)
        clock.advance(seconds=12)
        desk._tick()
        bar = desk.query_one("#status", StatusBar).render()
        assert "00:08 left" in str(bar)
        assert any("red" in str(span.style) for span in bar.spans
                   if "left" in str(bar)[span.start:span.end])  # the last seconds warn
        clock.advance(seconds=9)
        desk._tick()
        assert await until(app, pilot, lambda: desk.call is None
                           and desk.status.state == "paused")
        assert desk.status.reason == "break" and desk.pause_after is None
    call = row(backend, Call, call_id)
    assert call.state == CallState.CLOSED and call.notes == "billing explained"
    assert (call.category, call.disposition, call.resolved) == ("consultation", "information", True)
    assert call.draft is None
    status = row(backend, AgentStatus, agent.user_id)
    assert (status.state.value, status.reason) == ("paused", "break")


async def test_an_incomplete_record_is_kept_and_the_agent_told(acw_backend, sqlite_url, clock):
    backend, data = acw_backend
    agent = data["people"]["agent1"]
    call_id = backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(140, 45)) as pilot:
        desk = await take_call(app, pilot)
        await _in_wrap_up(app, pilot, desk, "still thinking [/]")
        clock.advance(seconds=31)
        desk._tick()
        assert await until(app, pilot, lambda: desk.call is None
                           and desk.status.state == "available")
        await settle(app, pilot)
        said = " ".join(str(n.message) for n in app._notifications)
        assert f"#{call_id}" in said and "incomplete" in said
        assert "incomplete" in _status_line(app)
    call = row(backend, Call, call_id)
    assert call.state == CallState.CLOSED and call.notes == "still thinking [/]"
    assert call.draft is not None and call.draft["notes"] == "still thinking [/]"
    assert [c.id for c in backend.calls.incomplete_records(agent)] == [call_id]
