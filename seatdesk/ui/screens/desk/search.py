"""Ctrl+P on the desk: find a customer by phone, name or company, then show the card or dial."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING

from textual.command import Hit, Hits, Provider

from seatdesk.domain.i18n import _
from seatdesk.ui.context import seat_app
from seatdesk.ui.errors import ServiceFailed, call_service
from seatdesk.ui.screens.desk.seat import Seat

if TYPE_CHECKING:
    from seatdesk.services.dto import CustomerSummary


class CustomerSearch(Provider):
    """Ctrl+P: find a customer by phone, name or company; show the card or dial them."""

    async def search(self, query: str) -> Hits:
        from seatdesk.ui.screens.desk.screen import DeskScreen  # loaded: it lists this

        screen = self.screen
        if not isinstance(screen, DeskScreen) or len(query.strip()) < 2:
            return
        seat = Seat(seat_app(screen))
        found: list[CustomerSummary] = []
        answered = asyncio.Event()

        def got(customers: list[CustomerSummary]) -> None:
            found.extend(customers)
            answered.set()

        def refused(failed: ServiceFailed) -> None:
            answered.set()
            screen.post_message(failed)  # said like any refused action

        call_service(screen, lambda: seat.backend.customers.search(seat.actor, query), got,
                     group="search", on_failed=refused)
        await answered.wait()
        matcher = self.matcher(query)
        for c in found:
            label = f"{c.name} {c.company}".strip()
            score = max(matcher.match(label), 0.5)
            yield Hit(score, _("Customer card: {name}").format(name=label),
                      partial(screen.show_customer, c.id))
            yield Hit(score * 0.9, _("Dial: {name}").format(name=label),
                      partial(screen.start_outbound, customer_id=c.id))
