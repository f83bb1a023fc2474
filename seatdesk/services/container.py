"""The bundle of services an App or a command works with, built over one database.

Services are built on first use and their modules imported then (explicitly, in each
property, so a missing module fails loudly and every service is typed): a seat's desk needs the
call and customer services before its first paint, not the roster optimiser or the QA
results, and every import before the first paint is start-up time the agent waits for.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from seatdesk.data.engine import Database
from seatdesk.domain.clock import Clock, utc_now

if TYPE_CHECKING:
    from seatdesk.services.admin import AdminService
    from seatdesk.services.agents import AgentService
    from seatdesk.services.callbacks import CallbackService
    from seatdesk.services.calls import CallService
    from seatdesk.services.complaints import ComplaintService
    from seatdesk.services.customers import CustomerService
    from seatdesk.services.first_contact import FirstContactService
    from seatdesk.services.floor import FloorService
    from seatdesk.services.forecast import ForecastService
    from seatdesk.services.handover import HandoverService
    from seatdesk.services.notifications import NotificationService
    from seatdesk.services.qa import QaService
    from seatdesk.services.reports import ReportService
    from seatdesk.services.roster import RosterService
    from seatdesk.services.scripts import ScriptService
    from seatdesk.services.users import UserService


class Backend:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock
        self.qa_dispute_days: int | None = None
        self.qa_claim_minutes: int | None = None
        self.qa_dispute_rounds: int | None = None

    def configure(self, *, qa_dispute_days: int | None = None,
                  qa_claim_minutes: int | None = None,
                  qa_dispute_rounds: int | None = None) -> None:
        """Settings some services need; applied now or when the service is first built."""
        if qa_dispute_days is not None:
            self.qa_dispute_days = qa_dispute_days
        if qa_claim_minutes is not None:
            self.qa_claim_minutes = qa_claim_minutes
        if qa_dispute_rounds is not None:
            self.qa_dispute_rounds = qa_dispute_rounds
        if "qa" in self.__dict__:
            self._configure_qa(self.qa)

    def _configure_qa(self, service: QaService) -> None:
        if self.qa_dispute_days is not None:
            service.set_dispute_days(self.qa_dispute_days)
        if self.qa_claim_minutes is not None:
            service.set_claim_minutes(self.qa_claim_minutes)
        if self.qa_dispute_rounds is not None:
            service.set_dispute_rounds(self.qa_dispute_rounds)

    @classmethod
    def open(cls, url: str, clock: Clock = utc_now) -> Backend:
        return cls(Database(url), clock)

    @classmethod
    def over(cls, db: Database, clock: Clock = utc_now) -> Backend:
        return cls(db, clock)

    @cached_property
    def users(self) -> UserService:
        from seatdesk.services.users import UserService

        return UserService(self.db, self.clock)

    @cached_property
    def admin(self) -> AdminService:
        from seatdesk.services.admin import AdminService

        return AdminService(self.db, self.clock)

    @cached_property
    def customers(self) -> CustomerService:
        from seatdesk.services.customers import CustomerService

        return CustomerService(self.db, self.clock)

    @cached_property
    def calls(self) -> CallService:
        from seatdesk.services.calls import CallService

        return CallService(self.db, self.clock)

    @cached_property
    def agents(self) -> AgentService:
        from seatdesk.services.agents import AgentService

        return AgentService(self.db, self.clock)

    @cached_property
    def scripts(self) -> ScriptService:
        from seatdesk.services.scripts import ScriptService

        return ScriptService(self.db, self.clock)

    @cached_property
    def complaints(self) -> ComplaintService:
        from seatdesk.services.complaints import ComplaintService

        return ComplaintService(self.db, self.clock)

    @cached_property
    def callbacks(self) -> CallbackService:
        from seatdesk.services.callbacks import CallbackService

        return CallbackService(self.db, self.clock)

    @cached_property
    def first_contact(self) -> FirstContactService:
        from seatdesk.services.first_contact import FirstContactService

        return FirstContactService(self.db, self.clock)

    @cached_property
    def notifications(self) -> NotificationService:
        from seatdesk.services.notifications import NotificationService

        return NotificationService(self.db, self.clock)

    @cached_property
    def qa(self) -> QaService:
        from seatdesk.services.qa import QaService

        service = QaService(self.db, self.clock)
        self._configure_qa(service)
        return service

    @cached_property
    def roster(self) -> RosterService:
        from seatdesk.services.roster import RosterService

        return RosterService(self.db, self.clock)

    @cached_property
    def forecast(self) -> ForecastService:
        from seatdesk.services.forecast import ForecastService

        return ForecastService(self.db, self.clock)

    @cached_property
    def handover(self) -> HandoverService:
        from seatdesk.services.handover import HandoverService

        return HandoverService(self.db, self.clock)

    @cached_property
    def floor(self) -> FloorService:
        from seatdesk.services.floor import FloorService

        return FloorService(self.db, self.clock)

    @cached_property
    def reports(self) -> ReportService:
        from seatdesk.services.reports import ReportService

        return ReportService(self.db, self.clock)

    def close(self) -> None:
        self.db.dispose()
