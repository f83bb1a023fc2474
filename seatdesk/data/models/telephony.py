"""Tables of the telephony area: the SIP address a PBX dials to ring each seat."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from seatdesk.data.models.base import Base, UtcDateTime


class SeatPhone(Base):
    """A seat's softphone (or desk phone): where the dial plan sends the seat's calls."""

    __tablename__ = "seat_phones"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    sip_uri: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
