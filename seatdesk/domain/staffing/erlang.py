"""Erlang C (M/M/N) and Erlang A (M/M/N+M) staffing for one forecast interval.

Pure arithmetic on plain floats: no I/O, no third-party imports, so the CLI, the TUI and the
benchmarks share one implementation and it stays cheap to call thousands of times.

Units: calls are counted per interval, the interval length is in minutes, every duration
(AHT, answer-within threshold, patience, ASA) is in seconds.

Numerical approach
------------------
* Erlang B comes from the recurrence ``B(0) = 1, B(n) = A B(n-1) / (n + A B(n-1))``, which
  stays in [0, 1] for every n and A, so thousands of agents and Erlangs are fine.  Searches
  extend it one agent at a time instead of restarting from zero.
* Erlang C is derived from Erlang B: ``C = N B / (N - A (1 - B))``.
* Erlang A (Palm's model with exponential patience) is expressed through the scaled lower
  incomplete gamma function ``S(s, z) = e^z z^-s gamma(s, z)``, evaluated by its power series
  below the transition point and by a continued fraction for the upper function above it, in
  log space where the magnitudes get large.  No factorials or large powers are formed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "ERLANG_A",
    "ERLANG_C",
    "Performance",
    "StaffingResult",
    "clear_cache",
    "erlang_a_performance",
    "erlang_a_staffing",
    "erlang_b",
    "erlang_c",
    "erlang_c_performance",
    "erlang_c_staffing",
    "scheduled_agents",
    "traffic_erlangs",
]

ERLANG_C = "erlang_c"
ERLANG_A = "erlang_a"

_INF = math.inf
# Relative size below which a further series term cannot change a double any more.
_EPS = 1e-17
# Lentz's algorithm replaces an exact zero by this to avoid dividing by it.
_TINY = 1e-300
# Hard stop for the series and continued fraction; they need O(sqrt(s)) terms near the
# transition, so this only triggers for absurd inputs (millions of agents).
_MAX_TERMS = 1_000_000


@dataclass(frozen=True, slots=True)
class Performance:
    """How one interval performs when staffed with ``agents`` agents.

    ``traffic`` is the offered load in Erlangs.  ``service_level`` is the share of *all*
    offered calls answered within the threshold (under Erlang A, callers who abandon count as
    not answered in time, whenever they hang up).  ``asa`` is the mean wait in seconds of the
    calls that get answered (answered at once counts as zero).  ``occupancy`` is the busy
    share of the agents' time.  ``p_wait`` is the probability a caller has to queue at all.
    ``p_abandon`` is the probability a caller hangs up before being answered; it is ``None``
    under Erlang C, where nobody abandons.
    """

    model: str
    traffic: float
    agents: int
    service_level: float
    asa: float
    occupancy: float
    p_wait: float
    p_abandon: float | None


@dataclass(frozen=True, slots=True)
class StaffingResult(Performance):
    """The smallest agent count meeting every goal, its performance, and the headcount.

    ``agents`` is the raw requirement (agents on the phones), ``scheduled`` the number to put on
    the schedule so that ``agents`` remain after shrinkage.
    """

    scheduled: int


# ---------------------------------------------------------------------------------------------
# Validation and small helpers
# ---------------------------------------------------------------------------------------------


def _check_finite(name: str, value: float) -> float:
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return value


def _check_in(
    name: str, value: float, low: float, high: float, lo_open: bool, hi_open: bool, what: str
) -> float:
    value = _check_finite(name, value)
    if (value <= low if lo_open else value < low) or (value >= high if hi_open else value > high):
        raise ValueError(f"{name} must be {what}, got {value:g}")
    return value


def _check_inputs(
    calls: float,
    aht: float,
    interval: float,
    answer_within: float,
    target_sl: float,
    max_occupancy: float | None,
    shrinkage: float,
) -> None:
    """Raise ValueError naming the first invalid input shared by both models."""
    # Hot path first: one chained comparison accepts the usual valid call.  NaN fails every
    # comparison, so it falls through to the detailed checks, which say what is wrong.
    if (
        0.0 <= calls < _INF
        and 0.0 < aht < _INF
        and 0.0 < interval < _INF
        and 0.0 <= answer_within < _INF
        and 0.0 < target_sl < 1.0
        and 0.0 <= shrinkage < 1.0
        and (max_occupancy is None or 0.0 < max_occupancy <= 1.0)
    ):
        return
    _check_in("calls", calls, 0.0, _INF, False, True, "zero or more")
    _check_in("aht", aht, 0.0, _INF, True, True, "more than 0 seconds")
    _check_in("interval", interval, 0.0, _INF, True, True, "more than 0 minutes")
    _check_in("answer_within", answer_within, 0.0, _INF, False, True, "zero or more seconds")
    # 1.0 is excluded on purpose: a queue never answers every call in time, so that goal
    # could never be met.
    _check_in("target_sl", target_sl, 0.0, 1.0, True, True, "between 0 and 1 (exclusive)")
    _check_in("shrinkage", shrinkage, 0.0, 1.0, False, True, "in [0, 1)")
    if max_occupancy is not None:
        _check_in("max_occupancy", max_occupancy, 0.0, 1.0, True, False, "in (0, 1]")
    raise ValueError("invalid staffing inputs")  # unreachable unless a check above is missing


def _check_agents(agents: int) -> int:
    if isinstance(agents, bool) or int(agents) != agents or agents < 0:
        raise ValueError(f"agents must be a whole number, zero or more, got {agents!r}")
    return int(agents)


def traffic_erlangs(calls: float, aht: float, interval: float) -> float:
    """Offered load in Erlangs: ``calls * aht / interval`` with AHT in s and interval in min."""
    _check_inputs(calls, aht, interval, 0.0, 0.5, None, 0.0)
    return calls * aht / (interval * 60.0)


def scheduled_agents(raw: int, shrinkage: float) -> int:
    """Agents to schedule so that ``raw`` remain after ``shrinkage``: ceil(raw / (1 - s)).

    A relative slack of 1e-12 keeps binary rounding from adding a whole agent when the
    quotient is an exact integer on paper (14 / (1 - 0.3) must give 20, not 21).
    """
    raw = _check_agents(raw)
    _check_in("shrinkage", shrinkage, 0.0, 1.0, False, True, "in [0, 1)")
    return _scheduled(raw, shrinkage)


def _scheduled(raw: int, shrinkage: float) -> int:
    if shrinkage == 0.0:
        return raw
    return max(raw, math.ceil(raw / (1.0 - shrinkage) * (1.0 - 1e-12)))


def _min_agents_for_occupancy(traffic: float, max_occ: float) -> int:
    """Smallest N >= 1 with traffic / N <= max_occ, exact in floating point."""
    n = max(1, math.ceil(traffic / max_occ))
    # ceil() of a rounded quotient can be one off either way; settle it with the very
    # comparison the callers make.
    while n > 1 and traffic / (n - 1) <= max_occ:
        n -= 1
    while traffic / n > max_occ:
        n += 1
    return n


# ---------------------------------------------------------------------------------------------
# Erlang B and C
# ---------------------------------------------------------------------------------------------


def erlang_b(agents: int, traffic: float) -> float:
    """Blocking probability of an M/M/N/N system (Erlang B) via the stable recurrence."""
    agents = _check_agents(agents)
    traffic = _check_in("traffic", traffic, 0.0, _INF, False, True, "zero or more")
    return _erlang_b(agents, traffic)


def _erlang_b(agents: int, traffic: float) -> float:
    b = 1.0
    for n in range(1, agents + 1):
        ab = traffic * b
        b = ab / (n + ab)
    return b


def erlang_c(agents: int, traffic: float) -> float:
    """Probability of waiting in an M/M/N queue (Erlang C); 1.0 when N <= traffic (unstable)."""
    b = erlang_b(agents, traffic)
    if traffic == 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    return agents * b / (agents - traffic * (1.0 - b))


def erlang_c_performance(
    calls: float, *, aht: float, interval: float, answer_within: float, agents: int
) -> Performance:
    """Erlang C (M/M/N, nobody abandons) performance of one interval with ``agents`` agents.

    With ``agents`` at or below the offered traffic the queue grows without bound: the result
    then reports SL 0, ASA infinity, P(wait) 1 and occupancy 1.
    """
    _check_inputs(calls, aht, interval, answer_within, 0.5, None, 0.0)
    n = _check_agents(agents)
    a = calls * aht / (interval * 60.0)
    if a == 0:
        return Performance(ERLANG_C, 0.0, n, 1.0, 0.0, 0.0, 0.0, None)
    if n <= a:
        return Performance(ERLANG_C, a, n, 0.0, _INF, 1.0, 1.0, None)
    b = _erlang_b(n, a)
    c = n * b / (n - a * (1.0 - b))
    sl = 1.0 - c * math.exp(-(n - a) * answer_within / aht)
    return Performance(ERLANG_C, a, n, sl, c * aht / (n - a), a / n, c, None)


def _erlang_c_required(
    a: float, t_over_aht: float, target: float, max_occ: float
) -> tuple[int, float, float, float]:
    """Smallest N > a with SL >= target and a / N <= max_occ: (N, P(wait), SL, ASA/AHT)."""
    start = math.floor(a) + 1
    if max_occ < 1.0:
        start = max(start, _min_agents_for_occupancy(a, max_occ))
    # The Erlang B recurrence carried as its reciprocal, 1/B(n) = 1 + (n/a) / B(n-1): the
    # same recurrence and the same all-positive terms, but one multiply-add per agent instead
    # of a division, which is most of the cost of a whole week of intervals.
    ia = 1.0 / a
    inv = 1.0
    for k in range(1, start + 1):
        inv = inv * k * ia + 1.0
    n = start
    # exp(-(n - a) T / AHT) shrinks by the same factor for every added agent.
    decay = math.exp(-t_over_aht)
    wait_factor = math.exp(-(n - a) * t_over_aht)
    while True:
        # C = N B / (N - a (1 - B)), multiplied through by 1/B.
        c = n / ((n - a) * inv + a)
        if 1.0 - c * wait_factor >= target:
            break
        n += 1
        inv = inv * n * ia + 1.0
        wait_factor *= decay
    return n, c, 1.0 - c * math.exp(-(n - a) * t_over_aht), c / (n - a)


def erlang_c_staffing(
    calls: float,
    *,
    aht: float,
    interval: float,
    answer_within: float,
    target_sl: float,
    max_occupancy: float | None = None,
    shrinkage: float = 0.0,
) -> StaffingResult:
    """Fewest agents so that ``target_sl`` of calls are answered within ``answer_within`` s.

    Erlang C model (Poisson arrivals, exponential handling, infinite patience).  With
    ``max_occupancy`` the agents must also not be busier than that share of their time.  The
    search walks N upward from floor(traffic) + 1, extending Erlang B one agent at a time.
    Zero calls need zero agents.  Raises ValueError on invalid input.
    """
    return _erlang_c_staffing(
        calls, aht, interval, answer_within, target_sl, max_occupancy, shrinkage
    )


# A forecast repeats the same volume and AHT many times over a week, and the results are
# immutable, so whole answers are memoised on the raw inputs; a miss validates and computes.
@lru_cache(maxsize=4096)
def _erlang_c_staffing(
    calls: float,
    aht: float,
    interval: float,
    answer_within: float,
    target_sl: float,
    max_occupancy: float | None,
    shrinkage: float,
) -> StaffingResult:
    _check_inputs(calls, aht, interval, answer_within, target_sl, max_occupancy, shrinkage)
    a = calls * aht / (interval * 60.0)
    if a == 0:
        return StaffingResult(ERLANG_C, 0.0, 0, 1.0, 0.0, 0.0, 0.0, None, 0)
    max_occ = 1.0 if max_occupancy is None else max_occupancy
    n, c, sl, asa = _erlang_c_required(a, answer_within / aht, target_sl, max_occ)
    return StaffingResult(ERLANG_C, a, n, sl, asa * aht, a / n, c, None, _scheduled(n, shrinkage))


# ---------------------------------------------------------------------------------------------
# Erlang A
# ---------------------------------------------------------------------------------------------
#
# Palm's M/M/N+M model: arrival rate lam, service rate mu = 1/AHT, patience rate
# theta = 1/patience.  Write a = lam/mu, x = N mu/theta, y = lam/theta.  With j callers queued
# the stationary weights relative to the "all agents busy, no queue" state are
#     r_j = y^j / ((x+1)(x+2)...(x+j)),
# and their sum is A(x, y) = x * S(x, y), with S the scaled incomplete gamma defined below.
# From the birth-death balance (Garnett, Mandelbaum & Reiman 2002; Mandelbaum & Zeltyn 2007):
#     P(wait)    = A B / (1 + (A - 1) B)                    B = Erlang B(N, a)
#     P(abandon) = P(wait) * (1 - N/a + N/(a A))
# A caller who finds j queued reaches an agent after a sum of exponentials with rates
# N mu + i theta (i = 0..j); u = exp(-theta * that wait) is Beta(x, j + 1) distributed, and
# summing over j collapses the mixture into a single incomplete gamma: the share of all callers
# that are answered, but only after more than T seconds, is
#     P(wait) / A * x * u0^(x+1) * e^(y (1 - u0)) * S(x + 1, y u0),      u0 = exp(-theta T),
# so SL = 1 - P(abandon) - that share.


def _log_scaled_lower_gamma(s: float, z: float) -> float:
    """log S(s, z) where S(s, z) = sum_j z^j / (s (s+1) ... (s+j)) = e^z z^-s gamma(s, z).

    Series below z = s + 1 (terms shrink at least like z / (s + 1)); above it
    S = e^z z^-s Gamma(s) - F(s, z), with F = e^z z^-s Gamma(s, z) from a continued fraction,
    and F is at most about half of the first term there, so the subtraction loses nothing.
    """
    if z <= 0.0:
        return -math.log(s)
    if z < s + 1.0:
        term = 1.0 / s
        total = term
        k = s
        for _ in range(_MAX_TERMS):
            # Two terms per check: the comparison costs about as much as a term.
            k += 1.0
            term *= z / k
            total += term
            k += 1.0
            term *= z / k
            total += term
            if term <= total * _EPS:
                break
        return math.log(total)
    # Modified Lentz evaluation of
    #     F = 1 / (z + 1 - s - 1 (1 - s) / (z + 3 - s - 2 (2 - s) / (z + 5 - s - ...)))
    b = z + 1.0 - s
    c = 1.0 / _TINY
    d = 1.0 / b
    f = d
    for i in range(1, _MAX_TERMS):
        an = -i * (i - s)
        b += 2.0
        d = an * d + b
        if abs(d) < _TINY:
            d = _TINY
        c = b + an / c
        if abs(c) < _TINY:
            c = _TINY
        d = 1.0 / d
        delta = d * c
        f *= delta
        if abs(delta - 1.0) <= 1e-16:
            break
    log_full = z - s * math.log(z) + math.lgamma(s)
    # f * exp(-log_full) is the regularized upper gamma Q(s, z) < 1.
    return log_full + math.log1p(-f * math.exp(-log_full))


def _erlang_a_wait(n: int, a: float, b: float, ratio: float) -> tuple[float, float, float]:
    """(P(wait), P(abandon), log A) for n >= 1 agents, a > 0, b = Erlang B(n, a).

    ``ratio`` is patience / AHT, so x = n ratio and y = a ratio.
    """
    x = n * ratio
    log_a_sum = math.log(x) + _log_scaled_lower_gamma(x, a * ratio)
    inv_a = math.exp(-log_a_sum)  # 0 when A overflows: hopeless overload, everyone waits
    p_wait = b / (b + (1.0 - b) * inv_a)
    q = n / a
    # P(abandon | wait) = 1 - q (1 - 1/A), summed as two terms that are each exact to a few
    # ulps rather than as 1 minus a number close to 1.
    p_ab = p_wait * ((1.0 - q) + q * inv_a)
    return p_wait, min(max(p_ab, 0.0), p_wait), log_a_sum


def _erlang_a_sl(
    n: int, a: float, ratio: float, k: float, p_wait: float, p_ab: float, log_a_sum: float
) -> float:
    """Service level for n >= 1 agents; ``k`` = T / patience, the rest from _erlang_a_wait."""
    x = n * ratio
    y = a * ratio
    z = y * math.exp(-k)
    log_h = math.log(x) - (x + 1.0) * k - y * math.expm1(-k) + _log_scaled_lower_gamma(x + 1.0, z)
    late = p_wait * math.exp(log_h - log_a_sum)  # answered, but after more than T
    return min(max(1.0 - p_ab - late, 0.0), 1.0)


def _erlang_a_asa(n: int, a: float, ratio: float, p_wait: float, p_ab: float) -> float:
    """Mean wait of answered callers, in units of patience.

    A caller finding j queued is answered with probability x/(x+j+1) and, if answered, has
    waited on average sum_{i=1}^{j+1} 1/(x+i) patience units (Beta-log moments), so
    E[W; answered] = P(wait)/A * sum_j r_j x/(x+j+1) H_j with H_j that harmonic-like sum.
    Both sums are accumulated together and rescaled together, so overflow cannot occur.
    """
    if p_wait == 0.0 or p_ab >= 1.0:
        return 0.0
    x = n * ratio
    y = a * ratio
    term = 1.0
    total = 0.0
    weighted = 0.0  # without the constant factor x, applied at the end
    harmonic = 0.0
    xj = x  # x + j, kept as a float so the loop does no int-to-float conversions
    past_peak = max(x, y) + 1.0  # terms grow until x + j is about y, only then may it stop
    for _ in range(_MAX_TERMS):
        xj += 1.0
        inv = 1.0 / xj
        harmonic += inv
        total += term
        weighted += term * inv * harmonic
        term *= y * inv  # r_j = r_(j-1) y / (x + j)
        if term > 1e250:  # only in deep overload; keeps the peak terms finite
            term *= 1e-250
            total *= 1e-250
            weighted *= 1e-250
        # A reported figure, not a search criterion: 1e-13 relative is plenty.
        if term <= total * 1e-13 and xj > past_peak:
            break
    weighted *= x
    return p_wait * (weighted / total) / (1.0 - p_ab)


def _erlang_a_at(
    n: int, a: float, b: float, ratio: float, k: float
) -> tuple[float, float, float, float, float]:
    """(P(wait), P(abandon), SL, ASA in patience units, occupancy) for n agents, a > 0."""
    if n == 0:
        # Nobody answers: every caller waits until hanging up.
        return 1.0, 1.0, 0.0, 0.0, 0.0
    p_wait, p_ab, log_a_sum = _erlang_a_wait(n, a, b, ratio)
    sl = _erlang_a_sl(n, a, ratio, k, p_wait, p_ab, log_a_sum)
    asa = _erlang_a_asa(n, a, ratio, p_wait, p_ab)
    return p_wait, p_ab, sl, asa, min(a * (1.0 - p_ab) / n, 1.0)


def _check_patience(patience: float, max_abandon: float | None) -> None:
    if not (0.0 < patience < _INF and (max_abandon is None or 0.0 < max_abandon <= 1.0)):
        _check_in("patience", patience, 0.0, _INF, True, True, "more than 0 seconds")
        if max_abandon is not None:
            # 0 is unreachable: with any traffic some callers always run out of patience.
            _check_in("max_abandon", max_abandon, 0.0, 1.0, True, False, "in (0, 1]")


def erlang_a_performance(
    calls: float,
    *,
    aht: float,
    interval: float,
    answer_within: float,
    patience: float,
    agents: int,
) -> Performance:
    """Erlang A (M/M/N+M) performance of one interval with ``agents`` agents.

    Callers hang up after an exponentially distributed time with mean ``patience`` seconds if
    not answered by then.  Conventions: ``service_level`` = calls answered within
    ``answer_within`` seconds / all offered calls (abandoned calls count against it, even
    those that hang up sooner); ``asa`` = mean wait of answered calls; ``occupancy`` =
    a (1 - P(abandon)) / N, since abandoned calls need no handling.  Stable for any N:
    abandonment keeps the queue finite even with fewer agents than Erlangs.
    """
    _check_inputs(calls, aht, interval, answer_within, 0.5, None, 0.0)
    _check_patience(patience, None)
    n = _check_agents(agents)
    a = calls * aht / (interval * 60.0)
    if a == 0:
        return Performance(ERLANG_A, 0.0, n, 1.0, 0.0, 0.0, 0.0, 0.0)
    p_wait, p_ab, sl, asa, occ = _erlang_a_at(
        n, a, _erlang_b(n, a), patience / aht, answer_within / patience
    )
    return Performance(ERLANG_A, a, n, sl, asa * patience, occ, p_wait, p_ab)


def _erlang_a_required(
    a: float, ratio: float, k: float, target: float, max_ab: float, max_occ: float
) -> tuple[int, float, float, float, float, float]:
    """Smallest N meeting every goal: (N, P(wait), P(abandon), SL, ASA/patience, occupancy).

    SL, P(abandon) and occupancy all improve as N grows, so the answer is the N whose
    predecessor fails.  Each Erlang A evaluation costs two incomplete gamma sums, so the
    search spends them carefully.  It scores every N it evaluates by its smallest slack
    (SL - target, max abandon - P(abandon), max occupancy - occupancy: >= 0 exactly when all
    goals are met), starts at the Erlang C requirement for the same goals (nearly free once
    Erlang B is tabulated), takes a second point from that curve's shape, and then closes the
    bracket by interpolating the slack (false position), bisecting whenever that stalls.
    Whatever the interpolation does, the result is an N meeting the goals with N - 1 failing.
    """
    # Provably infeasible at or below `floor_n`: answered calls can't exceed the agents'
    # capacity, so SL <= 1 - P(abandon) <= N / a, hence N >= target a and N >= (1 - max_ab) a.
    floor_n = max(0, math.floor(max(target, 1.0 - max_ab) * a) - 1)
    lowest_c = math.floor(a) + 1  # Erlang C needs more agents than Erlangs

    # Erlang B is only ever needed above floor_n: run the recurrence (reciprocal form, see
    # _erlang_c_required) up to there without keeping it, then tabulate as the search climbs.
    base = floor_n + 1
    ia = 1.0 / a
    inv = 1.0
    for j in range(1, base + 1):
        inv = inv * j * ia + 1.0
    bs = [1.0 / inv]  # bs[i] = B(base + i)

    def b_at(n: int) -> float:
        i = n - base
        if i >= len(bs):
            b = bs[-1]
            for m in range(base + len(bs), n + 1):
                ab = a * b
                b = ab / (m + ab)
                bs.append(b)
        return bs[i]

    t_over_aht = k * ratio

    def c_at(n: int) -> float:  # Erlang C probability of waiting, for n > a
        b = b_at(n)
        return n * b / (n - a * (1.0 - b))

    def sl_c(n: int) -> float:  # Erlang C service level, for n > a
        return 1.0 - c_at(n) * math.exp(-(n - a) * t_over_aht)

    seen: dict[int, tuple[float, float, float, float]] = {}

    def slack(n: int) -> float:
        """Smallest goal slack at n >= 1 agents (memoised with P(wait), P(abandon), SL)."""
        if n in seen:
            return seen[n][0]
        p_wait, p_ab, log_a_sum = _erlang_a_wait(n, a, b_at(n), ratio)
        # Without a cap occupancy never binds (it is <= 1 on paper, but can round above).
        occ_slack = max_occ - a * (1.0 - p_ab) / n if max_occ < 1.0 else 1.0
        cheap = min(max_ab - p_ab, occ_slack, 1.0 - p_ab - target)
        if cheap < 0.0:
            # SL <= 1 - P(abandon), so N fails already; skip the second gamma sum.
            seen[n] = (cheap, p_wait, p_ab, -1.0)
            return cheap
        sl = _erlang_a_sl(n, a, ratio, k, p_wait, p_ab, log_a_sum)
        value = min(cheap, sl - target)
        seen[n] = (value, p_wait, p_ab, sl)
        return value

    guess = max(lowest_c, _min_agents_for_occupancy(a, max_occ))
    while sl_c(guess) < target:
        guess += 1
    guess = max(guess, floor_n + 1)

    # Bracket: lo fails (slack s_lo < 0, None while not evaluated), hi meets every goal.
    lo, s_lo = floor_n, None
    hi, s_hi = guess, slack(guess)
    above: tuple[int, float] | None = None  # the feasible point evaluated before hi
    if s_hi < 0.0:
        # The guess fails: gallop up until something meets the goals.
        step = 1
        while s_hi < 0.0:
            lo, s_lo = hi, s_hi
            hi = lo + step
            s_hi = slack(hi)
            step *= 2
    else:
        # Second point: follow the Erlang C curves down from the guess, shifted or scaled
        # to match what the guess measured, while every goal still looks met.
        _, _, p_ab_guess, sl_guess = seen[guess]
        shift = sl_guess - sl_c(guess)
        c_guess = c_at(guess)  # 0.0 when Erlang B underflows far above the load
        scale = p_ab_guess / c_guess if c_guess > 0.0 else 0.0
        pred = guess
        while pred - 1 >= max(lowest_c, floor_n + 1):
            m = pred - 1
            c = c_at(m)
            p_ab_est = scale * c
            if (
                1.0 - c * math.exp(-(m - a) * t_over_aht) + shift < target
                or p_ab_est > max_ab
                or a * (1.0 - p_ab_est) / m > max_occ
            ):
                break
            pred = m
        if pred < guess:
            value = slack(pred)
            if value >= 0.0:
                above, hi, s_hi = (hi, s_hi), pred, value
            else:
                lo, s_lo = pred, value

    widths: list[int] = []
    stride = 1
    kept_lo = kept_hi = 0  # how many steps in a row each end has stayed put
    while hi - lo > 1:
        width = hi - lo
        if s_lo is not None:
            if len(widths) >= 2 and 2 * width > widths[-2]:
                cand = (lo + hi) // 2  # interpolation is not shrinking the bracket: bisect
            else:
                # False position: where the straight line between the ends crosses zero,
                # with the Illinois correction (an end kept repeatedly counts for less) so
                # one stuck end cannot make it crawl.
                w_lo = s_lo / (1 << max(0, kept_lo - 1))
                w_hi = s_hi / (1 << max(0, kept_hi - 1))
                cand = lo + math.ceil(width * -w_lo / (w_hi - w_lo))
        else:
            # Only feasible points so far: extrapolate along the last two, but go at least
            # `stride` agents down, doubling, so a poor slope estimate cannot crawl.
            cand = hi - stride
            if above is not None and above[1] > s_hi:
                drop_per_agent = (above[1] - s_hi) / (above[0] - hi)
                cand = min(cand, hi - math.ceil(s_hi / drop_per_agent))
            stride *= 2
        cand = min(max(cand, lo + 1), hi - 1)
        widths.append(width)
        value = slack(cand)
        if value >= 0.0:
            above, hi, s_hi = (hi, s_hi), cand, value
            kept_lo, kept_hi = kept_lo + 1, 0
        else:
            lo, s_lo = cand, value
            kept_lo, kept_hi = 0, kept_hi + 1
    _, p_wait, p_ab, sl = seen[hi]
    asa = _erlang_a_asa(hi, a, ratio, p_wait, p_ab)
    return hi, p_wait, p_ab, sl, asa, min(a * (1.0 - p_ab) / hi, 1.0)


def erlang_a_staffing(
    calls: float,
    *,
    aht: float,
    interval: float,
    answer_within: float,
    target_sl: float,
    patience: float,
    max_abandon: float | None = None,
    max_occupancy: float | None = None,
    shrinkage: float = 0.0,
) -> StaffingResult:
    """Fewest agents meeting the SL goal under Erlang A (callers may hang up while waiting).

    ``patience`` is the callers' mean patience in seconds (exponential).  Optional goals:
    ``max_abandon`` (largest acceptable P(abandon)) and ``max_occupancy``.  The conventions
    for SL, ASA and occupancy are those of :func:`erlang_a_performance`.  Zero calls need
    zero agents.  Raises ValueError on invalid input.
    """
    return _erlang_a_staffing(
        calls,
        aht,
        interval,
        answer_within,
        target_sl,
        patience,
        max_abandon,
        max_occupancy,
        shrinkage,
    )


@lru_cache(maxsize=4096)
def _erlang_a_staffing(
    calls: float,
    aht: float,
    interval: float,
    answer_within: float,
    target_sl: float,
    patience: float,
    max_abandon: float | None,
    max_occupancy: float | None,
    shrinkage: float,
) -> StaffingResult:
    _check_inputs(calls, aht, interval, answer_within, target_sl, max_occupancy, shrinkage)
    _check_patience(patience, max_abandon)
    a = calls * aht / (interval * 60.0)
    if a == 0:
        return StaffingResult(ERLANG_A, 0.0, 0, 1.0, 0.0, 0.0, 0.0, 0.0, 0)
    n, p_wait, p_ab, sl, asa, occ = _erlang_a_required(
        a,
        patience / aht,
        answer_within / patience,
        target_sl,
        1.0 if max_abandon is None else max_abandon,
        1.0 if max_occupancy is None else max_occupancy,
    )
    return StaffingResult(
        ERLANG_A, a, n, sl, asa * patience, occ, p_wait, p_ab, _scheduled(n, shrinkage)
    )


def clear_cache() -> None:
    """Forget memoised interval results (benchmarks use this to time cold runs)."""
    _erlang_c_staffing.cache_clear()
    _erlang_a_staffing.cache_clear()
