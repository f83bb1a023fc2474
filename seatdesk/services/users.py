"""Users, teams, queues and logging in (with lock-out after repeated failures)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from seatdesk.data.models import Queue, Role, Team, User, UserQueue
from seatdesk.domain.errors import InvalidInput, LoginFailed, NotFound
from seatdesk.domain.i18n import _
from seatdesk.domain.passwords import hash_password, verify_password
from seatdesk.domain.text import clean_line
from seatdesk.services import audit
from seatdesk.services.base import Service
from seatdesk.services.dto import Actor, QueueView, UserView

_LOGIN = re.compile(r"^[A-Za-z0-9_.-]{2,64}$")
MAX_FAILURES = 5
LOCK_MINUTES = 15


def actor_of(user: User) -> Actor:
    return Actor(
        user_id=user.id,
        login=user.login,
        role=user.role.value,
        name=user.name,
        agent_no=user.agent_no,
        team_id=user.team_id,
    )


def _user_view(user: User) -> UserView:
    return UserView(
        id=user.id,
        login=user.login,
        name=user.name,
        agent_no=user.agent_no,
        role=user.role.value,
        team_code=user.team.code if user.team else None,
        active=user.active,
    )


def queue_view(q: Queue) -> QueueView:
    return QueueView(
        id=q.id,
        code=q.code,
        name=q.name,
        name_zh=q.name_zh,
        priority=q.priority,
        sl_seconds=q.sl_seconds,
        wait_alert_seconds=q.wait_alert_seconds,
    )


class UserService(Service):
    def add_user(
        self,
        login: str,
        *,
        name: str,
        role: str,
        password: str,
        team: str | None = None,
        agent_no: str | None = None,
        queues: tuple[str, ...] = (),
    ) -> UserView:
        """Create a user; the password is stored only as an scrypt hash."""
        if not _LOGIN.match(login):
            raise InvalidInput(_("login must be 2–64 letters, digits, '.', '_' or '-'"), "login")
        try:
            role_value = Role(role)
        except ValueError:
            roles = ", ".join(r.value for r in Role)
            raise InvalidInput(
                _("unknown role {role}; choose one of {roles}").format(
                    role=repr(role), roles=roles
                ),
                "role",
            ) from None
        if len(password) < 6:
            raise InvalidInput(_("password must be at least 6 characters"), "password")
        if not name.strip():
            raise InvalidInput(_("name is required"), "name")
        # [integrity] a name reaches terminals, reports and exports: no escape sequences.
        try:
            name = clean_line(name, field=_("name"), max_len=100)
        except ValueError as exc:
            raise InvalidInput(str(exc), "name") from None
        now = self.clock()
        with self.db.write() as s:
            if s.scalar(select(User.id).where(User.login == login)) is not None:
                raise InvalidInput(
                    _("user {login} already exists").format(login=repr(login)), "login"
                )
            team_row = self._team(s, team) if team else None
            if agent_no is None:
                agent_no = str(1000 + (s.scalar(select(func.count(User.id))) or 0) + 1)
            user = User(
                login=login,
                name=name.strip(),
                role=role_value,
                agent_no=agent_no,
                team_id=team_row.id if team_row else None,
                password_hash=hash_password(password),
                created_at=now,
            )
            s.add(user)
            s.flush()
            for code in queues:
                q = s.scalar(select(Queue).where(Queue.code == code))
                if q is None:
                    raise InvalidInput(_("no queue {code}").format(code=repr(code)), "queues")
                s.add(UserQueue(user_id=user.id, queue_id=q.id))
            s.flush()
            s.refresh(user)
            return _user_view(user)

    def _team(self, s: Session, code: str) -> Team:
        team = s.scalar(select(Team).where(Team.code == code))
        if team is None:
            team = Team(code=code, name=code)
            s.add(team)
            s.flush()
        return team

    def ensure_queue(
        self, code: str, name: str, *, name_zh: str = "", priority: int = 0, sl_seconds: int = 20
    ) -> QueueView:
        with self.db.write() as s:
            q = s.scalar(select(Queue).where(Queue.code == code))
            if q is None:
                q = Queue(
                    code=code, name=name, name_zh=name_zh, priority=priority, sl_seconds=sl_seconds
                )
                s.add(q)
                s.flush()
            return queue_view(q)

    def queues(self) -> list[QueueView]:
        with self.db.read() as s:
            return [queue_view(q) for q in s.scalars(select(Queue).order_by(Queue.code))]

    def actor(self, login: str) -> Actor:
        """The actor for an existing login (for the command line's --as)."""
        with self.db.read() as s:
            user = s.scalar(select(User).where(User.login == login))
            if user is None or not user.active:
                raise NotFound(_("no active user {login}").format(login=repr(login)))
            return actor_of(user)

    def users(self) -> list[UserView]:
        with self.db.read() as s:
            return [_user_view(u) for u in s.scalars(select(User).order_by(User.login))]

    def authenticate(self, login: str, password: str) -> Actor:
        """Check a password. Five failures lock the account for a while; all are audited."""
        now = self.clock()
        failure: str | None = None
        # The failure is recorded (count, lock, audit) and committed before it is raised:
        # raising inside the transaction would roll the evidence back.
        with self.db.write() as s:
            user = s.scalar(select(User).where(User.login == login))
            if user is None or not user.active:
                audit.record(
                    s,
                    Actor(None, login, "unknown"),
                    "login.failed",
                    at=now,
                    detail={"reason": "unknown user"},
                )
                failure = _("wrong login or password")
            elif user.locked_until is not None and user.locked_until > now:
                audit.record(
                    s, actor_of(user), "login.locked", at=now, entity="user", entity_id=user.id
                )
                minutes = int((user.locked_until - now).total_seconds() // 60) + 1
                failure = _("account locked after repeated failures; try again in {m} min").format(
                    m=minutes
                )
            elif not verify_password(password, user.password_hash):
                user.failed_logins += 1
                detail: dict[str, object] = {"failures": user.failed_logins}
                if user.failed_logins >= MAX_FAILURES:
                    user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
                    user.failed_logins = 0
                    detail["locked_until"] = user.locked_until.isoformat()
                    failure = _("wrong password; account locked for {m} minutes").format(
                        m=LOCK_MINUTES
                    )
                else:
                    failure = _("wrong login or password ({n} tries left)").format(
                        n=MAX_FAILURES - user.failed_logins
                    )
                audit.record(
                    s,
                    actor_of(user),
                    "login.failed",
                    at=now,
                    entity="user",
                    entity_id=user.id,
                    detail=detail,
                )
            else:
                user.failed_logins = 0
                user.locked_until = None
                audit.record(
                    s, actor_of(user), "login.ok", at=now, entity="user", entity_id=user.id
                )
                return actor_of(user)
        raise LoginFailed(failure)
