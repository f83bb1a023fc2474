"""The bundle of services an App or a command works with, built over one database."""

from __future__ import annotations

from dataclasses import dataclass

from seatdesk.clock import Clock, utc_now
from seatdesk.data.engine import Database
from seatdesk.data.services.agents import AgentService
from seatdesk.data.services.callbacks import CallbackService
from seatdesk.data.services.calls import CallService
from seatdesk.data.services.complaints import ComplaintService
from seatdesk.data.services.customers import CustomerService
from seatdesk.data.services.first_contact import FirstContactService
from seatdesk.data.services.floor import FloorService
from seatdesk.data.services.forecast import ForecastService
from seatdesk.data.services.handover import HandoverService
from seatdesk.data.services.notifications import NotificationService
from seatdesk.data.services.qa import QaService
from seatdesk.data.services.reports import ReportService
from seatdesk.data.services.roster import RosterService
from seatdesk.data.services.scripts import ScriptService
from seatdesk.data.services.users import UserService


@dataclass
class Backend:
    db: Database
    clock: Clock
    users: UserService
    customers: CustomerService
    calls: CallService
    agents: AgentService
    roster: RosterService
    forecast: ForecastService
    handover: HandoverService
    floor: FloorService
    complaints: ComplaintService
    callbacks: CallbackService
    first_contact: FirstContactService
    notifications: NotificationService
    reports: ReportService
    qa: QaService
    scripts: ScriptService

    @classmethod
    def open(cls, url: str, clock: Clock = utc_now) -> Backend:
        db = Database(url)
        return cls.over(db, clock)

    @classmethod
    def over(cls, db: Database, clock: Clock = utc_now) -> Backend:
        return cls(
            db=db, clock=clock, users=UserService(db, clock),
            customers=CustomerService(db, clock), calls=CallService(db, clock),
            agents=AgentService(db, clock),
            roster=RosterService(db, clock), forecast=ForecastService(db, clock),
            handover=HandoverService(db, clock), floor=FloorService(db, clock),
            complaints=ComplaintService(db, clock), callbacks=CallbackService(db, clock),
            first_contact=FirstContactService(db, clock),
            notifications=NotificationService(db, clock), scripts=ScriptService(db, clock),
            qa=QaService(db, clock),
            reports=ReportService(db, clock),
        )

    def close(self) -> None:
        self.db.dispose()
