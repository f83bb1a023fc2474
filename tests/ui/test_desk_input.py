"""Bad input on the desk: a clear message where the seat is looking, nothing typed lost."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from textual.widgets import Input, Select, TextArea

from seatdesk.data.models import AgentStatus, Call
from seatdesk.domain.i18n import set_language
from seatdesk.services.container import Backend
from seatdesk.services.dto import SYSTEM
from seatdesk.ui.dialogs.desk import ConfirmDialog
from tests.ui.desk_support import desk_app, desk_floor, settle, take_call

ESCAPES = "pasted \x1b[2J\x1b]0;pwned\x07 text"


@pytest.fixture(autouse=True)
def _back_to_english():
    yield
    set_language("en")


@pytest.mark.parametrize("lang, unparseable, too_long", [
    # One parser for typed times (the F7 dialog's): its message, after the field's name.
    ("en", "follow-up time: could not read", "is too long (4002 characters"),
    ("zh", "跟进时间：无法识别", "过长（4002 个字符"),
])
async def test_bad_input_is_explained_and_kept(floor_backend, sqlite_url, clock, lang,
                                               unparseable, too_long):
    backend, data = floor_backend
    agent = data["people"]["agent1"]
    call_id = backend.calls.offer_inbound(SYSTEM, "13900139000", "general")
    app = desk_app(backend, sqlite_url, clock, agent, lang=lang)
    async with app.run_test(size=(120, 40)) as pilot:
        desk = await take_call(app, pilot)
        form = desk.form
        form.query_one("#category", Select).value = "query"
        form.query_one("#disposition", Select).value = "resolved"
        form.query_one("#resolved", Select).value = True
        form.query_one("#notes", TextArea).text = ESCAPES
        follow = form.query_one("#follow_up", Input)
        follow.value = "next blursday at teatime"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert unparseable in form.error_text
        assert app.focused is follow and follow.value == "next blursday at teatime"
        follow.value = "yesterday" if lang == "en" else "2020-01-01 10:00"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert form.error_text  # a past time (or unreadable word) is refused too
        follow.value = ""
        form.query_one("#notes", TextArea).text = "很长" * 2001
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert too_long in form.error_text
        assert form.query_one("#notes", TextArea).text == "很长" * 2001
        assert backend.calls.current_call(agent).state == "active"
        form.query_one("#notes", TextArea).text = ESCAPES
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert desk.call is None
        # The next call from the same customer shows that note, neutralised.
        backend.calls.offer_inbound(SYSTEM, "13900139000", "general")
        await pilot.press("f2")
        await settle(app, pilot)
        shown = str(desk.card_view.render())
        assert "\x1b" not in shown and "\x07" not in shown
        assert "␛[2J" in shown
    with backend.db.read() as s:
        assert s.get(Call, call_id).notes == ESCAPES  # stored exactly as typed


async def test_quit_is_refused_during_a_call_and_logs_out_when_idle(floor_backend, sqlite_url,
                                                                    clock):
    backend, data = floor_backend
    agent = data["people"]["agent1"]
    backend.calls.offer_inbound(SYSTEM, "13900139000", "general")
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(120, 40)) as pilot:
        desk = await take_call(app, pilot)
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is desk and app.is_running
        desk.form.query_one("#category", Select).value = "query"
        desk.form.query_one("#disposition", Select).value = "information"
        desk.form.query_one("#resolved", Select).value = True
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("ctrl+q")
        await settle(app, pilot)
    with backend.db.read() as s:
        assert s.get(AgentStatus, agent.user_id).state.value == "logged_out"


def test_scripts_commands_export_and_import(sqlite_url, tmp_path, monkeypatch):
    from seatdesk.cli.main import main

    backend = Backend.open(sqlite_url)
    desk_floor(backend)
    backend.close()
    monkeypatch.setenv("SEATDESK_PASSWORD", "secret123")  # the floor's: proves --as
    runner = CliRunner()
    file = tmp_path / "scripts.toml"
    args = ["--db", sqlite_url, "--lang", "en"]
    result = runner.invoke(main, [*args, "scripts", "export", str(file), "--as", "super1"])
    assert result.exit_code == 0, result.output
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace("Repair script", "Repair script, revised"), encoding="utf-8")
    result = runner.invoke(main, [*args, "scripts", "import", str(file), "--as", "super1"])
    assert result.exit_code == 0 and "1 new version published" in result.output
    file.write_text('[[script]]\ncategory = "repair"\n', encoding="utf-8")
    result = runner.invoke(main, [*args, "scripts", "import", str(file), "--as", "super1"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "lang is missing" in result.output
    result = runner.invoke(main, [*args, "scripts", "export", str(file), "--as", "agent1"])
    assert result.exit_code == 1 and "may not edit scripts" in result.output
