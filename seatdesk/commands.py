"""Commands defined in their areas' own modules, added to the `seatdesk` group by cli.py.

Each module listed exports ``COMMANDS: list[click.Command]``.
"""

from __future__ import annotations

from importlib import import_module

import click

COMMAND_MODULES = (
    "seatdesk.staffing.command",
    "seatdesk.data_tools_commands",
    "seatdesk.desk_commands",
    "seatdesk.complaints_commands",
    "seatdesk.qa_commands",
    "seatdesk.roster_commands",
    "seatdesk.reports_commands",
)


def load_commands() -> list[click.Command]:
    commands: list[click.Command] = []
    for name in COMMAND_MODULES:
        try:
            module = import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # an area not built yet
            raise
        commands.extend(getattr(module, "COMMANDS", []))
    return commands
