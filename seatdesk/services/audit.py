"""The audit log: every view, reveal, export and change of confidential data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from seatdesk.data.models import AuditEntry
from seatdesk.services.dto import Actor


def record(
    session: Session,
    actor: Actor,
    action: str,
    *,
    at: datetime,
    entity: str = "",
    entity_id: object = "",
    detail: dict[str, Any] | None = None,
) -> None:
    """Add an audit row in the caller's transaction (so it commits with the act itself)."""
    session.add(
        AuditEntry(
            at=at,
            actor_id=actor.user_id,
            actor_login=actor.login,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            detail=detail or {},
        )
    )
