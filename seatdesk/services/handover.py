"""交接班记录: the shift handover, written by the outgoing lead, countersigned by the next.

The draft is pre-filled with what the shift leaves open; each item is checked ✓/✗ with
a remark. The incoming lead countersigns, or refuses with a reason, which notifies every
supervisor. A countersigned handover is read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from seatdesk.data.models import (
    Call,
    Callback,
    CallState,
    Complaint,
    Customer,
    Handover,
    Role,
    Team,
    User,
)
from seatdesk.data.topics import Topic
from seatdesk.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from seatdesk.domain.i18n import N_, _
from seatdesk.domain.text import clean_line
from seatdesk.services import audit
from seatdesk.services.base import Service
from seatdesk.services.dto import Actor
from seatdesk.services.forecast import center_tz
from seatdesk.services.notifications import add_notification
from seatdesk.services.permissions import Permission, require

DRAFT, AWAITING, SIGNED, REFUSED = "draft", "awaiting", "signed", "refused"
EDITABLE = (DRAFT, REFUSED)
MAX_REMARK = 300
MAX_NOTE = 1000


@dataclass(frozen=True)
class HandoverItem:
    kind: str  # callback, complaint, risk_customer, call, note
    ref: str
    text: str
    due_at: datetime | None
    overdue: bool
    ok: bool | None  # ✓ True, ✗ False, not yet checked None
    remark: str


@dataclass(frozen=True)
class HandoverView:
    id: int
    team_code: str | None
    outgoing_id: int
    outgoing_name: str
    incoming_id: int | None
    incoming_name: str | None
    state: str
    items: tuple[HandoverItem, ...]
    refusal_reason: str
    created_at: datetime
    signed_out_at: datetime | None
    signed_in_at: datetime | None

    @property
    def read_only(self) -> bool:
        return self.state == SIGNED

    @property
    def unchecked(self) -> int:
        return sum(1 for i in self.items if i.ok is None)


def _item(d: dict[str, Any]) -> HandoverItem:
    due = d.get("due_at")
    return HandoverItem(d["kind"], str(d.get("ref", "")), d.get("text", ""),
                        datetime.fromisoformat(due) if due else None, bool(d.get("overdue")),
                        d.get("ok"), d.get("remark", ""))


def _raw(kind: str, ref: object, text: str, due_at: datetime | None = None,
         overdue: bool = False) -> dict[str, Any]:
    return {"kind": kind, "ref": str(ref), "text": text,
            "due_at": due_at.isoformat() if due_at else None, "overdue": overdue,
            "ok": None, "remark": ""}


class HandoverService(Service):
    tz = center_tz()

    def _view(self, s: Session, h: Handover) -> HandoverView:
        names = {u.id: u.name for u in s.scalars(select(User).where(
            User.id.in_([i for i in (h.outgoing_id, h.incoming_id) if i])))}
        team = s.get(Team, h.team_id) if h.team_id else None
        return HandoverView(h.id, team.code if team else None, h.outgoing_id,
                            names.get(h.outgoing_id, ""), h.incoming_id,
                            names.get(h.incoming_id) if h.incoming_id else None, h.state,
                            tuple(_item(d) for d in h.items), h.refusal_reason, h.created_at,
                            h.signed_out_at, h.signed_in_at)

    def _get(self, s: Session, handover_id: int) -> Handover:
        h = s.get(Handover, handover_id)
        if h is None:
            raise NotFound(_("no handover {id}").format(id=handover_id))
        return h

    def _editable(self, s: Session, actor: Actor, handover_id: int) -> Handover:
        h = self._get(s, handover_id)
        if h.state == SIGNED:
            raise Conflict(_("this handover is countersigned and read-only"))
        if h.state == AWAITING:
            raise Conflict(_("this handover is signed and waits for the incoming lead"))
        if h.outgoing_id != actor.user_id:
            raise PermissionDenied(_("only the outgoing lead may change this handover"))
        return h

    # ---- the outgoing lead -----------------------------------------------------------

    def open_items(self, s: Session, team_id: int | None, now: datetime,
                   outgoing_id: int | None = None) -> list[dict[str, Any]]:
        """What the shift leaves open, as unchecked items (the pre-fill)."""
        local = now.astimezone(self.tz)
        day_start = datetime.combine(local.date(), time(), tzinfo=self.tz)
        day_end = day_start + timedelta(days=1)
        # What the outgoing shift leaves open is its own people's work (the team's, or the
        # outgoing person's when they have no team); the shared pool is summarised as counts.
        team_users = (select(User.id).where(User.team_id == team_id) if team_id
                      else select(User.id).where(User.id == outgoing_id))
        items: list[dict[str, Any]] = []
        cb_q = (select(Callback, Customer.name).join(Customer, Customer.id == Callback.customer_id)
                .where(Callback.state == "open", Callback.due_at < day_end,
                       Callback.owner_id.in_(team_users))
                .order_by(Callback.due_at))
        for cb, name in s.execute(cb_q):
            overdue = cb.due_at < now
            items.append(_raw("callback", cb.id, _("callback #{id} {name}: {reason}").format(
                id=cb.id, name=name, reason=cb.reason[:80]), cb.due_at, overdue))
        pool_open, pool_overdue = s.execute(
            select(func.count(Callback.id),
                   func.coalesce(func.sum(case((Callback.due_at < now, 1), else_=0)), 0))
            .where(Callback.state == "open", Callback.owner_id.is_(None),
                   Callback.due_at < day_end)).one()
        c_q = (select(Complaint, Customer.name).join(Customer, Customer.id == Complaint.customer_id)
               .where(Complaint.state != "closed").order_by(Complaint.deadline_at))
        c_q = c_q.where(or_(Complaint.owner_id.in_(team_users),
                            Complaint.registered_by.in_(team_users)))
        for c, name in s.execute(c_q):
            items.append(_raw("complaint", c.id, _("complaint #{id} {name}: {summary}").format(
                id=c.id, name=name, summary=c.summary[:80]), c.deadline_at, c.deadline_at < now))
        risky = s.execute(
            select(Customer.id, Customer.name, Customer.risk_reason).distinct()
            .join(Call, Call.customer_id == Customer.id)
            .where(Customer.risk_flag.is_(True), Call.queued_at >= day_start,
                   Call.queued_at < day_end).order_by(Customer.id))
        for cid, name, reason in risky:
            items.append(_raw("risk_customer", cid, _("risk customer {name} called today: {reason}"
                                                      ).format(name=name, reason=reason)))
        calls_q = select(Call).where(or_(
            Call.state == CallState.WRAP_UP,
            (Call.state == CallState.CLOSED) & Call.resolved.is_(False)
            & (Call.closed_at >= day_start))).order_by(Call.id)
        calls_q = calls_q.where(Call.agent_id.in_(team_users))
        for call in s.scalars(calls_q):
            if call.state == CallState.WRAP_UP:
                text = _("call #{id} still in wrap-up").format(id=call.id)
            else:
                text = _("call #{id} handed over unresolved to {to}").format(
                    id=call.id, to=call.handed_to or "-")
            items.append(_raw("call", call.id, text, call.follow_up_at))
        if pool_open:
            items.append(_raw("pool", "callbacks", _(
                "callback pool: {n} open, {late} overdue (not the team's: counted only)").format(
                n=int(pool_open), late=int(pool_overdue))))
        return items

    def start(self, actor: Actor) -> HandoverView:
        """The actor's handover being written, or a new one pre-filled with what is open."""
        require(actor, Permission.PLAN_ROSTER)
        now = self.clock()
        with self.db.write() as s:
            h = s.scalar(select(Handover).where(
                Handover.outgoing_id == actor.user_id, Handover.state.in_(EDITABLE))
                .order_by(Handover.id.desc()))
            if h is None:
                items = self.open_items(s, actor.team_id, now, actor.user_id)
                h = Handover(team_id=actor.team_id, outgoing_id=actor.user_id, items=items,
                             state=DRAFT, created_at=now)
                s.add(h)
                s.flush()
                audit.record(s, actor, "handover.prefill", at=now, entity="handover",
                             entity_id=h.id, detail={"items": len(items)})
                self.signal(s, Topic.HANDOVER)
            return self._view(s, h)

    def check(self, actor: Actor, handover_id: int, index: int, ok: bool | None,
              remark: str | None = None) -> HandoverView:
        """Mark item ``index`` ✓ (True) / ✗ (False) / unchecked (None), with a remark."""
        with self.db.write() as s:
            h = self._editable(s, actor, handover_id)
            items = [dict(i) for i in h.items]
            if not 0 <= index < len(items):
                raise InvalidInput(_("no item {n}").format(n=index + 1), "item")
            items[index]["ok"] = ok
            if remark is not None:
                items[index]["remark"] = clean_line(remark, field="remark", max_len=MAX_REMARK)
            h.items = items  # a new list, so the JSON column is seen as changed
            self.signal(s, Topic.HANDOVER)
            return self._view(s, h)

    def mark_unchanged_seen(self, actor: Actor, handover_id: int) -> HandoverView:
        """Tick every item not checked yet as seen (✓); items already marked stay as they are."""
        with self.db.write() as s:
            h = self._editable(s, actor, handover_id)
            items = [dict(i) for i in h.items]
            marked = 0
            for item in items:
                if item.get("ok") is None:
                    item["ok"], item["remark"] = True, item.get("remark") or _("seen")
                    marked += 1
            h.items = items
            audit.record(s, actor, "handover.mark_seen", at=self.clock(), entity="handover",
                         entity_id=h.id, detail={"items": marked})
            self.signal(s, Topic.HANDOVER)
            return self._view(s, h)

    def add_note(self, actor: Actor, handover_id: int, text: str) -> HandoverView:
        """A free item the outgoing lead wants the next shift to know about."""
        text = text.strip()
        if not text:
            raise InvalidInput(_("the note is empty"), "note")
        if len(text) > MAX_NOTE:
            raise InvalidInput(_("the note is too long ({n} characters, at most {max})").format(
                n=len(text), max=MAX_NOTE), "note")
        with self.db.write() as s:
            h = self._editable(s, actor, handover_id)
            h.items = [*h.items, _raw("note", "", text)]
            self.signal(s, Topic.HANDOVER)
            return self._view(s, h)

    def sign_out(self, actor: Actor, handover_id: int, incoming_login: str) -> HandoverView:
        """The outgoing lead signs; every item must be checked; names the incoming lead."""
        now = self.clock()
        with self.db.write() as s:
            h = self._editable(s, actor, handover_id)
            if any(i.get("ok") is None for i in h.items):
                raise InvalidInput(_("check every item (✓ or ✗) before signing"), "items")
            incoming = s.scalar(select(User).where(User.login == incoming_login.strip(),
                                                   User.active.is_(True)))
            if incoming is None:
                raise InvalidInput(_("no active user {login!r}").format(login=incoming_login),
                                   "incoming")
            if incoming.id == actor.user_id:
                raise InvalidInput(_("the incoming lead must be someone else"), "incoming")
            if incoming.role not in (Role.TEAM_LEAD, Role.SUPERVISOR):
                raise InvalidInput(_("{name} is not a team lead").format(name=incoming.name),
                                   "incoming")
            h.incoming_id, h.state, h.signed_out_at = incoming.id, AWAITING, now
            h.refusal_reason = ""
            add_notification(s, incoming.id, at=now, kind="handover",
                             message=N_("{name} handed the shift over to you"),
                             params={"name": actor.name}, ref=f"handover:{h.id}")
            self.signal(s, Topic.HANDOVER)
            return self._view(s, h)

    # ---- the incoming lead ----------------------------------------------------------

    def _awaiting_me(self, s: Session, actor: Actor, handover_id: int) -> Handover:
        require(actor, Permission.PLAN_ROSTER)
        h = self._get(s, handover_id)
        if h.state == SIGNED:
            raise Conflict(_("this handover is countersigned and read-only"))
        if h.state != AWAITING:
            raise Conflict(_("this handover is not signed by the outgoing lead yet"))
        if h.incoming_id != actor.user_id:
            raise PermissionDenied(_("only the named incoming lead may answer this handover"))
        return h

    def countersign(self, actor: Actor, handover_id: int) -> HandoverView:
        """The incoming lead accepts the handover; from now on it is read-only."""
        with self.db.write() as s:
            h = self._awaiting_me(s, actor, handover_id)
            h.state, h.signed_in_at = SIGNED, self.clock()
            self.signal(s, Topic.HANDOVER)
            return self._view(s, h)

    def refuse(self, actor: Actor, handover_id: int, reason: str) -> HandoverView:
        """The incoming lead refuses, saying why; every supervisor is notified."""
        reason = reason.strip()
        if not reason:
            raise InvalidInput(_("say why the handover is refused"), "reason")
        if len(reason) > MAX_NOTE:
            raise InvalidInput(_("the reason is too long"), "reason")
        now = self.clock()
        with self.db.write() as s:
            h = self._awaiting_me(s, actor, handover_id)
            h.state, h.refusal_reason = REFUSED, reason
            out = s.get(User, h.outgoing_id)
            for sup in s.scalars(select(User).where(User.role == Role.SUPERVISOR,
                                                    User.active.is_(True))):
                add_notification(
                    s, sup.id, at=now, kind="handover_refused",
                    message=N_("handover #{id} from {name} refused by {by}: {reason}"),
                    params={"id": h.id, "name": out.name if out else "?", "by": actor.name,
                            "reason": reason}, ref=f"handover:{h.id}")
            audit.record(s, actor, "handover.refuse", at=now, entity="handover", entity_id=h.id,
                         detail={"reason": reason})
            self.signal(s, Topic.HANDOVER)
            return self._view(s, h)

    # ---- reading --------------------------------------------------------------------

    def get(self, actor: Actor, handover_id: int) -> HandoverView:
        require(actor, Permission.PLAN_ROSTER)
        with self.db.write() as s:
            h = self._get(s, handover_id)
            # The items name customers: reading them is audited like a card view.
            audit.record(s, actor, "handover.view", at=self.clock(), entity="handover",
                         entity_id=h.id)
            return self._view(s, h)

    def recent(self, actor: Actor, limit: int = 30) -> list[HandoverView]:
        """The handovers the actor wrote or must answer, and their team's, newest first."""
        require(actor, Permission.PLAN_ROSTER)
        with self.db.read() as s:
            stmt = select(Handover).order_by(Handover.id.desc()).limit(limit)
            if actor.role == Role.TEAM_LEAD.value:
                stmt = stmt.where(or_(Handover.team_id == actor.team_id,
                                      Handover.outgoing_id == actor.user_id,
                                      Handover.incoming_id == actor.user_id))
            return [self._view(s, h) for h in s.scalars(stmt)]
