"""Start-up paints first and connects second: the desk is on screen before the database
layer is even imported, then fills in; the sign-in behind it is the real one."""

from __future__ import annotations

import pytest

from seatdesk.services.container import Backend
from seatdesk.services.settings import Settings
from seatdesk.ui.app import SeatdeskApp
from seatdesk.ui.screens.desk import DeskScreen
from tests.factories import floor
from tests.probes import loaded_after_importing
from tests.ui.desk_support import settle, until

FIRST_PAINT_MODULES = ["seatdesk.cli.main", "seatdesk.cli.desk", "seatdesk.ui.app",
                       "seatdesk.ui.screens.desk", "seatdesk.ui.screens.login"]


def test_the_first_screen_needs_no_database_layer():
    """What `seatdesk run`/`demo` import before the first paint leaves SQLAlchemy alone."""
    loaded = loaded_after_importing(FIRST_PAINT_MODULES)
    assert "textual" in loaded  # the probe sees what it should
    assert not loaded & {"sqlalchemy", "seatdesk.data.models", "psycopg", "alembic",
                         "seatdesk.services.dto"}


@pytest.fixture
def floor_url(sqlite_url, clock):
    """A SQLite database with the floor's people, closed again: the app opens it itself."""
    setup = Backend.open(sqlite_url, clock)
    floor(setup)
    setup.close()
    return sqlite_url


def _opener(url, clock, opened):
    def open_backend() -> Backend:
        opened.append(True)
        return Backend.open(url, clock)

    return open_backend


async def test_desk_paints_before_the_database_opens_then_fills(floor_url, clock):
    frames: list[str] = []  # the screen of each frame rendered
    at_open: list[tuple[list[str], str]] = []  # frames so far, seat status, when it opened

    def open_backend() -> Backend:
        at_open.append((list(frames), app.screen.status.state))
        return Backend.open(floor_url, clock)

    app = SeatdeskApp(open_backend, Settings(db_url=floor_url),
                      sign_in_as=("agent1", "agent"), clock=clock)
    display = app._display

    def painted(screen, renderable) -> None:
        if renderable is not None:
            frames.append(type(app.screen).__name__)
        display(screen, renderable)

    app._display = painted
    async with app.run_test(size=(120, 40)) as pilot:
        desk = app.screen
        assert isinstance(desk, DeskScreen)  # the first screen, before any database work
        assert await until(app, pilot, lambda: desk.status.state == "available")
        # The desk had been drawn, still "connecting", before the database was opened.
        assert len(at_open) == 1
        frames_then, state_then = at_open[0]
        assert frames_then and frames_then[0] == "DeskScreen" and state_then == "connecting"
        assert app.actor is not None and app.actor.login == "agent1"
        assert "Agent1" in app.sub_title
        await settle(app, pilot)
    app.backend.close()


async def test_a_wrong_guess_of_the_role_lands_on_the_right_home(floor_url, clock):
    app = SeatdeskApp(_opener(floor_url, clock, []), Settings(db_url=floor_url),
                      sign_in_as=("lead1", "agent"), clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        assert await until(app, pilot, lambda: app.actor is not None)
        assert await until(app, pilot, lambda: type(app.screen).__name__ == "FloorScreen")
        await settle(app, pilot)
    app.backend.close()


@pytest.mark.parametrize(("login", "role", "home"), [
    ("lead1", "team_lead", "FloorScreen"), ("qa1", "qa", "QaScreen"),
    ("super1", "supervisor", "ReportsScreen"), ("admin1", "admin", "AdminScreen")])
async def test_the_demo_signs_every_role_in_on_its_home(floor_url, clock, login, role, home):
    """`seatdesk demo --as demo_super` ended in a traceback: the reports screen, painted as
    the guessed home before the sign-in worker had found the user, asked who was signed in
    (seen failing first, for every home but the desk's). Only the desk waits for the user;
    any other home opens once the user is known."""
    app = SeatdeskApp(_opener(floor_url, clock, []), Settings(db_url=floor_url),
                      sign_in_as=(login, role), clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        assert await until(app, pilot, lambda: type(app.screen).__name__ == home)
        await settle(app, pilot)
        assert app.actor is not None and app.actor.login == login
        assert app.return_code is None
    app.backend.close()


async def _closes(app: SeatdeskApp, seconds: float = 10.0) -> int | None:
    """Run the app until it closes itself (or ``seconds`` pass); its return code."""
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(int(seconds / 0.05)):
            if app.return_code is not None:
                break
            await pilot.pause(0.05)
    return app.return_code


async def test_an_unknown_user_ends_with_a_clear_message(floor_url, clock, capsys):
    app = SeatdeskApp(_opener(floor_url, clock, []), Settings(db_url=floor_url),
                      sign_in_as=("nobody", "agent"), clock=clock)
    assert await _closes(app) == 1
    assert app.sign_in_error == "no active user 'nobody'"  # the line the terminal shows
    assert "Traceback" not in capsys.readouterr().err
    app.backend.close()


async def test_a_database_that_is_down_at_start_ends_with_one_clear_line(tmp_path, clock):
    # Nothing listens on this port: the demo's sign-in cannot reach the database.
    url = "postgresql+psycopg://postgres@127.0.0.1:9/seatdesk?connect_timeout=2"
    app = SeatdeskApp(lambda: Backend.open(url, clock), Settings(db_url=url),
                      sign_in_as=("agent1", "agent"), clock=clock)
    assert await _closes(app) == 1
    assert app.sign_in_error.startswith("cannot reach the database (")


def test_the_change_feed_imports_the_data_layer_only_after_the_backend_opened(floor_url, clock):
    """The feed thread and the sign-in thread start together after the first frame. If the
    feed imports the data layer (SQLAlchemy) while the sign-in's opener imports it too, the
    two threads' first imports of one package race, and one of them gets a "partially
    initialized module" ImportError: seen on the bench's desk as 'unexpected error:
    ImportError' in the status line, the seat never signed in. The feed waits for the
    backend (whose opener imports under one lock) before it imports anything of its own."""
    import sys
    import threading
    import time

    opened = threading.Event()
    release = threading.Event()

    def slow_open():
        release.wait(10)
        backend = Backend.open(floor_url, clock)
        opened.set()
        return backend

    asked_early: list[bool] = []

    class Watch:
        def find_spec(self, name, path=None, target=None):
            if name == "seatdesk.data.changes" and threading.current_thread() is feed:
                asked_early.append(not opened.is_set())
            return None  # the normal finders import it

    app = SeatdeskApp(slow_open, Settings(db_url=floor_url), clock=clock)
    feed_box: list[object] = []
    feed = threading.Thread(target=lambda: feed_box.append(app._open_feed()))
    saved = sys.modules.pop("seatdesk.data.changes", None)
    sys.meta_path.insert(0, Watch())
    try:
        opener = threading.Thread(target=lambda: app.backend)
        opener.start()
        time.sleep(0.1)  # the opener holds the backend lock
        feed.start()
        time.sleep(0.3)
        release.set()
        opener.join(10)
        feed.join(10)
        # (the opener's own imports may load the module first: then the feed asks nothing)
        assert True not in asked_early, "the feed imported the data layer before the backend"
        feed_box[0].close()
    finally:
        sys.meta_path.pop(0)
        if saved is not None:
            sys.modules["seatdesk.data.changes"] = saved
        app.backend.close()
