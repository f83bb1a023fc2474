"""What every model shares: the declarative base, naming, UTC times on both engines.

One schema serves SQLite (embedded) and PostgreSQL (a real floor). Times are stored as
UTC; ``UtcDateTime`` makes SQLite (which has no time zones) hand back aware datetimes.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Enum, Integer, MetaData
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

from seatdesk.domain.clock import ensure_utc
from seatdesk.domain.enums import (  # noqa: F401 - re-exported: models are where they are used
    AgentState,
    CallState,
    Category,
    Direction,
    OutboundOutcome,
    OutboundPurpose,
    Role,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every engine (timestamptz on PostgreSQL)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; times must be aware")
        value = ensure_utc(value)
        # SQLite stores text; dropping the (UTC) offset keeps values sortable as strings.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else ensure_utc(value)


# On SQLite an INTEGER PRIMARY KEY is the rowid; BigInteger would not autoincrement there.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UtcDateTime, dict[str, Any]: JSON, list[Any]: JSON}


def _enum(cls: type[enum.Enum]) -> Enum:
    # Stored as plain strings (no native PG enum) so adding a value is a data change,
    # not a schema migration that locks the calls table.
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
