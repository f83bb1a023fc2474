"""Errors the services raise; each carries a message fit to show the user as it is."""

from __future__ import annotations


class SeatdeskError(Exception):
    """Base for errors with a user-facing message (no traceback is ever shown for these)."""


class NotFound(SeatdeskError):
    pass


class PermissionDenied(SeatdeskError):
    pass


class InvalidInput(SeatdeskError):
    """Input that fails validation; ``field`` names where the user should look."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InvalidTransition(SeatdeskError):
    """A call action that its current state does not allow (e.g. hold a closed call)."""


class Conflict(SeatdeskError):
    """Someone else changed the record first (another seat claimed the call...)."""


class LoginFailed(SeatdeskError):
    pass


class DatabaseUnavailable(SeatdeskError):
    """The shared database cannot be reached (down, restarting, locked past the timeout).

    Raised by the data layer in place of the driver's error, so nothing above it needs to
    know SQLAlchemy; ``detail`` is the driver's first line, for logs and the command line.
    """

    def __init__(self, detail: str) -> None:
        from seatdesk.domain.i18n import _

        super().__init__(_("cannot reach the database ({detail})").format(detail=detail))
        self.detail = detail


class DatabaseRefused(SeatdeskError):
    """The database refused a statement (bad data, a constraint no service expected)."""

    def __init__(self, detail: str) -> None:
        from seatdesk.domain.i18n import _

        super().__init__(_("database error: {detail}").format(detail=detail))
        self.detail = detail


class DuplicateRecord(DatabaseRefused, Conflict):
    """A row's unique key was taken first (a racing seat or worker recorded it first).

    Raised by the data layer in place of the driver's unique violation. A service that
    expects the race catches it (a Conflict) and answers in its own words; one that
    nobody expected still reads as the database's refusal, with the constraint named.
    """
