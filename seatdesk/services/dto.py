"""Frozen views the services hand to the UI and the command line (never live ORM rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Actor:
    """The person (or system hook) on whose behalf a service acts."""

    user_id: int | None
    login: str
    role: str
    name: str = ""
    agent_no: str = ""
    team_id: int | None = None
    is_system: bool = False
    # Signed in with a password an admin set: a new one must be chosen before anything else.
    must_change_password: bool = False


SYSTEM = Actor(user_id=None, login="system", role="admin", name="system", is_system=True)


@dataclass(frozen=True)
class UserView:
    id: int
    login: str
    name: str
    agent_no: str
    role: str
    team_code: str | None
    active: bool
    queues: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    must_change_password: bool = False
    locked: bool = False


@dataclass(frozen=True)
class QueueView:
    id: int
    code: str
    name: str
    name_zh: str
    priority: int
    sl_seconds: int
    wait_alert_seconds: int
    acw_seconds: int = 120
    active: bool = True


@dataclass(frozen=True)
class TeamView:
    id: int
    code: str
    name: str
    lead_login: str | None
    members: int


@dataclass(frozen=True)
class PhoneView:
    number: str  # masked unless the viewer may see it
    label: str
    masked: bool


@dataclass(frozen=True)
class CustomerSummary:
    """What a caller-number lookup returns: enough to pick the right customer."""

    id: int
    name: str
    company: str
    grade: str
    key_account: bool
    risk_flag: bool
    region: str


@dataclass(frozen=True)
class ContractView:
    reference: str
    product: str
    signed_on: date | None
    accepted_on: date | None
    warranty_until: date | None


@dataclass(frozen=True)
class RecentCallView:
    id: int
    direction: str
    at: datetime | None
    category: str | None
    agent_name: str
    notes: str
    resolved: bool | None


@dataclass(frozen=True)
class ItemLine:
    """A one-line reference to an open complaint or callback on the card."""

    id: int
    text: str
    due_at: datetime | None
    overdue: bool


@dataclass(frozen=True)
class CustomerCard:
    """客户关系卡 as the viewer is allowed to see it."""

    id: int
    name: str
    company: str
    position: str
    email: str
    address: str
    region: str
    grade: str
    key_account: bool
    risk_flag: bool
    risk_reason: str
    credit_rating: str
    notes: str
    phones: tuple[PhoneView, ...]
    contracts: tuple[ContractView, ...]
    open_complaints: tuple[ItemLine, ...]
    open_callbacks: tuple[ItemLine, ...]
    recent_calls: tuple[RecentCallView, ...]
    masked: bool
    version: int


@dataclass(frozen=True)
class CustomerInput:
    """Fields typed for a new or changed customer (validated by the service)."""

    name: str
    phones: tuple[str, ...] = ()
    company: str = ""
    position: str = ""
    email: str = ""
    address: str = ""
    region: str = ""
    grade: str = "C"
    key_account: bool = False
    risk_flag: bool = False
    risk_reason: str = ""
    credit_rating: str = ""
    notes: str = ""
    external_ref: str | None = None


@dataclass(frozen=True)
class WaitingCall:
    """One row of the live queue pane."""

    id: int
    queue_code: str
    queue_name: str
    caller_number: str  # masked for roles that need no digits
    customer_name: str | None
    grade: str | None
    key_account: bool
    queued_at: datetime
    wait_alert_seconds: int
    target_agent_id: int | None
    # The routing order (so a seat can place a call learnt from the change feed itself)
    # and the queue's id (so it can tell whether it serves that queue).
    route_order: int = 0
    route_rank: int = 5
    queue_id: int | None = None

    def sort_key(self) -> tuple[int, int, datetime, int]:
        """Where this call stands in the queue: the order seats take calls in."""
        return (self.route_order, self.route_rank, self.queued_at, self.id)


@dataclass(frozen=True)
class CallView:
    id: int
    direction: str
    state: str
    queue_code: str | None
    caller_number: str
    customer_id: int | None
    agent_id: int | None
    queued_at: datetime | None
    offered_at: datetime | None
    answered_at: datetime | None
    held_since: datetime | None
    ended_at: datetime | None
    closed_at: datetime | None
    talk_seconds: int
    hold_seconds: int
    hold_count: int
    wrap_seconds: int
    wait_seconds: int | None
    category: str | None
    disposition: str | None
    question: str
    notes: str
    resolved: bool | None
    handed_to: str
    transferred: bool
    transfer_target: str
    satisfaction: int | None
    follow_up_at: datetime | None
    outbound_purpose: str | None
    outbound_outcome: str | None
    callback_id: int | None
    complaint_id: int | None
    parent_call_id: int | None
    script_id: int | None
    recording_ref: str | None
    draft: dict[str, object] | None
    candidates: tuple[CustomerSummary, ...] = field(default=())
    # The queue it came in on (its after-call-work limit applies); None for outbound.
    queue_id: int | None = None


@dataclass(frozen=True)
class WrapUp:
    """呼入/呼出业务记录: the fields an agent fills in before closing a call."""

    category: str | None = None
    disposition: str | None = None
    question: str = ""
    notes: str = ""
    resolved: bool | None = None
    handed_to: str = ""
    satisfaction: int | None = None
    follow_up_at: datetime | None = None
    outbound_outcome: str | None = None


@dataclass(frozen=True)
class CallEventView:
    at: datetime
    kind: str
    from_state: str | None
    to_state: str | None
    actor_login: str | None
    detail: str


@dataclass(frozen=True)
class AgentStatusView:
    user_id: int
    login: str
    name: str
    agent_no: str
    team_id: int | None
    state: str
    reason: str
    since: datetime
    current_call_id: int | None
    handled_today: int = 0


@dataclass(frozen=True)
class ScriptView:
    id: int
    category: str
    lang: str
    direction: str
    version: int
    title: str
    steps: tuple[dict[str, str], ...]
    published: bool
    created_at: datetime


@dataclass(frozen=True)
class PoppedCall:
    """What the seat shows the moment it takes (or is rung by) a call: the screen pop."""

    call: CallView
    card: CustomerCard | None
    script: ScriptView | None
