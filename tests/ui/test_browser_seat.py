"""Browser seats: `seatdesk serve` driven by a real headless Chromium (selenium, chromedriver).

An agent signs in on the page, a call arrives, F2 takes it, the record is filled with the
keyboard and saved, and the record is in the database. Chromium and chromedriver are
Debian's packages (.ci/run installs them); without them this skips, or fails under
SEATDESK_REQUIRE_BROWSER=1 as in CI.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from seatdesk.data.models import AgentStatus, Call
from seatdesk.services.container import Backend
from seatdesk.services.dto import SYSTEM
from tests.factories import FLOOR_PASSWORD
from tests.probes import descendants, process_running
from tests.ui.desk_support import desk_floor

ROOT = Path(__file__).resolve().parents[2]
REQUIRE = os.environ.get("SEATDESK_REQUIRE_BROWSER") == "1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _until(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def chromium() -> Iterator[object]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ModuleNotFoundError:
        browser = None
    if not browser or not driver_path:
        if REQUIRE:
            pytest.fail("Chromium, chromedriver and selenium are required for the browser test")
        pytest.skip("Chromium or chromedriver is not installed")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,900"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _env(tmp_path: Path, **more: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "SEATDESK_LANG": "en",
            "SEATDESK_HOME": str(tmp_path / "serve-home"), **more}


@contextmanager
def _serve(sqlite_url: str, tmp_path: Path, *flags: str,
           env: dict[str, str] | None = None) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`seatdesk serve` on a free port, over a floor with a known caller; its address."""
    backend = Backend.open(sqlite_url)
    desk_floor(backend)  # the caller 13800138000 is a known customer: no new-customer form
    backend.close()
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "seatdesk", "--db", sqlite_url, "serve", "--port", str(port),
         *flags],
        cwd=tmp_path, env=env or _env(tmp_path), stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True)

    def listening() -> bool:
        if server.poll() is not None:
            raise AssertionError(f"serve exited: {server.stderr.read() if server.stderr else ''}")
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) == 0

    try:
        _until(listening, 30, "seatdesk serve to listen")
        yield f"http://127.0.0.1:{port}/", server
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def _desks_end_with(sessions: list[int]) -> None:
    # A stopped server takes its browsers' desks with it: a desk left running would
    # keep its seat signed in and available to the ACD, with nobody at the browser.
    _until(lambda: not [p for p in sessions if process_running(p)], 10,
           "the browser sessions' desks to end with the server")


@pytest.fixture
def served(sqlite_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    with _serve(sqlite_url, tmp_path) as (url, server):
        try:
            yield url, sqlite_url
        finally:
            sessions = descendants(server.pid)
            server.terminate()
            # An operator's `systemctl stop` waits for it: it waited 10-25 s on the
            # browsers' open sockets (seen failing first).
            server.wait(timeout=5)
            _desks_end_with(sessions)


def _available(backend: Backend, login: str) -> Callable[[], bool]:
    """Whether ``login``'s seat is signed in and available (a condition for _until)."""
    user_id = backend.users.actor(login).user_id

    def available() -> bool:
        with backend.db.read() as s:
            status = s.get(AgentStatus, user_id)
            return status is not None and status.state.value == "available"
    return available


def _desk_started(driver: Any) -> None:
    from selenium.webdriver.common.by import By

    # The page marks its body once the desk process has sent its first bytes.
    _until(lambda: "-first-byte" in (driver.find_element(
        By.TAG_NAME, "body").get_attribute("class") or ""), 60, "the desk to start")


def test_a_killed_server_takes_its_browsers_desks_with_it(chromium: Any, sqlite_url: str,
                                                         tmp_path: Path) -> None:
    """SIGKILL (the OOM killer, kill -9) gives the server no time to hang up its desks;
    they end by themselves (they kept running, signed in, before; seen failing first)."""
    with _serve(sqlite_url, tmp_path) as (url, server):
        chromium.get(url)
        _desk_started(chromium)
        sessions = descendants(server.pid)
        assert sessions, "the browser session started no desk"
        server.kill()
        server.wait()
        _desks_end_with(sessions)


@contextmanager
def _seat_host(env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    host = subprocess.Popen([sys.executable, "-m", "seatdesk", "seat-host"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert host.stderr is not None
        line = host.stderr.readline()  # "seat host listening on ...", after the preload
        assert b"listening" in line, line
        yield host
    finally:
        host.terminate()
        host.terminate()  # the second signal: do not wait for desks still open
        host.wait(timeout=10)


def test_a_browser_seat_is_forked_by_the_seat_host(chromium: Any, sqlite_url: str,
                                                   tmp_path: Path) -> None:
    """`seatdesk serve --seat-host`: the browser's desk is a child of the seat host (it
    shares the host's memory), signs in, and ends with the server (its colour depth:
    tests/cli/test_serve_command.py)."""
    from selenium.webdriver.common.keys import Keys

    env = _env(tmp_path, SEATDESK_DB=sqlite_url,
               SEATDESK_SEAT_HOST=str(tmp_path / "run" / "seat-host.sock"))
    with _seat_host(env) as host, _serve(sqlite_url, tmp_path, "--seat-host",
                                         env=env) as (url, server):
        chromium.get(url)
        _desk_started(chromium)
        _until(lambda: descendants(host.pid), 30, "the seat host to fork the browser's desk")
        (desk,) = descendants(host.pid)
        assert desk not in descendants(server.pid)  # the server holds only its client
        keys = chromium.find_element("css selector", "textarea.xterm-helper-textarea")
        time.sleep(2)
        for key in ("agent1", Keys.ENTER, FLOOR_PASSWORD, Keys.ENTER):
            keys.send_keys(key)
            time.sleep(0.3)
        backend = Backend.open(sqlite_url)
        try:
            _until(_available(backend, "agent1"), 60, "agent1 to sign in in the forked desk")
        finally:
            backend.close()
        server.terminate()  # the desk ends with the server's hang-up, through its client
        _desks_end_with([desk])


def test_an_agent_takes_a_call_and_saves_the_record_in_a_browser(chromium, served):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver: object = chromium
    url, db_url = served
    driver.get(url)  # type: ignore[attr-defined]
    _desk_started(driver)
    keys = driver.find_element(  # type: ignore[attr-defined]
        By.CSS_SELECTOR, "textarea.xterm-helper-textarea")  # where xterm.js takes keys

    def press(*sequence: str) -> None:
        for key in sequence:
            if key == "ctrl+s":
                chain = ActionChains(driver)  # type: ignore[arg-type]
                chain.key_down(Keys.CONTROL).send_keys("s").key_up(Keys.CONTROL).perform()
            else:
                keys.send_keys(key)
            time.sleep(0.3)

    time.sleep(2)  # the sign-in screen mounts and focuses the login field
    press("agent1", Keys.ENTER, FLOOR_PASSWORD, Keys.ENTER)
    backend = Backend.open(db_url)
    try:
        agent = backend.users.actor("agent1")
        _until(_available(backend, "agent1"), 60, "agent1 to sign in and become available")
        call_id = backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
        time.sleep(2)  # the queue shows the call
        press(Keys.F2)

        def taken() -> bool:
            with backend.db.read() as s:
                call = s.get(Call, call_id)
                return call is not None and call.agent_id == agent.user_id

        _until(taken, 30, "F2 to take the call")
        time.sleep(1)

        def draft_has(field: str, wanted: object = None) -> Callable[[], bool]:
            """The autosaved draft (0.5 s after an edit) holds ``field``: a sync point."""
            def check() -> bool:
                with backend.db.read() as s:
                    draft = s.get(Call, call_id).draft or {}  # type: ignore[union-attr]
                value = draft.get(field)
                return value == wanted if wanted is not None else value is not None
            return check

        # The desk's one-key record: the cursor is on Category after F2; 1 picks the first
        # category, 4 a disposition (the cursor moves on to Notes), the note, Tab, y for
        # resolved, Ctrl+S. Each step waits until the form's draft shows it.
        press("1")
        _until(draft_has("category"), 20, "the category to be chosen")
        press("4")
        _until(draft_has("disposition"), 20, "the disposition to be chosen")
        press("browser ok")
        _until(draft_has("notes", "browser ok"), 20, "the notes to be typed")
        press(Keys.TAB, "y")
        _until(draft_has("resolved"), 20, "resolved to be chosen")
        press("ctrl+s")

        def saved() -> bool:
            with backend.db.read() as s:
                call = s.get(Call, call_id)
                return call is not None and call.state.value == "closed"

        try:
            _until(saved, 30, "the call record to be saved")
        except AssertionError:
            shot = Path(os.environ.get("TMPDIR", "/tmp")) / "seatdesk-browser.png"
            driver.save_screenshot(str(shot))  # type: ignore[attr-defined]
            with backend.db.read() as s:
                draft = s.get(Call, call_id).draft  # type: ignore[union-attr]
            raise AssertionError(f"not saved (screen: {shot}); the form held {draft}") from None
        with backend.db.read() as s:
            call = s.scalars(select(Call).where(Call.id == call_id)).one()
            assert call.notes == "browser ok" and call.resolved is True
            assert call.category is not None and call.disposition is not None
    finally:
        backend.close()
