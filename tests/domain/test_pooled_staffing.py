"""Pooled requirements per skill group, checked against Erlang C worked out by hand here.

The reference below is the textbook formula written independently of seatdesk's
implementation (factorial form, fine for the small loads used here).
"""

from __future__ import annotations

import math

import pytest

from seatdesk.domain.staffing.pooled import (
    QueueDemand,
    pooled_required,
    rostered,
    skill_groups,
    team_shares,
)


def _sl(n: int, a: float, t: float, aht: float) -> float:
    """Erlang C service level: 1 - C(n, a) e^{-(n-a) t / aht}."""
    top = a ** n / math.factorial(n) * n / (n - a)
    bottom = sum(a ** k / math.factorial(k) for k in range(n)) + top
    return 1 - top / bottom * math.exp(-(n - a) * t / aht)


def _agents(calls: float, aht: float, minutes: int, t: float, target: float) -> int:
    a = calls * aht / (minutes * 60)
    n = math.floor(a) + 1
    while _sl(n, a, t, aht) < target:
        n += 1
    return n


def test_the_issue_example_pooled_is_four_not_eight():
    # t1 at 09:30: general 6.5, vip 0.25, complaints 2.75, aftersales 2.75 = 12.25 calls.
    calls = {"general": 6.5, "vip": 0.25, "complaints": 2.75, "aftersales": 2.75}
    assert sum(calls.values()) == 12.25
    demands = [QueueDemand(q, [c], 300, 20) for q, c in calls.items()]
    # By hand: A = 12.25 * 300 / 1800 = 2.042 Erlangs; N = 3 gives SL 0.565, N = 4 gives 0.838.
    assert _sl(3, 12.25 / 6, 20, 300) < 0.8 < _sl(4, 12.25 / 6, 20, 300)
    assert pooled_required(demands, 30) == [4] == [_agents(12.25, 300, 30, 20, 0.8)]
    # Sized one queue at a time, the same traffic asked for twice as many.
    separate = sum(_agents(c, 300, 30, 20, 0.8) for c in calls.values())
    assert separate == 8


def test_each_queue_keeps_its_own_goal_and_mixed_aht_is_call_weighted():
    general = QueueDemand("general", [20.0, 0.0, 0.0], 240, 20)
    vip = QueueDemand("vip", [5.0, 5.0, 0.0], 360, 10, target_sl=0.9)
    got = pooled_required([general, vip], 30)
    aht = (20 * 240 + 5 * 360) / 25
    first = max(_agents(25, aht, 30, 20, 0.8), _agents(25, aht, 30, 10, 0.9))
    # Second interval: only vip has calls, so only its goal applies; last: nobody.
    assert got == [first, _agents(5, 360, 30, 10, 0.9), 0]
    assert first == _agents(25, aht, 30, 10, 0.9)  # the stricter vip goal decides


def test_a_queue_without_traffic_needs_nobody():
    assert pooled_required([QueueDemand("vip", [0, 0], 300, 20)], 30) == [0, 0]


def test_skill_groups_join_queues_served_together():
    groups = skill_groups([frozenset({"general", "vip"}), frozenset({"vip"}),
                           frozenset({"complaints"}), frozenset({"aftersales", "complaints"}),
                           frozenset()])
    assert groups == [frozenset({"aftersales", "complaints"}), frozenset({"general", "vip"})]


def test_two_teams_share_by_headcount_unless_a_share_is_set():
    assert team_shares({"t1": 4, "t2": 4}) == {"t1": 0.5, "t2": 0.5}
    assert team_shares({"t1": 3, "t2": 1}) == {"t1": 0.75, "t2": 0.25}
    assert team_shares({"t1": 3, "t2": 1, "t3": 1}, {"t1": 0.6}) == pytest.approx(
        {"t1": 0.6, "t2": 0.2, "t3": 0.2})
    with pytest.raises(ValueError):
        team_shares({"t1": 1, "t2": 1}, {"t1": 0.7, "t2": 0.7})


def test_shrinkage_divides_the_requirement():
    # 4 on the phones with 30 % of paid time in breaks, training and absence: 4 / 0.7.
    assert rostered(4, 0.3) == pytest.approx(5.714, abs=1e-3)
    assert rostered(2, 0.0) == 2
    with pytest.raises(ValueError):
        rostered(2, 1.0)
