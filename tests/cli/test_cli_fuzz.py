"""Every command with garbage and extreme values: no traceback, no hang (a property test).

Hypothesis picks a command, some of its options and arguments, and values from the
kinds that broke it before (huge and special numbers, empty and over-long text, escape
sequences, dates at the ends of the calendar, paths that do not exist). The command runs
in-process (click's CliRunner) in a scratch folder, so nothing it writes escapes.

Not fuzzed: `run`, `demo` and `serve` open the full-screen desk (tests/ui covers them).
`worker` always gets --once and `simulate` a one-second --duration, or they would run
until stopped, which is what they are for.
"""

from __future__ import annotations

import os
import time

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seatdesk.cli.main import main
from seatdesk.services.container import Backend
from tests.factories import floor

# Full-screen or serving until stopped: tested on real terminals elsewhere
# (tests/cli/test_seat_host.py, test_ssh_seat.py, tests/ui/test_browser_seat.py).
INTERACTIVE = {"run", "demo", "serve", "seat-host", "attach"}
SECONDS_PER_RUN = 15.0

VALUES = st.one_of(
    st.sampled_from([
        "", " ", "0", "-1", "1", "999999999999", "99999999999999999999999", "1e999", "-1e999",
        "nan", "inf", "1e12", "0.0000001", "0001-01-01", "9999-12-31", "2026-02-30",
        "today", "今天", "x" * 3000, "\x1b]0;pwned\x07\x1b[2J", "a\x00b", "../../etc/passwd",
        "/no/such/folder/file.csv", "Mars/Olympus", "UTC", "[bold]x[/]", "agent1", "super1",
        "general", "csv", "json", "xlsx", "table", "agent", "day",
    ]),
    st.text(max_size=40),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)


def _commands(group: click.Group, ctx: click.Context,
              prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    found: list[tuple[tuple[str, ...], click.Command]] = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or (not prefix and name in INTERACTIVE):
            continue
        if isinstance(command, click.Group):
            found.extend(_commands(command, ctx, (*prefix, name)))
        else:
            found.append(((*prefix, name), command))
    return found


with click.Context(main) as _ctx:
    COMMANDS = _commands(main, _ctx)


@st.composite
def invocations(draw: st.DrawFn) -> list[str]:
    path, command = draw(st.sampled_from(COMMANDS))
    args = list(path)
    for param in command.params:
        if isinstance(param, click.Option) and param.opts[0] in ("--help",):
            continue
        if isinstance(param, click.Argument):
            args.append(draw(VALUES))
        elif draw(st.booleans()):
            if param.is_flag:
                args.append(param.opts[0])
            else:
                args.extend([param.opts[0], draw(VALUES)])
    names = {o for p in command.params for o in getattr(p, "opts", [])}
    if "--as" in names and "--as" not in args:
        args.extend(["--as", "super1"])
    if path == ("worker",):
        args.append("--once")
    if path == ("simulate",):
        args.extend(["--duration", "1"])
    return args


@pytest.fixture
def fuzz_db(sqlite_url: str) -> str:
    backend = Backend.open(sqlite_url)
    try:
        floor(backend)
    finally:
        backend.close()
    return sqlite_url


def test_the_command_list_is_complete():
    names = {" ".join(path) for path, _command in COMMANDS}
    assert {"export calls", "report kpi", "call abandon", "seed", "worker", "simulate",
            "staffing", "user list", "db upgrade"} <= names, names


@settings(max_examples=int(os.environ.get("SEATDESK_FUZZ_EXAMPLES", "120")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(args=invocations())
def test_no_command_tracebacks_or_hangs_on_garbage(fuzz_db, tmp_path_factory, args):
    runner = CliRunner()
    scratch = tmp_path_factory.mktemp("fuzz")
    started = time.monotonic()
    with runner.isolated_filesystem(temp_dir=scratch):
        result = runner.invoke(main, ["--db", fuzz_db, "--lang", "en", *args], input="")
    took = time.monotonic() - started
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"traceback for {args!r}") from result.exception
    assert "Traceback" not in result.output, (args, result.output)
    assert took < SECONDS_PER_RUN, (args, took)
    if result.exit_code != 0:
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert lines, f"{args!r} failed without saying why"
