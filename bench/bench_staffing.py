"""Benchmark: seatdesk's staffing calculator against its peers.

Two measurements, both in this process; the contenders are timed in alternating rounds (so
machine noise hits them alike) and each is summarised by the median of its rounds.

1. Erlang C, a week of 15-minute intervals (672: two daily peaks, quieter weekend, closed at
   night, 0-400 calls each, AHT drifting 270-390 s): seatdesk ``erlang_c_staffing`` vs
   pyworkforce ``ErlangC(...).required_positions(...)``.  Goal: seatdesk >= 5x faster.  The
   agent counts of both are compared too.
2. Erlang A, one weekday of the same forecast (96 intervals).  pyworkforce (0.5) has no
   Erlang A, so the baseline is the numerical route one takes without the closed forms: the
   truncated M/M/N+M birth-death chain solved with numpy (stationary distribution from the
   balance equations, service level by uniformization of the waiting caller's chain, ASA
   from the same chain), in a standalone staffing routine with the usual search (provable
   lower bound, gallop, bisect).  Goal: seatdesk >= 20x faster.  Two context rows without a
   goal: the same chain plugged into seatdesk's own search in place of its per-N evaluation
   (so the very same agent counts are evaluated and the ratio isolates the evaluation), and
   the same closed forms with scipy's incomplete gamma in place of seatdesk's own series.

Run: ``python bench/bench_staffing.py [--quick]``; results also go to
``bench/results/staffing.json``.  ``run(quick)`` returns the same dictionary for a runner.
"""

from __future__ import annotations

import argparse
import math
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # runnable as a plain script from a checkout
    sys.path.insert(0, str(ROOT))

from bench.common import write_json  # noqa: E402
from seatdesk.domain.staffing import erlang  # noqa: E402

INTERVAL_MIN = 15
ANSWER_WITHIN = 20.0
TARGET_SL = 0.8
MAX_OCC = 0.9
SHRINKAGE = 0.3
PATIENCE = 120.0
MAX_ABANDON = 0.05

Rows = list[tuple[int, float]]


# ---------------------------------------------------------------------------------------------
# Workload
# ---------------------------------------------------------------------------------------------


def week_forecast(seed: int = 20240601) -> Rows:
    """672 (calls, AHT s) pairs: two daily peaks, quieter weekend, closed at night, noise."""
    rng = random.Random(seed)
    rows: Rows = []
    for day in range(7):
        peak = 400 if day < 5 else 220
        for slot in range(96):
            hour = slot / 4
            if hour < 7 or hour >= 22:
                rows.append((0, 300.0))
                continue
            shape = math.exp(-(((hour - 10.5) / 2.0) ** 2)) + 0.8 * math.exp(
                -(((hour - 15.5) / 2.5) ** 2)
            )
            calls = min(400, max(0, round(peak * shape * rng.uniform(0.85, 1.15))))
            # AHT drifts over the day (longer calls in the evening), in 5 s steps.
            aht = 270.0 + 5 * round(rng.uniform(0, 12) + (hour - 7) / 2)
            rows.append((calls, aht))
    return rows


# ---------------------------------------------------------------------------------------------
# Erlang C contenders
# ---------------------------------------------------------------------------------------------


def seatdesk_c(rows: Rows) -> list[int]:
    erlang.clear_cache()  # every round starts cold; the cache only helps within the week
    return [
        erlang.erlang_c_staffing(
            calls,
            aht=aht,
            interval=INTERVAL_MIN,
            answer_within=ANSWER_WITHIN,
            target_sl=TARGET_SL,
            max_occupancy=MAX_OCC,
            shrinkage=SHRINKAGE,
        ).agents
        for calls, aht in rows
    ]


def seatdesk_c_nocache(rows: Rows) -> list[int]:
    compute = erlang._erlang_c_staffing.__wrapped__  # the same code without the memo
    return [
        compute(calls, aht, INTERVAL_MIN, ANSWER_WITHIN, TARGET_SL, MAX_OCC, SHRINKAGE).agents
        for calls, aht in rows
    ]


def pyworkforce_c(rows: Rows) -> list[int]:
    from pyworkforce.queuing import ErlangC

    out = []
    for calls, aht in rows:
        if calls == 0:  # pyworkforce rejects zero transactions; nobody is needed then
            out.append(0)
            continue
        # pyworkforce takes AHT and the answer threshold (its "asa") in minutes.
        model = ErlangC(
            transactions=calls,
            aht=aht / 60,
            asa=ANSWER_WITHIN / 60,
            interval=INTERVAL_MIN,
            shrinkage=SHRINKAGE,
        )
        result = model.required_positions(service_level=TARGET_SL, max_occupancy=MAX_OCC)
        out.append(result["raw_positions"])
    return out


# ---------------------------------------------------------------------------------------------
# Erlang A contenders
# ---------------------------------------------------------------------------------------------


def _erlang_a_day(rows: Rows) -> list[int]:
    """seatdesk's Erlang A requirement per interval, without the memo."""
    compute = erlang._erlang_a_staffing.__wrapped__
    return [
        compute(
            calls,
            aht,
            INTERVAL_MIN,
            ANSWER_WITHIN,
            TARGET_SL,
            PATIENCE,
            MAX_ABANDON,
            MAX_OCC,
            SHRINKAGE,
        ).agents
        for calls, aht in rows
    ]


def seatdesk_a(rows: Rows) -> list[int]:
    erlang.clear_cache()
    return [
        erlang.erlang_a_staffing(
            calls,
            aht=aht,
            interval=INTERVAL_MIN,
            answer_within=ANSWER_WITHIN,
            target_sl=TARGET_SL,
            patience=PATIENCE,
            max_abandon=MAX_ABANDON,
            max_occupancy=MAX_OCC,
            shrinkage=SHRINKAGE,
        ).agents
        for calls, aht in rows
    ]


def _chain(n: int, a: float, ratio: float) -> tuple[Any, Any, float]:
    """Stationary distribution of the truncated M/M/n+M chain, time in units of AHT.

    Rates: arrivals a, service 1 per agent, abandonment 1/ratio per waiting caller.
    Returns (pi, the rates at which a waiting caller at position 1, 2, ... moves up, theta).
    """
    import numpy as np

    theta = 1.0 / ratio
    x, y = n * ratio, a * ratio
    # Queue lengths beyond this carry well under 1e-15 of the probability mass.
    k_max = int(max(0.0, y - x) + 12.0 * math.sqrt(y + 1.0) + 40)
    k = np.arange(1, n + k_max + 1)
    death = np.minimum(k, n) + np.maximum(k - n, 0) * theta
    log_w = np.concatenate(([0.0], np.cumsum(math.log(a) - np.log(death))))
    w = np.exp(log_w - log_w.max())
    return w / w.sum(), n + theta * np.arange(k_max + 1), theta


def chain_wait(n: int, a: float, b: float, ratio: float) -> tuple[float, float, float]:
    """Drop-in for seatdesk's (P(wait), P(abandon), log A) evaluation, from the chain."""
    import numpy as np

    pi, _, theta = _chain(n, a, ratio)
    queued = pi[n:]
    # Abandonment flow theta * E[queue] balances the abandoning share of arrivals a P(ab).
    p_ab = theta * float(np.arange(len(queued)) @ queued) / a
    return float(queued.sum()), p_ab, 0.0


def chain_sl(
    n: int, a: float, ratio: float, k: float, p_wait: float, p_ab: float, log_a: float
) -> float:
    """Drop-in for seatdesk's SL evaluation: uniformization of the waiting caller's chain."""
    import numpy as np

    pi, up, theta = _chain(n, a, ratio)
    t = k * ratio  # the threshold in units of AHT
    rate = float(up[-1]) + theta
    move, stay = up / rate, 1.0 - (up + theta) / rate
    h = np.zeros(len(up) + 1)
    h[0] = 1.0  # h[m] = P(answered within the time so far | at position m); 0 = answered
    acc = np.zeros(len(up) + 1)
    lt = rate * t
    weight, i = math.exp(-lt), 0
    # Poisson weights: past the mode they only shrink, so stop once they are negligible.
    while i <= lt or weight > 1e-16:
        acc += weight * h
        h[1:] = move * h[:-1] + stay * h[1:]
        i += 1
        weight *= lt / i
    return float(pi[:n].sum()) + float(pi[n:] @ acc[1:])


def chain_asa(n: int, a: float, ratio: float, p_wait: float, p_ab: float) -> float:
    """Drop-in for seatdesk's ASA (in patience units) from the chain."""
    import numpy as np

    pi, up, theta = _chain(n, a, ratio)
    # From position m: answered with probability prod(up/(up+theta)), after the sum of the
    # mean sojourns 1/(up+theta) of the positions passed.
    waited = np.cumprod(up / (up + theta)) * np.cumsum(1.0 / (up + theta))
    return float(pi[n:] @ waited) / (1.0 - p_ab) / ratio


@contextmanager
def _evaluations(**replacements: Callable[..., Any]) -> Iterator[None]:
    """Swap seatdesk's per-N Erlang A evaluation functions for the duration of a block."""
    saved = {name: getattr(erlang, name) for name in replacements}
    for name, fn in replacements.items():
        setattr(erlang, name, fn)
    try:
        yield
    finally:
        for name, fn in saved.items():
            setattr(erlang, name, fn)


def chain_a_same_search(rows: Rows) -> list[int]:
    with _evaluations(_erlang_a_wait=chain_wait, _erlang_a_sl=chain_sl, _erlang_a_asa=chain_asa):
        return _erlang_a_day(rows)


def chain_a_standalone(rows: Rows) -> list[int]:
    """A self-contained numerical Erlang A staffing routine, written the usual way.

    For each interval: start at the provable lower bound max(target, 1 - max abandon) * a,
    gallop up in sqrt(a) strides, bisect; every N looked at gets the full chain solution
    (P(abandon), occupancy and SL); P(wait) and ASA once more at the answer.
    """
    out = []
    for calls, aht in rows:
        if calls == 0:
            out.append(0)
            continue
        a, ratio, k = calls * aht / (INTERVAL_MIN * 60), PATIENCE / aht, ANSWER_WITHIN / PATIENCE

        def feasible(n: int, a: float = a, ratio: float = ratio, k: float = k) -> bool:
            p_wait, p_ab, _ = chain_wait(n, a, 0.0, ratio)
            sl = chain_sl(n, a, ratio, k, p_wait, p_ab, 0.0)
            return sl >= TARGET_SL and p_ab <= MAX_ABANDON and a * (1 - p_ab) / n <= MAX_OCC

        lo = max(0, math.floor(max(TARGET_SL, 1.0 - MAX_ABANDON) * a) - 1)
        step = max(1, math.isqrt(math.ceil(a)))
        hi = lo + step
        while not feasible(hi):
            lo, step = hi, step * 2
            hi = lo + step
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if feasible(mid):
                hi = mid
            else:
                lo = mid
        p_wait, p_ab, _ = chain_wait(hi, a, 0.0, ratio)
        chain_asa(hi, a, ratio, p_wait, p_ab)
        out.append(hi)
    return out


def scipy_a(rows: Rows) -> list[int]:
    """The same closed forms, scipy's incomplete gamma instead of seatdesk's series."""
    from scipy.special import gammainc, gammaln

    def log_scaled_lower_gamma(s: float, z: float) -> float:
        if z <= 0.0:
            return -math.log(s)
        return math.log(gammainc(s, z)) + gammaln(s) + z - s * math.log(z)

    with _evaluations(_log_scaled_lower_gamma=log_scaled_lower_gamma):
        return _erlang_a_day(rows)


# ---------------------------------------------------------------------------------------------
# Measurement
# ---------------------------------------------------------------------------------------------


def _timed_rounds(
    contenders: dict[str, Callable[[Rows], list[int]]], rows: Rows, rounds: int
) -> tuple[dict[str, float], dict[str, list[int]]]:
    """Median seconds per contender over ``rounds`` alternating rounds, and their answers."""
    answers = {name: fn(rows) for name, fn in contenders.items()}  # warm-up: imports, caches
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, fn in contenders.items():
            start = time.perf_counter()
            fn(rows)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}, answers


def _available(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def _differ(ours: list[int], theirs: list[int]) -> int:
    return sum(p != q for p, q in zip(ours, theirs, strict=True))


def run(quick: bool) -> dict[str, Any]:
    """Run both comparisons; return a JSON-ready dict (also printed/written by ``main``)."""
    rounds = 5 if quick else 15
    week = week_forecast()
    day = week[96 * 2 : 96 * 3]  # a Wednesday
    report: dict[str, Any] = {
        "benchmark": "staffing",
        "quick": quick,
        "repeats": rounds,
        "python": platform.python_version(),
        "workload": {
            "erlang_c": f"{len(week)} intervals of {INTERVAL_MIN} min, calls 0-400 "
            f"(total {sum(c for c, _ in week)}), AHT 270-390 s, {TARGET_SL:.0%} in "
            f"{ANSWER_WITHIN:g} s, max occupancy {MAX_OCC}, shrinkage {SHRINKAGE}",
            "erlang_a": f"{len(day)} intervals (one weekday of the same forecast), patience "
            f"{PATIENCE:g} s, max abandon {MAX_ABANDON}, other goals as above",
        },
        "comparisons": [],
    }

    contenders_c = {"seatdesk": seatdesk_c, "seatdesk_nocache": seatdesk_c_nocache}
    if _available("pyworkforce"):
        contenders_c["pyworkforce"] = pyworkforce_c
    times, answers = _timed_rounds(contenders_c, week, rounds)
    entry: dict[str, Any] = {
        "name": "erlang_c_week",
        "goal_ratio": 5.0,
        "seatdesk_s": times["seatdesk"],
        "seatdesk_nocache_s": times["seatdesk_nocache"],
    }
    if "pyworkforce" in times:
        entry.update(
            peer="pyworkforce ErlangC",
            peer_s=times["pyworkforce"],
            ratio=times["pyworkforce"] / times["seatdesk"],
            ratio_nocache=times["pyworkforce"] / times["seatdesk_nocache"],
            agents_differ=_differ(answers["seatdesk"], answers["pyworkforce"]),
            differ_why="pyworkforce starts at round(A + 1) (one too many when floor(A) + 1 "
            "already meets the goal) and computes A as calls / interval * AHT-in-minutes, which "
            "can land an ulp high at an exact occupancy cap (162 calls x 340 s = 61.2 Erlangs: "
            "68 agents are exactly 90% busy, it answers 69)",
        )
    else:
        entry.update(peer="pyworkforce ErlangC (not installed)", peer_s=None, ratio=None)
    report["comparisons"].append(entry)

    contenders_a = {"seatdesk": seatdesk_a}
    if _available("numpy"):
        contenders_a["chain"] = chain_a_standalone
        contenders_a["chain_same_search"] = chain_a_same_search
    if _available("scipy"):
        contenders_a["scipy"] = scipy_a
    times, answers = _timed_rounds(contenders_a, day, rounds)
    entry = {
        "name": "erlang_a_day",
        "goal_ratio": 20.0,
        "seatdesk_s": times["seatdesk"],
        "note": "pyworkforce has no Erlang A: baseline is the numpy birth-death chain",
    }
    if "chain" in times:
        entry.update(
            peer="numpy birth-death chain, standalone (bound, gallop, bisect)",
            peer_s=times["chain"],
            ratio=times["chain"] / times["seatdesk"],
            agents_differ=_differ(answers["seatdesk"], answers["chain"]),
        )
    else:
        entry.update(peer="numpy birth-death chain (numpy not installed)", peer_s=None)
    report["comparisons"].append(entry)
    if "chain_same_search" in times:
        report["comparisons"].append(
            {
                "name": "erlang_a_day_same_search",
                "goal_ratio": None,
                "seatdesk_s": times["seatdesk"],
                "peer": "the chain inside seatdesk's own search (evaluation cost only)",
                "peer_s": times["chain_same_search"],
                "ratio": times["chain_same_search"] / times["seatdesk"],
                "agents_differ": _differ(answers["seatdesk"], answers["chain_same_search"]),
            }
        )
    if "scipy" in times:
        report["comparisons"].append(
            {
                "name": "erlang_a_day_scipy_context",
                "goal_ratio": None,
                "seatdesk_s": times["seatdesk"],
                "peer": "same closed forms via scipy.special.gammainc (context, no goal)",
                "peer_s": times["scipy"],
                "ratio": times["scipy"] / times["seatdesk"],
                "agents_differ": _differ(answers["seatdesk"], answers["scipy"]),
            }
        )
    return report


def _table(report: dict[str, Any]) -> str:
    lines = [
        f"{'comparison':<28} {'seatdesk':>10} {'peer':>10} {'ratio':>8} {'goal':>6} "
        f"{'differ':>6}  peer",
    ]
    for c in report["comparisons"]:
        peer_s = "-" if c.get("peer_s") is None else f"{c['peer_s'] * 1e3:.2f}ms"
        ratio = "-" if c.get("ratio") is None else f"{c['ratio']:.1f}x"
        goal = "-" if c.get("goal_ratio") is None else f"{c['goal_ratio']:g}x"
        lines.append(
            f"{c['name']:<28} {c['seatdesk_s'] * 1e3:>8.2f}ms {peer_s:>10} {ratio:>8} "
            f"{goal:>6} {c.get('agents_differ', '-')!s:>6}  {c['peer']}"
        )
        if c.get("ratio_nocache") is not None:
            lines.append(
                f"{'  (seatdesk, cache off)':<28} {c['seatdesk_nocache_s'] * 1e3:>8.2f}ms "
                f"{peer_s:>10} {c['ratio_nocache']:>7.1f}x"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="seatdesk staffing calculator vs its peers")
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    args = parser.parse_args(argv)
    report = run(args.quick)
    print(f"staffing benchmark (median of {report['repeats']} rounds, Python {report['python']})")
    print(_table(report))
    print(f"written {write_json(report, 'staffing').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
