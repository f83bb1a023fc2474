"""Requirements the way workforce planners compute them: pooled per skill group.

A *skill group* is a set of queues that agents serve together: two queues are in the same
group when some agent takes both (the connected components of the agent–queue graph). The
calls of a group's queues are offered to one pool of agents, so their traffic is added up
before Erlang C is asked (sizing each queue alone and adding the answers counts the
"at least one agent" of every small queue again and again, and ignores that one agent can
take the calls of several queues).

Per interval, for a group G with queues q (calls c_q, handling time h_q, goal "share s_q
answered within T_q"):

    calls      C = Σ c_q
    AHT        H = Σ c_q h_q / C                 (call-weighted)
    required   N = max over q with c_q > 0 of ErlangC_agents(C, H, T_q, s_q)

Under Erlang C every caller of the pool waits with the same distribution, so the smallest N
meeting the strictest goal meets them all. A group with no traffic needs nobody. A team
that serves the group gets its share of N (set by a lead, else by headcount), and what is
put on the roster is that share ÷ (1 − shrinkage). See docs/staffing.md.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from seatdesk.domain.i18n import _
from seatdesk.domain.staffing.erlang import erlang_c_staffing


@dataclass(frozen=True)
class QueueDemand:
    """One queue's forecast over a run of intervals and its service-level goal."""

    code: str
    calls: Sequence[float]
    aht: float  # seconds
    answer_within: float  # seconds
    target_sl: float = 0.8


def group_key(queues: Iterable[str]) -> str:
    """A stable name for a skill group: its queue codes, sorted, joined by '+'."""
    return "+".join(sorted(queues))


def skill_groups(agent_queues: Iterable[frozenset[str]]) -> list[frozenset[str]]:
    """Queues served together: the connected components of agents' queue sets."""
    groups: list[set[str]] = []
    for queues in agent_queues:
        if not queues:
            continue
        merged = set(queues)
        keep = []
        for g in groups:
            if g & merged:
                merged |= g
            else:
                keep.append(g)
        groups = keep + [merged]
    return sorted((frozenset(g) for g in groups), key=group_key)


def pooled_required(demands: Sequence[QueueDemand], interval_minutes: int,
                    *, max_occupancy: float | None = None) -> list[int]:
    """Agents on the phones per interval for the pooled traffic of ``demands``."""
    if not demands:
        return []
    n = len(demands[0].calls)
    if any(len(d.calls) != n for d in demands):
        raise ValueError(_("every queue needs one forecast value per interval"))
    out = []
    for i in range(n):
        calls = sum(d.calls[i] for d in demands)
        if calls <= 0:
            out.append(0)
            continue
        aht = sum(d.calls[i] * d.aht for d in demands) / calls
        out.append(max(
            erlang_c_staffing(calls, aht=aht, interval=interval_minutes,
                              answer_within=d.answer_within, target_sl=d.target_sl,
                              max_occupancy=max_occupancy).agents
            for d in demands if d.calls[i] > 0))
    return out


TeamKey = TypeVar("TeamKey", bound=Hashable)


def team_shares(headcount: Mapping[TeamKey, int],
                set_shares: Mapping[TeamKey, float] | None = None) -> dict[TeamKey, float]:
    """Each team's share of a group's requirement.

    Shares a lead set are kept (they must add up to at most 1); the rest is split between
    the other teams by their headcount in the group.
    """
    set_shares = {t: v for t, v in (set_shares or {}).items() if t in headcount}
    if any(not 0 <= v <= 1 for v in set_shares.values()):
        raise ValueError(_("a share is between 0 and 1"))
    fixed = sum(set_shares.values())
    if fixed > 1 + 1e-9:
        raise ValueError(_("the shares set for one skill group add up to more than 1"))
    rest = {t: n for t, n in headcount.items() if t not in set_shares}
    people = sum(rest.values())
    out = dict(set_shares)
    for team, n in rest.items():
        out[team] = (1 - fixed) * n / people if people else 0.0
    return out


def rostered(required: float, shrinkage: float) -> float:
    """Agents to roster so that ``required`` remain after shrinkage: required ÷ (1 − s)."""
    if not 0 <= shrinkage < 1:
        raise ValueError(_("shrinkage is a share in [0, 1)"))
    return required / (1 - shrinkage)
