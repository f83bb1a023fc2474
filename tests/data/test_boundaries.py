"""The data layer and pure-logic modules never import textual (checked in a clean process)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import seatdesk
import seatdesk.data

PURE = ["seatdesk.phone", "seatdesk.text", "seatdesk.clock", "seatdesk.config", "seatdesk.i18n"]
OPTIONAL_PURE = ["seatdesk.staffing", "seatdesk.kpi", "seatdesk.qa_scoring", "seatdesk.duetime",
                 "seatdesk.roster", "seatdesk.scripts", "seatdesk.journal",
                 "seatdesk.callback_rules", "seatdesk.workcalendar", "seatdesk.qa_forms"]


def _data_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(seatdesk.data.__path__, "seatdesk.data."):
        if ".migrations" in info.name:
            continue
        names.append(info.name)
    return names


def test_data_layer_and_pure_logic_do_not_import_textual():
    import importlib.util

    modules = _data_modules() + PURE + [
        m for m in OPTIONAL_PURE if importlib.util.find_spec(m) is not None
    ]
    assert "seatdesk.data.services.calls" in modules
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "", f"textual imported by the data layer: {out.stdout}"


def test_boundary_check_can_fail():
    # The same probe sees textual when a UI module is imported: the check is real.
    code = "import sys, seatdesk.app\nprint('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "True"
    assert seatdesk.__version__
