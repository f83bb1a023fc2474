"""One error path for the UI: what a failed service call says, and where it is shown.

The data layer raises the project's own errors (``DatabaseUnavailable`` for an outage),
so nothing here knows SQLAlchemy. A screen's worker that fails posts one
``ServiceFailed(text, field)``; a screen may handle it (to focus the refused field), and
otherwise it bubbles to the app, which shows it in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from seatdesk.domain.errors import DatabaseUnavailable, InvalidInput, SeatdeskError
from seatdesk.domain.i18n import _


def user_message(error: BaseException) -> str:
    """A one-line message for the user; database outages are said plainly."""
    if isinstance(error, DatabaseUnavailable):
        return _("the database cannot be reached; your work is kept, retrying")
    if isinstance(error, SeatdeskError):
        return str(error)
    return _("unexpected error: {error}").format(error=error.__class__.__name__)


def start_up_message(error: BaseException) -> str:
    """The one line a desk that cannot start leaves on the terminal (as the CLI says it)."""
    if isinstance(error, DatabaseUnavailable):
        return str(error)
    return user_message(error)


@dataclass
class ServiceFailed(Message):
    """A service call failed: the text to show and, for refused input, the field."""

    text: str
    field: str | None = None

    @classmethod
    def of(cls, error: BaseException) -> ServiceFailed:
        field = error.field if isinstance(error, InvalidInput) else None
        return cls(user_message(error), field)
