"""The seat's status line: state, call timers, today's count, callback alerts.

In wrap-up with a queue's after-call-work limit the wrap-up timer counts down what is
left, and turns red in the last ``ACW_WARN_SECONDS`` (the record saves itself then).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from seatdesk.domain.i18n import _, ngettext
from seatdesk.ui.widgets.queue_table import format_wait

if TYPE_CHECKING:
    from seatdesk.services.dto import CallView

# The wrap-up countdown warns this long before the queue's after-call-work limit.
ACW_WARN_SECONDS = 15

STATE_STYLE = {"available": "bold green", "ringing": "bold yellow", "on_call": "bold cyan",
               "on_hold": "bold magenta", "wrap_up": "bold blue", "paused": "bold red",
               "logged_out": "dim", "connecting": "dim"}


@dataclass
class SeatStatus:
    # Until the database answers (the desk paints before it is open).
    state: str = "connecting"
    reason: str = ""
    since: datetime | None = None  # when the seat entered this state
    handled_today: int = 0
    average_handle_seconds: int = 0
    callbacks_due: int = 0
    callbacks_overdue: int = 0


def call_timers(call: CallView | None, now: datetime) -> tuple[int, int, int]:
    """Talk, hold and wrap-up seconds of the call as of ``now``."""
    if call is None:
        return 0, 0, 0
    hold = call.hold_seconds
    if call.held_since is not None:
        hold += max(0, int((now - call.held_since).total_seconds()))
    if call.ended_at is not None:
        talk = call.talk_seconds
        wrap = max(0, int((now - call.ended_at).total_seconds()))
    elif call.answered_at is not None:
        talk = max(0, int((now - call.answered_at).total_seconds()) - hold)
        wrap = 0
    else:
        talk = wrap = 0
    return talk, hold, wrap


def acw_left(call: CallView | None, limit: int, now: datetime,
             since: datetime | None = None) -> int | None:
    """Seconds of after-call work left before the limit (None: not in wrap-up, or no limit).

    The limit counts from the later of the call's end and ``since``, when the seat entered
    wrap-up (signing back in after a crash starts it again), as the service counts it.
    """
    if call is None or call.state != "wrap_up" or call.ended_at is None or limit <= 0:
        return None
    start = max(call.ended_at, since) if since is not None else call.ended_at
    return max(0, limit - max(0, int((now - start).total_seconds())))


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $boost; padding: 0 1; }
    """
    # phone (issue 20): the seat's phone, set by ui.phone_bridge ("" in manual mode).
    phone_note: str = ""
    phone_alert: bool = False

    def render_status(self, status: SeatStatus, call: CallView | None, now: datetime, *,
                      pause_after: str | None = None, agent: str = "",
                      acw_limit: int = 0, incomplete: int = 0,
                      acw_since: datetime | None = None) -> None:
        out = Text()
        if agent:
            out.append(agent + " ", style="bold")
        label = _(status.state)
        if status.state == "paused" and status.reason:
            label += f" ({_(status.reason)})"
        out.append(f" {label} ", style=STATE_STYLE.get(status.state, "bold"))
        if call is None and status.since is not None and status.state in (
                "available", "paused"):
            # How long the seat has been free or away (a pause's length is what matters).
            out.append(" " + format_wait((now - status.since).total_seconds()))
        # On a narrow terminal (80 columns) the call number and a zero hold give way.
        wide = self.size.width == 0 or self.size.width >= 100
        if call is not None and call.state == "offered" and call.offered_at is not None:
            # Ringing: how long it has rung is what matters (it rings out after 20 s).
            rung = max(0, int((now - call.offered_at).total_seconds()))
            if wide:
                out.append("  " + _("call #{id}").format(id=call.id))
            out.append("  " + _("ringing for {t} · F2 answers").format(t=format_wait(rung)),
                       style="bold yellow")
        elif call is not None:
            talk, hold, wrap = call_timers(call, now)
            if wide:
                out.append("  " + _("call #{id}").format(id=call.id))
            out.append("  " + _("talk {t}").format(t=format_wait(talk)))
            if wide or hold or call.held_since is not None:
                out.append("  " + _("hold {t}").format(t=format_wait(hold)))
            left = acw_left(call, acw_limit, now, acw_since)
            if left is not None:
                out.append("  " + _("wrap-up {t} left").format(t=format_wait(left)),
                           style="bold red" if left <= ACW_WARN_SECONDS else "")
            elif call.ended_at is not None:
                out.append("  " + _("wrap-up {t}").format(t=format_wait(wrap)))
        if pause_after:
            out.append("  " + _("then not ready ({reason})").format(reason=_(pause_after)),
                       style="bold red")
        out.append("  │ " + (_("handled today: {n}") if wide else _("today: {n}")).format(
            n=status.handled_today))
        if status.handled_today:
            out.append(" · " + _("AHT {t}").format(t=format_wait(status.average_handle_seconds)))
        if status.callbacks_overdue:
            out.append("  " + ngettext("⏰ {n} callback overdue", "⏰ {n} callbacks overdue",
                                       status.callbacks_overdue).format(
                n=status.callbacks_overdue), style="bold red")
        elif status.callbacks_due:
            out.append("  " + ngettext("⏰ {n} callback due", "⏰ {n} callbacks due",
                                       status.callbacks_due).format(n=status.callbacks_due),
                       style="bold yellow")
        if incomplete:  # records closed at the wrap-up limit, still to finish
            out.append("  " + ngettext("⚠ {n} record incomplete", "⚠ {n} records incomplete",
                                       incomplete).format(n=incomplete), style="bold yellow")
        if self.phone_note:  # phone (issue 20)
            out.append("  │ " + self.phone_note, style="bold red" if self.phone_alert else "")
        self.update(out, layout=False)  # one fixed line: no desk re-layout each second
