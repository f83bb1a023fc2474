"""What a seat keeps resident (issue 19: memory per seat, bench/bench_memory.py).

Each check runs in a fresh interpreter: what a module imports, and what freezing the
collector keeps, are properties of a whole process.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.probes import loaded_after_importing

# What a signed-in SQLite seat has imported at rest (its desk, services, data layer, feed).
SQLITE_SEAT_MODULES = ["seatdesk.cli.main", "seatdesk.cli.desk", "seatdesk.ui.app",
                       "seatdesk.ui.screens.desk", "seatdesk.services.container",
                       "seatdesk.data.models", "seatdesk.data.changes",
                       "seatdesk.runtime.heartbeat"]


def test_a_sqlite_seat_loads_no_postgresql_driver():
    loaded = loaded_after_importing(SQLITE_SEAT_MODULES)
    assert "sqlalchemy.orm" in loaded  # the probe sees the data layer
    assert "psycopg" not in loaded  # about 6 MiB a SQLite seat never uses
    assert "dateutil.parser" not in loaded  # only a written due date needs it


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, check=True)
    return done.stdout.strip()


def test_settling_frees_start_up_garbage_instead_of_freezing_it():
    out = _run("""
        import gc, weakref
        from seatdesk.runtime.heap import settle_after_start_up

        class Node:
            pass

        gc.disable()  # as seatdesk.cli.desk does while the desk starts
        a, b = Node(), Node()
        a.peer, b.peer = b, a  # a cycle only the collector frees
        gone = weakref.ref(a)
        del a, b
        settle_after_start_up()
        print(gone() is None, gc.isenabled(), gc.get_freeze_count() > 0)
    """)
    assert out == "True True True"


def test_the_seat_heap_is_held_to_few_arenas_on_glibc():
    assert _run("""
        from seatdesk.runtime.heap import cap_arenas, give_back_freed_memory
        print(cap_arenas(), isinstance(give_back_freed_memory(), bool))
    """) == "True True"
