"""The desk's heartbeat: a sign of life every few seconds, so a dead seat is noticed.

A desk killed with kill -9, a machine switched off or cut from the network stops beating;
the timed-rules daemon marks a seat silent past ``SEAT_SILENT_LIMIT`` as lost and repairs
its calls (seatdesk.services.calls.CallService.mark_lost_seats). The beat is a daemon
thread: it dies with the process, which is the point.
"""

from __future__ import annotations

import threading
from typing import Any

HEARTBEAT_SECONDS = 15.0


class Heartbeat:
    """Beats for one signed-in seat until stopped (or until the process dies)."""

    def __init__(self, backend: Any, actor: Any, interval: float = HEARTBEAT_SECONDS) -> None:
        self.backend = backend
        self.actor = actor
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)

    def start(self) -> Heartbeat:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.backend.agents.heartbeat(self.actor)
            except Exception:  # noqa: BLE001, S110 - boundary (heartbeat thread): an outage: the next beat retries
                pass
            self._stop.wait(self.interval)
