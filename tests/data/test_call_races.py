"""Races on one call and one seat, on PostgreSQL (READ COMMITTED, many connections).

Each round starts two actions at a barrier, each over its own engine (as two desks, or a
desk and the phone system, would), then checks that the call and the seat agree: a call
is never both answered and abandoned, a seat never holds two live calls, and the loser
of a race gets a clear refusal, never "call #1 is not yours".
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from seatdesk.data.models import AgentState, AgentStatus, Call, CallEvent, CallState, Direction
from seatdesk.domain.errors import Conflict, DatabaseRefused, InvalidTransition, SeatdeskError
from seatdesk.services.container import Backend
from seatdesk.services.dto import SYSTEM, WrapUp
from tests.factories import floor

ROUNDS = 20
WRAP = WrapUp(category="query", disposition="resolved", resolved=True, notes="race")
LIVE = (CallState.OFFERED, CallState.ACTIVE, CallState.HELD, CallState.WRAP_UP)


def _race(backends: list[Backend], *actions: Callable[[Backend], Any]) -> list[Any]:
    """Run ``actions`` together (one thread and one backend each); results or exceptions."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = actions[i](backends[i])
        except Exception as exc:  # noqa: BLE001 - returned for the assertions
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def _seat(backend: Backend, user_id: int) -> AgentStatus:
    with backend.db.read() as s:
        row = s.get(AgentStatus, user_id)
        assert row is not None
        s.expunge(row)
        return row


def _call(backend: Backend, call_id: int) -> Call:
    with backend.db.read() as s:
        row = s.get(Call, call_id)
        assert row is not None
        s.expunge(row)
        return row


def _live_count(backend: Backend, user_id: int) -> int:
    with backend.db.read() as s:
        return int(s.scalar(select(func.count(Call.id)).where(
            Call.agent_id == user_id, Call.state.in_(LIVE))) or 0)


def _free(backend: Backend, agent: Any) -> None:
    """Finish whatever the seat holds and make it available again."""
    current = backend.calls.current_call(agent)
    while current is not None:
        if current.state == "offered":
            backend.calls.mark_abandoned(SYSTEM, current.id)
        else:
            backend.calls.save_wrap_up(agent, current.id, WRAP)
        current = backend.calls.current_call(agent)
    backend.agents.log_in(agent)


@pytest.fixture
def pg_backend(pg_url: str, clock: Any) -> Any:
    b = Backend.open(pg_url, clock)
    yield b
    b.close()


@pytest.fixture
def racers(pg_url: str, clock: Any) -> Any:
    backends = [Backend.open(pg_url, clock) for _ in range(2)]
    yield backends
    for b in backends:
        b.close()


@pytest.mark.postgres
@pytest.mark.parametrize("by_id", [False, True], ids=["f2", "enter"])
def test_answer_against_hang_up(pg_backend, racers, by_id):
    backend = pg_backend
    agent = floor(backend)["agent1"]
    mixed = []
    for _round in range(ROUNDS):
        _free(backend, agent)
        call_id = backend.calls.offer_inbound(SYSTEM, "13800138000", "general", ring=True)
        assert _call(backend, call_id).state == CallState.OFFERED
        took, hung_up = _race(
            racers,
            lambda b, c=call_id: b.calls.take(agent, c if by_id else None, lang="en"),
            lambda b, c=call_id: b.calls.mark_abandoned(SYSTEM, c))
        call, seat = _call(backend, call_id), _seat(backend, agent.user_id)
        if call.state == CallState.ABANDONED:
            ok = (hung_up is True and seat.state == AgentState.AVAILABLE
                  and seat.current_call_id is None
                  and (took is None or (isinstance(took, Conflict)
                                        and "hung up" in str(took))))
        else:
            ok = (call.state == CallState.ACTIVE and hung_up is False
                  and call.agent_id == agent.user_id and seat.state == AgentState.ON_CALL
                  and seat.current_call_id == call_id and not isinstance(took, Exception))
        if not ok:
            mixed.append((call.state.value, call.agent_id, seat.state.value, repr(took),
                          hung_up))
        if call.state == CallState.ACTIVE:
            # The agent's save must work on the call they hold.
            backend.calls.save_wrap_up(agent, call_id, WRAP)
    assert mixed == [], f"{len(mixed)} of {ROUNDS} rounds left call and seat disagreeing"


@pytest.mark.postgres
def test_answer_against_ring_out(pg_backend, racers, clock):
    backend = pg_backend
    agent = floor(backend)["agent1"]
    mixed = []
    for _round in range(ROUNDS):
        _free(backend, agent)
        call_id = backend.calls.offer_inbound(SYSTEM, "13800138000", "general", ring=True)
        took, rang_out = _race(
            racers,
            lambda b: b.calls.take(agent, None, lang="en"),
            lambda b: b.calls.release_stale_offers(SYSTEM, clock() + timedelta(seconds=1)))
        call, seat = _call(backend, call_id), _seat(backend, agent.user_id)
        if call.state == CallState.ACTIVE:
            ok = (call.agent_id == agent.user_id and seat.state == AgentState.ON_CALL
                  and seat.current_call_id == call_id)
        else:
            ok = (call.state == CallState.QUEUED and call.agent_id is None
                  and seat.state != AgentState.ON_CALL and rang_out == 1
                  and not isinstance(took, Exception) or isinstance(took, Conflict))
        if not ok:
            mixed.append((call.state.value, call.agent_id, seat.state.value, repr(took)))
        if call.state == CallState.ACTIVE:
            backend.calls.save_wrap_up(agent, call_id, WRAP)
        else:
            backend.calls.mark_abandoned(SYSTEM, call_id)
    assert mixed == [], f"{len(mixed)} of {ROUNDS} rounds: {mixed[:3]}"


@pytest.mark.postgres
def test_a_ring_offered_as_the_seat_presses_f2(pg_backend, racers):
    backend = pg_backend
    agent = floor(backend)["agent1"]
    doubled = 0
    for _round in range(ROUNDS):
        _free(backend, agent)
        waiting = backend.calls.offer_inbound(SYSTEM, "13800138001", "general")
        _race(racers,
              lambda b: b.calls.take(agent, None, lang="en"),
              lambda b: b.calls.offer_inbound(SYSTEM, "13800138002", "general", ring=True))
        if _live_count(backend, agent.user_id) > 1:
            doubled += 1
        for cid in (waiting,):
            backend.calls.mark_abandoned(SYSTEM, cid)
        _free(backend, agent)
        with backend.db.write() as s:  # the second caller, if still waiting, hangs up
            for c in s.scalars(select(Call).where(Call.state == CallState.QUEUED)):
                c.state = CallState.ABANDONED
    assert doubled == 0, f"{doubled} of {ROUNDS} rounds gave the seat two live calls"


@pytest.mark.postgres
def test_the_same_login_pressing_f2_in_two_desks(pg_backend, racers):
    backend = pg_backend
    agent = floor(backend)["agent1"]
    doubled = 0
    for _round in range(ROUNDS):
        _free(backend, agent)
        for n in range(2):
            backend.calls.offer_inbound(SYSTEM, f"1380013800{n}", "general")
        results = _race(racers,
                        lambda b: b.calls.take(agent, None, lang="en"),
                        lambda b: b.calls.take(agent, None, lang="en"))
        if _live_count(backend, agent.user_id) > 1:
            doubled += 1
        else:
            refused = [r for r in results if isinstance(r, Exception)]
            assert len(refused) == 1 and isinstance(refused[0], InvalidTransition), results
        _free(backend, agent)
        with backend.db.write() as s:
            for c in s.scalars(select(Call).where(Call.state == CallState.QUEUED)):
                c.state = CallState.ABANDONED
    assert doubled == 0, f"{doubled} of {ROUNDS} rounds gave the seat two live calls"


def test_no_claim_during_wrap_up(backend):
    """Both engines: a seat still writing up a call takes no other (F2, Enter, ring)."""
    agent = floor(backend)["agent1"]
    backend.agents.log_in(agent)
    first = backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    backend.calls.take(agent, None, lang="en")
    backend.calls.end(agent, first)
    second = backend.calls.offer_inbound(SYSTEM, "13800138001", "general")
    with pytest.raises(InvalidTransition):
        backend.calls.take(agent, None, lang="en")
    with pytest.raises(InvalidTransition):
        backend.calls.claim_next(agent)
    with pytest.raises(InvalidTransition):
        backend.calls.claim(agent, second)
    with pytest.raises(InvalidTransition):
        backend.calls.start_outbound(agent, customer_id=_a_customer(backend, agent))
    assert backend.calls.ring_next(agent, lang="en") is None
    backend.calls.save_wrap_up(agent, first, WRAP)
    assert _seat(backend, agent.user_id).state == AgentState.AVAILABLE
    assert _call(backend, second).state == CallState.QUEUED


def _a_customer(backend: Backend, actor: Any) -> int:
    from tests.factories import customer

    return customer(backend, actor, "王芳", "13900000000")


def test_the_database_refuses_a_second_live_call_for_a_seat(backend):
    """Whatever the code does, the schema keeps one live call per seat (both engines)."""
    agent = floor(backend)["agent1"]
    now = backend.clock()
    # The data layer reports the refusal as the project's own DatabaseRefused.
    with pytest.raises(DatabaseRefused, match="agent_id|ux_calls_one_live_per_seat"), \
            backend.db.write() as s:
        for state in (CallState.ACTIVE, CallState.WRAP_UP):
            s.add(Call(direction=Direction.INBOUND, state=state, agent_id=agent.user_id,
                       caller_number="+8613800138000", queued_at=now))
            s.flush()
    with backend.db.write() as s:  # closed calls are as many as you like
        for _n in range(2):
            s.add(Call(direction=Direction.INBOUND, state=CallState.CLOSED,
                       agent_id=agent.user_id, caller_number="+8613800138000", queued_at=now))


def test_a_refused_answer_leaves_no_event_behind(backend):
    """The loser of a race writes nothing: the call's history is the winner's alone."""
    agent = floor(backend)["agent1"]
    backend.agents.log_in(agent)
    call_id = backend.calls.offer_inbound(SYSTEM, "13800138000", "general", ring=True)
    assert backend.calls.mark_abandoned(SYSTEM, call_id)
    with pytest.raises(SeatdeskError) as err:
        backend.calls.take(agent, call_id, lang="en")
    assert "hung up" in str(err.value)
    with pytest.raises(SeatdeskError) as err:
        backend.calls.answer(agent, call_id)
    assert "hung up" in str(err.value)
    with backend.db.read() as s:
        kinds = list(s.scalars(select(CallEvent.kind).where(CallEvent.call_id == call_id)
                               .order_by(CallEvent.id)))
    assert kinds == ["queued", "offered", "abandoned"]
    assert _seat(backend, agent.user_id).state == AgentState.AVAILABLE
