"""A typed view of the running app for screens and widgets (Textual types ``node.app`` as App)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.dom import DOMNode

if TYPE_CHECKING:
    from seatdesk.services.dto import Actor
    from seatdesk.ui.app import SeatdeskApp


def seat_app(node: DOMNode) -> SeatdeskApp:
    """The seatdesk app ``node`` runs in: its services, signed-in actor, settings and clock."""
    return cast("SeatdeskApp", node.app)


def signed_in(node: DOMNode) -> Actor:
    """The signed-in actor. Screens past the login open only after sign-in, so none is a bug."""
    actor = seat_app(node).actor
    if actor is None:
        raise RuntimeError("a screen past the login ran with nobody signed in")
    return actor
