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
