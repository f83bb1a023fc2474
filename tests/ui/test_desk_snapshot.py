"""The desk's look, pinned in both languages (fixed seed data, a frozen clock)."""

from __future__ import annotations

import pytest

from seatdesk.domain.i18n import set_language
from seatdesk.services.container import Backend
from seatdesk.services.dto import SYSTEM, CustomerInput
from tests.ui.desk_support import desk_app, desk_floor


@pytest.fixture(autouse=True)
def _back_to_english():
    yield
    set_language("en")


SIZES = {"80x24": (80, 24), "100x30": (100, 30), "140x45": (140, 45)}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_desk_during_a_call(snap_compare, sqlite_url, clock, lang, size):
    """The sizes agents use: every call key on the key bar, panes that shrink, no cut rows."""
    backend = Backend.open(sqlite_url, clock)
    data = desk_floor(backend)
    agent = data["people"]["agent1"]
    backend.customers.create(agent, CustomerInput(
        name="刘强", phones=("13611112222",), company="远大贸易", grade="B", risk_flag=True,
        risk_reason="多次恶意投诉"))
    backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    clock.advance(seconds=45)
    backend.calls.offer_inbound(SYSTEM, "13900139000", "general")
    clock.advance(seconds=30)
    backend.calls.offer_inbound(SYSTEM, "13611112222", "vip")
    backend.calls.offer_inbound(SYSTEM, "13522223333", "general")
    clock.advance(seconds=50)
    app = desk_app(backend, sqlite_url, clock, agent, lang=lang)

    async def take_a_call(pilot) -> None:
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        await pilot.press("f2")  # the VIP line first: the risk customer on the priority queue
        for _ in range(4):
            await app.workers.wait_for_complete()
            await pilot.pause()

    try:
        assert snap_compare(app, terminal_size=SIZES[size], run_before=take_a_call)
    finally:
        backend.close()
