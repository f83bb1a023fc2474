"""`seatdesk demo` as a newcomer runs it: a real process in a terminal, nothing set up."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

from bench.bench_startup import terminal_run


def test_demo_seeds_signs_in_and_rings_the_seat(tmp_path: Path):
    home = tmp_path / "home"
    env = {**os.environ, "SEATDESK_HOME": str(home), "TERM": "xterm-256color"}
    env.pop("SEATDESK_DB", None)
    argv = [sys.executable, "-m", "seatdesk", "--lang", "en", "demo", "--customers", "300",
            "--days", "1", "--rate", "240", "--patience", "60"]
    # "Queue · N waiting" is the queue pane's title once the seat has signed in and read it.
    loaded = "Queue ·".encode()
    seen = terminal_run(argv, {"desk": b"Call record", "signed in": loaded,
                               "rings": b"ringing"}, env, timeout=60)
    assert seen["desk"] <= seen["signed in"] <= seen["rings"]
    db = home / "demo.db"
    assert db.exists()
    with sqlite3.connect(db) as conn:
        customers = conn.execute("SELECT count(*) FROM customers").fetchone()[0]
        rung = conn.execute("SELECT count(*) FROM call_events WHERE kind = 'offered' "
                            "AND detail = 'ring'").fetchone()[0]
    assert customers == 300 and rung >= 1
    # A second start reuses the database: no second seeding, straight to the desk.
    again = terminal_run(argv, {"desk": b"Call record", "signed in": loaded}, env, timeout=60)
    assert again["signed in"] > 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM customers").fetchone()[0] == 300
