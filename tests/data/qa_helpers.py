"""Builders for QA tests: finished calls and fully scored answers."""

from __future__ import annotations

from seatdesk.domain.qa.forms import FormDefinition
from seatdesk.domain.qa.scoring import Answer, value_range
from seatdesk.services.container import Backend
from seatdesk.services.dto import SYSTEM, Actor, WrapUp


def closed_call(backend: Backend, agent: Actor, *, category: str = "repair",
                number: str = "13900000000", talk: int = 60, recording: str | None = None) -> int:
    """An inbound call answered by ``agent`` and wrapped up."""
    call_id = backend.calls.offer_inbound(SYSTEM, number, "general", recording_ref=recording)
    view = backend.calls.claim(agent, call_id)
    assert view.id == call_id
    backend.clock.advance(seconds=talk)  # type: ignore[attr-defined]
    backend.calls.end(agent, call_id)
    backend.calls.save_wrap_up(agent, call_id, WrapUp(
        category=category, disposition="resolved", notes="note", resolved=True))
    return call_id


def perfect(form: FormDefinition) -> dict[str, Answer]:
    """Every item at its best value."""
    return {r.id: Answer(value=value_range(r)[1]) for r in form.rules()}
