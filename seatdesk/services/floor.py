"""The live floor for team leads: seats, queues and today's service level so far."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import case, func, select

from seatdesk.data.models import Call, CallState, Direction, Queue
from seatdesk.services.agents import AgentService
from seatdesk.services.base import Service
from seatdesk.services.dto import Actor, AgentStatusView
from seatdesk.services.forecast import center_tz
from seatdesk.services.permissions import Permission, require


@dataclass(frozen=True)
class FloorAgent:
    status: AgentStatusView
    call_queue: str | None  # queue of the current call
    call_state: str | None


@dataclass(frozen=True)
class QueueLive:
    """One queue now and today: waiting calls, longest wait, SL, abandonment, ASA."""

    code: str
    name: str
    waiting: int
    longest_wait_seconds: int
    offered: int
    answered: int
    abandoned: int
    answered_in_sl: int
    sl_seconds: int
    asa_seconds: float | None
    name_zh: str = ""  # shown on a Chinese floor instead of the code

    @property
    def service_level(self) -> float | None:
        """Answered within T over answered + abandoned (None before the first call)."""
        base = self.answered + self.abandoned
        return self.answered_in_sl / base if base else None

    @property
    def abandon_rate(self) -> float | None:
        base = self.answered + self.abandoned
        return self.abandoned / base if base else None


@dataclass(frozen=True)
class FloorSnapshot:
    at: datetime
    agents: tuple[FloorAgent, ...]
    queues: tuple[QueueLive, ...]
    total: QueueLive


class FloorService(Service):
    tz = center_tz()

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
            answered = Call.answered_at.is_not(None)
            today = {row[0]: row[1:] for row in s.execute(
                select(Call.queue_id, func.count(Call.id),
                       func.sum(case((answered, 1), else_=0)),
                       func.sum(case((Call.state == CallState.ABANDONED, 1), else_=0)),
                       func.sum(case((answered & (Call.wait_seconds <= Queue.sl_seconds), 1),
                                     else_=0)),
                       func.avg(case((answered, Call.wait_seconds), else_=None)))
                .join(Queue, Queue.id == Call.queue_id)
                .where(Call.direction == Direction.INBOUND, Call.parent_call_id.is_(None),
                       Call.queued_at >= since)
                .group_by(Call.queue_id))}
            queues = []
            for q in s.scalars(select(Queue).where(Queue.active.is_(True))
                               .order_by(Queue.priority.desc(), Queue.code)):
                n, oldest = waiting.get(q.id, (0, None))
                offered, ans, ab, in_sl, asa = today.get(q.id, (0, 0, 0, 0, None))
                queues.append(QueueLive(
                    q.code, q.name, int(n),
                    int((now - oldest).total_seconds()) if oldest else 0,
                    int(offered), int(ans or 0), int(ab or 0), int(in_sl or 0), q.sl_seconds,
                    round(float(asa), 1) if asa is not None else None, q.name_zh))
        total_answered = sum(q.answered for q in queues)
        asa_sum = sum((q.asa_seconds or 0) * q.answered for q in queues)
        total = QueueLive(
            "*", "", sum(q.waiting for q in queues),
            max((q.longest_wait_seconds for q in queues), default=0),
            sum(q.offered for q in queues), total_answered, sum(q.abandoned for q in queues),
            sum(q.answered_in_sl for q in queues), 0,
            round(asa_sum / total_answered, 1) if total_answered else None)
        agents = tuple(FloorAgent(a, *calls.get(a.current_call_id or 0, (None, None)))
                       for a in seats)
        return FloorSnapshot(now, agents, tuple(queues), total)
