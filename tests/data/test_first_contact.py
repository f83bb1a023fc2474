"""First-contact responsibility: the repeat-contact warning and the repeat-contact count."""

from __future__ import annotations

from datetime import timedelta

from seatdesk.services.dto import SYSTEM, WrapUp
from tests.factories import customer, floor


def _inbound(backend, agent, number, category, resolved=True):
    call_id = backend.calls.offer_inbound(SYSTEM, number, "general")
    backend.calls.claim_next(agent)
    backend.calls.save_wrap_up(agent, call_id, WrapUp(
        category=category, disposition="resolved" if resolved else "handed_over",
        resolved=resolved, handed_to="" if resolved else "售后部", notes="第一次来电"))
    return call_id


def test_earlier_contact_warns_within_the_window(backend, clock):
    people = floor(backend)
    agent = people["agent1"]
    cid = customer(backend, agent, "王芳", "13800138000")
    first = _inbound(backend, agent, "13800138000", "repair", resolved=False)
    clock.advance(days=3)
    second = backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    earlier = backend.first_contact.earlier_contact(agent, cid, "repair", second)
    assert earlier is not None and earlier.call_id == first
    assert earlier.handed_to == "售后部" and earlier.resolved is False
    assert earlier.agent_name == "Agent1"
    # Another category is not a repeat; neither is a call older than 7 days.
    assert backend.first_contact.earlier_contact(agent, cid, "order", second) is None
    clock.advance(days=5)
    assert backend.first_contact.earlier_contact(agent, cid, "repair", second) is None


def test_repeat_contacts_are_counted_for_reports(backend, clock):
    people = floor(backend)
    agent = people["agent1"]
    customer(backend, agent, "王芳", "13800138000")
    customer(backend, agent, "李雷", "13800138001")
    start = clock()
    _inbound(backend, agent, "13800138000", "repair")
    clock.advance(days=2)
    _inbound(backend, agent, "13800138000", "repair")  # repeat 1
    clock.advance(hours=1)
    _inbound(backend, agent, "13800138000", "repair")  # repeat 2
    _inbound(backend, agent, "13800138000", "order")  # another issue
    _inbound(backend, agent, "13800138001", "repair")  # another customer
    clock.advance(days=8)
    _inbound(backend, agent, "13800138001", "repair")  # too long after
    end = clock() + timedelta(seconds=1)
    assert backend.first_contact.repeat_contacts(start, end) == 2
    assert backend.first_contact.repeat_contacts(start, start + timedelta(days=1)) == 0
