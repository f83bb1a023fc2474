"""The rules of the call record (呼入/呼出业务记录表): required fields and limits.

Pure logic, shared by the service (which enforces it) and the desk's form (which checks it
before saving, where the agent is looking); no database import, so the desk can load it
before SQLAlchemy.
"""

from __future__ import annotations

from typing import Protocol

from seatdesk.domain.enums import Category, Direction, OutboundOutcome
from seatdesk.domain.errors import InvalidInput
from seatdesk.domain.i18n import _


class WrapUpFields(Protocol):
    """What the rules read of a call record (the services' ``WrapUp`` has these fields)."""

    @property
    def category(self) -> str | None: ...
    @property
    def disposition(self) -> str | None: ...
    @property
    def resolved(self) -> bool | None: ...
    @property
    def handed_to(self) -> str: ...
    @property
    def outbound_outcome(self) -> str | None: ...
    @property
    def notes(self) -> str: ...
    @property
    def question(self) -> str: ...
    @property
    def satisfaction(self) -> int | None: ...


NOTE_MAX = 4000
DISPOSITIONS = ("resolved", "handed_over", "follow_up", "information", "no_action", "other")


def validate_wrap_up(record: WrapUpFields, direction: Direction) -> None:
    """The required fields of the call record (呼入/呼出业务记录表); raises InvalidInput."""
    if direction == Direction.INBOUND:
        if record.category not in {c.value for c in Category}:
            raise InvalidInput(_("choose the call's category"), "category")
        if record.disposition not in DISPOSITIONS:
            raise InvalidInput(_("choose how the call ended (disposition)"), "disposition")
        if record.resolved is None:
            raise InvalidInput(_("say whether it was resolved on this call"), "resolved")
        # 首问负责制: an unresolved call must say who owns it now.
        if record.resolved is False and not record.handed_to.strip():
            raise InvalidInput(_("not resolved: say who it was handed to"), "handed_to")
    else:
        if record.outbound_outcome not in {o.value for o in OutboundOutcome}:
            raise InvalidInput(_("choose the outcome of the outbound call"), "outbound_outcome")
    for name in ("notes", "question"):
        value = getattr(record, name)
        if len(value) > NOTE_MAX:
            raise InvalidInput(
                _("{field} is too long ({n} characters, at most {max})").format(
                    field=_(name.capitalize()), n=len(value), max=NOTE_MAX), name)
    if len(record.handed_to) > 100:
        raise InvalidInput(_("'handed to' is too long (at most 100 characters)"), "handed_to")
    if record.satisfaction is not None and not 1 <= record.satisfaction <= 5:
        raise InvalidInput(_("satisfaction is a score from 1 to 5"), "satisfaction")


# The draft's key for "not ready after this call" (the desk autosaves it with the form),
# so a wrap-up ended by the worker pauses the seat as the agent asked.
PAUSE_AFTER_KEY = "pause_after"
