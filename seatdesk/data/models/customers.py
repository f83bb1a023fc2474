"""客户资料: customers, their phone numbers and contracts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seatdesk.data.models.base import Base, BigId


class Customer(Base):
    """客户关系卡: the card popped when a customer calls."""

    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    company: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    region: Mapped[str] = mapped_column(String(50), default="")
    grade: Mapped[str] = mapped_column(String(1), default="C")  # A–D by value (80/20)
    key_account: Mapped[bool] = mapped_column(default=False)
    dedicated_agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    risk_flag: Mapped[bool] = mapped_column(default=False)
    risk_reason: Mapped[str] = mapped_column(String(200), default="")
    credit_rating: Mapped[str] = mapped_column(String(10), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    external_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)

    phones: Mapped[list[CustomerPhone]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="CustomerPhone.id"
    )
    contracts: Mapped[list[Contract]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="Contract.id"
    )


class CustomerPhone(Base):
    __tablename__ = "customer_phones"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(20), index=True)  # E.164, see seatdesk.domain.phone
    label: Mapped[str] = mapped_column(String(20), default="mobile")
    customer: Mapped[Customer] = relationship(back_populates="phones")
    __table_args__ = (UniqueConstraint("customer_id", "number", name="uq_customer_phones_pair"),)


class Contract(Base):
    """A purchase or contract: drives warranty and contract-year callbacks."""

    __tablename__ = "contracts"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    reference: Mapped[str] = mapped_column(String(64))
    product: Mapped[str] = mapped_column(String(200), default="")
    signed_on: Mapped[date | None] = mapped_column(Date)
    delivered_at: Mapped[datetime | None]
    accepted_on: Mapped[date | None] = mapped_column(Date)
    warranty_until: Mapped[date | None] = mapped_column(Date)
    amount: Mapped[float | None] = mapped_column(Numeric(14, 2))
    customer: Mapped[Customer] = relationship(back_populates="contracts")
