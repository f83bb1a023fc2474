"""A waiting call as a seat shows it, from a queue row read or received (issue 19).

The queue pane's rows come either from ``CallService.waiting`` (a full read) or from a
change batch on the feed (``data.floor_events``: a call that started waiting carries its
row). Both become a ``WaitingCall`` here, masked the same way for the seat's role, so a
delta and a full read give the same view.

A batch's row travels to every seat with its number masked (``floor_events.wire_row``); a
seat whose role sees numbers unmasked reads them with ``caller_numbers``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from seatdesk.data.models import Call
from seatdesk.domain import phone
from seatdesk.domain.errors import PermissionDenied
from seatdesk.domain.i18n import _
from seatdesk.services.dto import Actor, WaitingCall
from seatdesk.services.permissions import Permission, allowed

if TYPE_CHECKING:
    from seatdesk.services.calls import CallService

# A floor's queue repeats the same numbers on every refresh; masking is pure.
_cached_mask = lru_cache(maxsize=65536)(phone.mask)


def masked_for(actor: Actor) -> bool:
    """Whether this seat sees callers' numbers masked."""
    return not allowed(actor, Permission.SEE_UNMASKED)


def waiting_call(row: Mapping[str, Any], *, masked: bool) -> WaitingCall:
    """The queue pane's row for one waiting call (``floor_events.ROW_KEYS``)."""
    number = row["caller_number"]
    return WaitingCall(
        id=row["id"],
        queue_code=row["queue_code"],
        queue_name=row["queue_name"],
        caller_number=_cached_mask(number) if masked and number else number,
        customer_name=row["customer_name"],
        grade=row["grade"],
        # An unknown caller on a key-account line ranks 0 too: shown as a key account.
        key_account=bool(row["key_account"]) or row["route_rank"] == 0,
        queued_at=row["queued_at"],
        wait_alert_seconds=row["wait_alert_seconds"],
        target_agent_id=row["target_agent_id"],
        route_order=row["route_order"],
        route_rank=row["route_rank"],
        queue_id=row["queue_id"],
    )


def caller_numbers(calls: CallService, actor: Actor, call_ids: Sequence[int]) -> dict[int, str]:
    """(worker) The unmasked numbers of calls ``call_ids``, for a seat that may see them:
    one read by primary key."""
    if masked_for(actor):
        raise PermissionDenied(_("your role sees callers' numbers masked"))
    with calls.db.read() as s:
        rows = s.execute(select(Call.id, Call.caller_number).where(Call.id.in_(call_ids)))
        return {call_id: number for call_id, number in rows}
