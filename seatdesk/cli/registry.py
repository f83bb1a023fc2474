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
    "seatdesk.cli.staffing",
    "seatdesk.cli.data_tools",
    "seatdesk.cli.desk",
    "seatdesk.cli.daemon",
    "seatdesk.cli.complaints",
    "seatdesk.cli.qa",
    "seatdesk.cli.roster",
    "seatdesk.cli.reports",
    "seatdesk.cli.phone",
    "seatdesk.cli.admin",
    "seatdesk.cli.serve",
    "seatdesk.cli.events",
    "seatdesk.cli.seat_host",
)


# Which module defines each top-level command (a test checks this against the modules).
COMMAND_HOMES = {
    "staffing": "seatdesk.cli.staffing",
    "seed": "seatdesk.cli.data_tools",
    "run": "seatdesk.cli.desk",
    "demo": "seatdesk.cli.desk",
    "scripts": "seatdesk.cli.desk",
    "worker": "seatdesk.cli.daemon",
    "complaint": "seatdesk.cli.complaints",
    "qa": "seatdesk.cli.qa",
    "forecast": "seatdesk.cli.roster",
    "roster": "seatdesk.cli.roster",
    "phone": "seatdesk.cli.phone",
    "bootstrap": "seatdesk.cli.admin",
    "login": "seatdesk.cli.admin",
    "logout": "seatdesk.cli.admin",
    "password": "seatdesk.cli.admin",
    "system-secret": "seatdesk.cli.admin",
    "user": "seatdesk.cli.admin",
    "queue": "seatdesk.cli.admin",
    "team": "seatdesk.cli.admin",
    "serve": "seatdesk.cli.serve",
    "events": "seatdesk.cli.events",
    "seat-host": "seatdesk.cli.seat_host",
    "attach": "seatdesk.cli.seat_host",
}


def load_commands(
    modules: tuple[str, ...] = COMMAND_MODULES,
) -> tuple[list[click.Command], dict[str, list[click.Command]]]:
    commands: list[click.Command] = []
    subcommands: dict[str, list[click.Command]] = {}
    for name in modules:
        module = import_module(name)
        commands.extend(getattr(module, "COMMANDS", []))
        for group, extra in getattr(module, "SUBCOMMANDS", {}).items():
            subcommands.setdefault(group, []).extend(extra)
    return commands, subcommands
