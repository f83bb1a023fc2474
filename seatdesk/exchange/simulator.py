"""A caller simulator for training, demos and load: Poisson arrivals, impatient callers.

Arrivals follow a Poisson process (exponential gaps); each caller's patience is
exponential with the given mean, and a caller still waiting when it runs out hangs up
(abandoned). Most calls come from numbers of existing customers so the screen pop has
someone to show; the rest are unknown numbers.
"""

from __future__ import annotations

import heapq
import random
import time
from dataclasses import dataclass

from sqlalchemy import func, select

from seatdesk.data.models import CustomerPhone, Queue
from seatdesk.domain.i18n import _
from seatdesk.services.container import Backend
from seatdesk.services.dto import SYSTEM


@dataclass
class SimulationStats:
    offered: int = 0
    abandoned: int = 0


class CallSimulator:
    def __init__(self, backend: Backend, *, rate_per_minute: float, mean_patience: float,
                 known_share: float = 0.7, seed: int | None = None, ring: bool = False) -> None:
        """``ring``: arriving calls ring an available seat at once (as an ACD does)."""
        if rate_per_minute <= 0 or mean_patience <= 0:
            raise ValueError(_("rate and patience must be positive"))
        self.backend = backend
        self.rate = rate_per_minute / 60.0
        self.mean_patience = mean_patience
        self.known_share = known_share
        self.ring = ring
        self.rng = random.Random(seed)
        self.stats = SimulationStats()
        self._stop = False
        with backend.db.read() as s:
            self._queues = list(s.scalars(select(Queue.code).where(Queue.active.is_(True))))
            self._phone_count = s.scalar(select(func.count(CustomerPhone.id))) or 0
        if not self._queues:
            raise ValueError(_("no queues: seed the database or add a queue first"))

    def stop(self) -> None:
        self._stop = True

    def _number(self) -> str:
        if self._phone_count and self.rng.random() < self.known_share:
            offset = self.rng.randrange(self._phone_count)
            with self.backend.db.read() as s:
                number = s.scalar(select(CustomerPhone.number).order_by(CustomerPhone.id)
                                  .offset(offset).limit(1))
            if number:
                return number
        return f"+861{self.rng.choice('3578')}{self.rng.randrange(10**9):09d}"

    def step(self, deadlines: list[tuple[float, int]], now: float) -> None:
        """Hang up every caller whose patience ran out by ``now``."""
        while deadlines and deadlines[0][0] <= now:
            _, call_id = heapq.heappop(deadlines)
            if self.backend.calls.mark_abandoned(SYSTEM, call_id):
                self.stats.abandoned += 1

    def run(self, duration: float | None) -> SimulationStats:
        """Run in real time for ``duration`` seconds (None: until stop())."""
        start = time.monotonic()
        next_arrival = start + self.rng.expovariate(self.rate)
        deadlines: list[tuple[float, int]] = []
        while not self._stop:
            now = time.monotonic()
            if duration is not None and now - start >= duration:
                break
            if now >= next_arrival:
                queue = self.rng.choice(self._queues)
                call_id = self.backend.calls.offer_inbound(SYSTEM, self._number(), queue,
                                                           ring=self.ring)
                self.stats.offered += 1
                patience = self.rng.expovariate(1.0 / self.mean_patience)
                heapq.heappush(deadlines, (now + patience, call_id))
                next_arrival += self.rng.expovariate(self.rate)
            self.step(deadlines, now)
            wake = min([next_arrival] + [d[0] for d in deadlines[:1]])
            time.sleep(max(0.0, min(0.2, wake - time.monotonic())))
        return self.stats
