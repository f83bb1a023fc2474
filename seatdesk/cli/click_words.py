"""click's own words (errors, usage, help headings), listed for the catalogue.

click writes them through the stdlib's global gettext, which ``seatdesk.domain.i18n``
points at seatdesk's catalogue; the msgids are click's English, marked here so
``pybabel extract`` keeps them (tests/cli/test_cli_zh.py shows them in Chinese).
"""

from __future__ import annotations

from seatdesk.domain.i18n import N_

CLICK_WORDS = (
    N_("Error: {message}"), N_("Usage:"), N_("Try '{command} {option}' for help."),
    N_("Options"), N_("Commands"), N_("Show this message and exit."),
    N_("Show the version and exit."), N_("Missing option"), N_("Missing argument"),
    N_("Missing parameter"), N_("Missing command."), N_("Missing {param_type}"),
    N_("Missing parameter: {param_name}"), N_("Invalid value for {param_hint}: {message}"),
    N_("Invalid value: {message}"), N_("No such command {name!r}."),
    N_("No such option {name!r}."), N_("Option {name!r} does not take a value."),
    N_("{value!r} is not a valid {number_type}."), N_("{value} is not in the range {range}."),
    N_("Choose from:\n\t{choices}"), N_("Aborted!"), N_("default: {default}"),
    N_("{name} {filename!r} does not exist."), N_("{name} {filename!r} is a directory."),
    N_("{name} {filename!r} is not readable."), N_("{name} {filename!r} is not writable."),
    N_("Could not open file {filename!r}: {message}"), N_("file"), N_("directory"),
    N_("path"), N_("integer"), N_("float"), N_("Option"), N_("Argument"), N_("Parameter"),
    # an option's notes in --help: [required], [env var: SEATDESK_DB], [default: (dynamic)]
    N_("required"), N_("env var: {var}"), N_("(dynamic)"), N_("deprecated"),
)
