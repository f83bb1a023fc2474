"""The caller simulator: Poisson arrivals queue calls; impatient callers abandon."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from seatdesk.data.models import Call, CustomerPhone
from seatdesk.exchange.seed import SeedOptions, seed
from seatdesk.exchange.simulator import CallSimulator


def test_simulator_offers_known_numbers_and_abandons(backend):
    seed(backend, SeedOptions(customers=30, days=0, calls_per_day=0, random_seed=1))
    sim = CallSimulator(backend, rate_per_minute=600, mean_patience=0.2, known_share=1.0,
                        seed=4)
    stats = sim.run(duration=1.0)
    assert stats.offered >= 3
    with backend.db.read() as s:
        calls = s.scalars(select(Call)).all()
        known = set(s.scalars(select(CustomerPhone.number)))
    assert len(calls) == stats.offered
    assert all(c.caller_number in known for c in calls)  # known_share=1: customers only
    assert any(c.customer_id is not None for c in calls)
    abandoned = [c for c in calls if c.state.value == "abandoned"]
    assert len(abandoned) == stats.abandoned >= 1
    assert all(c.agent_id is None and c.wait_seconds is not None for c in abandoned)


def test_simulator_step_hangs_up_only_due_callers(backend):
    seed(backend, SeedOptions(customers=5, days=0, calls_per_day=0, random_seed=1))
    sim = CallSimulator(backend, rate_per_minute=60, mean_patience=30, seed=1)
    first = backend.calls.offer_inbound(sim_actor(), "13800138000", "general")
    second = backend.calls.offer_inbound(sim_actor(), "13800138001", "general")
    deadlines = [(1.0, first), (5.0, second)]
    sim.step(deadlines, now=2.0)
    assert deadlines == [(5.0, second)] and sim.stats.abandoned == 1


def test_simulator_refuses_bad_settings_and_empty_floor(backend):
    with pytest.raises(ValueError):
        CallSimulator(backend, rate_per_minute=0, mean_patience=10)
    with pytest.raises(ValueError):
        CallSimulator(backend, rate_per_minute=10, mean_patience=10)  # no queues yet


def sim_actor():
    from seatdesk.services.dto import SYSTEM

    return SYSTEM
