"""The agent's own figures for today, shown on the desk's status line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from seatdesk.data.engine import Database
from seatdesk.data.models import AgentStatus, Call, CallState
from seatdesk.services.callbacks import alert_counts
from seatdesk.services.dto import Actor


@dataclass(frozen=True)
class SeatFigures:
    handled: int
    average_handle_seconds: int  # talk + hold + wrap-up, over the calls handled


@dataclass(frozen=True)
class SeatLine:
    """Everything the desk's status line shows, read in one statement (``seat_line``)."""

    state: str | None  # None: the seat has no status row (never signed in)
    reason: str
    since: datetime | None
    figures: SeatFigures
    callbacks_due: int
    callbacks_overdue: int


def seat_line(db: Database, actor: Actor, since: datetime, now: datetime) -> SeatLine:
    """The seat's state, today's figures (calls closed since ``since``) and its callback
    alerts as of ``now``: one statement of scalar subqueries, each an index lookup.

    Every seat re-reads its status line when a change concerns it and once a minute
    besides (issue 19): four statements in three transactions were ten round trips; this
    is one (``read_once``)."""
    uid = actor.user_id
    if uid is None:
        return SeatLine(None, "", None, SeatFigures(0, 0), 0, 0)

    def mine(column: Any) -> Any:
        return select(column).where(AgentStatus.user_id == uid).scalar_subquery()

    # On ix_calls_agent_closed: only today's rows are read.
    today = (Call.agent_id == uid, Call.state == CallState.CLOSED, Call.closed_at >= since)
    handle_seconds = Call.talk_seconds + Call.hold_seconds + Call.wrap_seconds
    due, overdue = alert_counts(uid, now)
    with db.read_once() as s:
        state, reason, entered, count, total, soon, late = s.execute(select(
            mine(AgentStatus.state), mine(AgentStatus.reason), mine(AgentStatus.since),
            select(func.count(Call.id)).where(*today).scalar_subquery(),
            select(func.coalesce(func.sum(handle_seconds), 0)).where(*today)
            .scalar_subquery(),
            due, overdue)).one()
    handled = int(count or 0)
    figures = SeatFigures(handled, int(total or 0) // handled if handled else 0)
    # The subquery keeps the column's type: ``state`` is an AgentState, or None.
    return SeatLine(state=None if state is None else state.value, reason=reason or "",
                    since=entered, figures=figures, callbacks_due=int(soon or 0),
                    callbacks_overdue=int(late or 0))
