"""Administration: queues, teams and users; every change audited as before → after.

Admins manage users (``MANAGE_USERS``); admins and supervisors manage queues and teams
(``MANAGE_QUEUES``). The first admin of a fresh database is made by ``bootstrap_admin``,
which refuses once any admin exists.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from seatdesk.data.models import (
    CliSession,
    Queue,
    Role,
    SystemSecret,
    Team,
    User,
    UserQueue,
)
from seatdesk.data.topics import Topic
from seatdesk.domain.errors import InvalidInput, NotFound, PermissionDenied
from seatdesk.domain.i18n import _
from seatdesk.domain.passwords import hash_password
from seatdesk.domain.text import clean_line
from seatdesk.services import audit
from seatdesk.services.base import Service
from seatdesk.services.dto import SYSTEM, Actor, QueueView, TeamView, UserView
from seatdesk.services.permissions import Permission, require
from seatdesk.services.users import (
    _LOGIN,
    SYSTEM_SECRET,
    UserService,
    _check_password,
    _token_hash,
    queue_view,
)

_CODE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
LANGUAGES = ("zh", "en", "yue")  # Mandarin, English, Cantonese
UNSET: Any = object()  # "leave as it is" for optional fields that may be set to None


@dataclass(frozen=True)
class QueueInput:
    code: str
    name: str
    name_zh: str = ""
    priority: int = 0
    sl_seconds: int = 20
    acw_seconds: int = 120


def _code(value: str, field: str) -> str:
    value = value.strip()
    if not 1 <= len(value) <= 32 or not set(value) <= _CODE_CHARS:
        raise InvalidInput(_("a code is 1–32 letters, digits, '_' or '-'"), field)
    return value


def _name(value: str, field: str, *, required: bool = True, limit: int = 100) -> str:
    try:
        text = clean_line(value, field=_(field), max_len=limit)
    except ValueError as exc:
        raise InvalidInput(str(exc), field) from None
    if required and not text:
        raise InvalidInput(_("name is required"), field)
    return text


def _whole(value: int, field: str, low: int, high: int) -> int:
    if not low <= value <= high:
        raise InvalidInput(_("{field} must be between {low} and {high}").format(
            field=field, low=low, high=high), field)
    return value


def _languages(values: Iterable[str]) -> str:
    chosen = [v.strip() for v in values if v.strip()]
    bad = [v for v in chosen if v not in LANGUAGES]
    if bad:
        raise InvalidInput(_("unknown language {lang}; choose from {langs}").format(
            lang=repr(bad[0]), langs=", ".join(LANGUAGES)), "languages")
    return ",".join(dict.fromkeys(chosen)) or "zh"


def _queue_facts(q: Queue) -> dict[str, object]:
    return {"code": q.code, "name": q.name, "name_zh": q.name_zh, "priority": q.priority,
            "sl_seconds": q.sl_seconds, "acw_seconds": q.acw_seconds, "active": q.active}


def _changes(before: dict[str, object], after: dict[str, object]) -> dict[str, object]:
    """Only what changed, as {"before": {...}, "after": {...}}."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {"before": {k: before.get(k) for k in keys}, "after": {k: after[k] for k in keys}}


class AdminService(Service):
    # ---- queues --------------------------------------------------------------------------

    def queues(self, actor: Actor) -> list[QueueView]:
        require(actor, Permission.MANAGE_QUEUES)
        with self.db.read() as s:
            return [queue_view(q) for q in s.scalars(select(Queue).order_by(Queue.code))]

    def create_queue(self, actor: Actor, data: QueueInput) -> QueueView:
        require(actor, Permission.MANAGE_QUEUES)
        code = _code(data.code, "code")
        facts = self._queue_values(data)
        now = self.clock()
        with self.db.write() as s:
            if s.scalar(select(Queue.id).where(Queue.code == code)) is not None:
                raise InvalidInput(_("queue {code} already exists").format(code=repr(code)),
                                   "code")
            q = Queue(code=code, **facts)
            s.add(q)
            s.flush()
            audit.record(s, actor, "admin.queue.created", at=now, entity="queue",
                         entity_id=code, detail={"before": {}, "after": _queue_facts(q)})
            self.signal(s, Topic.QUEUE)
            return queue_view(q)

    def update_queue(self, actor: Actor, code: str, data: QueueInput,
                     active: bool | None = None) -> QueueView:
        """Change a queue's names, priority, service-level threshold or ACW limit."""
        require(actor, Permission.MANAGE_QUEUES)
        facts = self._queue_values(data)
        now = self.clock()
        with self.db.write() as s:
            q = self._queue(s, code)
            before = _queue_facts(q)
            for key, value in facts.items():
                setattr(q, key, value)
            if active is not None:
                q.active = active
            s.flush()
            change = _changes(before, _queue_facts(q))
            if change["after"]:
                audit.record(s, actor, "admin.queue.changed", at=now, entity="queue",
                             entity_id=q.code, detail=change)
                self.signal(s, Topic.QUEUE)
            return queue_view(q)

    @staticmethod
    def _queue_values(data: QueueInput) -> dict[str, Any]:
        return {
            "name": _name(data.name, "name"),
            "name_zh": _name(data.name_zh, "name_zh", required=False),
            "priority": _whole(data.priority, "priority", 0, 100),
            "sl_seconds": _whole(data.sl_seconds, "sl_seconds", 1, 3600),
            "acw_seconds": _whole(data.acw_seconds, "acw_seconds", 0, 3600),
        }

    @staticmethod
    def _queue(s: Session, code: str) -> Queue:
        q = s.scalar(select(Queue).where(Queue.code == code))
        if q is None:
            raise NotFound(_("no queue {code}").format(code=repr(code)))
        return q

    # ---- teams ---------------------------------------------------------------------------

    def teams(self, actor: Actor) -> list[TeamView]:
        require(actor, Permission.MANAGE_QUEUES)
        with self.db.read() as s:
            return [self._team_view(s, t) for t in s.scalars(select(Team).order_by(Team.code))]

    def create_team(self, actor: Actor, code: str, name: str,
                    lead: str | None = None) -> TeamView:
        require(actor, Permission.MANAGE_QUEUES)
        code = _code(code, "code")
        name = _name(name, "name")
        now = self.clock()
        with self.db.write() as s:
            if s.scalar(select(Team.id).where(Team.code == code)) is not None:
                raise InvalidInput(_("team {code} already exists").format(code=repr(code)),
                                   "code")
            team = Team(code=code, name=name, lead_id=self._lead_id(s, lead))
            s.add(team)
            s.flush()
            view = self._team_view(s, team)
            audit.record(s, actor, "admin.team.created", at=now, entity="team", entity_id=code,
                         detail={"before": {}, "after": {"name": name, "lead": view.lead_login}})
            return view

    def update_team(self, actor: Actor, code: str, *, name: str | None = None,
                    lead: str | None = UNSET) -> TeamView:
        """Rename a team or change its lead (``lead=None`` removes the lead)."""
        require(actor, Permission.MANAGE_QUEUES)
        now = self.clock()
        with self.db.write() as s:
            team = s.scalar(select(Team).where(Team.code == code))
            if team is None:
                raise NotFound(_("no team {code}").format(code=repr(code)))
            before = self._team_view(s, team)
            if name is not None:
                team.name = _name(name, "name")
            if lead is not UNSET:
                team.lead_id = self._lead_id(s, lead)
            s.flush()
            after = self._team_view(s, team)
            change = _changes({"name": before.name, "lead": before.lead_login},
                              {"name": after.name, "lead": after.lead_login})
            if change["after"]:
                audit.record(s, actor, "admin.team.changed", at=now, entity="team",
                             entity_id=code, detail=change)
            return after

    @staticmethod
    def _lead_id(s: Session, login: str | None) -> int | None:
        if not login:
            return None
        user = s.scalar(select(User).where(User.login == login))
        if user is None or not user.active:
            raise InvalidInput(_("no active user {login}").format(login=repr(login)), "lead")
        if user.role not in (Role.TEAM_LEAD, Role.SUPERVISOR):
            raise InvalidInput(_("a team's lead must be a team lead or a supervisor"), "lead")
        return user.id

    @staticmethod
    def _team_view(s: Session, team: Team) -> TeamView:
        lead = s.get(User, team.lead_id) if team.lead_id is not None else None
        members = s.scalar(select(func.count(User.id)).where(User.team_id == team.id)) or 0
        return TeamView(id=team.id, code=team.code, name=team.name,
                        lead_login=lead.login if lead is not None else None, members=members)

    # ---- users ---------------------------------------------------------------------------

    def users(self, actor: Actor) -> list[UserView]:
        require(actor, Permission.MANAGE_USERS)
        with self.db.read() as s:
            return [self._user_view(s, u) for u in s.scalars(select(User).order_by(User.login))]

    def user(self, actor: Actor, login: str) -> UserView:
        require(actor, Permission.MANAGE_USERS)
        with self.db.read() as s:
            return self._user_view(s, self._user(s, login))

    def add_user(self, actor: Actor, login: str, *, name: str, role: str, password: str,
                 team: str | None = None, agent_no: str | None = None,
                 queues: tuple[str, ...] = (), languages: tuple[str, ...] = ("zh",),
                 must_change_password: bool = True) -> UserView:
        """Add a user (who must choose their own password at first sign-in). Audited."""
        require(actor, Permission.MANAGE_USERS)
        langs = _languages(languages)
        with self.db.read() as s:
            if team and s.scalar(select(Team.id).where(Team.code == team)) is None:
                raise InvalidInput(_("no team {code}: add it with `seatdesk team add`").format(
                    code=repr(team)), "team")
        created = UserService(self.db, self.clock).add_user(
            login, name=_name(name, "name"), role=role, password=password, team=team,
            agent_no=agent_no, queues=queues)
        now = self.clock()
        with self.db.write() as s:
            user = s.get_one(User, created.id)
            user.languages = langs
            user.must_change_password = must_change_password
            s.flush()
            view = self._user_view(s, user)
            audit.record(s, actor, "admin.user.created", at=now, entity="user",
                         entity_id=user.id, detail={"before": {}, "after": _user_facts(view)})
            self.signal(s, Topic.FLOOR)
            return view

    def update_user(self, actor: Actor, login: str, *, name: str | None = None,
                    agent_no: str | None = None, role: str | None = None,
                    team: str | None = UNSET, queues: tuple[str, ...] | None = None,
                    languages: tuple[str, ...] | None = None) -> UserView:
        """Change what is given; ``team=None`` takes the user out of their team."""
        require(actor, Permission.MANAGE_USERS)
        now = self.clock()
        with self.db.write() as s:
            user = self._user(s, login)
            before = self._user_view(s, user)
            if name is not None:
                user.name = _name(name, "name")
            if agent_no is not None:
                user.agent_no = self._agent_no(s, agent_no, user.id)
            if role is not None:
                new_role = _role(role)
                if user.role == Role.ADMIN and new_role != Role.ADMIN:
                    self._keep_an_admin(s, user)
                user.role = new_role
            if team is not UNSET:
                user.team_id = self._team_id(s, team)
            if queues is not None:
                self._set_queues(s, user.id, queues)
            if languages is not None:
                user.languages = _languages(languages)
            s.flush()
            s.expire(user)
            after = self._user_view(s, user)
            change = _changes(_user_facts(before), _user_facts(after))
            if change["after"]:
                audit.record(s, actor, "admin.user.changed", at=now, entity="user",
                             entity_id=user.id, detail=change)
                self.signal(s, Topic.FLOOR)
            return after

    def set_active(self, actor: Actor, login: str, active: bool) -> UserView:
        """Disable (or enable again) a user: a disabled user cannot sign in or act."""
        require(actor, Permission.MANAGE_USERS)
        now = self.clock()
        with self.db.write() as s:
            user = self._user(s, login)
            if not active and user.id == actor.user_id:
                raise InvalidInput(_("you cannot disable yourself"), "active")
            if not active and user.role == Role.ADMIN:
                self._keep_an_admin(s, user)
            before = user.active
            user.active = active
            if not active:  # their command-line sessions end with them
                for session in s.scalars(select(CliSession).where(
                        CliSession.user_id == user.id, CliSession.revoked_at.is_(None))):
                    session.revoked_at = now
            if before != active:
                audit.record(s, actor, "admin.user.enabled" if active else
                             "admin.user.disabled", at=now, entity="user", entity_id=user.id,
                             detail={"before": {"active": before}, "after": {"active": active}})
                self.signal(s, Topic.FLOOR)
            return self._user_view(s, user)

    def reset_password(self, actor: Actor, login: str, password: str, *,
                       force_change: bool = True) -> UserView:
        """Set a new password (and unlock); by default it must be changed at next sign-in."""
        require(actor, Permission.MANAGE_USERS)
        _check_password(password)
        now = self.clock()
        with self.db.write() as s:
            user = self._user(s, login)
            was = user.must_change_password
            user.password_hash = hash_password(password)
            user.failed_logins = 0
            user.locked_until = None
            user.must_change_password = force_change
            audit.record(s, actor, "admin.user.password_reset", at=now, entity="user",
                         entity_id=user.id,
                         detail={"before": {"must_change_password": was},
                                 "after": {"must_change_password": force_change}})
            return self._user_view(s, user)

    def require_password_change(self, actor: Actor, login: str) -> UserView:
        """The user must choose a new password at their next sign-in."""
        require(actor, Permission.MANAGE_USERS)
        now = self.clock()
        with self.db.write() as s:
            user = self._user(s, login)
            was = user.must_change_password
            user.must_change_password = True
            audit.record(s, actor, "admin.user.must_change_password", at=now, entity="user",
                         entity_id=user.id, detail={"before": {"must_change_password": was},
                                                    "after": {"must_change_password": True}})
            return self._user_view(s, user)

    def revoke_sessions(self, actor: Actor, login: str) -> int:
        """End every `seatdesk login` session of a user; how many were open."""
        require(actor, Permission.MANAGE_USERS)
        now = self.clock()
        with self.db.write() as s:
            user = self._user(s, login)
            sessions = list(s.scalars(select(CliSession).where(
                CliSession.user_id == user.id, CliSession.revoked_at.is_(None),
                CliSession.expires_at > now)))
            for session in sessions:
                session.revoked_at = now
            audit.record(s, actor, "admin.user.sessions_revoked", at=now, entity="user",
                         entity_id=user.id, detail={"sessions": len(sessions)})
            return len(sessions)

    # ---- the first admin and the system secret -------------------------------------------

    def bootstrap_admin(self, login: str, *, name: str, password: str) -> UserView:
        """The first admin of a fresh database; refused once any admin exists."""
        with self.db.read() as s:
            if s.scalar(select(User.id).where(User.role == Role.ADMIN).limit(1)) is not None:
                raise PermissionDenied(_("this database already has an admin; they add "
                                         "users with `seatdesk user add`"))
        return self.add_user(SYSTEM, login, name=name, role="admin", password=password,
                             must_change_password=False)

    def new_system_secret(self, actor: Actor) -> str:
        """A new secret for the phone hook and the daemon (shown once; the old one stops)."""
        require(actor, Permission.MANAGE_USERS)
        secret = secrets.token_urlsafe(32)
        now = self.clock()
        with self.db.write() as s:
            s.execute(delete(SystemSecret).where(SystemSecret.name == SYSTEM_SECRET))
            s.add(SystemSecret(name=SYSTEM_SECRET, secret_hash=_token_hash(secret),
                               created_at=now, created_by=actor.login))
            audit.record(s, actor, "admin.system_secret.replaced", at=now,
                         entity="system_secret", entity_id=SYSTEM_SECRET)
        return secret

    # ---- helpers -------------------------------------------------------------------------

    @staticmethod
    def _user(s: Session, login: str) -> User:
        user = s.scalar(select(User).where(User.login == login)) if _LOGIN.match(login) else None
        if user is None:
            raise NotFound(_("no user {login}").format(login=repr(login)))
        return user

    @staticmethod
    def _keep_an_admin(s: Session, user: User) -> None:
        others = s.scalar(select(func.count(User.id)).where(
            User.role == Role.ADMIN, User.active.is_(True), User.id != user.id)) or 0
        if others == 0:
            raise InvalidInput(_("{login} is the last active admin").format(login=user.login),
                               "role")

    @staticmethod
    def _agent_no(s: Session, agent_no: str, user_id: int) -> str:
        agent_no = agent_no.strip()
        if not agent_no.isdigit() or len(agent_no) > 16:
            raise InvalidInput(_("an agent number (工号) is 1–16 digits"), "agent_no")
        other = s.scalar(select(User.login).where(User.agent_no == agent_no,
                                                  User.id != user_id))
        if other is not None:
            raise InvalidInput(_("agent number {no} belongs to {login}").format(
                no=agent_no, login=other), "agent_no")
        return agent_no

    @staticmethod
    def _team_id(s: Session, code: str | None) -> int | None:
        if not code:
            return None
        team_id = s.scalar(select(Team.id).where(Team.code == code))
        if team_id is None:
            raise InvalidInput(_("no team {code}: add it with `seatdesk team add`").format(
                code=repr(code)), "team")
        return team_id

    @staticmethod
    def _set_queues(s: Session, user_id: int, codes: tuple[str, ...]) -> None:
        ids = []
        for code in dict.fromkeys(codes):
            qid = s.scalar(select(Queue.id).where(Queue.code == code))
            if qid is None:
                raise InvalidInput(_("no queue {code}").format(code=repr(code)), "queues")
            ids.append(qid)
        s.execute(delete(UserQueue).where(UserQueue.user_id == user_id))
        for qid in ids:
            s.add(UserQueue(user_id=user_id, queue_id=qid))

    def _user_view(self, s: Session, user: User) -> UserView:
        team = s.get(Team, user.team_id) if user.team_id is not None else None
        queues = tuple(s.scalars(select(Queue.code).join(UserQueue, UserQueue.queue_id == Queue.id)
                                 .where(UserQueue.user_id == user.id).order_by(Queue.code)))
        now: datetime = self.clock()
        return UserView(id=user.id, login=user.login, name=user.name, agent_no=user.agent_no,
                        role=user.role.value, team_code=team.code if team else None,
                        active=user.active, queues=queues,
                        languages=tuple(x for x in user.languages.split(",") if x),
                        must_change_password=user.must_change_password,
                        locked=user.locked_until is not None and user.locked_until > now)


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InvalidInput(_("unknown role {role}; choose one of {roles}").format(
            role=repr(value), roles=", ".join(r.value for r in Role)), "role") from None


def _user_facts(view: UserView) -> dict[str, object]:
    return {"name": view.name, "agent_no": view.agent_no, "role": view.role,
            "team": view.team_code, "queues": list(view.queues),
            "languages": list(view.languages), "active": view.active}
