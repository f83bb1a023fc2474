"""Users, teams, queues and logging in (with lock-out after repeated failures)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from seatdesk.data.models import (
    CliSession,
    Queue,
    Role,
    SiteSetting,
    SystemSecret,
    Team,
    User,
    UserQueue,
)
from seatdesk.domain.errors import InvalidInput, LoginFailed, NotFound, PermissionDenied
from seatdesk.domain.i18n import _, ngettext
from seatdesk.domain.passwords import hash_password, verify_nothing, verify_password
from seatdesk.domain.text import clean_line
from seatdesk.services import audit
from seatdesk.services.base import Service
from seatdesk.services.dto import SYSTEM, Actor, QueueView, UserView

_LOGIN = re.compile(r"^[A-Za-z0-9_.-]{2,64}$")
MAX_FAILURES = 5
LOCK_MINUTES = 15
MIN_PASSWORD, MAX_PASSWORD = 8, 200
SESSION_HOURS = 12.0  # a `seatdesk login` lasts one working day
SYSTEM_SECRET = "system"
DEMO_KEY = "demo"


def actor_of(user: User) -> Actor:
    return Actor(
        user_id=user.id,
        login=user.login,
        role=user.role.value,
        name=user.name,
        agent_no=user.agent_no,
        team_id=user.team_id,
        must_change_password=user.must_change_password,
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
        acw_seconds=q.acw_seconds,
        active=q.active,
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
        _check_password(password)
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
        """Check a password; five failures in a row lock the account for a while.

        Every failure says the same and costs one scrypt, whether the login exists, is
        locked, disabled or only mistyped, so neither the message nor the time tells which
        logins exist. An attempt is counted (atomically, committed) before its password is
        checked: however many guesses arrive at once, at most five are ever tried.
        """
        now = self.clock()
        outcome = self._reserve_attempt(login, now)
        if isinstance(outcome, str):
            verify_nothing(password)
            self._record_failure(login, None, outcome, now)
            raise LoginFailed(self.failure_message())
        user_id, stored, count = outcome
        if verify_password(password, stored):
            with self.db.write() as s:
                s.execute(update(User).where(User.id == user_id)
                          .values(failed_logins=0, locked_until=None))
                user = s.get_one(User, user_id)
                audit.record(s, actor_of(user), "login.ok", at=now, entity="user",
                             entity_id=user.id)
                return actor_of(user)
        detail: dict[str, object] = {"failures": count}
        if count >= MAX_FAILURES:
            locked_until = now + timedelta(minutes=LOCK_MINUTES)
            detail["locked_until"] = locked_until.isoformat()
            with self.db.write() as s:
                s.execute(update(User).where(User.id == user_id)
                          .values(failed_logins=0, locked_until=locked_until))
        self._record_failure(login, user_id, "wrong password", now, detail)
        raise LoginFailed(self.failure_message())

    @staticmethod
    def failure_message() -> str:
        minutes = ngettext("{m} minute", "{m} minutes", LOCK_MINUTES).format(m=LOCK_MINUTES)
        return ngettext("wrong login or password (after {n} failure in a row an account is "
                        "locked for {minutes})",
                        "wrong login or password (after {n} failures in a row an account is "
                        "locked for {minutes})", MAX_FAILURES).format(n=MAX_FAILURES,
                                                                      minutes=minutes)

    def _reserve_attempt(self, login: str, now: datetime) -> tuple[int, str, int] | str:
        """Count an attempt before its password is checked; or say why none is allowed."""
        if not _LOGIN.match(login):
            return "malformed login"
        with self.db.write() as s:
            found = s.execute(select(User.id, User.active).where(User.login == login)).first()
            if found is None:
                return "unknown user"
            if not found.active:
                return "disabled"
            reserved = s.execute(
                update(User)
                .where(User.id == found.id, User.failed_logins < MAX_FAILURES,
                       or_(User.locked_until.is_(None), User.locked_until <= now))
                .values(failed_logins=User.failed_logins + 1)
                .returning(User.failed_logins, User.password_hash)
            ).first()
            if reserved is None:
                return "locked"
            return found.id, reserved.password_hash, reserved.failed_logins

    def _record_failure(self, login: str, user_id: int | None, reason: str, now: datetime,
                        detail: dict[str, object] | None = None) -> None:
        with self.db.write() as s:
            user = s.get(User, user_id) if user_id is not None else \
                s.scalar(select(User).where(User.login == login[:64]))
            who = actor_of(user) if user is not None else Actor(None, login[:64], "unknown")
            audit.record(s, who, "login.locked" if reason == "locked" else "login.failed",
                         at=now, entity="user" if user is not None else "",
                         entity_id=user.id if user is not None else "",
                         detail={"reason": reason, **(detail or {})})

    # ---- changing one's own password ---------------------------------------------------

    def change_password(self, login: str, old_password: str, new_password: str) -> Actor:
        """Prove the old password, set a new one; clears a forced change. Audited."""
        actor = self.authenticate(login, old_password)
        _check_password(new_password)
        if new_password == old_password:
            raise InvalidInput(_("the new password must differ from the old one"), "password")
        now = self.clock()
        with self.db.write() as s:
            user = s.get_one(User, actor.user_id)
            user.password_hash = hash_password(new_password)
            user.must_change_password = False
            audit.record(s, actor, "user.password_changed", at=now, entity="user",
                         entity_id=user.id)
            return actor_of(user)

    # ---- command-line sessions (`seatdesk login`) ----------------------------------------

    def open_session(self, actor: Actor, hours: float = SESSION_HOURS) -> str:
        """A new session token for a proven actor; only its SHA-256 is stored."""
        if actor.user_id is None or actor.must_change_password:
            raise LoginFailed(_("change your password first: seatdesk password --as {login}")
                              .format(login=actor.login))
        token = secrets.token_urlsafe(32)
        now = self.clock()
        with self.db.write() as s:
            s.add(CliSession(user_id=actor.user_id, token_hash=_token_hash(token),
                             created_at=now, expires_at=now + timedelta(hours=hours)))
            audit.record(s, actor, "session.opened", at=now, entity="user",
                         entity_id=actor.user_id, detail={"hours": hours})
        return token

    def session_actor(self, token: str) -> Actor:
        """The user a session token stands for, if it is current and the user is active."""
        now = self.clock()
        with self.db.read() as s:
            found = s.execute(
                select(CliSession, User).join(User, User.id == CliSession.user_id)
                .where(CliSession.token_hash == _token_hash(token))
            ).first()
            if (found is None or found.CliSession.revoked_at is not None
                    or found.CliSession.expires_at <= now or not found.User.active):
                raise LoginFailed(_("your session has expired or was ended: "
                                    "run `seatdesk login` again"))
            return actor_of(found.User)

    def close_session(self, token: str) -> None:
        now = self.clock()
        with self.db.write() as s:
            session = s.scalar(select(CliSession).where(
                CliSession.token_hash == _token_hash(token)))
            if session is not None and session.revoked_at is None:
                session.revoked_at = now

    # ---- the system identity (phone hook, timed-rules daemon) ----------------------------

    def system_actor(self, secret: str | None) -> Actor:
        """SYSTEM, if ``secret`` is the one an admin configured; refused otherwise."""
        with self.db.read() as s:
            stored = s.scalar(select(SystemSecret.secret_hash)
                              .where(SystemSecret.name == SYSTEM_SECRET))
        if stored is None:
            raise PermissionDenied(_("no system secret is configured: an admin runs "
                                     "`seatdesk system-secret --as LOGIN`"))
        if not secret or not hmac.compare_digest(_token_hash(secret), stored):
            raise PermissionDenied(_("the system secret (SEATDESK_SYSTEM_SECRET) is missing "
                                     "or wrong"))
        return SYSTEM

    # ---- the installation ----------------------------------------------------------------

    def is_demo(self) -> bool:
        """True when the database was filled with demo data (and its published passwords)."""
        with self.db.read() as s:
            return s.get(SiteSetting, DEMO_KEY) is not None

    def mark_demo(self) -> None:
        with self.db.write() as s:
            if s.get(SiteSetting, DEMO_KEY) is None:
                s.add(SiteSetting(key=DEMO_KEY, value="1"))

    def has_users(self) -> bool:
        with self.db.read() as s:
            return s.scalar(select(User.id).limit(1)) is not None


def _token_hash(token: str) -> str:
    # Tokens and the system secret are 256 random bits: a fast hash is enough (no guessing).
    return hashlib.sha256(token.encode()).hexdigest()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(_("password must be at least {n} characters").format(n=MIN_PASSWORD),
                           "password")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(_("password must be at most {n} characters").format(n=MAX_PASSWORD),
                           "password")
