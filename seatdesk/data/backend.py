"""The bundle of services an App or a command works with, built over one database."""

from __future__ import annotations

from dataclasses import dataclass

from seatdesk.clock import Clock, utc_now
from seatdesk.data.engine import Database
from seatdesk.data.services.agents import AgentService
from seatdesk.data.services.calls import CallService
from seatdesk.data.services.customers import CustomerService
from seatdesk.data.services.users import UserService


@dataclass
class Backend:
    db: Database
    clock: Clock
    users: UserService
    customers: CustomerService
    calls: CallService
    agents: AgentService

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
        )

    def close(self) -> None:
        self.db.dispose()
