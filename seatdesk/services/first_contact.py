"""First-contact responsibility (首问负责制): the customer must never have to call twice.

The one definition of a *repeat contact*, used by the wrap-up, the reports, the seed and
the migration that backfilled it: a closed inbound **first-leg** call (no parent call; a
transfer leg is the same contact, not a new one) with a customer and a category, whose
customer had another inbound first-leg call of the same category that was not abandoned
in the ``repeat_contact_days`` (default 7) days before it. Calls are ordered by
(queued_at, id), so of two calls queued at the same instant the older id comes first.

The earlier call is found once, at wrap-up (the category may change during the call), and
stored on the call as ``prior_contact_id`` / ``prior_contact_at`` (the latest such call up
to ``PRIOR_LOOKBACK_DAYS`` back). A report for any window up to that is then a comparison
on the row: ``prior_contact_at >= queued_at - window``. ``earlier_contact`` finds the
earlier call so the desk can warn the agent while the customer is still on the line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, text
from sqlalchemy.orm import Session

from seatdesk.data.backfills import PRIOR_LOOKBACK_DAYS, backfill_prior_contacts_sql
from seatdesk.data.engine import Database, rows_changed
from seatdesk.data.models import Call, CallState, Direction, User
from seatdesk.domain.clock import Clock, utc_now
from seatdesk.services.base import Service
from seatdesk.services.dto import Actor
from seatdesk.services.permissions import Permission, require

DEFAULT_DAYS = 7


def is_contact(call: Call) -> bool:
    """Whether ``call`` can be a repeat contact: a closed inbound first leg we can match."""
    return (call.direction == Direction.INBOUND and call.parent_call_id is None
            and call.customer_id is not None and call.category is not None
            and call.answered_at is not None and call.closed_at is not None
            and call.queued_at is not None)


def mark_prior_contact(s: Session, call: Call) -> None:
    """Store on ``call`` (being closed) the customer's latest earlier contact of its category.

    One probe of ix_calls_customer_queued; clears the fields when the call is not a contact
    (say the category was cleared), so saving a record twice gives the same answer.
    """
    call.prior_contact_id = call.prior_contact_at = None
    if not is_contact(call):
        return
    q = call.queued_at
    assert q is not None
    found = s.execute(
        select(Call.id, Call.queued_at)
        .where(Call.customer_id == call.customer_id, Call.category == call.category,
               Call.direction == Direction.INBOUND, Call.parent_call_id.is_(None),
               Call.state != CallState.ABANDONED, Call.id != call.id,
               Call.queued_at >= q - timedelta(days=PRIOR_LOOKBACK_DAYS),
               or_(Call.queued_at < q, and_(Call.queued_at == q, Call.id < call.id)))
        .order_by(Call.queued_at.desc(), Call.id.desc()).limit(1)
    ).first()
    if found is not None:
        call.prior_contact_id, call.prior_contact_at = found


def backfill_prior_contacts(s: Session) -> int:
    """Run the backfill in session ``s``; returns the number of calls given a prior contact."""
    result = s.execute(text(backfill_prior_contacts_sql(s.get_bind().dialect.name)))
    return rows_changed(result)


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
                       # A transfer leg is the same contact (see the module's rule).
                       Call.parent_call_id.is_(None),
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
        """Repeat contacts among inbound calls queued in [start, end) (the module's rule)."""
        window = timedelta(days=self.days)
        # The earlier contact was stored at wrap-up; only the window is checked here, in
        # Python, as interval arithmetic is written differently on the two engines.
        stmt = (select(Call.queued_at, Call.prior_contact_at)
                .where(Call.direction == Direction.INBOUND, Call.parent_call_id.is_(None),
                       Call.state == CallState.CLOSED, Call.prior_contact_at.is_not(None),
                       Call.queued_at >= start, Call.queued_at < end))
        with self.db.read() as s:
            # prior_contact_at IS NOT NULL in the query: both times are there.
            return sum(1 for queued_at, prior_at in s.execute(stmt)
                       if queued_at is not None and prior_at is not None
                       and queued_at - prior_at <= window)
