"""First-contact responsibility (首问负责制): the customer must never have to call twice.

A *repeat contact* is a closed inbound call whose customer had another inbound call of
the same category (answered or not yet closed, but not abandoned) in the
``repeat_contact_days`` (default 7) days before it. ``repeat_contacts`` counts them for
reports; ``earlier_contact`` finds the earlier call so the desk can warn the agent while
the customer is still on the line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from seatdesk.clock import Clock, utc_now
from seatdesk.data.dto import Actor
from seatdesk.data.engine import Database
from seatdesk.data.models import Call, CallState, Direction, User
from seatdesk.data.permissions import Permission, require
from seatdesk.data.services.base import Service

DEFAULT_DAYS = 7


@dataclass(frozen=True)
class EarlierContact:
    """The earlier call of the same customer about the same kind of issue."""

    call_id: int
    at: datetime
    category: str
    agent_name: str
    resolved: bool | None
    handed_to: str
    notes: str


class FirstContactService(Service):
    def __init__(self, db: Database, clock: Clock = utc_now, days: int = DEFAULT_DAYS) -> None:
        super().__init__(db, clock)
        self.days = days

    def earlier_contact(self, actor: Actor, customer_id: int, category: str,
                        exclude_call_id: int | None = None) -> EarlierContact | None:
        """The customer's most recent earlier inbound call of ``category`` within the window."""
        require(actor, Permission.VIEW_CUSTOMER)
        now = self.clock()
        since = now - timedelta(days=self.days)
        stmt = (select(Call, User.name).outerjoin(User, User.id == Call.agent_id)
                .where(Call.customer_id == customer_id, Call.category == category,
                       Call.direction == Direction.INBOUND,
                       Call.state != CallState.ABANDONED,
                       Call.queued_at >= since, Call.queued_at <= now)
                .order_by(Call.queued_at.desc(), Call.id.desc()).limit(1))
        if exclude_call_id is not None:
            stmt = stmt.where(Call.id != exclude_call_id)
        with self.db.read() as s:
            found = s.execute(stmt).first()
            if found is None:
                return None
            call, agent_name = found
            return EarlierContact(call_id=call.id, at=call.queued_at or now,
                                  category=call.category or category,
                                  agent_name=agent_name or "", resolved=call.resolved,
                                  handed_to=call.handed_to, notes=call.notes)

    def repeat_contacts(self, start: datetime, end: datetime) -> int:
        """Closed inbound calls queued in [start, end) that repeat an earlier contact."""
        window = timedelta(days=self.days)
        # Counted in Python over one indexed range scan: interval arithmetic in SQL is
        # written differently on SQLite and PostgreSQL, and a month of calls is small.
        stmt = (select(Call.customer_id, Call.category, Call.queued_at, Call.state)
                .where(Call.direction == Direction.INBOUND, Call.state != CallState.ABANDONED,
                       Call.customer_id.is_not(None), Call.category.is_not(None),
                       Call.queued_at >= start - window, Call.queued_at < end)
                .order_by(Call.customer_id, Call.category, Call.queued_at))
        count = 0
        last: dict[tuple[int, str], datetime] = {}
        with self.db.read() as s:
            for customer_id, category, queued_at, state in s.execute(stmt):
                key = (customer_id, category)
                previous = last.get(key)
                if (state == CallState.CLOSED and queued_at >= start and previous is not None
                        and queued_at - previous <= window and queued_at > previous):
                    count += 1
                last[key] = queued_at
        return count
