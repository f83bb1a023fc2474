"""Races on a unique key reach the services as the project's own errors (issue 12).

A second seat that loses a race on a unique key (two inspectors seeding the default QA
form at once) must get the service's answer ("the other one's version 1 stands"), not the
database's refusal: the data layer turns the driver's unique violation into
``DuplicateRecord`` wherever it surfaces, inside a savepoint or at commit.
"""

from __future__ import annotations

import pytest

from seatdesk.domain.errors import DuplicateRecord
from seatdesk.exchange.qa_default_form import default_form, ensure_default_form
from seatdesk.services.qa import QaService


def test_a_form_seeded_by_another_seat_first_stands(backend, monkeypatch):
    first = ensure_default_form(backend)
    # The race: this seat looked before the other seat's version 1 was committed.
    real = QaService._newest_form
    looks = {"n": 0}

    def looked_too_early(self, s, code):
        looks["n"] += 1
        return None if looks["n"] == 1 else real(self, s, code)

    monkeypatch.setattr(QaService, "_newest_form", looked_too_early)
    assert backend.qa.ensure_form(default_form()) == first
    assert looks["n"] == 2  # it looked again after losing the race


def test_a_unique_violation_at_commit_is_a_duplicate_record(backend):
    from sqlalchemy import text

    ensure_default_form(backend)
    copy = ("INSERT INTO qa_forms (code, version, name, name_zh, pass_mark, definition, "
            "published, created_at) SELECT code, version, name, name_zh, pass_mark, "
            "definition, published, created_at FROM qa_forms")
    with pytest.raises(DuplicateRecord), backend.db.write() as s:
        s.execute(text(copy))
