"""A typed view of the running app for screens and widgets (Textual types ``node.app`` as App)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.dom import DOMNode

if TYPE_CHECKING:
    from seatdesk.ui.app import SeatdeskApp


def seat_app(node: DOMNode) -> SeatdeskApp:
    """The seatdesk app ``node`` runs in: its services, signed-in actor, settings and clock."""
    return cast("SeatdeskApp", node.app)
