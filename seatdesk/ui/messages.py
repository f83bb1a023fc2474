"""Messages that cross from worker threads to widgets."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class DataChanged(Message):
    """Something changed in the shared database (a hint: re-query what you show)."""

    topics: frozenset[str]

    def can_replace(self, message: Message) -> bool:
        # A flood of change hints collapses into one re-query, keeping every topic: a
        # "*" or "ring" replaced by a later "queue" hint would be lost (issue 19).
        if not isinstance(message, DataChanged):
            return False
        self.topics = self.topics | message.topics
        return True


@dataclass
class FeedLost(Message):
    """The change feed lost its connection; seats fall back to the slow poll."""

    reason: str
