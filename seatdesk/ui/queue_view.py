"""What a seat knows of the floor, kept up to date from the change feed's batches.

Pure logic (no Textual, no database): the desk feeds it what the feed received and asks
what to re-read. It keeps the seat's queue view (the waiting calls of the queues the seat
serves) and says, per batch of changes:

- the queue view changed (a delta was applied: no query);
- the queue must be read in full: a sequence number is still missing ``REORDER_SECONDS``
  after a later one arrived, the feed reconnected ("*"), a batch was too big to list its
  changes, or SQLite's feed (which says only that something changed) is in use; and every
  ``SAFETY_SECONDS`` after its last full read, which catches what no batch lists (a waiting
  caller's customer renamed). Numbers are taken before commit and batches arrive in commit
  order, so under load a batch often arrives after a later-numbered one (measured: 13 in
  20 s at 200 seats and 4 calls/s); that is no loss and must not re-read. A batch the feed
  vouches for (``unbroken``: the bus's stream proves it lost nothing) never re-reads for a
  hole in the numbers;
- a seat whose role sees numbers unmasked must read the numbers of new waiting calls: the
  batches carry them masked (every seat receives every batch). ``queue_full`` then asks
  for ``read``, which is one point read of those calls when that is all the view lacks;
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
# How long a missing sequence number may be late (its transaction committed after a
# later-numbered one) before the seat takes it for lost and re-reads.
REORDER_SECONDS = 1.0
# A jump of more numbers than this is not a few late commits: re-read at once.
MAX_OWED = 64
QUEUED = "queued"
_FEED_LOST = "*"
_POLL = "poll"


@dataclass
class Plan:
    """What the seat must do after the batches it was given."""

    queue_changed: bool = False  # the view changed by deltas: repaint it
    queue_full: bool = False  # ``read`` in a worker: in full, or the numbers the view lacks
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
                 numbers: Callable[[Sequence[int]], Mapping[int, str]] | None = None,
                 clock: Callable[[], float] | None = None) -> None:
        """``served``: the queue ids this seat serves (None: all); ``to_call`` turns a
        batch's queue row (its number masked) into the seat's ``WaitingCall``;
        ``numbers`` (a seat that sees numbers unmasked): the point read of calls' numbers."""
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
        self._numbers = numbers
        self._owed: dict[int, float] = {}  # missing sequence numbers -> given up on at
        self._full_due = True  # a full read is owed (none yet, a gap, a reconnect...)
        self._numbers_due: dict[int, CallChange] = {}  # waiting calls lacking their number
        self.gaps = 0  # sequence gaps seen (each answered by a full read)
        self.late = 0  # batches that arrived after a later-numbered one (no re-read)
        self.full_reads = 0  # full reads finished
        self.number_reads = 0  # point reads of unmasked numbers

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
            self._full_due = False  # a gap seen from now on needs another read
            return len(self._replay)

    def finish_read(self, token: int, calls: Iterable[WaitingCall]) -> None:
        """The full read begun at ``token`` returned ``calls``: they are the view now, with
        the deltas that arrived meanwhile applied on top."""
        with self._lock:
            self._calls = {c.id: c for c in calls}
            for call_id in self._calls:
                self._numbers_due.pop(call_id, None)  # read with its number
            for change in self._replay[token:]:
                self._apply(change)
            self._reads = max(0, self._reads - 1)
            if self._reads == 0:
                self._replay.clear()
            self._read_at = self._clock()
            self.full_reads += 1

    def read(self, fetch: Callable[[], Iterable[WaitingCall]]) -> list[WaitingCall]:
        """(worker) Bring the view up to date; the view after it.

        A full read through ``fetch``, reconciled with the deltas meanwhile, unless all
        the view lacks is the unmasked numbers of new waiting calls: then only those, in
        one point read (``numbers``)."""
        with self._lock:
            full = self._full_due or not self._numbers_due
        if full:
            token = self.begin_read()
            try:
                calls = list(fetch())
            except BaseException:  # boundary (worker top): the read is undone, the error goes on
                with self._lock:
                    self._reads = max(0, self._reads - 1)
                    self._full_due = True
                raise
            self.finish_read(token, calls)
        self._read_numbers()
        return self.calls()

    def _read_numbers(self) -> None:
        """The unmasked numbers of the waiting calls that lack them, in one point read."""
        with self._lock:
            wanted = list(self._numbers_due)
        if not wanted or self._numbers is None:
            return
        found = self._numbers(wanted)
        self.number_reads += 1
        with self._lock:
            for call_id in wanted:
                change = self._numbers_due.pop(call_id, None)
                number = found.get(call_id)
                if change is None or change.row is None or number is None:
                    continue  # gone from the queue meanwhile
                self._calls[call_id] = self._to_call({**change.row, "caller_number": number})

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
                self._owed.clear()
                plan.merge(self._full())
            if _POLL in topics:
                # Without numbered batches an idle seat checks its ring on every poll;
                # with them a ring here arrives as a batch that concerns this seat.
                plan.ring_check = self._expected is None
            # The safety re-read is due 60 s after this seat's own last read, busy or not:
            # checked on the slow poll alone, a busy floor (a batch every 2 s or oftener)
            # never had one, and every seat had its own at once when the floor quietened.
            if self._clock() - self._read_at >= SAFETY_SECONDS:
                plan.queue_full = plan.ring_check = True
                self._full_due = True
            for batch in batches:
                plan.merge(self._take_one(batch))
            if self._owed and min(self._owed.values()) <= self._clock():
                # A number still missing: a batch never arrived (or its writer rolled
                # back after numbering it). Whatever it said, a full read says it too.
                self.gaps += 1
                self._owed.clear()
                plan.merge(self._full())
            if self._numbers_due:
                plan.queue_full = True  # ``read``: one point read of their numbers
        return plan

    def _full(self) -> Plan:
        self._full_due = True
        return Plan(queue_full=True, status=True, ring_check=True)

    def _number(self, batch: Batch) -> Plan:
        """Follow the batch's sequence number; a full read only for one too many missing."""
        seq = batch.seq
        if seq < 0:
            return Plan()
        if batch.unbroken:
            self._owed.clear()  # the feed proves nothing before this batch was lost
        elif seq in self._owed:
            del self._owed[seq]  # it committed after a later-numbered batch: no loss
            self.late += 1
        elif self._expected is not None and seq > self._expected:
            if seq - self._expected > MAX_OWED:
                self.gaps += 1
                self._owed.clear()
                self._expected = seq + 1
                return self._full()
            give_up = self._clock() + REORDER_SECONDS
            for missing in range(self._expected, seq):
                self._owed.setdefault(missing, give_up)
        # A late batch (seq below the expected one) is still applied: batches arrive in
        # commit order, so its changes are newer than anything already shown.
        self._expected = max(self._expected or 0, seq + 1)
        return Plan()

    def _take_one(self, batch: Batch) -> Plan:
        plan = self._number(batch)
        if batch.full:
            plan.merge(self._full())
        for change in batch.calls:
            if self._reads:
                self._replay.append(change)
            if self._apply(change):
                plan.queue_changed = True
            elif change.state == QUEUED and change.row is None:
                plan.merge(self._full())  # should not happen; a read puts it right
        if batch.concerns(self.user_id):
            plan.status = True
            plan.ring_check = True
        return plan

    def _apply(self, change: CallChange) -> bool:
        """Bring one call's row in line with ``change``; True if the view changed."""
        if change.state == QUEUED and change.row is not None and self._serves(change.queue_id):
            row = change.row
            shown = self._calls.get(change.call_id)
            if self._numbers is not None:
                # The batch's number is masked; this seat shows it unmasked.
                if shown is None:
                    self._numbers_due[change.call_id] = change  # ``read`` fetches it
                    return False
                row = {**row, "caller_number": shown.caller_number}
            call = self._to_call(row)
            changed = shown != call
            self._calls[change.call_id] = call
            return changed
        self._numbers_due.pop(change.call_id, None)
        return self._calls.pop(change.call_id, None) is not None

    def _serves(self, queue_id: int | None) -> bool:
        return self.served is None or queue_id in self.served


def _plain_call(row: Mapping[str, Any]) -> WaitingCall:
    from seatdesk.services.floor_view import waiting_call

    # A batch's row has its number masked already (masking it again would change it).
    return waiting_call(row, masked=False)


def seat_floor(calls: CallService, actor: Actor, *,
               clock: Callable[[], float] | None = None) -> SeatFloor:
    """(worker) The floor view of ``actor``'s seat: its queues, its role's numbers."""
    from seatdesk.services.floor_view import caller_numbers, masked_for

    numbers = None
    if not masked_for(actor):
        def numbers(call_ids: Sequence[int]) -> Mapping[int, str]:
            return caller_numbers(calls, actor, call_ids)

    return SeatFloor(actor.user_id, served=calls.served_queues(actor), numbers=numbers,
                     clock=clock)
