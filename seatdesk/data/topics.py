"""What a change is about: the topics a service signals and a seat listens for.

Kept apart from ``changes`` so services can name a topic without importing the
listener (and psycopg) on the start-up path.
"""

from __future__ import annotations

from enum import StrEnum

# The PostgreSQL NOTIFY channel every service signals on.
CHANGE_CHANNEL = "seatdesk_changes"


class Topic(StrEnum):
    """A change-feed topic. A StrEnum, so a topic travels as plain text in NOTIFY."""

    QUEUE = "queue"
    # Scoped topics carry a key after a colon (customer:42, notifications:7).
    CUSTOMER = "customer"
    NOTIFICATIONS = "notifications"
    RING = "ring"
    FLOOR = "floor"
    CALLBACKS = "callbacks"
    COMPLAINTS = "complaints"
    CUSTOMERS = "customers"
    FORECAST = "forecast"
    HANDOVER = "handover"
    QA = "qa"
    ROSTER = "roster"
    SCRIPTS = "scripts"
    # Not signalled by a service: "*" means the feed lost track (re-read everything),
    # "poll" is the slow poll's periodic wake-up.
    ALL = "*"
    POLL = "poll"


def scoped(topic: Topic, key: object) -> str:
    """The topic for one record: ``customer:42`` (seats showing customer 42 listen for it)."""
    return f"{topic.value}:{key}"
