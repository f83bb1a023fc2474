"""Seat presence: log in, pause with a reason, resume, log out; the floor's live view."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from seatdesk.data.models import AgentState, AgentStateEvent, AgentStatus, Call, CallState, User
from seatdesk.data.topics import Topic
from seatdesk.domain.enums import PAUSE_REASONS
from seatdesk.domain.errors import InvalidInput, InvalidTransition, PermissionDenied
from seatdesk.domain.i18n import _
from seatdesk.services.base import Service
from seatdesk.services.dto import Actor, AgentStatusView
from seatdesk.services.permissions import Permission, require, team_scope

_SEAT_STATE_OF = {
    CallState.OFFERED: AgentState.RINGING,
    CallState.ACTIVE: AgentState.ON_CALL,
    CallState.HELD: AgentState.ON_HOLD,
    CallState.WRAP_UP: AgentState.WRAP_UP,
}


class AgentService(Service):
    def _set(self, actor: Actor, state: AgentState, reason: str = "") -> AgentStatusView:
        now = self.clock()
        with self.db.write() as s:
            # Locked like every change to a seat (CallService._lock_seat): a ring offered
            # at this moment sees the seat paused, or this sees the ring.
            row = s.get(AgentStatus, actor.user_id, with_for_update=True)
            live = self._busy_in(s, actor)
            if live is not None and state in (AgentState.AVAILABLE, AgentState.PAUSED):
                if state == AgentState.PAUSED:
                    raise InvalidTransition(_("finish the current call before pausing"))
                # Signing in (or resuming) with a call still at the seat: the seat's state
                # follows that call, so the seat is never "available" while it has one.
                state, reason = _SEAT_STATE_OF[live.state], ""
            if row is None:
                row = AgentStatus(user_id=actor.user_id, state=state, since=now, reason=reason)
                s.add(row)
            else:
                row.state, row.reason, row.since = state, reason, now
                if state in (AgentState.AVAILABLE, AgentState.PAUSED, AgentState.LOGGED_OUT):
                    row.current_call_id = None
                elif live is not None:
                    row.current_call_id = live.id
            row.heartbeat_at = now
            s.add(AgentStateEvent(user_id=actor.user_id, at=now, state=state, reason=reason))
            self.signal(s, Topic.FLOOR)
            return AgentStatusView(
                user_id=actor.user_id or 0,
                login=actor.login,
                name=actor.name,
                agent_no=actor.agent_no,
                team_id=actor.team_id,
                state=state.value,
                reason=reason,
                since=now,
                current_call_id=row.current_call_id,
            )

    @staticmethod
    def _busy_in(s: Session, actor: Actor) -> Call | None:
        """The call the seat holds (ringing, live, on hold or in wrap-up), if any."""
        return s.scalar(
            select(Call).where(
                Call.agent_id == actor.user_id,
                Call.state.in_(
                    [CallState.OFFERED, CallState.ACTIVE, CallState.HELD, CallState.WRAP_UP]
                ),
            ).limit(1)
        )

    def heartbeat(self, actor: Actor) -> None:
        """The desk is alive (every few seconds, from seatdesk.runtime.heartbeat)."""
        now = self.clock()
        with self.db.write() as s:
            s.execute(update(AgentStatus).where(AgentStatus.user_id == actor.user_id,
                                                AgentStatus.state != AgentState.LOGGED_OUT)
                      .values(heartbeat_at=now))

    def log_in(self, actor: Actor) -> AgentStatusView:
        return self._set(actor, AgentState.AVAILABLE)

    def log_out(self, actor: Actor) -> AgentStatusView:
        return self._set(actor, AgentState.LOGGED_OUT)

    def pause(self, actor: Actor, reason: str) -> AgentStatusView:
        """Step away from the queue (break, meal, training...); not during a call."""
        if reason not in PAUSE_REASONS:
            raise InvalidInput(
                _("pause reason must be one of {join}").format(join=", ".join(PAUSE_REASONS)),
                "reason",
            )
        return self._set(actor, AgentState.PAUSED, reason)

    def resume(self, actor: Actor) -> AgentStatusView:
        return self._set(actor, AgentState.AVAILABLE)

    def status(self, actor: Actor) -> AgentStatusView | None:
        with self.db.read() as s:
            row = s.get(AgentStatus, actor.user_id)
            if row is None:
                return None
            return AgentStatusView(
                user_id=row.user_id,
                login=actor.login,
                name=actor.name,
                agent_no=actor.agent_no,
                team_id=actor.team_id,
                state=row.state.value,
                reason=row.reason,
                since=row.since,
                current_call_id=row.current_call_id,
            )

    def floor(self, actor: Actor, *, team_id: int | None, since: datetime) -> list[AgentStatusView]:
        """Every seat of a team (all teams when None) with state and today's handled count.

        A team lead sees their own team only (``permissions.team_scope``); another team's
        floor is refused.
        """
        require(actor, Permission.VIEW_FLOOR)
        scope = team_scope(actor)
        if scope is not None:
            if team_id not in (None, scope):
                raise PermissionDenied(_("a team lead sees their own team's floor only"))
            team_id = scope
        with self.db.read() as s:
            handled = dict(
                s.execute(
                    select(Call.agent_id, func.count(Call.id))
                    .where(Call.state == CallState.CLOSED, Call.closed_at >= since,
                           Call.answered_at.is_not(None))  # attempts nobody answered: not handled
                    .group_by(Call.agent_id)
                ).all()
            )
            stmt = select(User, AgentStatus).outerjoin(AgentStatus, AgentStatus.user_id == User.id)
            if team_id is not None:
                stmt = stmt.where(User.team_id == team_id)
            rows = s.execute(stmt.where(User.active.is_(True)).order_by(User.agent_no)).all()
            return [
                AgentStatusView(
                    user_id=u.id,
                    login=u.login,
                    name=u.name,
                    agent_no=u.agent_no,
                    team_id=u.team_id,
                    state=st.state.value if st else AgentState.LOGGED_OUT.value,
                    reason=st.reason if st else "",
                    since=st.since if st else since,
                    current_call_id=st.current_call_id if st else None,
                    handled_today=int(handled.get(u.id, 0)),
                )
                for u, st in rows
            ]
