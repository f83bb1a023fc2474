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


def test_nothing_above_the_data_layer_sniffs_the_drivers_errors() -> None:
    """The data layer turns driver errors into the project's own (DatabaseUnavailable,
    DatabaseRefused, DuplicateRecord) where they happen; nobody above imports them."""
    import ast

    sniffing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.relative_to(PACKAGE).parts[0] == "data":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            sniffing += [f"{path.relative_to(PACKAGE.parent)}: {n}" for n in names
                         if n.startswith(("sqlalchemy.exc", "psycopg.errors", "sqlite3"))]
    assert sniffing == []
