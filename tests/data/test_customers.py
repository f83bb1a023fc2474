"""Customers: lookup by any number format, masking by role, audited views and changes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from seatdesk.data.models import AuditEntry
from seatdesk.domain.errors import Conflict, InvalidInput, PermissionDenied
from seatdesk.services.dto import CustomerInput
from tests.factories import customer, floor


def test_lookup_by_any_format(backend):
    people = floor(backend)
    cid = customer(backend, people["agent1"], "王芳", "138-0013-8000", "010 6552 9988")
    for typed in ("13800138000", "+86 138 0013 8000", "0086 138 0013 8000", "(010) 65529988"):
        assert [c.id for c in backend.customers.lookup_by_phone(typed)] == [cid]
    assert backend.customers.lookup_by_phone("13911112222") == []


def test_card_is_masked_for_agents_and_reveal_is_audited(backend):
    people = floor(backend)
    agent, sup = people["agent1"], people["super1"]
    cid = backend.customers.create(agent, CustomerInput(
        name="李雷", phones=("13800138000",), email="lilei@example.com")).id
    card = backend.customers.card(agent, cid)
    assert card.masked and card.phones[0].number == "138****8000"
    assert card.email == "l***@example.com"
    revealed = backend.customers.card(agent, cid, reveal=True)
    assert not revealed.masked and revealed.phones[0].number == "138 0013 8000"
    assert not backend.customers.card(sup, cid).masked  # supervisors see digits
    with pytest.raises(PermissionDenied):
        backend.customers.card(people["qa1"], cid, reveal=True)
    with backend.db.read() as s:
        actions = [(a.actor_login, a.action) for a in s.scalars(
            select(AuditEntry).where(AuditEntry.entity == "customer").order_by(AuditEntry.id))]
    assert actions == [("agent1", "customer.create"), ("agent1", "customer.view"),
                       ("agent1", "customer.reveal"), ("super1", "customer.view")]


def test_bad_customer_input_is_refused_with_the_field(backend):
    people = floor(backend)
    agent = people["agent1"]
    cases = [
        (CustomerInput(name="", phones=("13800138000",)), "name"),
        (CustomerInput(name="张三", phones=("12345",)), "phones"),
        (CustomerInput(name="张三", phones=("138abc",)), "phones"),
        (CustomerInput(name="张三\x1b[31m", phones=()), "name"),
        (CustomerInput(name="张三", grade="E"), "grade"),
        (CustomerInput(name="张三", email="not-an-email"), "email"),
        (CustomerInput(name="张" * 101), "name"),
    ]
    for data, field in cases:
        with pytest.raises(InvalidInput) as err:
            backend.customers.create(agent, data)
        assert err.value.field == field, data


def test_update_is_audited_and_optimistic(backend):
    people = floor(backend)
    agent = people["agent1"]
    cid = customer(backend, agent, "韩梅梅", "13800138000", grade="C")
    card = backend.customers.card(agent, cid)
    backend.customers.update(agent, cid, CustomerInput(
        name="韩梅梅", phones=("13800138000", "13900139000"), grade="A"),
        expected_version=card.version)
    with pytest.raises(Conflict):
        backend.customers.update(agent, cid, CustomerInput(name="韩梅梅", grade="B"),
                                 expected_version=card.version)
    after = backend.customers.card(people["super1"], cid)
    assert after.grade == "A" and len(after.phones) == 2
    with backend.db.read() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "customer.update"))
    assert entry.detail["changed"]["grade"] == "changed"
    assert entry.detail["changed"]["phones"] == {"added": 1, "removed": 0}


def test_search_by_name_or_number(backend):
    people = floor(backend)
    agent = people["agent1"]
    a = customer(backend, agent, "王芳", "13800138000")
    customer(backend, agent, "王小明", "13800138001")
    assert {c.name for c in backend.customers.search(agent, "王")} == {"王芳", "王小明"}
    assert [c.id for c in backend.customers.search(agent, "138 0013 8000")] == [a]
    assert backend.customers.search(agent, "%") == []
