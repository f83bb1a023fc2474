"""The vocabulary of the floor: roles, call states, categories, outcomes, pause reasons.

Plain enums with no database import, so the screens can use them without loading
SQLAlchemy: the desk paints before the data layer is imported (start-up speed).
``seatdesk.data.models`` maps them onto columns.
"""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    AGENT = "agent"
    TEAM_LEAD = "team_lead"
    QA = "qa"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Direction(enum.StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class CallState(enum.StrEnum):
    QUEUED = "queued"
    OFFERED = "offered"  # claimed by / ringing at one seat
    ACTIVE = "active"
    HELD = "held"
    WRAP_UP = "wrap_up"
    CLOSED = "closed"
    ABANDONED = "abandoned"


class Category(enum.StrEnum):
    CONSULTATION = "consultation"
    COMPLAINT = "complaint"
    ORDER = "order"
    REPAIR = "repair"
    QUERY = "query"
    SUGGESTION = "suggestion"
    OTHER = "other"


class OutboundPurpose(enum.StrEnum):
    CALLBACK = "callback"
    SURVEY = "survey"
    COMPLAINT_FOLLOW_UP = "complaint_follow_up"
    NOTIFICATION = "notification"
    SALES = "sales"


class OutboundOutcome(enum.StrEnum):
    REACHED = "reached"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    WRONG_NUMBER = "wrong_number"
    REFUSED = "refused"
    CALL_BACK_LATER = "call_back_later"


class AgentState(enum.StrEnum):
    LOGGED_OUT = "logged_out"
    AVAILABLE = "available"
    RINGING = "ringing"
    ON_CALL = "on_call"
    ON_HOLD = "on_hold"
    WRAP_UP = "wrap_up"
    PAUSED = "paused"


PAUSE_REASONS = ("break", "meal", "training", "meeting", "after_call_work", "personal")
# Set by the system, not chosen: a call rang out at the seat (ring-no-answer).
MISSED_CALL = "missed_call"
