"""The bundle of services an App or a command works with, built over one database.

Services are built on first use and their modules imported then: a seat's desk needs the
call and customer services before its first paint, not the roster optimiser or the QA
results, and every import before the first paint is start-up time the agent waits for.
"""

from __future__ import annotations

from functools import cached_property
from importlib import import_module
from typing import TYPE_CHECKING, Any

from seatdesk.data.engine import Database
from seatdesk.domain.clock import Clock, utc_now

if TYPE_CHECKING:
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

    def _service(self, module: str, name: str) -> Any:
        return getattr(import_module(f"seatdesk.services.{module}"), name)(self.db,
                                                                                 self.clock)

    @cached_property
    def users(self) -> UserService:
        return self._service("users", "UserService")

    @cached_property
    def customers(self) -> CustomerService:
        return self._service("customers", "CustomerService")

    @cached_property
    def calls(self) -> CallService:
        return self._service("calls", "CallService")

    @cached_property
    def agents(self) -> AgentService:
        return self._service("agents", "AgentService")

    @cached_property
    def scripts(self) -> ScriptService:
        return self._service("scripts", "ScriptService")

    @cached_property
    def complaints(self) -> ComplaintService:
        return self._service("complaints", "ComplaintService")

    @cached_property
    def callbacks(self) -> CallbackService:
        return self._service("callbacks", "CallbackService")

    @cached_property
    def first_contact(self) -> FirstContactService:
        return self._service("first_contact", "FirstContactService")

    @cached_property
    def notifications(self) -> NotificationService:
        return self._service("notifications", "NotificationService")

    @cached_property
    def qa(self) -> QaService:
        service: QaService = self._service("qa", "QaService")
        self._configure_qa(service)
        return service

    @cached_property
    def roster(self) -> RosterService:
        return self._service("roster", "RosterService")

    @cached_property
    def forecast(self) -> ForecastService:
        return self._service("forecast", "ForecastService")

    @cached_property
    def handover(self) -> HandoverService:
        return self._service("handover", "HandoverService")

    @cached_property
    def floor(self) -> FloorService:
        return self._service("floor", "FloorService")

    @cached_property
    def reports(self) -> ReportService:
        return self._service("reports", "ReportService")

    def close(self) -> None:
        self.db.dispose()
