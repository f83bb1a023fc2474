"""The after-call-work (ACW) limit: what a wrap-up that ran out of time leaves behind.

A queue's ``acw_seconds`` is how long a seat may stay in wrap-up after one of its calls;
0 means no limit (the seat leaves wrap-up only by saving the record). Calls with no queue
(outbound, callbacks) have no limit. It counts from the later of the call's end and the seat
entering wrap-up (an agent signing back in after a crash gets the whole limit again). When
the limit passes, the seat leaves wrap-up as an
ACD's auto-ready does, and the record is taken from the autosaved draft:

- a draft that is a complete record is saved as the record, as Ctrl+S would have;
- an incomplete one is written with what it has, kept whole as the call's draft, and the
  call marked incomplete: its agent is told and finishes it later (nothing typed is lost).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from seatdesk.domain import text
from seatdesk.domain.call_record import (
    DISPOSITIONS,
    NOTE_MAX,
    PAUSE_AFTER_KEY,
    validate_wrap_up,
)
from seatdesk.domain.enums import PAUSE_REASONS, Category, Direction, OutboundOutcome
from seatdesk.domain.errors import InvalidInput
from seatdesk.domain.i18n import _
from seatdesk.services.dto import WrapUp


@dataclass(frozen=True)
class AcwEnded:
    """One wrap-up ended at its queue's limit."""

    call_id: int
    agent_id: int
    complete: bool
    missing: str  # why the record is incomplete, in the reader's words ("" when complete)
    paused_reason: str  # the pause the seat went to ("" when it was made ready)


def _choice(value: Any, allowed: set[str] | tuple[str, ...]) -> str | None:
    return value if isinstance(value, str) and value in allowed else None


def _typed(draft: dict[str, Any], name: str) -> str:
    value = draft.get(name)
    return text.storable(value) if isinstance(value, str) else ""


def record_from_draft(draft: dict[str, Any], direction: Direction) -> tuple[WrapUp, str]:
    """The record a draft holds, and why it is not complete ("" when it is).

    Only well-formed values are taken (a draft is what a desk sent); the follow-up time
    is typed relative to the seat's own time zone, so one typed but not saved makes the
    record incomplete rather than being guessed here.
    """
    resolved = draft.get("resolved")
    satisfaction = draft.get("satisfaction")
    outbound = direction == Direction.OUTBOUND
    record = WrapUp(
        category=_choice(draft.get("category"), {c.value for c in Category}),
        disposition=None if outbound else _choice(draft.get("disposition"), DISPOSITIONS),
        question=_typed(draft, "question")[:NOTE_MAX],
        notes=_typed(draft, "notes")[:NOTE_MAX],
        resolved=resolved if isinstance(resolved, bool) else None,
        handed_to=_typed(draft, "handed_to")[:100],
        satisfaction=satisfaction if isinstance(satisfaction, int)
        and not isinstance(satisfaction, bool) and 1 <= satisfaction <= 5 else None,
        outbound_outcome=_choice(draft.get("outbound_outcome"),
                                 {o.value for o in OutboundOutcome}) if outbound else None,
    )
    try:
        validate_wrap_up(record, direction)
    except InvalidInput as exc:
        return record, _(str(exc))
    for name in ("question", "notes", "handed_to"):
        if record.__getattribute__(name) != _typed(draft, name):
            return record, _("{field} is too long").format(field=_(name.capitalize()))
    if _typed(draft, "follow_up").strip():
        return record, _("confirm the follow-up time")
    return record, ""


def pause_reason(draft: dict[str, Any] | None) -> str:
    """The pause the agent asked for after this call ("" to be made ready)."""
    reason = (draft or {}).get(PAUSE_AFTER_KEY)
    return reason if isinstance(reason, str) and reason in PAUSE_REASONS else ""
