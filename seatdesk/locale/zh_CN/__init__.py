"""简体中文 catalogue, one module per area of the product (merged here)."""

from __future__ import annotations

from importlib import import_module

# Each area keeps its own messages so parallel work never edits one shared file.
AREAS = ("common", "desk", "cli", "data_tools", "complaints", "qa", "roster", "reports", "admin",
         "staffing", "telephony", "integrity")

MESSAGES: dict[str, str] = {}
for _area in AREAS:
    try:
        _module = import_module(f"{__name__}.{_area}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{_area}":
            raise
        continue
    MESSAGES.update(_module.MESSAGES)
