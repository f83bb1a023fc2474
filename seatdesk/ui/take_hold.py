"""Small state objects of the desk, kept on the UI thread and tested without a terminal.

``TakeHold``: while an F2/Enter take or a ring pop is in flight, the queue and status
refreshes wait (bounded, so a lost reply cannot stall them) and run once it is shown.
``Coalescing``: one refresh at a time; a request made while one runs re-arms it once after.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

# While F2 is in flight the refreshes wait (at most this long): the claim's own commit wakes
# the change feed, and re-querying then would compete with the pop.
TAKE_HOLD_SECONDS = 2.0


@dataclass
class Held:
    """What a take held back, to run now."""

    queue: bool
    status: bool


@dataclass
class TakeHold:
    clock: Callable[[], float] = time.monotonic
    hold_seconds: float = TAKE_HOLD_SECONDS
    since: float | None = None
    queue_waiting: bool = False
    status_waiting: bool = False

    def begin(self) -> None:
        """A take (or a ring pop) starts now."""
        self.since = self.clock()

    @property
    def active(self) -> bool:
        since = self.since
        return since is not None and self.clock() - since < self.hold_seconds

    def hold(self, *, queue: bool = False, status: bool = False) -> None:
        """Refreshes asked for meanwhile: run when the take ends."""
        self.queue_waiting = self.queue_waiting or queue
        self.status_waiting = self.status_waiting or status

    def end(self) -> bool:
        """The take is over; False if none was in flight (nothing to do)."""
        if self.since is None:
            return False
        self.since = None
        return True

    def release(self) -> Held:
        """The refreshes held back (and forget them)."""
        held = Held(self.queue_waiting, self.status_waiting)
        self.queue_waiting = self.status_waiting = False
        return held


@dataclass
class Coalescing:
    """At most one refresh running; requests meanwhile become one more run after it."""

    running: bool = False
    again: bool = False

    def request(self) -> bool:
        """True: start a refresh now; False: one runs, it will re-arm when it finishes."""
        if self.running:
            self.again = True
            return False
        self.running = True
        self.again = False
        return True

    def finished(self) -> bool:
        """The refresh finished; True: start another now (it was asked for meanwhile)."""
        self.running = False
        if self.again:
            self.again = False
            self.running = True
            return True
        return False
