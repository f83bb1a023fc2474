"""The forms screen: a broken file is refused with its path, what was typed stays."""

from __future__ import annotations

from seatdesk.exchange.qa_default_form import ensure_default_form
from seatdesk.services.container import Backend
from seatdesk.services.settings import Settings
from seatdesk.ui.app import SeatdeskApp
from tests.factories import floor


async def _settle(app, pilot):
    for _ in range(2):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def test_a_broken_form_file_is_refused_with_its_path_and_a_good_export_is_said(
        sqlite_url, clock, tmp_path):
    from seatdesk.ui.screens.qa_forms import QaFormsScreen

    backend = Backend.open(sqlite_url, clock)
    people = floor(backend)
    ensure_default_form(backend)
    broken = tmp_path / "broken.toml"
    broken.write_text("this is = = not toml", encoding="utf-8")
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=people["super1"], clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        app.push_screen(QaFormsScreen())
        await _settle(app, pilot)
        screen = app.screen
        assert "Forms (newest versions)" in str(screen.query_one("#forms-head").render())
        path = screen.query_one("#form-path")
        path.value = str(broken)
        await pilot.press("ctrl+o")
        await _settle(app, pilot)
        status = str(screen.query_one("#forms-status").render())
        assert status.startswith(f"{broken}: "), status
        assert path.value == str(broken)
        out = tmp_path / "out.toml"
        path.value = str(out)
        # Ctrl+E exports from the path box too, where focus starts (it was the box's own
        # end-of-line key, so the screen's Export key did nothing there).
        assert screen.focused is path
        await pilot.press("ctrl+e")
        await _settle(app, pilot)
        assert "written to" in str(screen.query_one("#forms-status").render())
        assert out.exists()
    backend.close()
