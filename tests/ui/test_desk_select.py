"""Defect 13's open drop-downs on the call record: the list stays inside the record's border,
and typing in an open list never picks the prompt ("choose…")."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList

from seatdesk.services.dto import SYSTEM
from tests.ui.desk_support import desk_app, settle, take_call


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (140, 45)])
@pytest.mark.parametrize("field", ["satisfaction", "resolved", "category"])
async def test_an_open_list_stays_inside_the_call_records_border(floor_backend, sqlite_url,
                                                                 clock, size, field):
    backend, data = floor_backend
    backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    app = desk_app(backend, sqlite_url, clock, data["people"]["agent1"])
    async with app.run_test(size=size) as pilot:
        desk = await take_call(app, pilot)
        select = desk.form.query_one(f"#{field}")
        select.focus()
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        assert select.expanded
        overlay = select.query_one(OptionList).region
        inside = desk.query_one("#record-pane").content_region  # within its border
        assert overlay.y >= inside.y and overlay.bottom <= inside.bottom, (overlay, inside)
        assert overlay.x >= inside.x and overlay.right <= inside.right, (overlay, inside)
        # Every choice can still be reached and chosen from the open list.
        await pilot.press("end", "enter")
        await settle(app, pilot)
        assert not select.expanded and select.value is not select.NULL


async def test_typing_in_an_open_list_never_matches_the_prompt(floor_backend, sqlite_url,
                                                               clock):
    backend, data = floor_backend
    backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    app = desk_app(backend, sqlite_url, clock, data["people"]["agent1"])
    async with app.run_test(size=(140, 45)) as pilot:
        desk = await take_call(app, pilot)
        category = desk.form.query_one("#category")
        assert app.focused is category
        await pilot.press("enter")  # open the list, then type the start of a word
        await settle(app, pilot)
        await pilot.press("c")  # "choose… (1-7)" starts with c: "1 consultation" is meant
        await pilot.press("enter")
        await settle(app, pilot)
        assert category.value == "consultation"
        disposition = desk.form.query_one("#disposition")
        disposition.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("h")  # "2 handed_over"
        await pilot.press("enter")
        await settle(app, pilot)
        assert disposition.value == "handed_over"
