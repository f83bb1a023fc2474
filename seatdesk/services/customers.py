"""Customers: lookup by any phone number, the card (masked, audited), audited changes."""

from __future__ import annotations

import re
from dataclasses import asdict, fields
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from seatdesk.data.models import Call, Callback, Complaint, Customer, CustomerPhone, User
from seatdesk.data.topics import Topic
from seatdesk.domain import phone
from seatdesk.domain.errors import Conflict, InvalidInput, NotFound
from seatdesk.domain.i18n import _
from seatdesk.domain.text import clean_line
from seatdesk.services import audit
from seatdesk.services.base import Service
from seatdesk.services.dto import (
    Actor,
    ContractView,
    CustomerCard,
    CustomerInput,
    CustomerSummary,
    ItemLine,
    PhoneView,
    RecentCallView,
)
from seatdesk.services.messages import callback_reason
from seatdesk.services.permissions import Permission, allowed, require

GRADES = ("A", "B", "C", "D")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
RECENT_CALLS = 5

# Routing rank of a caller: key accounts first, then by grade; unknown callers last.
GRADE_RANK = {"A": 1, "B": 2, "C": 3, "D": 4}
UNKNOWN_RANK = 5


def route_rank(grade: str | None, key_account: bool) -> int:
    if key_account:
        return 0
    return GRADE_RANK.get(grade or "", UNKNOWN_RANK)


def mask_email(email: str) -> str:
    if "@" not in email:
        return email
    user, _, domain = email.partition("@")
    return (user[:1] + "***@" + domain) if user else email


def insert_customer(s: Session, actor: Actor, values: dict[str, object], numbers: list[str],
                    now: datetime, detail: dict[str, Any]) -> Customer:
    """Add a validated customer with its numbers and audit the creation (``detail``)."""
    c = Customer(**values, created_at=now, updated_at=now)
    c.phones = [CustomerPhone(number=n) for n in numbers]
    s.add(c)
    s.flush()
    audit.record(s, actor, "customer.create", at=now, entity="customer", entity_id=c.id,
                 detail=detail)
    return c


def summary_of(c: Customer) -> CustomerSummary:
    return CustomerSummary(
        id=c.id,
        name=c.name,
        company=c.company,
        grade=c.grade,
        key_account=c.key_account,
        risk_flag=c.risk_flag,
        region=c.region,
    )


def validate_customer(data: CustomerInput) -> tuple[dict[str, object], list[str]]:
    """Check typed customer fields; return clean column values and E.164 phone numbers.

    Raises InvalidInput naming the first bad field; nothing is changed in that case.
    """
    values: dict[str, object] = {}
    limits = {
        "name": 100,
        "company": 200,
        "position": 100,
        "email": 200,
        "address": 300,
        "region": 50,
        "risk_reason": 200,
        "credit_rating": 10,
    }
    for name, limit in limits.items():
        try:
            values[name] = clean_line(getattr(data, name), field=name, max_len=limit)
        except ValueError as exc:
            raise InvalidInput(str(exc), name) from None
    if not values["name"]:
        raise InvalidInput(_("name is required"), "name")
    email = str(values["email"])
    if email and not _EMAIL.match(email):
        raise InvalidInput(_("{email} is not an e-mail address").format(email=repr(email)), "email")
    grade = (data.grade or "C").strip().upper()
    if grade not in GRADES:
        raise InvalidInput(
            _("grade must be one of {join}, not {grade}").format(
                join=", ".join(GRADES), grade=repr(data.grade)
            ),
            "grade",
        )
    values["grade"] = grade
    if len(data.notes) > 4000:
        raise InvalidInput(
            _("notes are too long ({notes} characters, at most 4000)").format(
                notes=len(data.notes)
            ),
            "notes",
        )
    values["notes"] = data.notes
    values["key_account"] = bool(data.key_account)
    values["risk_flag"] = bool(data.risk_flag)
    values["external_ref"] = data.external_ref or None
    numbers: list[str] = []
    for raw in data.phones:
        try:
            e164 = phone.normalise(raw)
        except phone.PhoneNumberError as exc:
            raise InvalidInput(str(exc), "phones") from None
        if e164 not in numbers:
            numbers.append(e164)
    return values, numbers


class CustomerService(Service):
    def lookup_by_phone(self, number: str) -> list[CustomerSummary]:
        """Every customer holding ``number`` (typed any way); empty if none."""
        e164 = phone.normalise(number, strict=False)
        with self.db.read() as s:
            return self._lookup(s, e164)

    @staticmethod
    def _lookup(s: Session, e164: str) -> list[CustomerSummary]:
        rows = s.scalars(
            select(Customer)
            .join(CustomerPhone, CustomerPhone.customer_id == Customer.id)
            .where(CustomerPhone.number == e164)
            .order_by(Customer.key_account.desc(), Customer.grade, Customer.id)
        ).unique()
        return [summary_of(c) for c in rows]

    def search(self, actor: Actor, text: str, limit: int = 20) -> list[CustomerSummary]:
        """Find customers by phone number or by the start of a name or company."""
        require(actor, Permission.VIEW_CUSTOMER)
        text = text.strip()
        if not text:
            return []
        if phone.is_valid(text):
            return self.lookup_by_phone(text)
        pattern = text.replace("%", r"\%").replace("_", r"\_") + "%"
        with self.db.read() as s:
            rows = s.scalars(
                select(Customer)
                .where(
                    Customer.name.like(pattern, escape="\\")
                    | Customer.company.like(pattern, escape="\\")
                )
                .order_by(Customer.name)
                .limit(limit)
            )
            return [summary_of(c) for c in rows]

    def card(self, actor: Actor, customer_id: int, *, reveal: bool = False) -> CustomerCard:
        """The customer card as ``actor`` may see it; the view is audited.

        ``reveal`` unmasks phone numbers and e-mail for roles allowed to, and is audited
        separately so a supervisor can see who looked at whose digits.
        """
        with self.db.write() as s:
            return self.card_in(s, actor, customer_id, reveal=reveal)

    def card_in(self, s: Session, actor: Actor, customer_id: int, *, reveal: bool = False
                ) -> CustomerCard:
        """``card`` within the caller's transaction (the screen pop takes one round trip)."""
        require(actor, Permission.VIEW_CUSTOMER)
        if reveal:
            require(actor, Permission.REVEAL_CUSTOMER)
        masked = not (reveal or allowed(actor, Permission.SEE_UNMASKED))
        now = self.clock()
        c = s.get(
            Customer,
            customer_id,
            options=[selectinload(Customer.phones), selectinload(Customer.contracts)],
        )
        if c is None:
            raise NotFound(_("no customer #{customer_id}").format(customer_id=customer_id))
        audit.record(
            s,
            actor,
            "customer.reveal" if reveal else "customer.view",
            at=now,
            entity="customer",
            entity_id=c.id,
        )
        return self._card(s, c, masked=masked, now=now)

    def _card(self, s: Session, c: Customer, *, masked: bool, now: datetime) -> CustomerCard:
        phones = tuple(
            PhoneView(
                number=phone.mask(p.number) if masked else phone.display(p.number),
                label=p.label,
                masked=masked,
            )
            for p in c.phones
        )
        contracts = tuple(
            ContractView(
                reference=k.reference,
                product=k.product,
                signed_on=k.signed_on,
                accepted_on=k.accepted_on,
                warranty_until=k.warranty_until,
            )
            for k in c.contracts
        )
        complaints = tuple(
            ItemLine(
                id=k.id,
                text=_("{kind}: {text}").format(kind=_(k.category), text=k.summary[:60]),
                due_at=k.deadline_at,
                overdue=k.deadline_at < now,
            )
            for k in s.scalars(
                select(Complaint)
                .where(Complaint.customer_id == c.id, Complaint.state != "closed")
                .order_by(Complaint.deadline_at)
            )
        )
        callbacks = tuple(
            ItemLine(
                id=b.id,
                text=_("{kind}: {text}").format(kind=_(b.purpose),
                                                text=callback_reason(b)[:60]),
                due_at=b.due_at,
                overdue=b.due_at < now,
            )
            for b in s.scalars(
                select(Callback)
                .where(Callback.customer_id == c.id, Callback.state == "open")
                .order_by(Callback.due_at)
            )
        )
        recent = tuple(
            RecentCallView(
                id=call.id,
                direction=call.direction.value,
                at=call.answered_at or call.queued_at,
                category=call.category,
                agent_name=agent_name or "",
                notes=call.notes,
                resolved=call.resolved,
            )
            for call, agent_name in s.execute(
                select(Call, User.name)
                .outerjoin(User, User.id == Call.agent_id)
                .where(Call.customer_id == c.id)
                .order_by(Call.queued_at.desc(), Call.id.desc())
                .limit(RECENT_CALLS)
            )
        )
        return CustomerCard(
            id=c.id,
            name=c.name,
            company=c.company,
            position=c.position,
            email=mask_email(c.email) if masked else c.email,
            address=c.address,
            region=c.region,
            grade=c.grade,
            key_account=c.key_account,
            risk_flag=c.risk_flag,
            risk_reason=c.risk_reason,
            credit_rating=c.credit_rating,
            notes=c.notes,
            phones=phones,
            contracts=contracts,
            open_complaints=complaints,
            open_callbacks=callbacks,
            recent_calls=recent,
            masked=masked,
            version=c.version,
        )

    def create(self, actor: Actor, data: CustomerInput) -> CustomerSummary:
        """Register a new customer (客户信息登记); audited."""
        require(actor, Permission.EDIT_CUSTOMER)
        values, numbers = validate_customer(data)
        now = self.clock()
        with self.db.write() as s:
            c = insert_customer(s, actor, values, numbers, now,
                                {"fields": sorted(k for k, v in values.items() if v)})
            self.signal(s, Topic.CUSTOMER, c.id)
            return summary_of(c)

    def update(
        self, actor: Actor, customer_id: int, data: CustomerInput, *, expected_version: int
    ) -> CustomerSummary:
        """Change a customer; refuses if someone else saved first. Every change is audited."""
        require(actor, Permission.EDIT_CUSTOMER)
        values, numbers = validate_customer(data)
        now = self.clock()
        with self.db.write() as s:
            c = s.get(
                Customer, customer_id, options=[selectinload(Customer.phones)], with_for_update=True
            )
            if c is None:
                raise NotFound(_("no customer #{customer_id}").format(customer_id=customer_id))
            if c.version != expected_version:
                raise Conflict(_("this customer was changed by someone else; reload and retry"))
            changed: dict[str, object] = {}
            for key, value in values.items():
                if getattr(c, key) != value:
                    # Personal values stay out of the audit trail: it says what, not the data.
                    changed[key] = "changed"
                    setattr(c, key, value)
            old_numbers = [p.number for p in c.phones]
            if old_numbers != numbers:
                changed["phones"] = {
                    "added": len(set(numbers) - set(old_numbers)),
                    "removed": len(set(old_numbers) - set(numbers)),
                }
                keep = {p.number: p for p in c.phones}
                c.phones = [keep.get(n) or CustomerPhone(number=n) for n in numbers]
            if changed:
                c.version += 1
                c.updated_at = now
                audit.record(
                    s,
                    actor,
                    "customer.update",
                    at=now,
                    entity="customer",
                    entity_id=c.id,
                    detail={"changed": changed},
                )
                self.signal(s, Topic.CUSTOMER, c.id)
            return summary_of(c)


def customer_input_of(card: CustomerCard, phones: tuple[str, ...]) -> CustomerInput:
    """An editable copy of a card (phones must be given unmasked by the caller)."""
    names = {f.name for f in fields(CustomerInput)}
    data = {k: v for k, v in asdict(card).items() if k in names}
    data["phones"] = phones
    return CustomerInput(**data)
