"""The seat process's native heap: fewer malloc arenas, freed pages given back (issue 19).

A seat host runs hundreds of desks, so what one desk keeps resident is multiplied by the
floor (bench/bench_memory.py). Two glibc behaviours cost a desk megabytes it never uses:

- every thread that allocates gets its own malloc arena (up to 8 per core); a desk has
  nine threads (Textual's input and output, the worker pool, the change feed, the
  heartbeat), and each arena keeps the pages its peak needed;
- memory freed after start-up (import-time temporaries, the first queries' buffers) stays
  in the heap until something calls ``malloc_trim``.

Both calls are glibc's; elsewhere (macOS, musl) they are skipped and nothing changes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc

# glibc's mallopt parameter number for M_ARENA_MAX (malloc.h).
_M_ARENA_MAX = -8
# Two arenas: the UI thread and one shared by the desk's background threads. Measured on
# bench_memory: about 4 MiB less per seat than the default, no slower start-up.
SEAT_ARENAS = 2


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None


def cap_arenas(arenas: int = SEAT_ARENAS) -> bool:
    """Limit malloc to ``arenas`` arenas; call before the desk starts its threads."""
    libc = _libc()
    return bool(libc is not None and libc.mallopt(_M_ARENA_MAX, arenas) == 1)


def settle_after_start_up() -> bool:
    """Free start-up's garbage, then exempt what is left from the collector, and give the
    freed pages back to the system.

    Collection was paused while the desk started (seatdesk.cli.desk): cycles left then
    would, once frozen, never be collected, so they are collected first (once, at rest).
    """
    gc.collect()
    gc.freeze()
    gc.enable()
    return give_back_freed_memory()


def give_back_freed_memory() -> bool:
    """Return the heap's free pages to the system (``malloc_trim``); True if any went."""
    libc = _libc()
    return bool(libc is not None and libc.malloc_trim(0))
