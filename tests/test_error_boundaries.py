"""``except Exception`` only at true boundaries, each saying why it is one.

A true boundary is where an unexpected error must not end something bigger: the top of a
worker thread, the timed-rules daemon's loop, the phone bridge, start-up. Everywhere else a
handler names the errors it expects (``SeatdeskError``, ``DatabaseUnavailable``, ``NoMatches``).
"""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "seatdesk"
CATCH_ALL = re.compile(r"^\s*except (Exception|BaseException)\b|^\s*except\s*:")
MARK = "boundary"


def test_every_catch_all_is_a_boundary_that_says_why() -> None:
    unmarked = []
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for n, line in enumerate(lines):
            if CATCH_ALL.match(line) and MARK not in line and MARK not in lines[n - 1]:
                unmarked.append(f"{path.relative_to(PACKAGE.parent)}:{n + 1}: {line.strip()}")
    assert unmarked == [], "catch-alls that are not marked as a boundary:\n" + "\n".join(
        unmarked)
