"""The one-statement writer hands back to the ORM what only a flush does right."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, Integer, String, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from seatdesk.data.oneshot import _one_statement


class _Base(DeclarativeBase):
    pass


class _Stamped(_Base):
    __tablename__ = "stamped"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    note: Mapped[str] = mapped_column(String(20))
    changed_at: Mapped[datetime | None] = mapped_column(
        DateTime, onupdate=lambda: datetime.now(UTC))


class _Plain(_Base):
    __tablename__ = "plain"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    note: Mapped[str] = mapped_column(String(20))


def _session_with(row: _Base) -> Session:
    engine = create_engine("sqlite://")
    _Base.metadata.create_all(engine)
    session = Session(engine)
    session.add(row)
    session.commit()
    return session


def test_a_row_with_an_onupdate_column_is_left_to_the_orm_flush() -> None:
    session = _session_with(_Stamped(id=1, note="a"))
    row = session.get(_Stamped, 1)
    assert row is not None
    row.note = "b"
    assert _one_statement(session) is None  # the flush would set changed_at; one UPDATE not


def test_a_plain_row_change_is_one_update() -> None:
    session = _session_with(_Plain(id=1, note="a"))
    row = session.get(_Plain, 1)
    assert row is not None
    row.note = "b"
    planned = _one_statement(session)
    assert planned is not None and len(planned[0]) == 1
