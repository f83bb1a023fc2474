"""The supervisors' scripts screen, and the desk's Chinese catalogue being complete."""

from __future__ import annotations

import ast
from pathlib import Path

from textual.widgets import DataTable, Input

from seatdesk.domain.i18n import has_translation
from seatdesk.services.container import Backend
from seatdesk.services.settings import Settings
from seatdesk.ui.app import SeatdeskApp
from seatdesk.ui.screens.scripts import ScriptsScreen
from tests.ui.desk_support import desk_floor, settle

ROOT = Path(__file__).resolve().parents[2]
# The desk is a package of parts (seatdesk/ui/screens/desk/): every module of it.
DESK_PARTS = sorted(f"seatdesk/ui/screens/desk/{p.name}"
                    for p in (ROOT / "seatdesk/ui/screens/desk").glob("*.py"))
DESK_FILES = [*DESK_PARTS, "seatdesk/ui/dialogs/desk.py",
              "seatdesk/ui/screens/scripts.py", "seatdesk/cli/desk.py",
              "seatdesk/ui/widgets/queue_table.py", "seatdesk/ui/widgets/customer_card.py",
              "seatdesk/ui/widgets/script_pane.py", "seatdesk/ui/widgets/wrap_up_form.py",
              "seatdesk/ui/widgets/status_bar.py", "seatdesk/ui/screens/callbacks.py",
              "seatdesk/ui/app.py", "seatdesk/ui/keymap.py", "seatdesk/ui/screens/help.py",
              "seatdesk/ui/widgets/key_bar.py", "seatdesk/ui/dialogs/drafts.py"]


def _message_ids(path: Path) -> set[str]:
    ids: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "_" and node.args \
                and isinstance(node.args[0], ast.Constant):
            ids.add(node.args[0].value)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Binding" \
                and len(node.args) >= 3 and isinstance(node.args[2], ast.Constant):
            ids.add(node.args[2].value)  # binding descriptions are translated at start-up
    return ids


def test_every_desk_string_has_a_chinese_translation():
    missing = {m for f in DESK_FILES for m in _message_ids(ROOT / f) if not has_translation(m)}
    assert not missing


async def test_supervisor_imports_and_exports_scripts(sqlite_url, clock, tmp_path):
    backend = Backend.open(sqlite_url, clock)
    data = desk_floor(backend)
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=data["people"]["super1"],
                      clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_screen("scripts")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ScriptsScreen)
        rows = screen.query_one("#versions", DataTable).row_count
        assert rows == len(backend.scripts.versions(data["people"]["super1"]))
        path = tmp_path / "out.toml"
        screen.query_one("#path", Input).value = str(path)
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        assert path.read_text(encoding="utf-8").count("[[script]]") == rows
        path.write_text(path.read_text(encoding="utf-8").replace("Order script", "Orders"),
                        encoding="utf-8")
        await pilot.press("ctrl+o")
        await settle(app, pilot, rounds=5)
        assert screen.query_one("#versions", DataTable).row_count == rows + 1
        bad = tmp_path / "bad.toml"
        bad.write_text("[[script]]\ncategory = 'order'\nlang = 'xx'\ntitle = 't'\n")
        screen.query_one("#path", Input).value = str(bad)
        await pilot.press("ctrl+o")
        await settle(app, pilot)
        assert "lang must be zh or en" in str(screen.query_one("#scripts-message").render())
    assert backend.scripts.published("order", "en").title == "Orders"
    backend.close()
