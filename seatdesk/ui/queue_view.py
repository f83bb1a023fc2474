"""What a seat knows of the floor, kept up to date from the change feed's batches.

Pure logic (no Textual, no database): the desk feeds it what the feed received and asks
what to re-read. It keeps the seat's queue view (the waiting calls of the queues the seat
serves) and says, per batch of changes:

- the queue view changed (a delta was applied: no query);
- the queue must be read in full: a sequence number was skipped, the feed reconnected
  ("*"), a batch was too big to list its changes, or SQLite's feed (which says only that
  something changed) is in use; and every ``SAFETY_SECONDS`` on the slow poll, which
  catches what no batch lists (a waiting caller's customer renamed);
- the seat's status line must be re-read: only when the change concerns this seat (its
  own state or a call at it), never for another seat's ``floor`` change;
- the seat should check whether it rings (a call offered to it).

A full read and the deltas received while it ran are reconciled by ``begin_read`` /
``finish_read``: the deltas since the read began are applied again on top of its rows.
Each delta states a call's new state, so applying one twice changes nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from seatdesk.data.floor_events import Batch, CallChange
    from seatdesk.services.calls import CallService
    from seatdesk.services.dto import Actor, WaitingCall

# Re-read the queue in full this often on the slow poll: a safety net only (a gap or a
# reconnect already re-reads); its cost at rest is one read per seat per interval.
SAFETY_SECONDS = 60.0
QUEUED = "queued"
_FEED_LOST = "*"
_POLL = "poll"


@dataclass
class Plan:
    """What the seat must do after the batches it was given."""

    queue_changed: bool = False  # the view changed by deltas: repaint it
    queue_full: bool = False  # read the queue in full (and ``finish_read`` it)
    status: bool = False  # re-read this seat's status line
    ring_check: bool = False  # check whether this seat rings

    def merge(self, other: Plan) -> None:
        self.queue_changed |= other.queue_changed
        self.queue_full |= other.queue_full
        self.status |= other.status
        self.ring_check |= other.ring_check


class SeatFloor:
    """One seat's queue view and its change-feed bookkeeping (thread-safe)."""

    def __init__(self, user_id: int | None, *,
                 served: frozenset[int] | None = None,
                 to_call: Callable[[Mapping[str, Any]], WaitingCall] | None = None,
                 clock: Callable[[], float] | None = None) -> None:
        """``served``: the queue ids this seat serves (None: all); ``to_call`` turns a
        batch's queue row into the seat's ``WaitingCall`` (masked for its role)."""
        import time

        self.user_id = user_id
        self.served = served
        self._to_call = to_call or _plain_call
        self._clock = clock or time.monotonic
        self._lock = threading.Lock()
        self._calls: dict[int, WaitingCall] = {}
        self._expected: int | None = None  # the next sequence number the feed should send
        self._replay: list[CallChange] = []  # deltas since the oldest full read began
        self._reads = 0  # full reads running
        self._read_at = self._clock()
        self.gaps = 0  # sequence gaps seen (each answered by a full read)

    # ---- the view ---------------------------------------------------------------------

    def calls(self) -> list[WaitingCall]:
        """The waiting calls, in the order seats take them."""
        with self._lock:
            return sorted(self._calls.values(), key=lambda c: c.sort_key())

    def ids(self) -> list[int]:
        return [c.id for c in self.calls()]

    def reset(self, calls: Iterable[WaitingCall]) -> None:
        """Replace the view with a full read's rows (no deltas to reconcile)."""
        self.finish_read(self.begin_read(), calls)

    def begin_read(self) -> int:
        """A full read starts now: keep the deltas that arrive while it runs."""
        with self._lock:
            self._reads += 1
            return len(self._replay)

    def finish_read(self, token: int, calls: Iterable[WaitingCall]) -> None:
        """The full read begun at ``token`` returned ``calls``: they are the view now, with
        the deltas that arrived meanwhile applied on top."""
        with self._lock:
            self._calls = {c.id: c for c in calls}
            for change in self._replay[token:]:
                self._apply(change)
            self._reads = max(0, self._reads - 1)
            if self._reads == 0:
                self._replay.clear()
            self._read_at = self._clock()

    def read(self, fetch: Callable[[], Iterable[WaitingCall]]) -> list[WaitingCall]:
        """A full read through ``fetch`` (run in a worker), reconciled; the view after it."""
        token = self.begin_read()
        try:
            calls = list(fetch())
        except BaseException:  # boundary (worker top): the read is undone, the error goes on
            with self._lock:
                self._reads = max(0, self._reads - 1)
            raise
        self.finish_read(token, calls)
        return self.calls()

    # ---- the feed ---------------------------------------------------------------------

    def take(self, batches: Sequence[Batch], topics: frozenset[str] = frozenset()) -> Plan:
        """Apply ``batches`` (in the order received) and say what to re-read.

        ``topics`` are the feed's own words beyond batches: "*" (lost track: re-read
        everything) and "poll" (the slow poll's wake-up).
        """
        plan = Plan()
        with self._lock:
            if _FEED_LOST in topics:
                self._expected = None  # a new connection: numbering starts afresh
                plan.merge(Plan(queue_full=True, status=True, ring_check=True))
            if _POLL in topics:
                # Without numbered batches an idle seat checks its ring on every poll;
                # with them a ring here arrives as a batch that concerns this seat.
                plan.ring_check = self._expected is None
                if self._clock() - self._read_at >= SAFETY_SECONDS:
                    plan.queue_full = plan.ring_check = True
            for batch in batches:
                plan.merge(self._take_one(batch))
        return plan

    def _take_one(self, batch: Batch) -> Plan:
        plan = Plan()
        seq = batch.seq
        if seq >= 0:
            if self._expected is not None and seq > self._expected:
                # A batch never arrived (or a writer rolled back after numbering one):
                # whatever it said, a full read says it too.
                self.gaps += 1
                plan.merge(Plan(queue_full=True, status=True, ring_check=True))
            # A late batch (seq below the expected one) is still applied: batches arrive in
            # commit order, so its changes are newer than anything already shown.
            self._expected = max(self._expected or 0, seq + 1)
        if batch.full:
            plan.merge(Plan(queue_full=True, status=True, ring_check=True))
        for change in batch.calls:
            if self._reads:
                self._replay.append(change)
            if self._apply(change):
                plan.queue_changed = True
            elif change.state == QUEUED and change.row is None:
                plan.queue_full = True  # should not happen; a read puts it right
        if batch.concerns(self.user_id):
            plan.status = True
            plan.ring_check = True
        return plan

    def _apply(self, change: CallChange) -> bool:
        """Bring one call's row in line with ``change``; True if the view changed."""
        if change.state == QUEUED and change.row is not None and self._serves(change.queue_id):
            call = self._to_call(change.row)
            changed = self._calls.get(change.call_id) != call
            self._calls[change.call_id] = call
            return changed
        return self._calls.pop(change.call_id, None) is not None

    def _serves(self, queue_id: int | None) -> bool:
        return self.served is None or queue_id in self.served


def _plain_call(row: Mapping[str, Any]) -> WaitingCall:
    from seatdesk.services.floor_view import waiting_call

    return waiting_call(row, masked=False)


def seat_floor(calls: CallService, actor: Actor) -> SeatFloor:
    """(worker) The floor view of ``actor``'s seat: its queues, its role's masking."""
    from seatdesk.services.floor_view import masked_for, waiting_call

    masked = masked_for(actor)
    return SeatFloor(actor.user_id, served=calls.served_queues(actor),
                     to_call=lambda row: waiting_call(row, masked=masked))
