"""Benchmark: start-up as a user feels it, in a real terminal (a pseudo-terminal, 120x40).

Both programs are started as new processes on the same pty and timed from the fork to the
moment their text reaches the terminal:

- baseline: a bare Textual app (one Static), run the normal way (``App.run``);
- the desk: the real command a seat runs, ``seatdesk --db URL demo --as bench_agent
  --rate 0 --no-ring`` over a ready database (10,000 customers, 20 callers waiting):

  - "desk painted": the desk's frame is on the terminal (its panes and titles, the seat
    status saying "connecting"), the figure the issue targets (<= 1.5x the bare app);
  - "queue and status loaded": the seat is logged in and shows "available" with the live
    queue (database opened, migrations checked, user signed in, queue read);
  - "record form ready": the call record's fields are drawn (they are built after the
    first paint).

Rounds alternate bare and desk so machine noise hits both alike; medians are reported.
Run: ``python bench/bench_startup.py [--rounds N]``; ``run(quick)`` returns the dictionary.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import select
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import spawn_on_terminal, write_json  # noqa: E402

# Terminal control sequences (CSI, OSC, charset, keypad), removed to find the painted text.
ESCAPES = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]"
                     rb"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
                     rb"|\x1b[()][0-9A-Za-z]|\x1b[=>78]")

# What each mark waits for on the terminal, per language of the desk: the record pane's
# title (the desk's frame), the seat's state once signed in, a field of the record form.
MARKS = {
    "en": {"painted": b"Call record", "loaded": b"available", "form": b"Disposition"},
    "zh": {"painted": "通话记录".encode(), "loaded": "空闲".encode(),
           "form": "处理结果".encode()},
}

BARE_APP = """
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("bare-app-painted")

Bare().run()
"""


def terminal_run(argv: list[str], marks: dict[str, bytes], env: dict[str, str],
                 timeout: float = 30.0, size: tuple[int, int] = (120, 40)) -> dict[str, float]:
    """Milliseconds from fork to the first time each mark's text is on the terminal."""
    started = time.perf_counter()
    pid, fd = spawn_on_terminal(argv, env, size)
    seen: dict[str, float] = {}
    screen = b""
    deadline = started + timeout
    try:
        while len(seen) < len(marks) and time.perf_counter() < deadline:
            ready, _w, _x = select.select([fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:
                break
            if not chunk:
                break
            now = (time.perf_counter() - started) * 1000
            screen += chunk
            # Only the new output (and a little before it, for a sequence or a word split
            # between reads): a slow reader would hold up the writer it is timing.
            text = ESCAPES.sub(b"", screen[-(len(chunk) + 512):])
            for name, needle in marks.items():
                if name not in seen and needle in text:
                    seen[name] = now
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    missing = [name for name in marks if name not in seen]
    if missing:
        tail = ESCAPES.sub(b"", screen)[-600:].decode("utf-8", "replace")
        raise RuntimeError(f"{argv[0]}: never showed {missing}; the terminal ended with {tail!r}")
    return seen


def prepared_database(workdir: Path, customers: int) -> str:
    """A ready demo-style database the desk opens (SQLite, like the embedded default)."""
    from bench.bench_desk import bulk_customers
    from seatdesk.data.migrate import upgrade
    from seatdesk.exchange.seed import ensure_reference_data
    from seatdesk.services.container import Backend
    from seatdesk.services.dto import SYSTEM

    url = f"sqlite:///{workdir / 'startup.db'}"
    backend = Backend.open(url)
    upgrade(backend.db)
    ensure_reference_data(backend)
    backend.users.add_user("bench_agent", name="Bench", role="agent", password="secret123",
                           agent_no="9024")
    backend.scripts.ensure_defaults(SYSTEM)
    bulk_customers(backend, customers)
    for i in range(20):
        backend.calls.offer_inbound(SYSTEM, f"+8613900{i:06d}", "general")
    backend.close()
    return url


def run(quick: bool = False, rounds: int | None = None, customers: int = 10_000
        ) -> dict[str, Any]:
    """The figures; ``quick``: fewer rounds (as ``python -m bench`` asks of every area)."""
    rounds = rounds or (5 if quick else 9)
    # Byte-compiled like an installed package (and like Textual in site-packages): an
    # editable checkout under PYTHONDONTWRITEBYTECODE would otherwise compile every module
    # on every start, which no user's installed desk does.
    compileall.compile_dir(str(ROOT / "seatdesk"), quiet=1)
    workdir = Path(tempfile.mkdtemp(prefix="seatdesk-bench-startup-"))
    url = prepared_database(workdir, customers)
    # The console script installed beside this Python (not a shim such as pyenv's, whose
    # own start-up is not the desk's).
    beside = Path(sys.executable).parent / "seatdesk"
    seatdesk = str(beside) if beside.exists() else (shutil.which("seatdesk") or "seatdesk")
    # SEATDESK_BIN: another build's command (an older commit's launcher) measured against
    # the same bare app in the same conditions, for before/after comparisons.
    seatdesk = os.environ.get("SEATDESK_BIN") or seatdesk
    env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor",
           "SEATDESK_HOME": str(workdir / "home"), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("TEXTUAL", None)
    bare_argv = [sys.executable, "-c", BARE_APP]
    report: dict[str, Any] = {"rounds": rounds, "customers": customers, "target_ratio": 1.5,
                              "languages": {}}
    for lang, marks in MARKS.items():
        desk_argv = [seatdesk, "--db", url, "--lang", lang, "demo", "--as", "bench_agent",
                     "--rate", "0", "--no-ring"]
        report["command"] = " ".join(["seatdesk", *desk_argv[1:]])
        # One unmeasured run of each: warms the page cache for both alike.
        terminal_run(bare_argv, {"painted": b"bare-app-painted"}, env)
        terminal_run(desk_argv, marks, env)
        samples: dict[str, list[float]] = {"bare": [], "painted": [], "loaded": [], "form": []}
        for _ in range(rounds):
            bare = terminal_run(bare_argv, {"painted": b"bare-app-painted"}, env)
            desk = terminal_run(desk_argv, marks, env)
            samples["bare"].append(bare["painted"])
            for key in ("painted", "loaded", "form"):
                samples[key].append(desk[key])
        med = {k: statistics.median(v) for k, v in samples.items()}
        report["languages"][lang] = {
            "bare_textual_ms": round(med["bare"], 1),
            "desk_painted_ms": round(med["painted"], 1),
            "desk_painted_ratio": round(med["painted"] / med["bare"], 2),
            "queue_and_status_loaded_ms": round(med["loaded"], 1),
            "queue_and_status_loaded_ratio": round(med["loaded"] / med["bare"], 2),
            "record_form_ready_ms": round(med["form"], 1),
            "record_form_ready_ratio": round(med["form"] / med["bare"], 2),
            "samples_ms": {k: [round(x, 1) for x in v] for k, v in samples.items()},
        }
    shutil.rmtree(workdir, ignore_errors=True)
    return report


def _print(report: dict[str, Any]) -> None:
    print(f"start-up in a terminal (120x40), median of {report['rounds']} rounds")
    for lang, r in report["languages"].items():
        print(f"  [{lang}] bare Textual app painted    {r['bare_textual_ms']:>8} ms   1.00x")
        print(f"  [{lang}] desk painted                {r['desk_painted_ms']:>8} ms   "
              f"{r['desk_painted_ratio']:.2f}x  (target {report['target_ratio']}x)")
        print(f"  [{lang}] queue and status loaded     {r['queue_and_status_loaded_ms']:>8} ms   "
              f"{r['queue_and_status_loaded_ratio']:.2f}x")
        print(f"  [{lang}] call record form ready      {r['record_form_ready_ms']:>8} ms   "
              f"{r['record_form_ready_ratio']:.2f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--customers", type=int, default=10_000)
    args = parser.parse_args(argv)
    report = run(rounds=args.rounds, customers=args.customers)
    _print(report)
    print(f"written {write_json(report, 'startup').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
