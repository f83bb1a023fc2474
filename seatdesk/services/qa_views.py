"""Frozen views the QA service hands to screens and commands."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from seatdesk.domain.i18n import queue_label
from seatdesk.domain.qa.forms import FormDefinition
from seatdesk.domain.qa.scoring import Answer
from seatdesk.services.dto import CallEventView, CallView


@dataclass(frozen=True)
class FormVersion:
    id: int
    code: str
    version: int
    published: bool
    created_at: datetime
    form: FormDefinition


@dataclass(frozen=True)
class WorkFilter:
    """What the inspector's work list shows (every field optional)."""

    team: str | None = None  # team code
    agent: str | None = None  # login
    queue: str | None = None  # queue code
    direction: str | None = None
    category: str | None = None
    disposition: str | None = None
    start: datetime | None = None  # call time, inclusive
    end: datetime | None = None  # exclusive
    min_seconds: int | None = None  # talk time
    max_seconds: int | None = None
    complaints_only: bool = False  # category complaint or a complaint registered
    unscored_only: bool = False
    judgeable_only: bool = False  # connected and long enough to judge (samples always)
    limit: int = 500


@dataclass(frozen=True)
class WorkRow:
    call_id: int
    at: datetime | None
    agent_id: int
    agent_login: str
    agent_name: str
    team_code: str | None
    queue_code: str | None
    direction: str
    category: str | None
    disposition: str | None
    talk_seconds: int
    complaint: bool
    claimed_by: str | None  # login of the inspector holding the claim
    evaluation_state: str | None  # draft | submitted | None
    score: float | None
    assigned_to: str | None = None  # a sampling plan's inspector for this call
    sample_reason: str | None = None  # quota | complaint | short
    # The queue as a person reads it (queue_label), beside its code for filters.
    queue_name: str = ""
    queue_name_zh: str = ""

    @property
    def queue_shown(self) -> str:
        return queue_label(self.queue_code, self.queue_name, self.queue_name_zh, missing="-")


@dataclass(frozen=True)
class ResponseView:
    id: int
    evaluation_id: int
    kind: str  # acknowledged | disputed
    state: str  # acknowledged | open | upheld | changed
    reasons: dict[str, str]
    comment: str
    at: datetime
    ruled_by: str | None
    ruled_at: datetime | None
    ruling: str
    new_evaluation_id: int | None
    reason_codes: dict[str, str] = field(default_factory=dict)  # item key -> reason code


@dataclass(frozen=True)
class EvaluationView:
    id: int
    call_id: int
    form_id: int
    form_version: int
    form: FormDefinition
    agent_id: int
    agent_name: str
    inspector_id: int
    inspector_name: str
    state: str  # draft | submitted
    answers: dict[str, Answer]
    score: float | None
    passed: bool | None
    critical_failed: bool
    comment: str
    revision: int
    revision_of: int | None
    calibration_id: int | None
    created_at: datetime
    submitted_at: datetime | None
    response: ResponseView | None = None
    superseded_by: int | None = None  # a later revision replaced this one
    respond_until: datetime | None = None  # the agent's dispute window (None: no dispute)
    revised_by: str | None = None  # login of who ruled the dispute that made this revision

    @property
    def read_only(self) -> bool:
        return self.state != "draft"


@dataclass(frozen=True)
class CallRecord:
    """What the scoring screen shows beside the form (customer masked)."""

    call: CallView
    agent_name: str
    agent_no: str
    queue_code: str | None
    customer: str  # masked name, company and grade
    events: tuple[CallEventView, ...]
    queue_name: str = ""
    queue_name_zh: str = ""

    @property
    def queue_shown(self) -> str:
        return queue_label(self.queue_code, self.queue_name, self.queue_name_zh, missing="-")


@dataclass(frozen=True)
class DisputeRow:
    response_id: int
    evaluation_id: int
    call_id: int
    agent_name: str
    team_code: str | None
    score: float | None
    at: datetime
    reasons: dict[str, str]
    comment: str
    reason_codes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CallLook:
    """A call as the scoring screen opens it, before (or without) claiming it."""

    call_id: int
    form: FormVersion  # the evaluation's form, or the newest default form
    evaluation: EvaluationView | None  # the first scoring, if the viewer may read it
    claimed_by: str | None  # login holding a live claim
    claimed_until: datetime | None
    scorable: bool  # a finished call with an agent


@dataclass(frozen=True)
class SamplePlanView:
    """A stored sampling plan: its period, quota and rules, and how its picks stand."""

    id: int
    name: str
    start: datetime
    end: datetime
    per_agent: int
    rules: dict[str, object]
    seed: int
    created_by: str
    created_at: datetime
    calls: int
    scored: int


@dataclass(frozen=True)
class CoachingRow:
    id: int
    evaluation_id: int | None
    call_id: int | None
    agent_id: int
    agent_name: str
    created_by: str
    what: str
    item_keys: tuple[str, ...]
    due_at: datetime
    state: str  # open | acknowledged
    created_at: datetime
    acknowledged_at: datetime | None
    overdue: bool


@dataclass(frozen=True)
class CoachingSummary:
    """Open and overdue coaching per agent (a lead's view)."""

    agent_login: str
    agent_name: str
    open: int
    overdue: int


@dataclass(frozen=True)
class TrendRow:
    """An agent's QA in one period (week or month), standing revisions only."""

    period: str
    evaluations: int
    average: float | None
    pass_rate: float | None


@dataclass(frozen=True)
class CalibrationRow:
    id: int
    call_id: int
    form_id: int
    state: str
    created_by: str
    created_at: datetime
    scored_by_me: bool
    submitted: int  # how many inspectors submitted


@dataclass(frozen=True)
class ItemSpread:
    key: str
    question: str
    values: tuple[float, ...]  # earned share ×100 per inspector (N/A left out)
    minimum: float | None
    maximum: float | None
    stdev: float | None


@dataclass(frozen=True)
class InspectorDistance:
    login: str
    name: str
    score: float | None
    distance: float | None  # |score − reference score|
    item_distance: float | None  # mean |item − reference item| (×100)
    is_reference: bool


@dataclass(frozen=True)
class CalibrationReport:
    id: int
    call_id: int
    state: str
    reference: str  # login of the session's owner, whose score is the reference
    items: tuple[ItemSpread, ...]
    inspectors: tuple[InspectorDistance, ...]


@dataclass(frozen=True)
class ResultRow:
    """One line of the QA results: a person, a team or a form item in a period."""

    key: str
    label: str
    evaluations: int
    average: float | None
    pass_rate: float | None  # 0–100
    critical_fails: int
    most_failed: tuple[str, ...] = field(default=())
