"""What every part of the desk shares: the seat's services for a worker, and the part base.

A worker never reads the desk: it gets a ``Seat`` (the app's services and the signed-in
agent, resolved in the worker's own thread, because at start-up the backend may still be
opening and the sign-in finishing behind the painted desk) and the values it needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import TYPE_CHECKING

from seatdesk.domain.i18n import current_language
from seatdesk.ui.context import seat_app

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from seatdesk.services.container import Backend
    from seatdesk.services.dto import Actor
    from seatdesk.ui.app import SeatdeskApp
    from seatdesk.ui.screens.desk.screen import DeskScreen

# The call states the desk shows as the seat's call (closed and abandoned ones are gone).
LIVE_STATES = ("offered", "active", "held", "wrap_up")


@dataclass(frozen=True)
class Seat:
    """(any thread) The seat's services and agent, read where they are used."""

    app: SeatdeskApp

    @property
    def backend(self) -> Backend:
        return self.app.backend

    @property
    def actor(self) -> Actor:
        """The signed-in agent (in a worker: waits for a background sign-in to finish)."""
        return self.app.session_actor()

    @property
    def tz(self) -> ZoneInfo:
        return self.app.settings.tz

    @property
    def lang(self) -> str:
        return current_language()

    def now(self) -> datetime:
        return self.app.clock()

    def today_start(self) -> datetime:
        """Midnight in the center's zone (today's figures count from it)."""
        local = self.now().astimezone(self.tz)
        return datetime.combine(local.date(), time(0), self.tz)


class Part:
    """One responsibility of the desk: its own state, its workers, its part of the screen.

    A part is a plain object the screen builds and routes to: Textual delivers messages
    and key actions to the screen, which hands each to the part that owns it.
    """

    def __init__(self, desk: DeskScreen) -> None:
        self.desk = desk

    @property
    def seat(self) -> Seat:
        return Seat(seat_app(self.desk))

    def now(self) -> datetime:
        return seat_app(self.desk).clock()
