"""Notifications: short messages for one user, shown on their screen until read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from seatdesk.data.engine import rows_changed
from seatdesk.data.models import Notification
from seatdesk.data.topics import Topic
from seatdesk.domain.i18n import render
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
    s: Session, user_id: int, *, at: datetime, kind: str, text: str = "", ref: str = "",
    message: str = "", params: Mapping[str, Any] | None = None,
) -> None:
    """Queue a notification in the caller's transaction (it commits with the act itself).

    ``message`` (an ``N_()`` msgid) with ``params`` is shown in the reader's language;
    ``text`` is for what a person typed. The English rendering is kept in ``text`` too.
    """
    if message:
        text = render(message, params, lang="en")
    s.add(Notification(user_id=user_id, at=at, kind=kind, text=text[:TEXT_MAX], ref=ref[:60],
                       text_msgid=message, text_params=dict(params or {}) or None))


def notification_text(n: Notification) -> str:
    """What the reader sees: the stored message in their language, else the stored text."""
    if n.text_msgid:
        return render(n.text_msgid, n.text_params)[:TEXT_MAX]
    return n.text


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
            return [NotificationView(id=n.id, at=n.at, kind=n.kind, text=notification_text(n),
                                     ref=n.ref) for n in rows]

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
            count = rows_changed(result)
            if count:
                self.signal(s, Topic.NOTIFICATIONS, actor.user_id)
            return count
