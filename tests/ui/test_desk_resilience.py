"""Nothing typed is lost: a seat killed mid-call, and a database cut off mid-shift."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from textual.widgets import Select, TextArea

from seatdesk.data.models import Call, CallState
from seatdesk.runtime.journal import Journal
from seatdesk.services.container import Backend
from seatdesk.services.dto import SYSTEM
from seatdesk.services.settings import Settings
from seatdesk.ui.screens.desk import DeskScreen
from tests.ui.desk_support import desk_app, desk_floor, settle

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent("""
    import asyncio, sys
    from seatdesk.domain.clock import utc_now
    from seatdesk.services.container import Backend
    from tests.ui.desk_support import desk_app, settle

    async def main(url):
        backend = Backend.open(url)
        app = desk_app(backend, url, utc_now, backend.users.actor("agent1"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            app.screen.form.query_one("#notes").focus()
            await pilot.press(*"customer says the filter leaks")
            print("TYPED", flush=True)
            await asyncio.sleep(60)   # the seat sits there until it is killed

    asyncio.run(main(sys.argv[1]))
""")


async def test_draft_survives_sigkill_and_comes_back_on_restart(sqlite_url, clock, tmp_path):
    backend = Backend.open(sqlite_url)
    data = desk_floor(backend)
    call_id = backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    backend.calls.claim_next(data["people"]["agent1"])
    script = tmp_path / "seat.py"
    script.write_text(CHILD)
    child = subprocess.Popen([sys.executable, str(script), sqlite_url], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert child.stdout is not None
        line = await asyncio.to_thread(child.stdout.readline)
        assert line.strip() == "TYPED"
        await asyncio.sleep(1.2)  # past the 0.5 s autosave debounce
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL
    assert Journal(Settings().journal_path).latest_draft(call_id) is not None or \
        backend.calls.current_call(data["people"]["agent1"]).draft is not None
    # A new seat over the same database and journal is back in the same call and draft.
    app = desk_app(backend, sqlite_url, clock, data["people"]["agent1"])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot, rounds=4)
        desk = app.screen
        assert isinstance(desk, DeskScreen)
        assert desk.call is not None and desk.call.id == call_id
        assert desk.form.query_one("#notes", TextArea).text == "customer says the filter leaks"
    with backend.db.read() as s:
        assert s.get(Call, call_id).draft["notes"] == "customer says the filter leaks"
    backend.close()


class CuttableProxy:
    """A loopback TCP proxy to PostgreSQL that the test can cut and restore."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = threading.Event()
        self.up.set()
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up.is_set():
                client.close()  # the database "is down": the connection dies at once
                continue
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while chunk := src.recv(65536):
                dst.sendall(chunk)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self) -> None:
        self.up.clear()
        with self._lock:
            for s in self._open:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self._open.clear()

    def restore(self) -> None:
        self.up.set()

    def close(self) -> None:
        self._stop = True
        self.cut()
        self.listener.close()


async def _until(app, pilot, predicate, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        await settle(app, pilot, rounds=1)
        if predicate():
            return True
        await asyncio.sleep(0.1)
    return predicate()


@pytest.mark.postgres
async def test_database_cut_mid_shift_journal_fills_and_drains(pg_url, clock):
    direct = Backend.open(pg_url, clock)
    data = desk_floor(direct)
    agent = data["people"]["agent1"]
    call_id = direct.calls.offer_inbound(SYSTEM, "13800138000", "general")
    u = make_url(pg_url)
    proxy = CuttableProxy((u.host or "127.0.0.1", u.port or 5432))
    via_proxy = u.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    backend = Backend.open(via_proxy, clock)
    app = desk_app(backend, via_proxy, clock, agent)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            desk = app.screen
            assert isinstance(desk, DeskScreen)
            await pilot.press("f2")
            await settle(app, pilot)
            assert desk.call is not None and desk.call.id == call_id
            proxy.cut()
            form = desk.form
            form.query_one("#category", Select).value = "repair"
            form.query_one("#disposition", Select).value = "resolved"
            form.query_one("#resolved", Select).value = True
            form.query_one("#notes", TextArea).text = "断网时记录:更换滤芯"
            await settle(app, pilot)
            await pilot.press("ctrl+s")
            assert await _until(app, pilot, lambda: desk.call is None)
            banner = desk.query_one("#offline")
            assert await _until(app, pilot, lambda: banner.has_class("-shown"))
            assert "offline" in str(banner.render())
            assert desk.journal is not None and desk.journal.waiting() >= 1
            with direct.db.read() as s:
                assert s.get(Call, call_id).state != CallState.CLOSED  # only in the journal
            proxy.restore()
            # The retry loop writes the journal back, oldest first, and the banner goes.
            assert await _until(app, pilot, lambda: not banner.has_class("-shown"), 15)
            assert desk.journal.waiting() == 0
    finally:
        proxy.close()
        backend.close()
    with direct.db.read() as s:
        row = s.get(Call, call_id)
        assert row.state == CallState.CLOSED and row.notes == "断网时记录:更换滤芯"
        assert row.category == "repair"
        closed = s.scalars(select(Call).where(Call.state == CallState.CLOSED)).all()
        assert len(closed) == 1
    direct.close()
