"""The timed-rules worker: escalations, callback release, schedule rules, draft clean-up,
wrap-ups past their queue's after-call-work limit.

``seatdesk worker`` runs passes in a loop; ``seatdesk worker --once`` runs one (for cron).
Several workers may run at once (one per site, or a cron job overlapping a loop): every
rule is safe to race, because the database decides: escalations and rule callbacks carry
unique keys inserted in a SAVEPOINT, releases and clean-ups are single UPDATEs.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select, update

from seatdesk.data.engine import rows_changed
from seatdesk.data.models import Call, CallEvent, CallState
from seatdesk.domain.i18n import _
from seatdesk.services.container import Backend
from seatdesk.services.dto import SYSTEM

DEFAULT_INTERVAL = 30.0
# A call ringing at a seat this long goes back to the queue (ring-no-answer).
RING_TIMEOUT = timedelta(seconds=20)
# A desk that has not beaten this long is lost (killed, powered off, cut off): six missed
# beats of seatdesk.runtime.heartbeat, so a busy network or a slow commit never trips it.
SEAT_SILENT_LIMIT = timedelta(seconds=90)


@dataclass(frozen=True)
class WorkerReport:
    """What one pass did."""

    escalated: tuple[int, ...] = ()
    released: int = 0
    rule_callbacks: int = 0
    drafts_cleared: int = 0
    rang_out: int = 0
    seats_lost: int = 0
    wrap_ups_ended: int = 0
    errors: tuple[str, ...] = field(default=())

    def lines(self) -> list[str]:
        """One line per kind of work, for `seatdesk worker --once`."""
        return [
            _("complaints escalated: {n}{ids}").format(
                n=len(self.escalated),
                ids=(" (#" + ", #".join(map(str, self.escalated)) + ")") if self.escalated
                else ""),
            _("callbacks released to the pool: {n}").format(n=self.released),
            _("callbacks created by schedule rules: {n}").format(n=self.rule_callbacks),
            _("call drafts cleared: {n}").format(n=self.drafts_cleared),
            _("unanswered rings sent back to the queue: {n}").format(n=self.rang_out),
            _("silent seats marked lost: {n}").format(n=self.seats_lost),
            _("wrap-ups ended at the after-call-work limit: {n}").format(n=self.wrap_ups_ended),
            *(_("failed: {e}").format(e=e) for e in self.errors),
        ]


def clear_drafts(backend: Backend) -> int:
    """Drop the autosaved wrap-up form of calls that are closed or abandoned.

    Kept: the draft of a call closed at the after-call-work limit with an incomplete
    record; it is what its agent typed, and they have still to finish it.
    """
    from seatdesk.services.calls import ACW_INCOMPLETE

    incomplete = select(CallEvent.id).where(
        CallEvent.call_id == Call.id, CallEvent.kind == "closed",
        CallEvent.detail == ACW_INCOMPLETE).exists()
    with backend.db.write() as s:
        result = s.execute(
            update(Call)
            .where(Call.state.in_([CallState.CLOSED, CallState.ABANDONED]),
                   Call.draft.is_not(None), ~incomplete)
            .values(draft=None))
        return rows_changed(result)


def run_once(backend: Backend, *, release_after: timedelta | None = None) -> WorkerReport:
    """Run every timed rule once. One rule failing does not stop the others."""
    errors: list[str] = []
    escalated: list[int] = []
    released = created = cleared = rang_out = lost = wrapped = 0
    try:
        escalated = backend.complaints.escalate_overdue()
    except Exception as exc:  # noqa: BLE001 - boundary (daemon pass): reported, and the next pass retries
        errors.append(f"escalation: {exc}")
    try:
        released = backend.callbacks.release_overdue(release_after)
    except Exception as exc:  # noqa: BLE001 - boundary (daemon pass)
        errors.append(f"release: {exc}")
    try:
        created = backend.callbacks.create_rule_callbacks()
    except Exception as exc:  # noqa: BLE001 - boundary (daemon pass)
        errors.append(f"schedule rules: {exc}")
    try:
        cleared = clear_drafts(backend)
    except Exception as exc:  # noqa: BLE001 - boundary (daemon pass)
        errors.append(f"drafts: {exc}")
    try:
        rang_out = backend.calls.release_stale_offers(SYSTEM, backend.clock() - RING_TIMEOUT)
    except Exception as exc:  # noqa: BLE001 - boundary (daemon pass)
        errors.append(f"rings: {exc}")
    try:
        lost = backend.calls.mark_lost_seats(SYSTEM, backend.clock() - SEAT_SILENT_LIMIT)
    except Exception as exc:  # noqa: BLE001 - boundary (daemon pass)
        errors.append(f"lost seats: {exc}")
    try:
        # After the lost seats: a dead desk's wrap-up waits for its agent, not auto-ready.
        wrapped = len(backend.calls.end_overdue_wrap_ups(SYSTEM))
    except Exception as exc:  # noqa: BLE001 - boundary (daemon pass)
        errors.append(f"after-call work: {exc}")
    return WorkerReport(escalated=tuple(escalated), released=released, rule_callbacks=created,
                        drafts_cleared=cleared, rang_out=rang_out, seats_lost=lost,
                        wrap_ups_ended=wrapped, errors=tuple(errors))


def run_loop(backend: Backend, stop: threading.Event, interval: float = DEFAULT_INTERVAL,
             *, release_after: timedelta | None = None,
             on_report: object = None) -> None:
    """Run passes every ``interval`` seconds until ``stop`` is set.

    The next pass is timed from the end of the last one, so slow passes never pile up.
    """
    while not stop.is_set():
        report = run_once(backend, release_after=release_after)
        if callable(on_report):
            on_report(report)
        stop.wait(interval)
