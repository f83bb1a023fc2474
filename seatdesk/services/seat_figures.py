"""The agent's own figures for today, shown on the desk's status line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from seatdesk.data.engine import Database
from seatdesk.data.models import Call, CallState
from seatdesk.services.dto import Actor


@dataclass(frozen=True)
class SeatFigures:
    handled: int
    average_handle_seconds: int  # talk + hold + wrap-up, over the calls handled


def today_figures(db: Database, actor: Actor, since: datetime) -> SeatFigures:
    """Calls the agent closed since ``since`` and their average handling time (one query,
    on ix_calls_agent_closed: only today's rows are read)."""
    with db.read() as s:
        count, total = s.execute(
            select(func.count(Call.id),
                   func.coalesce(func.sum(Call.talk_seconds + Call.hold_seconds
                                          + Call.wrap_seconds), 0))
            .where(Call.agent_id == actor.user_id, Call.state == CallState.CLOSED,
                   Call.closed_at >= since)
        ).one()
    handled = int(count or 0)
    return SeatFigures(handled, int(total or 0) // handled if handled else 0)
