"""A desk ends with the process that gave it its terminal, however that process ends.

A desk forked by the seat host, or started by `seatdesk serve` for a browser, has no
controlling terminal that would tell it its seat is gone: a parent killed outright
(SIGKILL, the OOM killer) left desks running, signed in and available to the ACD, with
nobody at the keys. The kernel's parent-death signal (prctl PR_SET_PDEATHSIG) sends the
desk SIGHUP when its parent ends, which ends it as a closed terminal does.
"""

from __future__ import annotations

import os
import signal

# prctl(2): PR_SET_PDEATHSIG.
_PR_SET_PDEATHSIG = 1
# The variable `seatdesk serve` sets for its browser sessions' desks: the server's pid.
HANG_UP_WITH_ENV = "SEATDESK_HANG_UP_WITH"


def hang_up_with(parent_pid: int) -> bool:
    """SIGHUP this process when its parent (``parent_pid``) ends; True if armed.

    The signal follows the thread that forked this process, so the parent must be
    single-threaded at the fork or fork from its main thread (the seat host is; asyncio's
    subprocesses in textual-serve are started from the loop's thread, which is its main).
    """
    import ctypes  # here: only a desk that has a parent to follow loads it

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        armed = bool(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGHUP, 0, 0, 0) == 0)
    except (OSError, AttributeError):  # not Linux: nothing to arm
        return False
    if os.getppid() != parent_pid:  # the parent ended before the call: nobody will signal
        os.kill(os.getpid(), signal.SIGHUP)
    return armed


def hang_up_with_server() -> None:
    """In a browser session's desk: end with `seatdesk serve` (its pid in the environment).

    The variable is removed at once, so nothing the desk starts inherits it.
    """
    value = os.environ.pop(HANG_UP_WITH_ENV, "")
    if not value.isdigit():
        return
    server = int(value)
    if server != os.getppid() and _alive(server):
        # Inherited from further up (a seat host started from a served session's shell, a
        # test run's environment): that process is not this desk's parent, and this desk
        # must not hang itself up for it. (A dead one is this desk's server, gone already.)
        return
    hang_up_with(server)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # PermissionError: someone else's process, alive
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Linux's /proc children lists), children first; none
    where there is no /proc or the process is gone."""
    from pathlib import Path

    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [p for child in map(int, children) for p in (child, *descendants(child))]
