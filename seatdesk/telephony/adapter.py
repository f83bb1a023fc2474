"""One interface for the seat's phone: commands the desk gives, events the phone reports.

The desk drives any phone through :class:`Phone`; a floor without integration uses
:class:`ManualPhone`, whose commands do nothing, so the F-keys only move the call record
(today's manual mode).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class PhoneEventKind(StrEnum):
    INCOMING = "incoming"        # a call rings at the seat's phone
    RINGING = "ringing"          # a call this phone dialled rings at the far end
    ANSWERED = "answered"        # the call is connected (either direction)
    HELD = "held"
    RESUMED = "resumed"
    TRANSFERRED = "transferred"  # the far end was handed on (REFER accepted)
    HUNG_UP = "hung_up"          # the call ended; ``by_remote`` says who hung up
    FAILED = "failed"            # a dialled call did not connect (busy, no answer, error)
    PHONE_DOWN = "phone_down"    # the phone process died or cannot be reached


class DialOutcome(StrEnum):
    """What became of a dialled call, in the outbound record's words."""

    REACHED = "reached"
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    FAILED = "failed"


@dataclass(frozen=True)
class PhoneEvent:
    kind: PhoneEventKind
    # The phone's own id of the call (baresip's call id), "" for phone-wide events.
    phone_call_id: str = ""
    # The other party's SIP URI, and the number in it (the caller's identity).
    peer_uri: str = ""
    number: str = ""
    direction: str = ""          # "incoming" or "outgoing"
    by_remote: bool = False      # HUNG_UP: the far end hung up
    outcome: DialOutcome | None = None  # FAILED (and ANSWERED of a dialled call)
    sip_status: int | None = None
    reason: str = ""
    # The phone system's call id when the PBX put one in the SIP identity (x-seatdesk-call).
    seatdesk_call_id: int | None = None
    # Set when the phone recorded the call: the files it wrote (agent's and caller's side).
    recording: tuple[str, ...] = ()
    # When the phone reported it (time.perf_counter()): for measuring what follows.
    at: float = 0.0


PhoneListener = Callable[[PhoneEvent], None]


class PhoneError(Exception):
    """A phone command failed (the phone refused it, or cannot be reached)."""


class Phone(Protocol):
    """What the desk asks of a seat's phone. One call at a time per seat."""

    @property
    def name(self) -> str: ...

    @property
    def sip_uri(self) -> str | None:
        """The address a PBX dials to ring this seat (None: no SIP phone)."""
        ...

    @property
    def manual(self) -> bool:
        """True when no phone is attached (or it died): keys only move the record."""
        ...

    def subscribe(self, listener: PhoneListener) -> None: ...
    def answer(self) -> None: ...
    def hang_up(self) -> None: ...
    def hold(self) -> None: ...
    def resume(self) -> None: ...
    def transfer_blind(self, target_uri: str) -> None: ...
    def transfer_attended(self, target_uri: str) -> None: ...
    def dial(self, target: str) -> None: ...
    def send_dtmf(self, digits: str) -> None: ...
    def mute(self, on: bool) -> None: ...
    def close(self) -> None: ...


class ManualPhone:
    """No phone: every command is accepted and does nothing; no event ever comes."""

    name = "manual"
    sip_uri: str | None = None
    manual = True

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def subscribe(self, listener: PhoneListener) -> None:
        return None

    def answer(self) -> None:
        return None

    def hang_up(self) -> None:
        return None

    def hold(self) -> None:
        return None

    def resume(self) -> None:
        return None

    def transfer_blind(self, target_uri: str) -> None:
        return None

    def transfer_attended(self, target_uri: str) -> None:
        return None

    def dial(self, target: str) -> None:
        return None

    def send_dtmf(self, digits: str) -> None:
        return None

    def mute(self, on: bool) -> None:
        return None

    def close(self) -> None:
        return None


def outcome_of_status(status: int | None, reason: str = "") -> DialOutcome:
    """A dialled call's end, from its SIP final response (or the reason the phone gave)."""
    if status in (486, 600):
        return DialOutcome.BUSY
    if status in (408, 480, 487) or "timeout" in reason.lower():
        return DialOutcome.NO_ANSWER
    return DialOutcome.FAILED


__all__ = ["DialOutcome", "ManualPhone", "Phone", "PhoneError", "PhoneEvent", "PhoneEventKind",
           "PhoneListener", "outcome_of_status"]
