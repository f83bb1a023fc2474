"""The one error path: ``call_service`` delivers a result or one ``ServiceFailed``."""

from __future__ import annotations

import asyncio
import threading

from textual.app import App
from textual.screen import Screen

from seatdesk.domain.errors import Conflict, DatabaseUnavailable, InvalidInput, NotFound
from seatdesk.services.container import Backend
from seatdesk.services.settings import Settings
from seatdesk.ui.app import SeatdeskApp
from seatdesk.ui.errors import ServiceFailed, call_service


class _Probe(Screen[None]):
    """A screen that keeps what reached it, and handles failures only when told to."""

    def __init__(self, handle_failures: bool) -> None:
        super().__init__()
        self.handle_failures = handle_failures
        self.results: list[tuple[object, bool]] = []
        self.failures: list[ServiceFailed] = []

    def got(self, result: object) -> None:
        self.results.append((result, threading.current_thread() is threading.main_thread()))

    def on_service_failed(self, message: ServiceFailed) -> None:
        if self.handle_failures:
            self.failures.append(message)
            message.stop()


def _boom(error: BaseException) -> object:
    raise error


async def test_the_result_arrives_on_the_apps_thread() -> None:
    app: App[None] = App()
    async with app.run_test() as pilot:
        probe = _Probe(handle_failures=True)
        await app.push_screen(probe)
        worker = call_service(probe, lambda: threading.current_thread().name, probe.got,
                              group="probe")
        await worker.wait()
        await pilot.pause()
        [(name, on_main)] = probe.results
        assert name != threading.main_thread().name  # the call ran in a worker thread
        assert on_main  # ...and its result was handed over on the app's thread
        assert probe.failures == []


async def test_refused_input_names_the_field_and_nothing_else_is_delivered() -> None:
    app: App[None] = App()
    async with app.run_test() as pilot:
        probe = _Probe(handle_failures=True)
        await app.push_screen(probe)
        await call_service(probe, lambda: _boom(InvalidInput("choose a category", "category")),
                           probe.got, group="probe").wait()
        await call_service(probe, lambda: _boom(DatabaseUnavailable("refused")), probe.got,
                           group="probe").wait()
        await call_service(probe, lambda: _boom(KeyError("x")), probe.got, group="probe").wait()
        await pilot.pause()
        assert probe.results == []
        assert [(f.text, f.field) for f in probe.failures] == [
            ("choose a category", "category"),
            ("the database cannot be reached; your work is kept, retrying", None),
            ("unexpected error: KeyError", None),  # a bug is said, not a traceback
        ]


async def test_a_failure_no_screen_handles_is_shown_by_the_app(sqlite_url, clock) -> None:
    backend = Backend.open(sqlite_url, clock)
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=None, clock=clock)
    async with app.run_test(notifications=True) as pilot:
        probe = _Probe(handle_failures=False)
        await app.push_screen(probe)
        await call_service(probe, lambda: _boom(NotFound("no such call")), probe.got,
                           group="probe").wait()
        await pilot.pause()
        assert probe.results == []
        assert [n.message for n in app._notifications] == ["no such call"]
    backend.close()


def test_a_conflict_is_marked_so_a_screen_can_turn_read_only() -> None:
    assert ServiceFailed.of(Conflict("claimed by lee")).conflict
    assert not ServiceFailed.of(NotFound("gone")).conflict


async def test_latest_only_drops_what_a_newer_call_in_its_group_replaced() -> None:
    app: App[None] = App()
    async with app.run_test() as pilot:
        probe = _Probe(handle_failures=True)
        await app.push_screen(probe)
        gate = threading.Event()
        started: list[object] = []
        returned: list[object] = []

        def slow(answer: object) -> object:
            started.append(answer)
            gate.wait(5)
            returned.append(answer)
            if isinstance(answer, BaseException):
                raise answer
            return answer

        async def running(n: int) -> None:  # each call is under way before the next one
            while len(started) < n:
                await asyncio.sleep(0.01)

        call_service(probe, lambda: slow("old list"), probe.got, group="list",
                           latest_only=True)
        await running(1)
        call_service(probe, lambda: slow(NotFound("old failure")), probe.got, group="list",
                     latest_only=True)
        await running(2)
        new = call_service(probe, lambda: slow("new list"), probe.got, group="list",
                           latest_only=True)
        gate.set()
        await new.wait()
        while len(returned) < 3:  # the replaced calls run to their end and try to deliver
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)
        await pilot.pause()
        assert [r for r, _main in probe.results] == ["new list"]
        assert probe.failures == []
