"""The offline journal on the desk: the banner that says records wait, and the drain that
writes them when the database is back (tried every RETRY_SECONDS while any wait)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.widgets import Static

from seatdesk.domain.errors import SeatdeskError
from seatdesk.domain.i18n import _, ngettext
from seatdesk.runtime.journal import Journal, drain, is_outage
from seatdesk.ui.errors import ServiceFailed, call_service
from seatdesk.ui.screens.desk.presence import read_status
from seatdesk.ui.screens.desk.seat import Part, Seat

if TYPE_CHECKING:
    from seatdesk.ui.screens.desk.screen import DeskScreen
    from seatdesk.ui.widgets.status_bar import SeatStatus

RETRY_SECONDS = 2.0


@dataclass(frozen=True)
class Drained:
    """What a drain of the journal found (``status``: re-read when records were written)."""

    waiting: int
    offline: bool
    notes: list[str] = field(default_factory=list)
    status: SeatStatus | None = None


def drain_journal(seat: Seat, journal: Journal) -> Drained:
    """(worker) Write what the journal holds; with nothing left, is the database back?"""
    backend = seat.backend
    report = drain(journal, backend, backend.users.actor)
    offline = report.offline
    if not offline and not report.left:
        try:  # the journal is empty: is the database itself answering again?
            backend.agents.status(seat.actor)
        except SeatdeskError as exc:
            offline = is_outage(exc)
    status = read_status(seat) if report.applied else None
    return Drained(report.left, offline, report.messages, status)


class OfflineJournal(Part):
    """The seat's local journal and whether the desk shows itself offline."""

    def __init__(self, desk: DeskScreen) -> None:
        super().__init__(desk)
        self.journal: Journal | None = None
        self.offline = False  # the banner is up: offline, or records still waiting

    def open(self) -> None:
        self.journal = Journal(self.seat.app.settings.journal_path)

    def show(self, waiting: int, offline: bool, notes: list[str] | None = None) -> None:
        self.offline = offline or waiting > 0
        banner = self.desk.query_one("#offline", Static)
        if self.offline:
            n = waiting
            text = ngettext("offline, {n} record waiting", "offline, {n} records waiting",
                            n).format(n=n) if offline else ngettext(
                "{n} record waiting to be written", "{n} records waiting to be written",
                n).format(n=n)
            banner.update(text)
        banner.set_class(self.offline, "-shown")
        for note in notes or []:
            self.desk.notify(_("a saved record was refused: {reason}").format(reason=note),
                             severity="error", timeout=10)

    def show_outage(self) -> None:
        """The database cannot be reached: the banner says so, with what waits."""
        self.show(len(self.journal or []), True)

    def failed_quietly(self, failed: ServiceFailed) -> None:
        """A background read failed (the queue, the status line, a ring check): it is
        tried again at the next change, so only an outage is shown (the banner)."""
        if failed.outage:
            self.show_outage()

    def retry(self) -> None:
        journal = self.journal
        if journal is not None and (len(journal) or self.offline):
            seat = self.seat
            call_service(self.desk, lambda: drain_journal(seat, journal), self._drained,
                         group="journal")

    def _drained(self, drained: Drained) -> None:
        self.show(drained.waiting, drained.offline, drained.notes)
        if drained.status is not None:
            self.desk.presence.loaded(drained.status)
