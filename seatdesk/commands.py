"""Commands defined in their areas' own modules, added to the `seatdesk` group by cli.py.

Each module listed exports ``COMMANDS: list[click.Command]`` (top-level commands) and
may export ``SUBCOMMANDS: dict[str, list[click.Command]]`` for the shared groups
``export``, ``import`` and ``report`` (e.g. {"export": [export_complaints]}).
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


def load_commands() -> tuple[list[click.Command], dict[str, list[click.Command]]]:
    commands: list[click.Command] = []
    subcommands: dict[str, list[click.Command]] = {}
    for name in COMMAND_MODULES:
        try:
            module = import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # an area not built yet
            raise
        commands.extend(getattr(module, "COMMANDS", []))
        for group, extra in getattr(module, "SUBCOMMANDS", {}).items():
            subcommands.setdefault(group, []).extend(extra)
    return commands, subcommands
