"""Shift rosters (排班): templates, the weekly roster per team, rules, fill, publish, export.

Every change is checked against the roster rules in the same transaction that writes it;
a change that breaks a rule is refused with the rule's message unless the lead gives a
reason, which is kept on the shift and audited.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from seatdesk.data.models import (
    AgentStateEvent,
    Queue,
    Role,
    Shift,
    ShiftTemplate,
    Team,
    User,
    UserQueue,
)
from seatdesk.data.models.roster import (
    RequirementShare,
    RosterRequest,
    RosterWeek,
    ShiftChange,
)
from seatdesk.data.topics import Topic
from seatdesk.domain.errors import InvalidInput, NotFound, PermissionDenied
from seatdesk.domain.i18n import N_, _, message_list
from seatdesk.domain.i18n import code as code_param
from seatdesk.domain.i18n import message as message_param
from seatdesk.domain.roster import adherence as adh
from seatdesk.domain.roster.breaks import BreakRule, ShiftToBreak, place_breaks
from seatdesk.domain.roster.coverage import (
    CoverageRow,
    CoverageSummary,
    TemplateSpec,
    compare,
    day_grid,
    scheduled_minutes,
    summarise,
    working_periods,
)
from seatdesk.domain.roster.forecast import Accuracy
from seatdesk.domain.staffing import pooled
from seatdesk.services import audit
from seatdesk.services.base import Service
from seatdesk.services.dto import Actor
from seatdesk.services.forecast import (
    accuracy_rows,
    center_tz,
    check_interval,
    forecast_queue,
)
from seatdesk.services.notifications import add_notification
from seatdesk.services.permissions import Permission, require

if TYPE_CHECKING:
    from seatdesk.domain.roster.optimiser import FillResult
from seatdesk.domain.roster.rules import (
    PlannedShift,
    RosterRules,
    Violation,
    check_agent,
    violations_touching,
    week_start,
)
from seatdesk.domain.text import clean_line

WORK, LEAVE, OFF = "work", "leave", "off"
DEFAULT_TEMPLATES = (
    # code, name, start, length, breaks [[offset, length]] (minutes)
    ("E", "Early 07:00–16:00", 7 * 60, 9 * 60, [[240, 60]]),
    ("D", "Day 08:30–17:30", 8 * 60 + 30, 9 * 60, [[210, 60]]),
    ("L", "Late 13:00–22:00", 13 * 60, 9 * 60, [[240, 60]]),
    ("N", "Night 22:00–07:00", 22 * 60, 9 * 60, [[240, 60]]),
)
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class RuleBroken(InvalidInput):
    """A roster change breaks a rule; give a reason to keep it anyway."""

    def __init__(self, violations: list[Violation]) -> None:
        super().__init__("; ".join(v.message for v in violations), "shift")
        self.violations = tuple(violations)


class Locked(InvalidInput):
    """The day is over or the shift has started: that part of the roster is history."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "shift")


DRAFT, PUBLISHED, CHANGED = "draft", "published", "published, changed since"


@dataclass(frozen=True)
class ShiftChangeView:
    user_id: int
    day: date
    before: str
    after: str
    reason: str
    changed_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True)
class TemplateView:
    id: int
    code: str
    name: str
    start_minute: int
    length_minutes: int
    breaks: tuple[tuple[int, int], ...]
    weekdays: str

    @property
    def spec(self) -> TemplateSpec:
        return TemplateSpec(self.code, self.start_minute, self.length_minutes, self.breaks,
                            self.weekdays)

    @property
    def hours(self) -> str:
        end = (self.start_minute + self.length_minutes) % 1440
        return f"{self.start_minute // 60:02d}:{self.start_minute % 60:02d}–" \
               f"{end // 60:02d}:{end % 60:02d}"


@dataclass(frozen=True)
class RosterAgent:
    user_id: int
    login: str
    name: str
    agent_no: str
    queues: tuple[str, ...]


@dataclass(frozen=True)
class ShiftView:
    id: int
    user_id: int
    day: date
    kind: str
    template_code: str | None
    start_at: datetime | None
    end_at: datetime | None
    published: bool
    override_reason: str


@dataclass(frozen=True)
class RosterWeekView:
    team_id: int
    team_code: str
    week_start: date
    agents: tuple[RosterAgent, ...]
    shifts: tuple[ShiftView, ...]
    templates: tuple[TemplateView, ...]
    published_at: datetime | None
    unpublished_changes: int
    violations: tuple[Violation, ...]
    changes_since_publish: int = 0

    @property
    def status(self) -> str:
        """draft, published, or 'published, changed since' (changes not yet re-published)."""
        if self.published_at is None:
            return DRAFT
        return CHANGED if self.changes_since_publish else PUBLISHED

    def shift(self, user_id: int, day: date) -> ShiftView | None:
        return next((s for s in self.shifts if s.user_id == user_id and s.day == day), None)

    @property
    def days(self) -> tuple[date, ...]:
        return tuple(self.week_start + timedelta(days=i) for i in range(7))


@dataclass(frozen=True)
class CopyResult:
    copied: int
    refused: tuple[Violation, ...]


@dataclass(frozen=True)
class FillReport:
    result: FillResult
    created: int
    grid_minutes: int


@dataclass(frozen=True)
class Requirement:
    """Agents to roster per interval for each skill group the team serves (its share)."""

    by_group: dict[str, list[float]]
    agent_group: dict[int, str]  # the team's agents: the group each belongs to
    shares: dict[str, float] = field(default_factory=dict)  # the team's share of each group


@dataclass(frozen=True)
class CoverageView:
    team_code: str
    day: date
    interval_minutes: int
    rows: tuple[CoverageRow, ...]
    summary: CoverageSummary
    by_group: dict[str, list[float]] = field(default_factory=dict)
    on_break: tuple[float, ...] = ()  # agents on a placed break, per interval
    accuracy: tuple[Accuracy, ...] = ()  # a day that is over: forecast against actual
    shares: dict[str, float] = field(default_factory=dict)  # skill group -> the team's share


@dataclass(frozen=True)
class RequestView:
    id: int
    kind: str  # leave, swap
    user_id: int
    user_name: str
    day: date
    other_user_id: int | None
    other_name: str | None
    reason: str
    state: str  # pending, approved, refused
    decision_note: str
    created_at: datetime


@dataclass(frozen=True)
class MySchedule:
    """An agent's published shifts this week and next, and their requests."""

    first: date
    last: date
    shifts: tuple[ShiftView, ...]
    templates: tuple[TemplateView, ...]
    requests: tuple[RequestView, ...]


PENDING, APPROVED, REFUSED = "pending", "approved", "refused"
SWAP = "swap"


@dataclass(frozen=True)
class AttendanceLine:
    """One agent's month (考勤): late sign-ins against shift starts and the allowance."""

    user_id: int
    login: str
    name: str
    agent_no: str
    month: str  # YYYY-MM
    worked_days: int  # shifts that have started
    late_days: int
    late_minutes: int
    absent_days: int
    allowance: int

    @property
    def over_allowance(self) -> bool:
        return self.late_days > self.allowance


def env_late_allowance() -> int:
    """SEATDESK_LATE_ALLOWANCE: late sign-ins allowed a month (the manuals: three)."""
    raw = os.environ.get("SEATDESK_LATE_ALLOWANCE", "").strip()
    if raw and not raw.isdigit():
        raise InvalidInput(_("SEATDESK_LATE_ALLOWANCE must be a whole number, not {raw!r}"
                             ).format(raw=raw), "allowance")
    return int(raw) if raw else 3


@dataclass(frozen=True)
class LiveAdherenceLine:
    """One seat on the live floor against its schedule (real-time adherence)."""

    user_id: int
    name: str
    agent_no: str
    status: str  # adherence.IN_ADHERENCE, NOT_SIGNED_IN, ...
    minutes_out: int  # out of adherence today so far
    shift_start: datetime | None
    shift_end: datetime | None


@dataclass(frozen=True)
class AdherenceLine:
    user_id: int
    name: str
    agent_no: str
    day: adh.DayAdherence


def _template_view(t: ShiftTemplate) -> TemplateView:
    return TemplateView(t.id, t.code, t.name, t.start_minute, t.length_minutes,
                        tuple((int(a), int(b)) for a, b in t.breaks), t.weekdays)


def _shift_view(s: Shift, codes: dict[int, str]) -> ShiftView:
    return ShiftView(s.id, s.user_id, s.day, s.kind,
                     codes.get(s.template_id) if s.template_id else None, s.start_at, s.end_at,
                     s.published, s.override_reason)


def _choice_of(row: Shift | None, codes: dict[int, str]) -> str:
    """How a day reads in the change history: a template code, leave, off, or ''."""
    if row is None:
        return ""
    if row.kind != WORK:
        return row.kind
    return codes.get(row.template_id or 0, "?")


def _choice_param(choice: str) -> str | dict[str, str]:
    """A day's choice as a stored message's parameter: leave and off are words the reader
    reads in their language; a template code is shown as it is."""
    if choice in (LEAVE, OFF):
        return code_param(choice)
    return choice or "—"


def parse_hhmm(value: str, field: str) -> int:
    """'08:30' → 510 minutes after midnight; a clear message otherwise."""
    m = _HHMM.match(value.strip())
    if not m:
        raise InvalidInput(_("{value!r} is not a time like 08:30").format(value=value), field)
    return int(m.group(1)) * 60 + int(m.group(2))


def env_shrinkage() -> float:
    """SEATDESK_SHRINKAGE: the share of paid time not on the phones (breaks, training, absence)."""
    raw = os.environ.get("SEATDESK_SHRINKAGE", "").strip()
    try:
        value = float(raw) if raw else 0.0
    except ValueError:
        value = -1.0
    if not 0 <= value < 1:
        raise InvalidInput(_("SEATDESK_SHRINKAGE must be a share from 0 to below 1, like 0.3, "
                             "not {raw!r}").format(raw=raw), "shrinkage")
    return value


class RosterService(Service):
    tz: tzinfo = center_tz()
    rules: RosterRules = RosterRules()
    # None: read from the environment when used (a bad value is then a clear message).
    shrinkage: float | None = None
    target_sl: float = 0.8
    late_allowance: int | None = None
    break_rule: BreakRule = BreakRule()

    # ---- lookups -------------------------------------------------------------------

    def _team(self, s: Session, actor: Actor, team_code: str | None) -> Team:
        if team_code is None:
            if actor.team_id is None:
                raise InvalidInput(_("say which team (you belong to none)"), "team")
            team = s.get(Team, actor.team_id)
        else:
            team = s.scalar(select(Team).where(Team.code == team_code))
        if team is None:
            raise NotFound(_("no team {code!r}").format(code=team_code))
        # Team leads plan their own team; supervisors and admins any team.
        if actor.role == Role.TEAM_LEAD.value and actor.team_id != team.id:
            raise PermissionDenied(_("you may plan only your own team"))
        return team

    def _templates(self, s: Session) -> list[ShiftTemplate]:
        return list(s.scalars(select(ShiftTemplate).order_by(ShiftTemplate.start_minute,
                                                             ShiftTemplate.code)))

    def _agents(self, s: Session, team: Team) -> list[RosterAgent]:
        users = list(s.scalars(select(User).where(
            User.team_id == team.id, User.active.is_(True), User.role == Role.AGENT)
            .order_by(User.agent_no)))
        skills: dict[int, list[str]] = defaultdict(list)
        for uid, code in s.execute(select(UserQueue.user_id, Queue.code).join(
                Queue, Queue.id == UserQueue.queue_id).where(
                UserQueue.user_id.in_([u.id for u in users])).order_by(Queue.code)):
            skills[uid].append(code)
        return [RosterAgent(u.id, u.login, u.name, u.agent_no, tuple(skills[u.id]))
                for u in users]

    def _planned(self, s: Session, user_ids: list[int], first: date, last: date,
                 ) -> dict[int, list[tuple[Shift, PlannedShift]]]:
        """Work shifts of these agents between two days, as rule-checkable values."""
        templates = {t.id: t for t in self._templates(s)}
        out: dict[int, list[tuple[Shift, PlannedShift]]] = defaultdict(list)
        for row in s.scalars(select(Shift).where(
                Shift.user_id.in_(user_ids), Shift.day >= first, Shift.day <= last,
                Shift.kind == WORK)):
            template = templates.get(row.template_id or 0)
            out[row.user_id].append((row, self._as_planned(row, template)))
        return out

    def _with_placed_breaks(self, s: Session,
                            planned: dict[int, list[tuple[Shift, PlannedShift]]],
                            ) -> dict[int, list[tuple[Shift, PlannedShift]]]:
        """The same shifts with their breaks placed by the break rule, day by day."""
        templates = {t.id: t for t in self._templates(s)}
        by_day: dict[date, list[ShiftToBreak]] = defaultdict(list)
        for shifts in planned.values():
            for row, p in shifts:
                t = templates.get(row.template_id or 0)
                nominal = tuple((int(a), int(b)) for a, b in (t.breaks if t else []))
                by_day[p.day].append(ShiftToBreak(row.id, p.start, p.end, nominal))
        placed: dict[int, tuple[tuple[int, int], ...]] = {}
        for day_shifts in by_day.values():
            placed |= place_breaks(day_shifts, self.break_rule)
        out: dict[int, list[tuple[Shift, PlannedShift]]] = {}
        for uid, shifts in planned.items():
            out[uid] = []
            for row, p in shifts:
                periods = tuple(working_periods(p.start, p.end, placed.get(row.id, ())))
                out[uid].append((row, PlannedShift(p.user_id, p.day, p.start, p.end,
                                                   p.work_minutes, periods)))
        return out

    def _as_planned(self, row: Shift, t: ShiftTemplate | None) -> PlannedShift:
        assert row.start_at is not None and row.end_at is not None
        breaks = [(int(a), int(b)) for a, b in (t.breaks if t else [])]
        periods = tuple(working_periods(row.start_at, row.end_at, breaks))
        work = sum(int((e - b).total_seconds() // 60) for b, e in periods)
        return PlannedShift(row.user_id, row.day, row.start_at, row.end_at, work, periods)

    # ---- templates ----------------------------------------------------------------

    def templates(self) -> list[TemplateView]:
        with self.db.read() as s:
            return [_template_view(t) for t in self._templates(s)]

    def save_template(self, actor: Actor, code: str, name: str, start: str, length_minutes: int,
                      breaks: list[tuple[int, int]] | None = None,
                      weekdays: str = "1234567") -> TemplateView:
        """Create or change a shift template (start 'HH:MM', length and breaks in minutes)."""
        require(actor, Permission.PLAN_ROSTER)
        code = clean_line(code, field="code", max_len=8)
        if not code:
            raise InvalidInput(_("a template needs a code"), "code")
        name = clean_line(name, field="name", max_len=100) or code
        start_minute = parse_hhmm(start, "start")
        if not 60 <= length_minutes <= 16 * 60:
            raise InvalidInput(_("a shift lasts 1 to 16 hours"), "length")
        breaks = sorted(breaks or [])
        for offset, length in breaks:
            if offset < 0 or length <= 0 or offset + length > length_minutes:
                raise InvalidInput(_("each break must lie inside the shift"), "breaks")
        if not weekdays or not set(weekdays) <= set("1234567"):
            raise InvalidInput(_("weekdays are digits 1 (Monday) to 7 (Sunday)"), "weekdays")
        with self.db.write() as s:
            row = s.scalar(select(ShiftTemplate).where(ShiftTemplate.code == code))
            if row is None:
                row = ShiftTemplate(code=code)
                s.add(row)
            row.name, row.start_minute, row.length_minutes = name, start_minute, length_minutes
            row.breaks = [list(b) for b in breaks]
            row.weekdays = "".join(sorted(set(weekdays)))
            s.flush()
            self.signal(s, Topic.ROSTER)
            return _template_view(row)

    def ensure_default_templates(self, actor: Actor) -> list[TemplateView]:
        """Create the usual early/day/late/night templates when there are none yet."""
        require(actor, Permission.PLAN_ROSTER)
        with self.db.write() as s:
            if not self._templates(s):
                for code, name, start, length, breaks in DEFAULT_TEMPLATES:
                    s.add(ShiftTemplate(code=code, name=name, start_minute=start,
                                        length_minutes=length, breaks=breaks))
                s.flush()
            return [_template_view(t) for t in self._templates(s)]

    # ---- the week -----------------------------------------------------------------

    def teams(self, actor: Actor) -> list[str]:
        """Team codes the actor may plan."""
        require(actor, Permission.PLAN_ROSTER)
        with self.db.read() as s:
            stmt = select(Team.code).order_by(Team.code)
            if actor.role == Role.TEAM_LEAD.value:
                stmt = stmt.where(Team.id == actor.team_id)
            return list(s.scalars(stmt))

    def week(self, actor: Actor, team_code: str | None, day: date) -> RosterWeekView:
        """The team's roster for the ISO week holding ``day``, with every rule it breaks."""
        require(actor, Permission.PLAN_ROSTER)
        monday = week_start(day)
        with self.db.read() as s:
            team = self._team(s, actor, team_code)
            return self._week(s, team, monday)

    def _week(self, s: Session, team: Team, monday: date) -> RosterWeekView:
        agents = self._agents(s, team)
        ids = [a.user_id for a in agents]
        templates = self._templates(s)
        codes = {t.id: t.code for t in templates}
        sunday = monday + timedelta(days=6)
        rows = list(s.scalars(select(Shift).where(
            Shift.user_id.in_(ids), Shift.day >= monday, Shift.day <= sunday)))
        planned = self._planned(s, ids, monday - timedelta(days=7), sunday + timedelta(days=7))
        violations: list[Violation] = []
        for uid in ids:
            found = check_agent([p for _r, p in planned.get(uid, [])], self.rules)
            violations += [v for v in found if v.day is None or monday <= v.day <= sunday]
        rw = s.scalar(select(RosterWeek).where(RosterWeek.team_id == team.id,
                                               RosterWeek.week_start == monday))
        pending = s.scalar(select(func.count(ShiftChange.id)).where(
            ShiftChange.team_id == team.id, ShiftChange.week_start == monday,
            ShiftChange.sent_at.is_(None))) or 0
        return RosterWeekView(
            team.id, team.code, monday, tuple(agents),
            tuple(_shift_view(r, codes) for r in rows),
            tuple(_template_view(t) for t in templates),
            rw.published_at if rw else None,
            sum(1 for r in rows if not r.published), tuple(violations), int(pending))

    def _place(self, s: Session, actor: Actor, user: User, day: date, choice: str,
               reason: str, templates: dict[str, ShiftTemplate]) -> Shift | None:
        """Put ``choice`` on ``user``'s ``day`` after checking the rules (no commit).

        Past days and started shifts are locked; a change to a published week is kept in
        the change history, audited and notified to the agent.
        """
        existing = s.scalar(select(Shift).where(Shift.user_id == user.id, Shift.day == day))
        now = self.clock()
        if day < now.astimezone(self.tz).date():
            raise Locked(_("{day} is over: past days of the roster are locked").format(day=day))
        if (existing is not None and existing.start_at is not None
                and existing.start_at <= now):
            raise Locked(_("the shift on {day} has started and can no longer be changed"
                           ).format(day=day))
        new: Shift | None = None
        if choice in (LEAVE, OFF):
            new = Shift(user_id=user.id, day=day, kind=choice)
        elif choice:
            t = templates.get(choice)
            if t is None:
                raise InvalidInput(_("no shift template {code!r}").format(code=choice), "shift")
            spec = _template_view(t).spec
            if not spec.offered_on(day):
                raise InvalidInput(_("template {code} is not worked on {day:%A}").format(
                    code=t.code, day=day), "shift")
            start, end = spec.span(day, self.tz)
            if start <= now:
                raise Locked(_("a shift starting at {at:%H:%M} today would already have begun"
                               ).format(at=start.astimezone(self.tz)))
            new = Shift(user_id=user.id, day=day, kind=WORK, template_id=t.id,
                        start_at=start, end_at=end)
            around = self._planned(s, [user.id], day - timedelta(days=13),
                                   day + timedelta(days=13)).get(user.id, [])
            others = [p for r, p in around if r.day != day]
            found = violations_touching(
                check_agent(others + [self._as_planned(new, t)], self.rules), day)
            if found and not reason:
                raise RuleBroken(found)
            if found:
                new.override_reason = reason
                audit.record(s, actor, "roster.override", at=self.clock(), entity="user",
                             entity_id=user.id,
                             detail={"day": day.isoformat(), "shift": t.code, "reason": reason,
                                     "rules": [v.rule for v in found]})
        codes = {tt.id: tt.code for tt in templates.values()}
        before, after = _choice_of(existing, codes), _choice_of(new, codes)
        if existing is not None:
            if new is not None:
                new.published = existing.published
            s.delete(existing)
            s.flush()
        if new is not None:
            s.add(new)
        if before != after:
            self._record_change(s, actor, user, day, before, after, reason, now)
        return new

    def _record_change(self, s: Session, actor: Actor, user: User, day: date, before: str,
                       after: str, reason: str, now: datetime) -> None:
        """History, audit and a notice when a published week changes (drafts change freely)."""
        if user.team_id is None:
            return
        monday = week_start(day)
        rw = s.scalar(select(RosterWeek).where(RosterWeek.team_id == user.team_id,
                                               RosterWeek.week_start == monday))
        if rw is None or rw.published_at is None:
            return
        s.add(ShiftChange(team_id=user.team_id, week_start=monday, user_id=user.id, day=day,
                          before=before, after=after, reason=reason, changed_by=actor.user_id,
                          changed_at=now))
        audit.record(s, actor, "roster.change", at=now, entity="user", entity_id=user.id,
                     detail={"day": day.isoformat(), "before": before, "after": after,
                             "reason": reason})
        add_notification(s, user.id, at=now, kind="roster",
                         message=N_("Your shift on {day} changed: {before} → {after}"),
                         params={"day": day.isoformat(), "before": _choice_param(before),
                                 "after": _choice_param(after)}, ref=f"roster:{day}")

    def assign(self, actor: Actor, user_id: int, day: date, choice: str,
               reason: str = "") -> ShiftView | None:
        """Set one agent's day: a template code, 'leave', 'off', or '' to clear it.

        Raises RuleBroken (nothing changes) if a rule is broken and no reason is given.
        """
        require(actor, Permission.PLAN_ROSTER)
        reason = clean_line(reason, field="reason", max_len=200)
        with self.db.write() as s:
            user = s.get(User, user_id)
            if user is None:
                raise NotFound(_("no user {id}").format(id=user_id))
            team = s.get(Team, user.team_id) if user.team_id else None
            if team is None:
                raise InvalidInput(_("{name} belongs to no team").format(name=user.name), "user")
            self._team(s, actor, team.code)
            templates = {t.code: t for t in self._templates(s)}
            row = self._place(s, actor, user, day, choice, reason, templates)
            s.flush()
            self.signal(s, Topic.ROSTER)
            codes = {t.id: t.code for t in templates.values()}
            return _shift_view(row, codes) if row is not None else None

    def copy_last_week(self, actor: Actor, team_code: str | None, day: date) -> CopyResult:
        """Copy the previous week's shifts onto the empty days of this week.

        Copies that would break a rule are left out and reported.
        """
        require(actor, Permission.PLAN_ROSTER)
        monday = week_start(day)
        with self.db.write() as s:
            team = self._team(s, actor, team_code)
            templates = {t.code: t for t in self._templates(s)}
            by_id = {t.id: t.code for t in templates.values()}
            agents = {a.user_id for a in self._agents(s, team)}
            previous = list(s.scalars(select(Shift).where(
                Shift.user_id.in_(agents), Shift.day >= monday - timedelta(days=7),
                Shift.day < monday).order_by(Shift.day)))
            taken = set(s.execute(select(Shift.user_id, Shift.day).where(
                Shift.user_id.in_(agents), Shift.day >= monday,
                Shift.day < monday + timedelta(days=7))).all())
            copied, refused = 0, []
            for old in previous:
                target = old.day + timedelta(days=7)
                if (old.user_id, target) in taken:
                    continue
                choice = by_id.get(old.template_id or 0, "") if old.kind == WORK else old.kind
                user = s.get(User, old.user_id)
                assert user is not None
                try:
                    self._place(s, actor, user, target, choice, "", templates)
                except RuleBroken as exc:
                    refused += list(exc.violations)
                    continue
                except Locked:
                    continue
                s.flush()
                copied += 1
            self.signal(s, Topic.ROSTER)
            return CopyResult(copied, tuple(refused))

    def publish(self, actor: Actor, team_code: str | None, day: date) -> int:
        """Publish the week: agents see their shifts and are notified. Returns shifts published."""
        require(actor, Permission.PLAN_ROSTER)
        monday = week_start(day)
        now = self.clock()
        with self.db.write() as s:
            team = self._team(s, actor, team_code)
            agents = self._agents(s, team)
            rows = list(s.scalars(select(Shift).where(
                Shift.user_id.in_([a.user_id for a in agents]), Shift.day >= monday,
                Shift.day < monday + timedelta(days=7))))
            for r in rows:
                r.published = True
            rw = s.scalar(select(RosterWeek).where(RosterWeek.team_id == team.id,
                                                   RosterWeek.week_start == monday))
            if rw is None:
                rw = RosterWeek(team_id=team.id, week_start=monday)
                s.add(rw)
            republish = rw.published_at is not None
            rw.published_at, rw.published_by = now, actor.user_id
            pending = list(s.scalars(select(ShiftChange).where(
                ShiftChange.team_id == team.id, ShiftChange.week_start == monday,
                ShiftChange.sent_at.is_(None)).order_by(ShiftChange.day, ShiftChange.id)))
            per_agent: dict[int, list[ShiftChange]] = defaultdict(list)
            for c in pending:
                c.sent_at = now
                per_agent[c.user_id].append(c)
            for a in agents:
                params: dict[str, Any] = {"week": monday.isoformat()}
                if not republish:
                    message = N_("Your shifts for the week of {week} are published")
                elif a.user_id in per_agent:
                    message = N_("The roster for the week of {week} was re-published with "
                                 "changes to your shifts: {changes}")
                    params["changes"] = message_list([message_param(
                        N_("{day}: {before} → {after}"),
                        {"day": c.day.isoformat(), "before": _choice_param(c.before),
                         "after": _choice_param(c.after)}) for c in per_agent[a.user_id]])
                else:
                    continue  # re-published, nothing of theirs changed
                add_notification(s, a.user_id, at=now, kind="roster", message=message,
                                 params=params, ref=f"roster:{monday}")
            audit.record(s, actor, "roster.publish", at=now, entity="team", entity_id=team.id,
                         detail={"week": monday.isoformat(), "shifts": len(rows),
                                 "changes_sent": len(pending)})
            self.signal(s, Topic.ROSTER)
            return len(rows)

    def changes(self, actor: Actor, team_code: str | None, day: date) -> list[ShiftChangeView]:
        """The change history of the team's published week holding ``day``, oldest first."""
        require(actor, Permission.PLAN_ROSTER)
        monday = week_start(day)
        with self.db.read() as s:
            team = self._team(s, actor, team_code)
            return [ShiftChangeView(c.user_id, c.day, c.before, c.after, c.reason,
                                    c.changed_at, c.sent_at)
                    for c in s.scalars(select(ShiftChange).where(
                        ShiftChange.team_id == team.id, ShiftChange.week_start == monday)
                        .order_by(ShiftChange.changed_at, ShiftChange.id))]

    def my_next_shifts(self, actor: Actor, n: int = 5) -> list[ShiftView]:
        """The actor's next published shifts (leave and days off included), soonest first."""
        now = self.clock()
        today = now.astimezone(self.tz).date()
        with self.db.read() as s:
            codes = {t.id: t.code for t in self._templates(s)}
            rows = s.scalars(select(Shift).where(
                Shift.user_id == actor.user_id, Shift.published.is_(True), Shift.day >= today)
                .order_by(Shift.day))
            out = [_shift_view(r, codes) for r in rows
                   if r.kind != WORK or (r.end_at is not None and r.end_at > now)]
            return out[:n]

    # ---- agents' own schedule and requests ------------------------------------------

    def _own_agent(self, s: Session, actor: Actor) -> User:
        require(actor, Permission.TAKE_CALLS)
        user = s.get(User, actor.user_id)
        if user is None or user.role != Role.AGENT or user.team_id is None:
            raise PermissionDenied(_("only agents of a team have a schedule of their own"))
        return user

    def _request_view(self, s: Session, r: RosterRequest) -> RequestView:
        names = {u.id: u.name for u in s.scalars(select(User).where(
            User.id.in_([i for i in (r.user_id, r.other_user_id) if i])))}
        return RequestView(r.id, r.kind, r.user_id, names.get(r.user_id, ""), r.day,
                           r.other_user_id, names.get(r.other_user_id or 0), r.reason,
                           r.state, r.decision_note, r.created_at)

    def my_schedule(self, actor: Actor) -> MySchedule:
        """The actor's published shifts for this and next week, and their requests."""
        today = self.clock().astimezone(self.tz).date()
        first = week_start(today)
        last = first + timedelta(days=13)
        with self.db.read() as s:
            user = self._own_agent(s, actor)
            templates = self._templates(s)
            codes = {tt.id: tt.code for tt in templates}
            rows = s.scalars(select(Shift).where(
                Shift.user_id == user.id, Shift.published.is_(True), Shift.day >= first,
                Shift.day <= last).order_by(Shift.day))
            requests = s.scalars(select(RosterRequest).where(or_(
                RosterRequest.user_id == user.id, RosterRequest.other_user_id == user.id),
                RosterRequest.day >= first).order_by(RosterRequest.day, RosterRequest.id))
            return MySchedule(first, last, tuple(_shift_view(r, codes) for r in rows),
                              tuple(_template_view(tt) for tt in templates),
                              tuple(self._request_view(s, r) for r in requests))

    def _notify_leads(self, s: Session, team_id: int, message: str, params: dict[str, Any],
                      ref: str, now: datetime) -> None:
        for lead_id in s.scalars(select(User.id).where(
                User.team_id == team_id, User.role == Role.TEAM_LEAD, User.active.is_(True))):
            add_notification(s, lead_id, at=now, kind="roster", message=message,
                             params=params, ref=ref)

    def _new_request(self, s: Session, actor: Actor, user: User, kind: str, day: date,
                     reason: str, other: User | None) -> RosterRequest:
        now = self.clock()
        if day < now.astimezone(self.tz).date():
            raise InvalidInput(_("{day} is over: ask for a day still ahead").format(day=day),
                               "day")
        for uid in [user.id] + ([other.id] if other else []):
            row = s.scalar(select(Shift).where(Shift.user_id == uid, Shift.day == day))
            if row is not None and row.start_at is not None and row.start_at <= now:
                raise InvalidInput(_("the shift on {day} has started and can no longer be "
                                     "changed").format(day=day), "day")
        if s.scalar(select(RosterRequest.id).where(
                RosterRequest.user_id == user.id, RosterRequest.day == day,
                RosterRequest.state == PENDING)) is not None:
            raise InvalidInput(_("you already have a request waiting for {day}").format(
                day=day), "day")
        req = RosterRequest(kind=kind, user_id=user.id, day=day,
                            other_user_id=other.id if other else None, reason=reason,
                            state=PENDING, created_at=now)
        s.add(req)
        s.flush()
        audit.record(s, actor, f"roster.request.{kind}", at=now, entity="roster_request",
                     entity_id=req.id, detail={"day": day.isoformat(), "reason": reason,
                                               "with": other.login if other else None})
        assert user.team_id is not None
        if kind == LEAVE:
            message = N_("{name} asks for leave on {day}: {reason}")
        else:
            message = N_("{name} asks to swap {day} with {other}: {reason}")
        self._notify_leads(s, user.team_id, message, {
            "name": user.name, "day": day.isoformat(), "reason": reason or "—",
            "other": other.name if other else ""}, f"roster_request:{req.id}", now)
        if other is not None:
            add_notification(s, other.id, at=now, kind="roster",
                             message=N_("{name} asks the lead to swap {day} with you"),
                             params={"name": user.name, "day": day.isoformat()},
                             ref=f"roster_request:{req.id}")
        self.signal(s, Topic.ROSTER)
        return req

    def request_leave(self, actor: Actor, day: date, reason: str = "") -> RequestView:
        """An agent asks for leave on a day; the team's leads are notified."""
        reason = clean_line(reason, field="reason", max_len=200)
        with self.db.write() as s:
            user = self._own_agent(s, actor)
            return self._request_view(s, self._new_request(s, actor, user, LEAVE, day,
                                                           reason, None))

    def request_swap(self, actor: Actor, day: date, colleague_login: str,
                     reason: str = "") -> RequestView:
        """An agent asks to exchange their day with a colleague of the same team."""
        reason = clean_line(reason, field="reason", max_len=200)
        with self.db.write() as s:
            user = self._own_agent(s, actor)
            other = s.scalar(select(User).where(User.login == colleague_login.strip(),
                                                User.active.is_(True)))
            if other is None or other.id == user.id or other.team_id != user.team_id \
                    or other.role != Role.AGENT:
                raise InvalidInput(_("{login!r} is no other agent of your team").format(
                    login=colleague_login), "with")
            return self._request_view(s, self._new_request(s, actor, user, SWAP, day,
                                                           reason, other))

    def requests(self, actor: Actor, team_code: str | None, *,
                 pending_only: bool = True) -> list[RequestView]:
        """Requests of the team's agents, oldest first."""
        require(actor, Permission.PLAN_ROSTER)
        with self.db.read() as s:
            team = self._team(s, actor, team_code)
            stmt = (select(RosterRequest).join(User, User.id == RosterRequest.user_id)
                    .where(User.team_id == team.id).order_by(RosterRequest.id))
            if pending_only:
                stmt = stmt.where(RosterRequest.state == PENDING)
            return [self._request_view(s, r) for r in s.scalars(stmt)]

    def decide(self, actor: Actor, request_id: int, approve: bool, *, note: str = "",
               reason: str = "") -> RequestView:
        """Approve (the change is made with the rule checks; ``reason`` keeps a broken
        rule) or refuse a request; the agents concerned are notified."""
        require(actor, Permission.PLAN_ROSTER)
        note = clean_line(note, field="note", max_len=200)
        reason = clean_line(reason, field="reason", max_len=200)
        now = self.clock()
        with self.db.write() as s:
            req = s.get(RosterRequest, request_id)
            if req is None:
                raise NotFound(_("no request {id}").format(id=request_id))
            user = s.get(User, req.user_id)
            assert user is not None
            team = s.get(Team, user.team_id) if user.team_id else None
            if team is None:
                raise InvalidInput(_("{name} belongs to no team").format(name=user.name), "user")
            self._team(s, actor, team.code)
            if req.state != PENDING:
                raise InvalidInput(_("this request was already decided"), "request")
            if approve:
                templates = {tt.code: tt for tt in self._templates(s)}
                codes = {tt.id: tt.code for tt in templates.values()}
                if req.kind == LEAVE:
                    self._place(s, actor, user, req.day, LEAVE, reason, templates)
                else:
                    other = s.get(User, req.other_user_id or 0)
                    assert other is not None
                    mine = _choice_of(s.scalar(select(Shift).where(
                        Shift.user_id == user.id, Shift.day == req.day)), codes)
                    theirs = _choice_of(s.scalar(select(Shift).where(
                        Shift.user_id == other.id, Shift.day == req.day)), codes)
                    self._place(s, actor, user, req.day, "", reason, templates)
                    self._place(s, actor, other, req.day, "", reason, templates)
                    s.flush()
                    self._place(s, actor, user, req.day, theirs, reason, templates)
                    s.flush()
                    self._place(s, actor, other, req.day, mine, reason, templates)
            req.state = APPROVED if approve else REFUSED
            req.decided_by, req.decided_at, req.decision_note = actor.user_id, now, note
            audit.record(s, actor, "roster.request.approve" if approve else "roster.request.refuse",
                         at=now, entity="roster_request", entity_id=req.id,
                         detail={"note": note, "reason": reason})
            # The lead's note, when given, after a colon each language writes its own way.
            if note:
                message = (N_("Your {kind} request for {day} was approved: {note}") if approve
                           else N_("Your {kind} request for {day} was refused: {note}"))
            else:
                message = (N_("Your {kind} request for {day} was approved") if approve
                           else N_("Your {kind} request for {day} was refused"))
            params = {"kind": code_param(LEAVE if req.kind == LEAVE else SWAP),
                      "day": req.day.isoformat(), "note": note}
            for uid in [req.user_id] + ([req.other_user_id] if req.other_user_id else []):
                add_notification(s, uid, at=now, kind="roster", message=message,
                                 params=params, ref=f"roster_request:{req.id}")
            s.flush()
            self.signal(s, Topic.ROSTER)
            return self._request_view(s, req)

    # ---- export -------------------------------------------------------------------

    def export_rows(self, actor: Actor, team_code: str | None, day: date,
                    ) -> tuple[list[str], list[dict[str, Any]]]:
        """The week as a sheet (one row per agent, one column per day); audited."""
        view = self.week(actor, team_code, day)
        columns = ["agent_no", "name"] + [d.isoformat() for d in view.days]
        rows = []
        for a in view.agents:
            row: dict[str, Any] = {"agent_no": a.agent_no, "name": a.name}
            for d in view.days:
                row[d.isoformat()] = self.cell_text(view, a.user_id, d)
            rows.append(row)
        with self.db.write() as s:
            audit.record(s, actor, "roster.export", at=self.clock(), entity="team",
                         entity_id=view.team_id,
                         detail={"week": view.week_start.isoformat(), "rows": len(rows)})
        return columns, rows

    def cell_text(self, view: RosterWeekView, user_id: int, day: date) -> str:
        """How one day of one agent reads in a grid or a sheet."""
        sh = view.shift(user_id, day)
        if sh is None:
            return ""
        if sh.kind == LEAVE:
            return _("leave")
        if sh.kind == OFF:
            return _("off")
        t = next((t for t in view.templates if t.code == sh.template_code), None)
        return f"{sh.template_code} {t.hours}" if t else str(sh.template_code)

    # ---- requirement, coverage, fill ---------------------------------------------------

    def _requirement(self, s: Session, team: Team, agents: list[RosterAgent],
                     days: list[date], interval: int, weeks: int) -> Requirement:
        """The team's share of each skill group's pooled requirement, after shrinkage."""
        queues = {q.code: q for q in s.scalars(select(Queue).where(Queue.active.is_(True)))}
        everyone: list[tuple[int, int]] = [
            (uid, tid) for uid, tid in s.execute(select(User.id, User.team_id).where(
                User.active.is_(True), User.role == Role.AGENT, User.team_id.is_not(None)))
            if tid is not None]
        skills: dict[int, set[str]] = defaultdict(set)
        for uid, code in s.execute(select(UserQueue.user_id, Queue.code).join(
                Queue, Queue.id == UserQueue.queue_id).where(Queue.active.is_(True))):
            skills[uid].add(code)
        # An agent with no queue set up takes any queue.
        serves = {uid: frozenset(skills[uid] or queues) for uid, _t in everyone}
        groups = pooled.skill_groups(serves.values())
        group_of = {uid: next(g for g in groups if q <= g)
                    for uid, q in serves.items() if q}
        shares = {(t, k): v for t, k, v in s.execute(select(
            RequirementShare.team_id, RequirementShare.group_key, RequirementShare.share))}
        mine = {a.user_id for a in agents}
        shrinkage = self.shrinkage if self.shrinkage is not None else env_shrinkage()
        out: dict[str, list[float]] = {}
        agent_group: dict[int, str] = {}
        team_share: dict[str, float] = {}
        for g in groups:
            key = pooled.group_key(g)
            headcount: dict[int, int] = defaultdict(int)
            for uid, team_id in everyone:
                if group_of.get(uid) == g:
                    headcount[team_id] += 1
                    if uid in mine:
                        agent_group[uid] = key
            if team.id not in headcount:
                continue
            share = pooled.team_shares(
                headcount, {t: v for (t, k), v in shares.items() if k == key})[team.id]
            demands = []
            for code in sorted(g):
                q = queues[code]
                calls: list[float] = []
                ahts: list[float] = []
                for d in days:
                    f = forecast_queue(s, q, d, interval_minutes=interval, weeks=weeks,
                                       tz=self.tz)
                    calls += [r.calls for r in f.rows]
                    ahts.append(f.aht_seconds)
                demands.append(pooled.QueueDemand(code, calls, sum(ahts) / len(ahts),
                                                  float(q.sl_seconds), self.target_sl))
            raw = pooled.pooled_required(demands, interval)
            out[key] = [round(pooled.rostered(n * share, shrinkage), 2) for n in raw]
            team_share[key] = share
        return Requirement(out, agent_group, team_share)

    def set_share(self, actor: Actor, team_code: str | None, group: str,
                  share: float | None) -> None:
        """Set the team's share (0–1) of a skill group's requirement; None: by headcount."""
        require(actor, Permission.PLAN_ROSTER)
        if share is not None and not 0 <= share <= 1:
            raise InvalidInput(_("a share is between 0 and 1"), "share")
        key = pooled.group_key(clean_line(group, field="group", max_len=200).split("+"))
        now = self.clock()
        with self.db.write() as s:
            team = self._team(s, actor, team_code)
            row = s.scalar(select(RequirementShare).where(
                RequirementShare.team_id == team.id, RequirementShare.group_key == key))
            others = s.scalar(select(func.coalesce(func.sum(RequirementShare.share), 0.0))
                              .where(RequirementShare.group_key == key,
                                     RequirementShare.team_id != team.id)) or 0.0
            if share is not None and share + float(others) > 1 + 1e-9:
                raise InvalidInput(_("the shares of {group} would add up to more than 1"
                                     ).format(group=key), "share")
            if share is None:
                if row is not None:
                    s.delete(row)
            elif row is None:
                s.add(RequirementShare(team_id=team.id, group_key=key, share=share,
                                       set_by=actor.user_id, set_at=now))
            else:
                row.share, row.set_by, row.set_at = share, actor.user_id, now
            audit.record(s, actor, "roster.share", at=now, entity="team", entity_id=team.id,
                         detail={"group": key, "share": share})
            self.signal(s, Topic.ROSTER)

    def coverage(self, actor: Actor, team_code: str | None, day: date, *,
                 interval_minutes: int = 30, weeks: int = 4) -> CoverageView:
        """Required versus scheduled agents per interval of one day."""
        require(actor, Permission.PLAN_ROSTER)
        check_interval(interval_minutes)
        with self.db.read() as s:
            team = self._team(s, actor, team_code)
            agents = self._agents(s, team)
            req = self._requirement(s, team, agents, [day], interval_minutes, weeks)
            grid = day_grid(day, self.tz, interval_minutes)
            total = [round(sum(r[i] for r in req.by_group.values()), 2)
                     for i in range(len(grid))]
            planned = self._with_placed_breaks(s, self._planned(
                s, [a.user_id for a in agents], day - timedelta(days=1), day))
            periods = [p.periods for shifts in planned.values() for _r, p in shifts]
            spans = [((p.start, p.end),) for shifts in planned.values() for _r, p in shifts]
            worked = scheduled_minutes(periods, grid, interval_minutes)
            on_break = [round((a - w) / interval_minutes, 2) for a, w in zip(
                scheduled_minutes(spans, grid, interval_minutes), worked, strict=True)]
            rows = compare(grid, total, worked, interval_minutes)
            accuracy: tuple[Accuracy, ...] = ()
            if day < self.clock().astimezone(self.tz).date():
                codes = sorted({q for key in req.by_group for q in key.split("+")})
                queues = list(s.scalars(select(Queue).where(Queue.code.in_(codes))
                                        .order_by(Queue.code)))
                accuracy = tuple(accuracy_rows(s, queues, day, day,
                                               interval_minutes=interval_minutes, weeks=weeks,
                                               tz=self.tz))
            return CoverageView(team.code, day, interval_minutes, tuple(rows),
                                summarise(rows, interval_minutes), req.by_group,
                                tuple(on_break), accuracy, req.shares)

    def fill(self, actor: Actor, team_code: str | None, day: date, *, time_limit: float = 10.0,
             interval_minutes: int = 30, weeks: int = 4) -> FillReport:
        """Fill the empty days of the week with the optimiser; kept shifts stay as they are."""
        require(actor, Permission.PLAN_ROSTER)
        check_interval(interval_minutes)
        monday = week_start(day)
        days = [monday + timedelta(days=i) for i in range(7)]
        with self.db.read() as s:
            team = self._team(s, actor, team_code)
            agents = self._agents(s, team)
            ids = [a.user_id for a in agents]
            templates = self._templates(s)
            if not templates:
                raise InvalidInput(_("there are no shift templates yet"), "templates")
            req = self._requirement(s, team, agents, days, interval_minutes, weeks)
            planned = self._planned(s, ids, monday - timedelta(days=7),
                                    monday + timedelta(days=13))
            closed = defaultdict(set)
            for uid, d in s.execute(select(Shift.user_id, Shift.day).where(
                    Shift.user_id.in_(ids), Shift.kind.in_([LEAVE, OFF]),
                    Shift.day >= monday, Shift.day <= days[-1])):
                closed[uid].add(d)
        grid = tuple(g for d in days for g in day_grid(d, self.tz, interval_minutes))
        now = self.clock()
        # What is over cannot be covered any more: no requirement for intervals that began.
        step = timedelta(minutes=interval_minutes)
        by_group = {k: [0.0 if g + step <= now else v for g, v in zip(grid, row, strict=True)]
                    for k, row in req.by_group.items()}
        # OR-Tools (and the pandas it pulls in) costs ~2 s of CPU to import: load it
        # only when a lead actually fills a roster, not at every seat's start-up.
        from seatdesk.domain.roster.optimiser import AgentSpec, FillProblem, fill

        problem = FillProblem(
            tuple(days), self.tz, interval_minutes, grid, by_group,
            # The optimiser covers each skill group with the agents who belong to it.
            tuple(AgentSpec(a.user_id, frozenset({req.agent_group[a.user_id]})
                            if a.user_id in req.agent_group else frozenset(),
                            frozenset(closed[a.user_id]))
                  for a in agents),
            tuple(_template_view(t).spec for t in templates), self.rules,
            tuple(p for shifts in planned.values() for _r, p in shifts), not_before=now)
        # Solved outside any transaction: the write lock is held only to store the answer.
        result = fill(problem, time_limit=time_limit)
        created = 0
        with self.db.write() as s:
            by_code = {t.code: t for t in self._templates(s)}
            for uid, d, code in result.assignments:
                if s.scalar(select(Shift.id).where(Shift.user_id == uid, Shift.day == d)):
                    continue  # someone planned this day meanwhile
                t = by_code[code]
                start, end = _template_view(t).spec.span(d, self.tz)
                s.add(Shift(user_id=uid, day=d, kind=WORK, template_id=t.id, start_at=start,
                            end_at=end))
                created += 1
            audit.record(s, actor, "roster.fill", at=self.clock(), entity="team",
                         entity_id=team.id,
                         detail={"week": monday.isoformat(), "created": created,
                                 "short_intervals": len(result.short), "status": result.status})
            self.signal(s, Topic.ROSTER)
        return FillReport(result, created, interval_minutes)

    # ---- adherence ----------------------------------------------------------------

    def adherence(self, actor: Actor, team_code: str | None, first: date,
                  last: date | None = None, *, grace_minutes: int = 0) -> list[AdherenceLine]:
        """Late log-ins, early log-outs and time out of adherence per agent and worked day."""
        require(actor, Permission.PLAN_ROSTER)
        last = last or first
        if last < first or (last - first).days > 62:
            raise InvalidInput(_("choose a range of at most two months"), "day")
        with self.db.read() as s:
            team = self._team(s, actor, team_code)
            agents = {a.user_id: a for a in self._agents(s, team)}
            planned = self._with_placed_breaks(s, self._planned(s, list(agents), first, last))
            lo = datetime.combine(first, time(), tzinfo=self.tz) - timedelta(days=1)
            hi = datetime.combine(last, time(), tzinfo=self.tz) + timedelta(days=2)
            events: dict[int, list[adh.StateChange]] = defaultdict(list)
            for uid, at, state in s.execute(
                    select(AgentStateEvent.user_id, AgentStateEvent.at, AgentStateEvent.state)
                    .where(AgentStateEvent.user_id.in_(list(agents)),
                           AgentStateEvent.at >= lo, AgentStateEvent.at < hi)
                    .order_by(AgentStateEvent.at, AgentStateEvent.id)):
                events[uid].append(adh.StateChange(at, state.value))
        out = []
        now = self.clock()
        for uid, shifts in planned.items():
            a = agents[uid]
            for _row, p in sorted(shifts, key=lambda rp: rp[1].start):
                if p.start > now:
                    continue  # not begun: neither late nor absent yet
                scheduled = adh.ScheduledShift(p.day, p.start, p.end, p.periods)
                out.append(AdherenceLine(uid, a.name, a.agent_no, adh.day_adherence(
                    uid, scheduled, events[uid], grace_minutes=grace_minutes)))
        return sorted(out, key=lambda line: (line.day.day, line.agent_no))

    def live_adherence(self, actor: Actor, team_code: str | None, *,
                       every_team: bool = False) -> list[LiveAdherenceLine]:
        """Each agent of the team now: scheduled but not signed in, paused outside a break,
        signed in off shift; with the minutes out of adherence today.

        ``every_team`` (supervisors' floor): the agents of all teams.
        """
        require(actor, Permission.VIEW_FLOOR)
        now = self.clock()
        local = now.astimezone(self.tz)
        day_start = datetime.combine(local.date(), time(), tzinfo=self.tz)
        with self.db.read() as s:
            if every_team and actor.role != Role.TEAM_LEAD.value:
                agents = [a for team in s.scalars(select(Team).order_by(Team.code))
                          for a in self._agents(s, team)]
            else:
                agents = self._agents(s, self._team(s, actor, team_code))
            ids = [a.user_id for a in agents]
            planned = self._with_placed_breaks(s, self._planned(
                s, ids, local.date() - timedelta(days=1), local.date()))
            events: dict[int, list[adh.StateChange]] = defaultdict(list)
            for uid, at, state in s.execute(
                    select(AgentStateEvent.user_id, AgentStateEvent.at, AgentStateEvent.state)
                    .where(AgentStateEvent.user_id.in_(ids),
                           AgentStateEvent.at >= day_start - timedelta(days=2),
                           AgentStateEvent.at < now + timedelta(seconds=1))
                    .order_by(AgentStateEvent.at, AgentStateEvent.id)):
                events[uid].append(adh.StateChange(at, state.value))
        out = []
        for a in agents:
            shifts = [p for _r, p in planned.get(a.user_id, [])]
            current = next((p for p in shifts if p.start <= now < p.end), None) or next(
                (p for p in sorted(shifts, key=lambda p: p.start) if p.start >= day_start),
                None)
            scheduled = (adh.ScheduledShift(current.day, current.start, current.end,
                                            current.periods) if current else None)
            live = adh.live_adherence(now, day_start, scheduled, events[a.user_id])
            out.append(LiveAdherenceLine(a.user_id, a.name, a.agent_no, live.status,
                                         live.minutes_out,
                                         current.start if current else None,
                                         current.end if current else None))
        return out

    def attendance(self, actor: Actor, team_code: str | None, month: date,
                   *, grace_minutes: int = 0) -> list[AttendanceLine]:
        """Late sign-ins, minutes late and absences per agent in the month of ``month``,
        against the center's allowance (SEATDESK_LATE_ALLOWANCE, three a month)."""
        first = month.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        lines = self.adherence(actor, team_code, first, last, grace_minutes=grace_minutes)
        with self.db.read() as s:
            agents = self._agents(s, self._team(s, actor, team_code))
        allowance = (self.late_allowance if self.late_allowance is not None
                     else env_late_allowance())
        out = []
        for a in agents:
            mine = [ln.day for ln in lines if ln.user_id == a.user_id]
            out.append(AttendanceLine(
                a.user_id, a.login, a.name, a.agent_no, f"{first:%Y-%m}", len(mine),
                sum(1 for d in mine if d.late), sum(d.late_minutes for d in mine),
                sum(1 for d in mine if d.absent), allowance))
        return out

    def lateness(self, actor: Actor, team_code: str | None, month: date,
                 ) -> list[tuple[RosterAgent, int]]:
        """Late arrivals per agent in the month holding ``month`` (考勤: 迟到次数)."""
        first = month.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        lines = self.adherence(actor, team_code, first, last)
        counts = adh.lateness_by_month(line.day for line in lines)
        with self.db.read() as s:
            team = self._team(s, actor, team_code)
            agents = self._agents(s, team)
        key = f"{first:%Y-%m}"
        return [(a, counts.get((a.user_id, key), 0)) for a in agents]

