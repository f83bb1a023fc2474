"""Shared set-up for the desk's UI tests: a floor, customers, scripts, an app over SQLite."""

from __future__ import annotations

from typing import Any

from seatdesk.domain.i18n import set_language
from seatdesk.services.container import Backend
from seatdesk.services.dto import SYSTEM
from seatdesk.services.settings import Settings
from seatdesk.ui.app import SeatdeskApp
from tests.factories import customer, floor


def desk_floor(backend: Backend) -> dict[str, Any]:
    """People, two customers sharing nothing, one number shared by two, starter scripts."""
    people = floor(backend)
    agent = people["agent1"]
    ids = {
        "wang": customer(backend, agent, "王芳", "13800138000", grade="A", key_account=True),
        "li": customer(backend, agent, "李雷", "13900139000", grade="C"),
        "zhang": customer(backend, agent, "张伟", "13700137000", grade="B"),
        "zhang2": customer(backend, agent, "张丽", "13700137000", grade="D"),
    }
    backend.scripts.ensure_defaults(SYSTEM)
    return {"people": people, "customers": ids}


def desk_app(backend: Backend, url: str, clock: Any, actor: Any, lang: str = "en"
             ) -> SeatdeskApp:
    set_language(lang)
    return SeatdeskApp(backend, Settings(db_url=url, lang=lang, company="XX公司"), actor=actor,
                       clock=clock)


async def settle(app: SeatdeskApp, pilot: Any, rounds: int = 3) -> None:
    """Let workers finish and their messages land (a few rounds: workers start workers)."""
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def until(app: SeatdeskApp, pilot: Any, condition: Any, timeout: float = 10.0) -> bool:
    """Wait (up to ``timeout`` seconds) for ``condition()``; a loaded machine is slow."""
    import time

    from textual.worker import WorkerCancelled

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:
            pass  # an exclusive worker replaced by its successor: keep waiting
        await pilot.pause(0.05)
    return True


async def take_call(app: SeatdeskApp, pilot: Any) -> Any:
    """Let the desk load, press F2 and let the call land; the desk screen."""
    await settle(app, pilot)
    desk = app.screen
    await pilot.press("f2")
    await settle(app, pilot)
    return desk
