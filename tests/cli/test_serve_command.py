"""`seatdesk serve`: localhost unless told, one `seatdesk run` per session, no secrets passed on."""

from __future__ import annotations

import os
import shlex
import sys

from click.testing import CliRunner

from seatdesk.cli.main import main


def test_serve_listens_on_localhost_and_passes_no_secrets(sqlite_url, monkeypatch):
    import textual_serve.server

    made: list[dict[str, object]] = []

    class FakeServer:
        def __init__(self, command: str, **kw: object) -> None:
            made.append({"command": command, **kw,
                         "env": {k: v for k, v in os.environ.items()
                                 if k.startswith("SEATDESK_")}})

        def serve(self) -> None:
            pass

    monkeypatch.setattr(textual_serve.server, "Server", FakeServer)
    # serve sets the sessions' environment in this process: restored after the test.
    monkeypatch.setenv("SEATDESK_DB", "")
    monkeypatch.setenv("SEATDESK_LANG", "en")
    monkeypatch.setenv("SEATDESK_PASSWORD", "leaky-password")
    monkeypatch.setenv("SEATDESK_SYSTEM_SECRET", "leaky-secret")
    monkeypatch.setenv("SEATDESK_USER", "root")
    # serve also names itself for its desks and says their colour depth: restored too (left
    # set, they reached every later test's processes on this worker).
    monkeypatch.setenv("SEATDESK_HANG_UP_WITH", "")
    monkeypatch.setenv("COLORTERM", "")
    result = CliRunner().invoke(main, ["--db", sqlite_url, "serve"])
    assert result.exit_code == 0, result.output
    (server,) = made
    assert server["host"] == "127.0.0.1" and server["port"] == 8000
    # exec: the desk is the server's own child, and ends with it however it ends.
    assert shlex.split(str(server["command"])) == ["exec", sys.executable, "-m", "seatdesk",
                                                   "run"]
    env = server["env"]
    assert isinstance(env, dict)
    assert env["SEATDESK_DB"] == sqlite_url  # in the environment, not on the command line
    assert not {"SEATDESK_PASSWORD", "SEATDESK_SYSTEM_SECRET", "SEATDESK_USER"} & set(env)
    result = CliRunner().invoke(main, ["--db", sqlite_url, "serve", "--host", "0.0.0.0",
                                       "--port", "8443"])
    assert made[-1]["host"] == "0.0.0.0" and made[-1]["port"] == 8443
    CliRunner().invoke(main, ["--db", sqlite_url, "serve", "--seat-host"])
    assert shlex.split(str(made[-1]["command"]))[-2:] == ["attach", "run"]


def test_a_desk_hangs_up_only_with_its_own_parent():
    """A desk that inherited a served session's variable from further up (its parent is
    not that server) hung itself up at once: a browser seat's desk forked by a seat host
    that had the variable in its environment died before its first byte (CI, seen failing
    first). It ignores a live process that is not its parent."""
    import subprocess

    code = ("import os, sys; from seatdesk.runtime.hang_up import hang_up_with_server; "
            "os.environ['SEATDESK_HANG_UP_WITH'] = '1'; hang_up_with_server(); print('alive')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 0 and done.stdout.strip() == "alive", done


def test_a_served_desk_draws_in_24_bit_colour(sqlite_url, monkeypatch):
    """A browser's xterm.js shows 24-bit colour. A desk forked by the seat host cannot take
    textual-serve's TEXTUAL_COLOR_SYSTEM (Textual read it when the host imported it), so the
    sessions' environment says COLORTERM=truecolor, which the desk's console detects."""
    from seatdesk.cli.serve import session_environment
    from seatdesk.services.settings import Settings
    from seatdesk.ui.app import SeatdeskApp

    monkeypatch.delenv("COLORTERM", raising=False)
    monkeypatch.setenv("TERM", "xterm")  # a service's environment: no colour depth said
    monkeypatch.setenv("SEATDESK_DB", "")
    monkeypatch.setenv("SEATDESK_LANG", "en")
    monkeypatch.setenv("SEATDESK_HANG_UP_WITH", "")
    before = SeatdeskApp(lambda: None, Settings(db_url=sqlite_url)).console.color_system
    session_environment(sqlite_url, "en")
    after = SeatdeskApp(lambda: None, Settings(db_url=sqlite_url)).console.color_system
    assert (before, after) == ("standard", "truecolor")


def test_serve_refuses_a_database_that_is_not_ready(tmp_path):
    result = CliRunner().invoke(main, ["--db", f"sqlite:///{tmp_path / 'empty.db'}", "serve"])
    assert result.exit_code != 0 and "db upgrade" in result.output
