"""No layer below the UI imports textual (checked in a clean process)."""

from __future__ import annotations

import importlib
import pkgutil

import seatdesk
from tests.probes import loaded_after_importing

# Every layer below the UI and the command line; migrations are Alembic's scripts, not modules.
LAYERS = ["seatdesk.domain", "seatdesk.data", "seatdesk.services", "seatdesk.exchange",
          "seatdesk.runtime"]


def _layer_modules() -> list[str]:
    names = []
    for layer in LAYERS:
        package = importlib.import_module(layer)
        names.append(layer)
        for info in pkgutil.walk_packages(package.__path__, layer + "."):
            if ".migrations" not in info.name:
                names.append(info.name)
    return names


def test_data_layer_and_pure_logic_do_not_import_textual():
    modules = _layer_modules()
    assert "seatdesk.services.calls" in modules
    bad = sorted(m for m in loaded_after_importing(modules)
                 if m == "textual" or m.startswith("textual."))
    assert bad == [], f"textual imported by the data layer: {bad}"


def test_boundary_check_can_fail():
    # The same probe sees textual when a UI module is imported: the check is real.
    assert "textual" in loaded_after_importing(["seatdesk.ui.app"])
    assert seatdesk.__version__
