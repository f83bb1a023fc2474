"""The live floor for team leads: seats, queues and today's service level so far."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.sql.elements import ColumnElement

from seatdesk.data.models import Call, CallState, Direction, Queue, Team
from seatdesk.domain import kpi
from seatdesk.domain.errors import InvalidInput, NotFound, PermissionDenied
from seatdesk.services.agents import AgentService
from seatdesk.services.base import Service
from seatdesk.services.dto import Actor, AgentStatusView
from seatdesk.services.forecast import center_tz
from seatdesk.services.permissions import Permission, require
from seatdesk.services.roster import LiveAdherenceLine, RosterService


@dataclass(frozen=True)
class FloorAgent:
    status: AgentStatusView
    call_queue: str | None  # queue of the current call
    call_state: str | None
    adherence: str = ""  # real-time adherence status ('' when the seat is no rostered agent)
    minutes_out: int = 0  # out of adherence today so far


@dataclass(frozen=True)
class QueueLive:
    """One queue now and today: waiting calls, longest wait, and today's figures.

    Today's figures come from the same base totals and definitions as the KPI report
    (``seatdesk.domain.kpi``): the floor and the report agree for the same day.
    """

    code: str
    name: str
    waiting: int
    longest_wait_seconds: int
    sl_seconds: int
    bases: dict[str, float | None] = field(default_factory=dict, hash=False)

    def _figure(self, key: str) -> float | None:
        return kpi.compute(self.bases, [key])[key]

    @property
    def offered(self) -> int:
        return int(self._figure("offered") or 0)

    @property
    def answered(self) -> int:
        return int(self._figure("answered") or 0)

    @property
    def abandoned(self) -> int:
        """Abandoned calls, short abandons excluded (a count)."""
        return int(self._figure("abandoned") or 0)
    name_zh: str = ""  # shown on a Chinese floor instead of the code

    @property
    def service_level(self) -> float | None:
        return self._figure("service_level")

    @property
    def abandon_rate(self) -> float | None:
        return self._figure("abandon_rate")

    @property
    def asa_seconds(self) -> float | None:
        value = self._figure("asa")
        return round(value, 1) if value is not None else None


@dataclass(frozen=True)
class FloorSnapshot:
    at: datetime
    agents: tuple[FloorAgent, ...]
    queues: tuple[QueueLive, ...]
    total: QueueLive


BASE_KEYS = ("offered", "answered", "abandoned_all", "short_abandoned", "answered_in_sl",
             "answered_wait_sum")


def today_bases(values: Sequence[Any]) -> dict[str, float | None]:
    return {k: float(v or 0) for k, v in zip(BASE_KEYS, values, strict=True)}


def _today_bases_query(since: datetime) -> Select[Any]:
    """The report's base totals of inbound first legs since ``since``, per queue.

    The same conditions as ``reports_sql.inbound_sql``: abandoned = abandoned and never
    answered; a short abandon waited less than kpi.SHORT_ABANDON_SECONDS; answered within
    T = answered after a wait of at most the queue's sl_seconds.
    """
    answered = Call.answered_at.is_not(None)
    abandoned = Call.abandoned_at.is_not(None) & Call.answered_at.is_(None)
    wait = func.coalesce(Call.wait_seconds, 0)

    def count(cond: ColumnElement[bool]) -> ColumnElement[Any]:
        return func.sum(case((cond, 1), else_=0))

    return (select(Call.queue_id, func.count(Call.id), count(answered), count(abandoned),
                   count(abandoned & (wait < kpi.SHORT_ABANDON_SECONDS)),
                   count(answered & (wait <= Queue.sl_seconds)),
                   func.sum(case((answered, wait), else_=0)))
            .join(Queue, Queue.id == Call.queue_id)
            .where(Call.direction == Direction.INBOUND, Call.parent_call_id.is_(None),
                   Call.queued_at >= since)
            .group_by(Call.queue_id))


class FloorService(Service):
    tz = center_tz()

    def _live_adherence(self, actor: Actor, team_id: int | None) -> list[LiveAdherenceLine]:
        """Real-time adherence of the floor's agents (the roster's definition)."""
        roster = RosterService(self.db, self.clock)
        try:
            if team_id is None:
                return roster.live_adherence(actor, None, every_team=True)
            with self.db.read() as s:
                code = s.scalar(select(Team.code).where(Team.id == team_id))
            return roster.live_adherence(actor, code) if code is not None else []
        except (InvalidInput, NotFound, PermissionDenied):
            return []  # a floor without a team of its own: the seats still show

    def day_start(self) -> datetime:
        local = self.clock().astimezone(self.tz)
        return datetime.combine(local.date(), time(), tzinfo=self.tz)

    def snapshot(self, actor: Actor, team_id: int | None) -> FloorSnapshot:
        """Everything the floor shows, for one team (all teams when None)."""
        require(actor, Permission.VIEW_FLOOR)
        now = self.clock()
        since = self.day_start()
        seats = AgentService(self.db, self.clock).floor(actor, team_id=team_id, since=since)
        with self.db.read() as s:
            call_ids = [a.current_call_id for a in seats if a.current_call_id]
            calls = {cid: (qcode, st.value) for cid, qcode, st in s.execute(
                select(Call.id, Queue.code, Call.state).outerjoin(Queue, Queue.id == Call.queue_id)
                .where(Call.id.in_(call_ids)))} if call_ids else {}
            waiting = {qid: (n, oldest) for qid, n, oldest in s.execute(
                select(Call.queue_id, func.count(Call.id), func.min(Call.queued_at))
                .where(Call.state == CallState.QUEUED).group_by(Call.queue_id))}
            today = {row[0]: today_bases(row[1:]) for row in s.execute(
                _today_bases_query(since))}
            queues = []
            for q in s.scalars(select(Queue).where(Queue.active.is_(True))
                               .order_by(Queue.priority.desc(), Queue.code)):
                n, oldest = waiting.get(q.id, (0, None))
                queues.append(QueueLive(
                    q.code, q.name, int(n),
                    int((now - oldest).total_seconds()) if oldest else 0, q.sl_seconds,
                    today.get(q.id, {}), q.name_zh))
        total = QueueLive(
            "*", "", sum(q.waiting for q in queues),
            max((q.longest_wait_seconds for q in queues), default=0), 0,
            kpi.merge_bases(q.bases for q in queues))
        live = {ln.user_id: ln for ln in self._live_adherence(actor, team_id)}
        agents = []
        for a in seats:
            queue, state = calls.get(a.current_call_id or 0, (None, None))
            line = live.get(a.user_id)
            agents.append(FloorAgent(a, queue, state, line.status if line else "",
                                     line.minutes_out if line else 0))
        return FloorSnapshot(now, tuple(agents), tuple(queues), total)
