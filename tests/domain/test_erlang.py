"""Erlang C / Erlang A staffing maths: published values, properties, an independent oracle.

The oracle for Erlang A is the M/M/N+M birth-death chain truncated far into its tail and
solved directly with numpy (stationary distribution from the generator, service level by
uniformization of the waiting caller's chain): it shares no formula with the closed forms
under test.  The pyworkforce comparison is the only test needing pyworkforce.
"""

from __future__ import annotations

import math
import subprocess
import sys
import time
from fractions import Fraction
from itertools import product

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from seatdesk.domain.staffing import (
    erlang_a_performance,
    erlang_a_staffing,
    erlang_b,
    erlang_c,
    erlang_c_performance,
    erlang_c_staffing,
    scheduled_agents,
    traffic_erlangs,
)
from seatdesk.domain.staffing.erlang import _log_scaled_lower_gamma

# No example database: these runs must leave nothing behind in the work tree.
SETTINGS = settings(max_examples=60, deadline=None, database=None)

# ---------------------------------------------------------------------------------------------
# Published and textbook values
# ---------------------------------------------------------------------------------------------


def test_pyworkforce_readme_example_needs_14_agents() -> None:
    # pyworkforce's README: 100 calls per 30 min, AHT 3 min, 80% within 20 s, shrinkage 30%
    # -> raw_positions 14, positions 20, service_level 0.8883500191794669, occupancy 0.714.
    r = erlang_c_staffing(100, aht=180, interval=30, answer_within=20, target_sl=0.8, shrinkage=0.3)
    assert r.agents == 14
    assert r.scheduled == 20
    assert r.traffic == pytest.approx(10.0)
    assert r.service_level == pytest.approx(0.8883500191794669, rel=1e-12)
    assert r.occupancy == pytest.approx(10 / 14)
    assert r.p_wait == pytest.approx(0.1741319335950498, rel=1e-12)
    assert r.p_abandon is None


def _erlang_c_by_definition(n: int, a: Fraction) -> Fraction:
    """The textbook closed form with exact rationals and factorials (small N only)."""
    top = a**n / math.factorial(n) * Fraction(n) / (n - a)
    return top / (sum(a**k / math.factorial(k) for k in range(n)) + top)


def test_classic_10_erlang_table_matches_the_textbook_formula() -> None:
    # The same scenario is the classic worked example (e.g. Call Centre Helper's Erlang C
    # walkthrough): 10 Erlangs, 20 s threshold, AHT 180 s; with 11 agents P(wait) = 68.2%.
    assert erlang_c(11, 10.0) == pytest.approx(0.6821, abs=5e-5)
    for n in range(11, 20):
        exact = _erlang_c_by_definition(n, Fraction(10))
        p = erlang_c_performance(100, aht=180, interval=30, answer_within=20, agents=n)
        assert p.p_wait == pytest.approx(float(exact), rel=1e-12)
        sl = 1 - float(exact) * math.exp(-(n - 10) * 20 / 180)
        assert p.service_level == pytest.approx(sl, rel=1e-12)
        assert p.asa == pytest.approx(float(exact) * 180 / (n - 10), rel=1e-12)
    # The SL climbs 39.0% -> 64.0% -> 79.6% -> 88.8%: 13 agents just miss 80%.
    sls = [
        erlang_c_performance(100, aht=180, interval=30, answer_within=20, agents=n).service_level
        for n in (11, 12, 13, 14)
    ]
    assert [round(s, 3) for s in sls] == [0.390, 0.640, 0.796, 0.888]


@pytest.mark.parametrize(
    ("agents", "erlangs"),
    # Erlang B table, 1% blocking (any teletraffic table, e.g. ITU-T E.501 tables):
    [(5, 1.361), (10, 4.461), (20, 12.031), (50, 37.901), (100, 84.064)],
)
def test_erlang_b_table_at_one_percent(agents: int, erlangs: float) -> None:
    assert erlang_b(agents, erlangs) == pytest.approx(0.01, abs=2e-5)


@pytest.mark.parametrize("a", [0.1, 0.5, 0.9, 1.5, 1.99])
def test_small_systems_match_their_closed_forms(a: float) -> None:
    # Kleinrock, Queueing Systems I: M/M/1 waits with probability rho; M/M/2 with
    # C(2, A) = A^2 / (2 + A).
    if a < 1:
        assert erlang_c(1, a) == pytest.approx(a, rel=1e-14)
    assert erlang_c(2, a) == pytest.approx(a * a / (2 + a), rel=1e-14)
    assert erlang_b(1, a) == pytest.approx(a / (1 + a), rel=1e-14)


def test_shrinkage_rounds_up_without_binary_noise() -> None:
    assert scheduled_agents(14, 0.3) == 20  # 14 / 0.7 = 20.000000000000004 in floats
    assert scheduled_agents(14, 0.0) == 14
    assert scheduled_agents(10, 0.5) == 20
    assert scheduled_agents(21, 0.3) == 30
    assert scheduled_agents(22, 0.3) == 32  # 31.43 -> 32
    assert scheduled_agents(1, 0.99) == 100
    assert scheduled_agents(0, 0.4) == 0


def test_zero_calls_need_nobody() -> None:
    c = erlang_c_staffing(0, aht=300, interval=15, answer_within=20, target_sl=0.8, shrinkage=0.3)
    a = erlang_a_staffing(0, aht=300, interval=15, answer_within=20, target_sl=0.8, patience=60)
    for r in (c, a):
        assert (r.agents, r.scheduled, r.service_level, r.p_wait) == (0, 0, 1.0, 0.0)
    assert traffic_erlangs(0, 300, 15) == 0.0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"calls": -1},
        {"calls": math.nan},
        {"aht": 0},
        {"interval": -15},
        {"answer_within": -1},
        {"target_sl": 0.0},
        {"target_sl": 1.0},
        {"target_sl": 80},
        {"shrinkage": 1.0},
        {"max_occupancy": 0.0},
        {"max_occupancy": 1.2},
        {"patience": 0},
        {"max_abandon": 0.0},
        {"max_abandon": math.inf},
    ],
)
def test_invalid_inputs_are_rejected_with_the_field_named(kwargs: dict[str, float]) -> None:
    args = {
        "calls": 100,
        "aht": 180,
        "interval": 30,
        "answer_within": 20,
        "target_sl": 0.8,
        "patience": 60,
        "max_abandon": 0.1,
        "max_occupancy": 0.9,
        "shrinkage": 0.1,
    }
    args.update(kwargs)
    name = next(iter(kwargs))
    calls = args.pop("calls")
    with pytest.raises(ValueError, match=name):
        erlang_a_staffing(calls, **args)
    if name not in ("patience", "max_abandon"):
        del args["patience"], args["max_abandon"]
        with pytest.raises(ValueError, match=name):
            erlang_c_staffing(calls, **args)


# ---------------------------------------------------------------------------------------------
# Erlang C properties
# ---------------------------------------------------------------------------------------------

calls_st = st.floats(min_value=0.5, max_value=3000)
aht_st = st.floats(min_value=20, max_value=900)
interval_st = st.sampled_from([15, 30, 60])
within_st = st.floats(min_value=0, max_value=300)
target_st = st.floats(min_value=0.05, max_value=0.99)


@SETTINGS
@given(calls_st, aht_st, interval_st, within_st, st.integers(min_value=1, max_value=60))
def test_erlang_c_more_agents_never_hurt(
    calls: float, aht: float, interval: int, within: float, extra: int
) -> None:
    a = traffic_erlangs(calls, aht, interval)
    n = math.floor(a) + extra
    p = erlang_c_performance(calls, aht=aht, interval=interval, answer_within=within, agents=n)
    q = erlang_c_performance(calls, aht=aht, interval=interval, answer_within=within, agents=n + 1)
    assert q.service_level >= p.service_level
    assert q.asa <= p.asa
    assert q.p_wait <= p.p_wait
    assert p.occupancy == p.traffic / n
    assert q.occupancy == q.traffic / (n + 1)
    assert 0.0 <= p.service_level <= 1.0 and 0.0 <= p.p_wait <= 1.0


@SETTINGS
@given(
    calls_st,
    aht_st,
    interval_st,
    within_st,
    target_st,
    st.one_of(st.none(), st.floats(min_value=0.5, max_value=1.0)),
)
def test_erlang_c_requirement_is_the_smallest_that_works(
    calls: float, aht: float, interval: int, within: float, target: float, max_occ: float | None
) -> None:
    r = erlang_c_staffing(
        calls,
        aht=aht,
        interval=interval,
        answer_within=within,
        target_sl=target,
        max_occupancy=max_occ,
    )
    cap = 1.0 if max_occ is None else max_occ
    assert r.agents > r.traffic
    assert r.service_level >= target
    assert r.occupancy <= cap
    at = erlang_c_performance(
        calls, aht=aht, interval=interval, answer_within=within, agents=r.agents
    )
    assert at.service_level == pytest.approx(r.service_level, rel=1e-9)
    below = erlang_c_performance(
        calls, aht=aht, interval=interval, answer_within=within, agents=r.agents - 1
    )
    fails = (r.agents - 1 <= r.traffic) or below.service_level < target or below.occupancy > cap
    assert fails, f"{r.agents - 1} agents already meet the goal"


@SETTINGS
@given(calls_st, aht_st, interval_st, within_st, st.integers(min_value=1, max_value=12))
def test_erlang_c_goal_set_at_a_staffing_levels_own_sl_needs_exactly_that_level(
    calls: float, aht: float, interval: int, within: float, extra: int
) -> None:
    # Sharp minimality: with the target a hair under what N0 agents achieve, N0 meets it and
    # N0 - 1 (strictly worse) does not, so the answer must be N0 exactly.
    n0 = math.floor(traffic_erlangs(calls, aht, interval)) + extra
    kw = {"aht": aht, "interval": interval, "answer_within": within}
    sl0 = erlang_c_performance(calls, agents=n0, **kw).service_level
    below = erlang_c_performance(calls, agents=n0 - 1, **kw).service_level
    assume(0.01 < sl0 < 0.999 and below < sl0 - 1e-9)
    assert erlang_c_staffing(calls, target_sl=sl0 - 1e-12, **kw).agents == n0


DENSE_TARGETS = [0.5 + i * 0.0049 for i in range(100)]  # 0.5 ... 0.985, every 0.49%


@pytest.mark.parametrize("calls", [5, 17, 50, 133, 400, 1200])
def test_erlang_c_requirement_is_exact_on_a_dense_grid_of_targets(calls: int) -> None:
    # So many targets per staffing step that any slack in the stopping rule shows up.
    for aht, target in product([180, 300], DENSE_TARGETS):
        kw = {"aht": aht, "interval": 15, "answer_within": 20}
        r = erlang_c_staffing(calls, target_sl=target, **kw)
        assert r.service_level >= target
        assert erlang_c_performance(calls, agents=r.agents, **kw).service_level >= target
        if r.agents - 1 > r.traffic:
            assert erlang_c_performance(calls, agents=r.agents - 1, **kw).service_level < target


@pytest.mark.parametrize("calls", [5, 50, 400, 1500])
def test_erlang_a_requirement_is_exact_on_a_dense_grid_of_targets(calls: int) -> None:
    kw = {"aht": 240, "interval": 15, "answer_within": 20, "patience": 90}
    for target in DENSE_TARGETS:
        r = erlang_a_staffing(calls, target_sl=target, **kw)
        assert r.service_level >= target
        assert erlang_a_performance(calls, agents=r.agents, **kw).service_level >= target
        assert erlang_a_performance(calls, agents=r.agents - 1, **kw).service_level < target


# ---------------------------------------------------------------------------------------------
# Erlang A: independent oracle
# ---------------------------------------------------------------------------------------------


def _birth_death_oracle(
    calls: float, aht: float, interval: float, within: float, patience: float, n: int
) -> dict[str, float]:
    """Truncated M/M/n+M chain solved numerically; all rates per second."""
    lam, mu, theta = calls / (interval * 60), 1 / aht, 1 / patience
    # Queue lengths beyond this carry negligible probability (checked by doubling it below).
    k = int(max(0.0, (lam - n * mu) / theta) + 25 * math.sqrt(lam / theta + 1) + 150)
    size = n + k + 1
    gen = np.zeros((size, size))
    for i in range(size):
        if i + 1 < size:
            gen[i, i + 1] = lam
        if i > 0:
            gen[i, i - 1] = min(i, n) * mu + max(i - n, 0) * theta
        gen[i, i] = -gen[i].sum()
    # pi Q = 0 with sum(pi) = 1: replace one balance equation by the normalisation.
    system = np.vstack([gen.T[:-1], np.ones(size)])
    rhs = np.zeros(size)
    rhs[-1] = 1.0
    pi = np.linalg.solve(system, rhs)
    queued = np.arange(size) - n
    p_wait = pi[n:].sum()
    p_ab = theta * float((queued[n:] * pi[n:]).sum()) / lam
    # Waiting caller at position m (1-based): moves up at n mu + (m-1) theta, hangs up at
    # theta.  h[m] = P(answered within t | position m), by uniformization.
    up = n * mu + theta * np.arange(k + 1)
    rate = up[-1] + theta
    h = np.zeros(k + 2)
    h[0] = 1.0
    acc = np.zeros(k + 2)
    lt = rate * within
    weight, i = math.exp(-lt), 0
    # Poisson weights: past the mode they only shrink, so stop once they are negligible.
    while i <= lt or weight > 1e-18:
        acc += weight * h
        h[1:] = up / rate * h[:-1] + (1 - (up + theta) / rate) * h[1:]
        i += 1
        weight *= lt / i
    sl = pi[:n].sum() + float(pi[n : n + k + 1] @ acc[1 : k + 2])
    # Mean wait of answered callers: from position m the caller is answered with probability
    # prod(up_i / (up_i + theta)) after the sum of the mean sojourns 1 / (up_i + theta).
    served = np.cumprod(up / (up + theta))
    waited = served * np.cumsum(1 / (up + theta))
    asa = float(pi[n : n + k + 1] @ waited) / (1 - p_ab)
    occupancy = lam * (1 - p_ab) / mu / n
    return {"p_wait": p_wait, "p_abandon": p_ab, "sl": sl, "asa": asa, "occupancy": occupancy}


ORACLE_CASES = [
    # calls, AHT s, interval min, answer within s, patience s, agents
    (100, 180, 30, 20, 60, 10),  # a = 10, slightly underloaded
    (100, 180, 30, 20, 60, 8),  # overloaded: fewer agents than Erlangs
    (300, 240, 15, 20, 120, 75),  # a = 80, overloaded
    (300, 240, 15, 30, 120, 95),  # comfortable
    (50, 300, 15, 0, 200, 12),  # T = 0: SL = P(no wait)
    (1000, 200, 15, 15, 30, 200),  # impatient callers, a = 222
    (20, 100, 30, 60, 10_000, 2),  # very patient callers, tiny system
    (7, 600, 60, 120, 45, 1),  # one agent
]


@pytest.mark.parametrize("case", ORACLE_CASES)
def test_erlang_a_matches_the_birth_death_chain(case: tuple[float, ...]) -> None:
    calls, aht, interval, within, patience, n = case
    want = _birth_death_oracle(calls, aht, interval, within, patience, int(n))
    got = erlang_a_performance(
        calls, aht=aht, interval=interval, answer_within=within, patience=patience, agents=n
    )
    assert got.p_wait == pytest.approx(want["p_wait"], abs=1e-6)
    assert got.p_abandon == pytest.approx(want["p_abandon"], abs=1e-6)
    assert got.service_level == pytest.approx(want["sl"], abs=1e-6)
    assert got.occupancy == pytest.approx(want["occupancy"], abs=1e-6)
    assert got.asa == pytest.approx(want["asa"], rel=1e-6)


def test_the_oracle_is_not_trivially_agreeable() -> None:
    # Guard against an oracle that would accept anything: a different staffing level or
    # patience gives clearly different numbers.
    base = _birth_death_oracle(100, 180, 30, 20, 60, 10)
    other = erlang_a_performance(
        100, aht=180, interval=30, answer_within=20, patience=90, agents=10
    )
    assert abs(other.p_abandon - base["p_abandon"]) > 1e-2
    assert abs(other.service_level - base["sl"]) > 1e-3


@pytest.mark.parametrize(
    ("s", "z"),
    [
        (0.5, 0.2),
        (3.0, 2.5),
        (3.0, 9.0),
        (48.0, 44.0),
        (50.4, 51.0),
        (1000.0, 1100.0),
        (5000.0, 4990.0),
        (20.0, 0.0),
    ],
)
def test_scaled_incomplete_gamma_against_scipy(s: float, z: float) -> None:
    special = pytest.importorskip("scipy.special")
    if z == 0:
        want = -math.log(s)
    else:
        want = math.log(special.gammainc(s, z)) + special.gammaln(s) + z - s * math.log(z)
    assert _log_scaled_lower_gamma(s, z) == pytest.approx(want, rel=1e-12, abs=1e-12)


# ---------------------------------------------------------------------------------------------
# Erlang A properties
# ---------------------------------------------------------------------------------------------

patience_st = st.floats(min_value=5, max_value=3600)


@SETTINGS
@given(
    calls_st,
    aht_st,
    interval_st,
    within_st,
    patience_st,
    st.floats(min_value=0.3, max_value=1.6),
)
def test_erlang_a_more_agents_never_hurt(
    calls: float, aht: float, interval: int, within: float, patience: float, load: float
) -> None:
    a = traffic_erlangs(calls, aht, interval)
    n = max(1, round(a * load))
    kw = {"aht": aht, "interval": interval, "answer_within": within, "patience": patience}
    p = erlang_a_performance(calls, agents=n, **kw)
    q = erlang_a_performance(calls, agents=n + 1, **kw)
    # Tolerances are for rounding only (SL is a difference of probabilities near 1).
    assert q.service_level >= p.service_level - 1e-9
    assert q.p_abandon <= p.p_abandon
    if p.p_abandon > 1e-9:
        assert q.p_abandon < p.p_abandon  # strictly: every agent added saves some callers
    assert q.p_wait <= p.p_wait
    assert q.asa <= p.asa * (1 + 1e-9) + 1e-12
    assert q.occupancy <= p.occupancy + 1e-12
    for r in (p, q):
        assert 0 <= r.p_abandon <= r.p_wait <= 1
        assert 0 <= r.service_level <= 1 - r.p_abandon + 1e-12


@SETTINGS
@given(
    calls_st,
    aht_st,
    interval_st,
    within_st,
    target_st,
    patience_st,
    st.one_of(st.none(), st.floats(min_value=0.01, max_value=0.5)),
    st.one_of(st.none(), st.floats(min_value=0.6, max_value=1.0)),
)
def test_erlang_a_requirement_is_the_smallest_that_works(
    calls: float,
    aht: float,
    interval: int,
    within: float,
    target: float,
    patience: float,
    max_ab: float | None,
    max_occ: float | None,
) -> None:
    r = erlang_a_staffing(
        calls,
        aht=aht,
        interval=interval,
        answer_within=within,
        target_sl=target,
        patience=patience,
        max_abandon=max_ab,
        max_occupancy=max_occ,
    )

    def meets(n: int) -> bool:
        p = erlang_a_performance(
            calls, aht=aht, interval=interval, answer_within=within, patience=patience, agents=n
        )
        return (
            p.service_level >= target
            and (max_ab is None or p.p_abandon <= max_ab)
            and (max_occ is None or p.occupancy <= max_occ)
        )

    assert r.agents >= 1
    assert meets(r.agents)
    assert not meets(r.agents - 1), f"{r.agents - 1} agents already meet the goals"
    assert r.service_level >= target
    assert max_ab is None or r.p_abandon <= max_ab


@SETTINGS
@given(
    calls_st,
    aht_st,
    interval_st,
    within_st,
    patience_st,
    st.floats(min_value=0.5, max_value=1.5),
)
def test_erlang_a_goal_set_at_a_staffing_levels_own_sl_needs_exactly_that_level(
    calls: float, aht: float, interval: int, within: float, patience: float, load: float
) -> None:
    n0 = max(2, round(traffic_erlangs(calls, aht, interval) * load))
    kw = {"aht": aht, "interval": interval, "answer_within": within, "patience": patience}
    sl0 = erlang_a_performance(calls, agents=n0, **kw).service_level
    below = erlang_a_performance(calls, agents=n0 - 1, **kw).service_level
    assume(0.01 < sl0 < 0.999 and below < sl0 - 1e-9)
    assert erlang_a_staffing(calls, target_sl=sl0 - 1e-12, **kw).agents == n0


@SETTINGS
@given(
    calls_st,
    aht_st,
    interval_st,
    within_st,
    st.floats(min_value=1.05, max_value=2.0),
)
def test_erlang_a_tends_to_erlang_c_for_very_patient_callers(
    calls: float, aht: float, interval: int, within: float, headroom: float
) -> None:
    a = traffic_erlangs(calls, aht, interval)
    n = math.ceil(a * headroom) + 1
    c = erlang_c_performance(calls, aht=aht, interval=interval, answer_within=within, agents=n)
    gaps = []
    for patience in (1e3 * aht, 1e5 * aht):
        p = erlang_a_performance(
            calls, aht=aht, interval=interval, answer_within=within, patience=patience, agents=n
        )
        gaps.append(abs(p.service_level - c.service_level) + abs(p.p_wait - c.p_wait))
        assert p.p_abandon < 1e-3
    assert gaps[1] <= gaps[0] + 1e-12
    assert gaps[1] < 1e-4
    patient = erlang_a_performance(
        calls, aht=aht, interval=interval, answer_within=within, patience=1e5 * aht, agents=n
    )
    assert patient.asa == pytest.approx(c.asa, rel=1e-3, abs=1e-6)


@SETTINGS
@given(calls_st, aht_st, interval_st, st.floats(min_value=0.2, max_value=2.0))
def test_erlang_a_tends_to_erlang_b_for_impatient_callers(
    calls: float, aht: float, interval: int, load: float
) -> None:
    # Callers who hang up at once turn the queue into a loss system: everyone who finds all
    # agents busy waits a moment and leaves, so P(wait) = P(abandon) = Erlang B.  The gap is
    # about a * patience / AHT (the chance another caller arrives before the first leaves).
    a = traffic_erlangs(calls, aht, interval)
    n = max(1, round(a * load))
    p = erlang_a_performance(
        calls, aht=aht, interval=interval, answer_within=0, patience=aht * 1e-9, agents=n
    )
    b = erlang_b(n, a)
    assert p.p_wait == pytest.approx(b, rel=1e-4, abs=1e-12)
    assert p.p_abandon == pytest.approx(b, rel=1e-4, abs=1e-12)


# ---------------------------------------------------------------------------------------------
# Size and speed
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("calls", [20_000, 200_000])
def test_huge_intervals_stay_finite_and_fast(calls: int) -> None:
    start = time.perf_counter()
    c = erlang_c_staffing(calls, aht=300, interval=15, answer_within=20, target_sl=0.8)
    a = erlang_a_staffing(
        calls,
        aht=300,
        interval=15,
        answer_within=20,
        target_sl=0.8,
        patience=60,
        max_abandon=0.02,
    )
    elapsed = time.perf_counter() - start
    traffic = calls * 300 / 900
    for r in (c, a):
        values = (r.service_level, r.asa, r.occupancy, r.p_wait)
        assert all(math.isfinite(v) for v in values)
        assert r.service_level >= 0.8
        # Square-root staffing: a few sqrt(a) above the load, never wildly off.
        assert traffic * 0.9 < r.agents < traffic + 5 * math.sqrt(traffic)
        assert 0 < r.occupancy < 1
    assert c.agents > traffic
    assert a.p_abandon is not None and a.p_abandon <= 0.02
    assert elapsed < 3.0  # measured at a few ms; generous for loaded CI machines


def test_a_tiny_occupancy_cap_staffs_far_above_the_load() -> None:
    # 10 Erlangs at most 1% busy: 1000 agents, where Erlang B underflows to zero.
    kw = {"aht": 180, "interval": 30, "answer_within": 20, "target_sl": 0.8}
    c = erlang_c_staffing(100, max_occupancy=0.01, **kw)
    assert c.agents == 1000
    assert c.service_level == 1.0 and c.p_wait == 0.0
    a = erlang_a_staffing(100, patience=60, max_occupancy=0.01, **kw)
    assert a.occupancy <= 0.01
    assert a.agents == 1000  # nobody abandons with 990 agents idle


def test_erlang_b_handles_thousands_of_agents() -> None:
    b = erlang_b(10_000, 9_000.0)
    assert 0.0 < b < 1e-6
    assert erlang_b(9_000, 10_000.0) == pytest.approx(0.1, abs=0.01)  # about 1 - N/A
    assert erlang_b(5_000, 0.5) == 0.0  # underflows gracefully, no overflow or NaN


def test_staffing_modules_import_no_ui_or_database_libraries() -> None:
    code = (
        "import sys, seatdesk.domain.staffing, seatdesk.cli.staffing\n"
        "bad = [m for m in ('textual', 'sqlalchemy') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------------------------------------
# Peer: pyworkforce
# ---------------------------------------------------------------------------------------------


def test_agent_counts_equal_pyworkforce_on_a_wide_grid() -> None:
    pyworkforce_queuing = pytest.importorskip("pyworkforce.queuing")
    grid = product(
        [1, 3, 7, 15, 40, 100, 250, 600, 1500],  # calls per interval
        [45, 120, 180, 300, 600],  # AHT, s
        [15, 30, 60],  # interval, min
        [10, 20, 60, 180],  # answer within, s (pyworkforce needs > 0)
        [0.5, 0.7, 0.8, 0.9, 0.95],  # target SL
        [1.0, 0.85],  # max occupancy
    )
    checked = quirks = 0
    for calls, aht, interval, within, target, max_occ in grid:
        ours = erlang_c_staffing(
            calls,
            aht=aht,
            interval=interval,
            answer_within=within,
            target_sl=target,
            max_occupancy=max_occ,
        )
        theirs = pyworkforce_queuing.ErlangC(
            transactions=calls, aht=aht / 60, asa=within / 60, interval=interval
        ).required_positions(service_level=target, max_occupancy=max_occ)
        checked += 1
        if theirs["raw_positions"] == ours.agents:
            assert theirs["service_level"] == pytest.approx(ours.service_level, rel=1e-9)
            assert theirs["waiting_probability"] == pytest.approx(ours.p_wait, rel=1e-9)
            continue
        # The one known difference: pyworkforce starts its search at round(A + 1), which is
        # floor(A) + 2 when A's fraction is .5 or more, so when floor(A) + 1 agents already
        # meet the goal it answers one agent too many.  Ours is then provably minimal.
        quirks += 1
        a = ours.traffic
        assert ours.agents == math.floor(a) + 1 < round(a + 1)
        assert theirs["raw_positions"] == ours.agents + 1
        assert ours.service_level >= target
    assert checked == 5400
    assert quirks < checked * 0.02  # measured: 58 low-traffic, low-target corner cases
