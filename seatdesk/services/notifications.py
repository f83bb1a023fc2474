"""Notifications: short messages for one user, shown on their screen until read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from seatdesk.data.models import Notification
from seatdesk.data.topics import Topic
from seatdesk.services.base import Service
from seatdesk.services.dto import Actor

TEXT_MAX = 500


@dataclass(frozen=True)
class NotificationView:
    id: int
    at: datetime
    kind: str
    text: str
    ref: str  # what it is about, e.g. "complaint:12"


def add_notification(
    s: Session, user_id: int, *, at: datetime, kind: str, text: str, ref: str = ""
) -> None:
    """Queue a notification in the caller's transaction (it commits with the act itself)."""
    s.add(Notification(user_id=user_id, at=at, kind=kind, text=text[:TEXT_MAX], ref=ref[:60]))


class NotificationService(Service):
    def unread(self, actor: Actor, limit: int = 50) -> list[NotificationView]:
        """The actor's unread notifications, newest first."""
        if actor.user_id is None:
            return []
        with self.db.read() as s:
            rows = s.scalars(
                select(Notification)
                .where(Notification.user_id == actor.user_id, Notification.read_at.is_(None))
                .order_by(Notification.at.desc(), Notification.id.desc())
                .limit(limit)
            )
            return [NotificationView(id=n.id, at=n.at, kind=n.kind, text=n.text, ref=n.ref)
                    for n in rows]

    def unread_count(self, actor: Actor) -> int:
        if actor.user_id is None:
            return 0
        with self.db.read() as s:
            return s.scalar(select(func.count(Notification.id)).where(
                Notification.user_id == actor.user_id, Notification.read_at.is_(None))) or 0

    def mark_read(self, actor: Actor, ids: int | list[int] | None = None) -> int:
        """Mark the actor's notifications read (the given ids, or all); returns how many."""
        if actor.user_id is None:
            return 0
        stmt = update(Notification).where(Notification.user_id == actor.user_id,
                                          Notification.read_at.is_(None))
        if ids is not None:
            wanted = [ids] if isinstance(ids, int) else list(ids)
            stmt = stmt.where(Notification.id.in_(wanted))
        with self.db.write() as s:
            result = s.execute(stmt.values(read_at=self.clock()))
            count = int(result.rowcount)  # type: ignore[attr-defined]
            if count:
                self.signal(s, Topic.NOTIFICATIONS, actor.user_id)
            return count
