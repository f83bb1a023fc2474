"""The data layer and pure-logic modules never import textual (checked in a clean process)."""

from __future__ import annotations

import pkgutil

import seatdesk
import seatdesk.data
from tests.probes import loaded_after_importing

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
    bad = sorted(m for m in loaded_after_importing(modules)
                 if m == "textual" or m.startswith("textual."))
    assert bad == [], f"textual imported by the data layer: {bad}"


def test_boundary_check_can_fail():
    # The same probe sees textual when a UI module is imported: the check is real.
    assert "textual" in loaded_after_importing(["seatdesk.app"])
    assert seatdesk.__version__
