"""The call record is built after the desk's first paint: nothing may depend on it being there.

The form's automatic build is held back here so the desk meets it unbuilt: a call resumed at
start-up with its draft, Ctrl+S with a field missing, then the fields arrive and show it all.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from textual.widgets import Select, TextArea

from seatdesk.data.models import Call, CallState
from seatdesk.services.container import Backend
from seatdesk.services.dto import SYSTEM
from seatdesk.ui.screens.desk import DeskScreen
from tests.ui.desk_support import desk_app, desk_floor, settle


@pytest.fixture
def held_back(monkeypatch):
    """The desk never asks the form to build: the test calls ``wait_ready()`` itself."""
    monkeypatch.setattr(DeskScreen, "_build_form", lambda self: None)


async def test_resumed_call_and_errors_wait_for_the_form(held_back, sqlite_url, clock):
    backend = Backend.open(sqlite_url, clock)
    data = desk_floor(backend)
    agent = data["people"]["agent1"]
    call_id = backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    backend.calls.claim_next(agent)
    backend.calls.save_draft(agent, call_id, {"category": "repair", "notes": "滤芯漏水",
                                              "question": "漏水"})
    app = desk_app(backend, sqlite_url, clock, agent)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            desk = app.screen
            assert isinstance(desk, DeskScreen)
            form = desk.form
            # The desk is up and in the call, the form is not built yet.
            assert desk.call is not None and desk.call.id == call_id
            assert not form.is_ready and not form.query(Select)
            assert form.values()["notes"] == "滤芯漏水"
            assert form.values()["category"] == "repair"
            await pilot.press("ctrl+s")  # no disposition: refused, shown once built
            await settle(app, pilot)
            assert "disposition" in form.error_text
            assert _state(backend, call_id) == CallState.ACTIVE
            await form.wait_ready()
            await settle(app, pilot)
            assert form.is_ready
            assert form.query_one("#notes", TextArea).text == "滤芯漏水"
            assert form.query_one("#category", Select).value == "repair"
            assert "disposition" in form.error_text
            assert app.focused is form.query_one("#disposition")
            assert form.query_one("#row-outbound_outcome").has_class("hidden")
            # Now filled through the real fields and saved with Ctrl+S.
            form.query_one("#disposition", Select).value = "resolved"
            form.query_one("#resolved", Select).value = True
            await settle(app, pilot)
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert desk.call is None
        with backend.db.read() as s:
            row = s.scalar(select(Call).where(Call.id == call_id))
            assert row is not None
            assert (row.state, row.category, row.disposition, row.notes) == (
                CallState.CLOSED, "repair", "resolved", "滤芯漏水")
    finally:
        backend.close()


async def test_form_builds_itself_after_the_first_paint(sqlite_url, clock):
    backend = Backend.open(sqlite_url, clock)
    data = desk_floor(backend)
    app = desk_app(backend, sqlite_url, clock, data["people"]["agent1"])
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            form = app.screen.form
            assert form.is_ready
            assert form.query_one("#category", Select).value is Select.NULL
            assert not form.query("#record-placeholder")
    finally:
        backend.close()


def _state(backend: Backend, call_id: int) -> CallState:
    with backend.db.read() as s:
        row = s.scalar(select(Call).where(Call.id == call_id))
        assert row is not None
        return row.state
