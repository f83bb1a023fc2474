"""Commands defined in their areas' own modules, added to the `seatdesk` group by cli.py.

Each module listed exports ``COMMANDS: list[click.Command]`` (top-level commands) and
may export ``SUBCOMMANDS: dict[str, list[click.Command]]`` for the shared groups
``export``, ``import`` and ``report`` (e.g. {"export": [export_complaints]}).

A module is imported only when one of its commands is run (``COMMAND_HOMES``), or when
help or a shared group needs them all: `seatdesk run` should not pay for the staffing
solver's imports before its first paint.
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


# Which module defines each top-level command (a test checks this against the modules).
COMMAND_HOMES = {
    "staffing": "seatdesk.staffing.command",
    "seed": "seatdesk.data_tools_commands",
    "run": "seatdesk.desk_commands",
    "demo": "seatdesk.desk_commands",
    "scripts": "seatdesk.desk_commands",
    "worker": "seatdesk.complaints_commands",
    "complaint": "seatdesk.complaints_commands",
    "qa": "seatdesk.qa_commands",
    "forecast": "seatdesk.roster_commands",
    "roster": "seatdesk.roster_commands",
}


def load_commands(
    modules: tuple[str, ...] = COMMAND_MODULES,
) -> tuple[list[click.Command], dict[str, list[click.Command]]]:
    commands: list[click.Command] = []
    subcommands: dict[str, list[click.Command]] = {}
    for name in modules:
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
