"""Keys remapped in the keymap file: applied at start, shown in F1, problems said plainly."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import DataTable

from seatdesk.services.dto import SYSTEM
from seatdesk.ui.keymap import check_keymap, read_keymap_file
from tests.ui.desk_support import desk_app, settle, until


def test_unknown_actions_and_clashes_are_refused_one_line_each(tmp_path):
    path = tmp_path / "keymap.toml"
    path.write_text('"desk.take_next" = "F12"\n"desk.nope" = "f11"\n"desk.hold" = "f5"\n'
                    '"desk.pause" = 3\n', encoding="utf-8")
    wanted, problems = read_keymap_file(path)
    assert wanted == {"desk.take_next": "f12", "desk.nope": "f11", "desk.hold": "f5"}
    assert len(problems) == 1 and "desk.pause" in problems[0]
    scope = [Binding("f2", "take_next", "Take", id="desk.take_next"),
             Binding("f3", "hold", "Hold", id="desk.hold"),
             Binding("f5", "end_call", "End", id="desk.end_call")]
    checked = check_keymap(wanted, [scope])
    assert checked.keys == {"desk.take_next": "f12"}
    assert any("desk.nope" in p and "unknown" in p for p in checked.problems)
    assert any("desk.hold" in p and "desk.end_call" in p for p in checked.problems)
    broken = tmp_path / "broken.toml"
    broken.write_text("desk.take_next = = f12", encoding="utf-8")
    assert "not valid TOML" in read_keymap_file(broken)[1][0]
    assert read_keymap_file(tmp_path / "missing.toml") == ({}, [])


async def test_a_remapped_key_takes_the_call_and_f1_shows_it(floor_backend, sqlite_url, clock,
                                                              tmp_path, monkeypatch):
    backend, data = floor_backend
    keymap = tmp_path / "keymap.toml"
    keymap.write_text('"desk.save" = "f10"\n"desk.bogus" = "f11"\n', encoding="utf-8")
    monkeypatch.setenv("SEATDESK_KEYMAP", str(keymap))
    agent = data["people"]["agent1"]
    backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        desk = app.screen
        assert any("desk.bogus" in p for p in app.keymap_problems)
        await pilot.press("f2")
        assert await until(app, pilot, lambda: desk.call is not None)
        await settle(app, pilot)
        assert "f10 Save record" in desk.query_one("#keys").plain
        for name, value in (("category", "consultation"), ("disposition", "information"),
                            ("resolved", True)):
            desk.form.query_one(f"#{name}").value = value
        await pilot.press("f1")
        await settle(app, pilot)
        rows = [tuple(str(c) for c in app.screen.query_one(DataTable).get_row_at(i))
                for i in range(app.screen.query_one(DataTable).row_count)]
        assert ("f10", "Save record", "desk.save") in rows
        assert "keymap" in str(app.screen.query_one("#keymap-note").render()).lower()
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("f10")
        assert await until(app, pilot, lambda: desk.call is None)
