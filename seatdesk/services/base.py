"""What every service shares: the database, the clock, the change signal."""

from __future__ import annotations

from sqlalchemy.orm import Session

from seatdesk.data.engine import Database
from seatdesk.data.floor_events import note_topic
from seatdesk.data.topics import Topic, scoped
from seatdesk.domain.clock import Clock, utc_now


class Service:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def signal(self, session: Session, topic: Topic, key: object = None) -> None:
        """Tell every seat that ``topic`` (of record ``key``, if given) changed.

        Delivered when the transaction commits.

        On PostgreSQL the topic joins the transaction's one batch of changes, sent as a
        NOTIFY at commit (``data.floor_events``: one statement however many topics); on
        SQLite seats see the commit through PRAGMA data_version, so there is nothing to send.
        """
        if self.db.is_postgres:
            # One numbered batch at commit (data.floor_events), sent with the transaction's
            # writes in one statement where it can be (data.oneshot).
            note_topic(session, topic.value if key is None else scoped(topic, key))
