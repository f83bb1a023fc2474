"""The shared call database: SQLAlchemy 2 typed models, one module per area of the product.

Importing this package puts every table in ``Base.metadata`` (Alembic and ``create_all`` need
all of them); each area module is imported explicitly, so a missing one fails loudly.
"""

from seatdesk.data.models.admin import CliSession, SiteSetting, SystemSecret
from seatdesk.data.models.audit import AuditEntry, Notification
from seatdesk.data.models.base import NAMING, Base, BigId, UtcDateTime
from seatdesk.data.models.callbacks import Callback
from seatdesk.data.models.calls import (
    REPORT_INBOUND_COLUMNS,
    REPORT_OUTBOUND_COLUMNS,
    AgentStateEvent,
    AgentStatus,
    Call,
    CallEvent,
    QuarantinedRecord,
)
from seatdesk.data.models.complaints import Complaint, ComplaintEvent
from seatdesk.data.models.customers import Contract, Customer, CustomerPhone
from seatdesk.data.models.people import Queue, Team, User, UserQueue
from seatdesk.data.models.qa import QaCalibration, QaEvaluation, QaForm
from seatdesk.data.models.roster import Handover, Shift, ShiftTemplate
from seatdesk.data.models.scripts import ScriptVersion
from seatdesk.data.models.telephony import SeatPhone
from seatdesk.domain.enums import (
    AgentState,
    CallState,
    Category,
    Direction,
    OutboundOutcome,
    OutboundPurpose,
    Role,
)

__all__ = [
    "NAMING", "REPORT_INBOUND_COLUMNS", "REPORT_OUTBOUND_COLUMNS", "AgentState",
    "AgentStateEvent", "AgentStatus", "AuditEntry", "Base", "BigId", "Call", "CallEvent",
    "CallState", "Callback", "Category", "CliSession", "Complaint", "ComplaintEvent",
    "Contract", "Customer",
    "CustomerPhone", "Direction", "Handover", "Notification", "OutboundOutcome",
    "OutboundPurpose", "QaCalibration", "QaEvaluation", "QaForm", "QuarantinedRecord", "Queue",
    "Role", "ScriptVersion", "SeatPhone", "Shift", "ShiftTemplate", "SiteSetting",
    "SystemSecret", "Team", "User", "UserQueue", "UtcDateTime",
]
