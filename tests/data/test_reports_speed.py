"""The stored earlier contact behind the repeat-contact count, on SQLite and PostgreSQL.

The wrap-up stores it, the migration and the seed backfill it with one UPDATE, and the
report and FirstContactService.repeat_contacts count from it: these tests check that all
of them agree on one definition (first legs only, abandoned calls never an earlier contact).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, text, update

from seatdesk.data.models import Call, CallState, Customer, Direction
from seatdesk.services.container import Backend
from seatdesk.services.dto import SYSTEM, WrapUp
from seatdesk.services.first_contact import (
    backfill_prior_contacts,
    backfill_prior_contacts_sql,
    mark_prior_contact,
)
from tests.factories import customer, floor

NUMBER = "13800138000"


def _answer(backend: Backend, agent, call_id: int, category: str, *,
            change_from: str | None = None) -> None:
    claimed = backend.calls.claim_next(agent)
    assert claimed is not None and claimed.id == call_id
    if change_from:
        # The agent first files it under another category, then corrects it.
        backend.calls.set_category(agent, call_id, change_from)
    backend.calls.save_wrap_up(agent, call_id, WrapUp(category=category, disposition="resolved",
                                                      resolved=True))


def _history(backend: Backend, clock) -> dict[str, int]:
    """A customer's calls over 11 days: repeats, a transfer leg, another issue, a gap."""
    people = floor(backend)
    a1, a2 = people["agent1"], people["agent2"]
    customer(backend, a1, "王芳", NUMBER)
    ids: dict[str, int] = {}
    ids["first"] = backend.calls.offer_inbound(SYSTEM, NUMBER)
    _answer(backend, a1, ids["first"], "repair")
    clock.advance(days=1)
    ids["abandoned"] = backend.calls.offer_inbound(SYSTEM, NUMBER)
    assert backend.calls.mark_abandoned(SYSTEM, ids["abandoned"])
    clock.advance(days=1)
    # Filed as a query during the call, closed as repair: a repeat of "first".
    ids["second"] = backend.calls.offer_inbound(SYSTEM, NUMBER)
    assert backend.calls.claim_next(a1) is not None
    backend.calls.set_category(a1, ids["second"], "query")
    ids["leg"] = backend.calls.transfer(a1, ids["second"], queue_code="general")
    backend.calls.save_wrap_up(a1, ids["second"], WrapUp(
        category="repair", disposition="handed_over", resolved=False, handed_to="售后部"))
    clock.advance(minutes=1)
    _answer(backend, a2, ids["leg"], "repair")  # a transfer leg: never a contact of its own
    clock.advance(days=1)
    ids["third"] = backend.calls.offer_inbound(SYSTEM, NUMBER)
    _answer(backend, a1, ids["third"], "repair")  # repeats "second" (the first leg)
    ids["other"] = backend.calls.offer_inbound(SYSTEM, NUMBER)
    _answer(backend, a1, ids["other"], "order")  # another issue
    clock.advance(days=8)
    ids["late"] = backend.calls.offer_inbound(SYSTEM, NUMBER)
    _answer(backend, a1, ids["late"], "repair")  # 8 days after "third": not within 7
    return ids


def _stored(backend: Backend) -> dict[int, tuple[int | None, datetime | None]]:
    with backend.db.read() as s:
        return {i: (p, at) for i, p, at in s.execute(
            select(Call.id, Call.prior_contact_id, Call.prior_contact_at).order_by(Call.id))}


def test_wrap_up_stores_the_earlier_contact(backend, clock):
    ids = _history(backend, clock)
    stored = _stored(backend)
    by_id = {i: p for i, (p, _) in stored.items()}
    assert by_id[ids["first"]] is None
    assert by_id[ids["abandoned"]] is None
    assert by_id[ids["second"]] == ids["first"]  # decided on the final category
    assert by_id[ids["leg"]] is None  # transfer legs are not contacts
    assert by_id[ids["third"]] == ids["second"]  # the first leg, not the leg after it
    assert by_id[ids["other"]] is None
    assert by_id[ids["late"]] == ids["third"]  # stored; the window decides if it counts
    with backend.db.read() as s:
        third = s.get(Call, ids["third"])
        second = s.get(Call, ids["second"])
        assert third is not None and second is not None
        assert third.prior_contact_at == second.queued_at


def test_report_and_first_contact_service_agree(backend, clock):
    start = clock()
    ids = _history(backend, clock)
    end = clock() + timedelta(seconds=1)
    # Repeats within 7 days: "second" and "third"; not the leg, not "late".
    assert backend.first_contact.repeat_contacts(start, end) == 2
    first = start.astimezone(ZoneInfo("Asia/Shanghai")).date()
    last = end.astimezone(ZoneInfo("Asia/Shanghai")).date()
    actor = backend.users.actor("super1")
    report = backend.reports.kpi(actor, first, last, "day")
    assert report.total.values["repeat_contacts"] == 2
    # Contacts: every closed first leg with a customer ("first" to "late": 5 calls).
    assert report.total.bases["contacts"] == 5
    assert len(ids) == 7
    # A longer window counts "late" too: the stored earlier contact serves any window.
    wider = backend.reports.kpi(actor, first, last, "day", repeat_days=10)
    assert wider.total.values["repeat_contacts"] == 3


def test_backfill_equals_what_the_wrap_up_stored(backend, clock):
    _history(backend, clock)
    live = _stored(backend)
    assert any(p is not None for p, _ in live.values())
    with backend.db.write() as s:
        s.execute(update(Call).values(prior_contact_id=None, prior_contact_at=None))
    with backend.db.write() as s:
        # The very SQL the k2_reports_speed migration runs.
        s.execute(text(backfill_prior_contacts_sql(s.get_bind().dialect.name)))
    assert _stored(backend) == live


def test_backfill_equals_the_live_rule_on_random_history(backend):
    """Random calls (ties, legs, abandons, old calls): the UPDATE matches the probe per call."""
    floor(backend)
    rng = random.Random(11)
    t0 = datetime(2026, 11, 1, 1, 0, tzinfo=UTC)
    with backend.db.write() as s:
        custs = []
        for n in range(6):
            c = Customer(name=f"C{n}", created_at=t0, updated_at=t0)
            s.add(c)
            s.flush()
            custs.append(c.id)
        rows: list[Call] = []
        for _ in range(160):
            # Whole hours over 120 days, so equal instants (ties) happen.
            at = t0 - timedelta(hours=rng.randrange(0, 120 * 24, 7))
            state = rng.choice([CallState.CLOSED] * 4 + [CallState.ABANDONED, CallState.QUEUED])
            closed = state == CallState.CLOSED
            parent = rng.choice(rows).id if rows and rng.random() < 0.15 else None
            call = Call(direction=Direction.INBOUND, state=state, queued_at=at,
                        answered_at=at + timedelta(seconds=5) if closed else None,
                        closed_at=at + timedelta(seconds=90) if closed else None,
                        abandoned_at=at if state == CallState.ABANDONED else None,
                        customer_id=rng.choice(custs + [None]),
                        category=rng.choice(["repair", "order", None]),
                        parent_call_id=parent)
            s.add(call)
            s.flush()
            rows.append(call)
        s.add(Call(direction=Direction.OUTBOUND, state=CallState.CLOSED, customer_id=custs[0],
                   offered_at=t0, category="repair", closed_at=t0))
    with backend.db.write() as s:
        n = backfill_prior_contacts(s)
    backfilled = _stored(backend)
    with backend.db.write() as s:
        for call in s.scalars(select(Call).order_by(Call.id)):
            mark_prior_contact(s, call)
        s.flush()
    live = _stored(backend)
    assert n > 10
    assert backfilled == live
