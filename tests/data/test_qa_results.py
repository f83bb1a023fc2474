"""QA results: a team lead's view is their team only; exports are checked and audited;
the dispute window comes from Settings (SEATDESK_QA_DISPUTE_DAYS overrides it there)."""

from __future__ import annotations

import csv
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from seatdesk.data.models import AuditEntry
from seatdesk.domain.errors import InvalidInput, InvalidTransition, PermissionDenied
from seatdesk.domain.qa.scoring import Answer
from seatdesk.exchange.exporter import export_qa_results
from seatdesk.services.settings import Settings
from tests.data.qa_helpers import closed_call, perfect
from tests.factories import floor


@pytest.fixture
def people(backend):
    from seatdesk.exchange.qa_default_form import ensure_default_form

    people = floor(backend)
    for login, role in [("agent3", "agent"), ("lead2", "team_lead")]:
        backend.users.add_user(login, name=login.title(), role=role, password="secret123",
                               team="t2")
        people[login] = backend.users.actor(login)
    ensure_default_form(backend)
    return people


def _score(backend, inspector, agent, **low):
    ev = backend.qa.start_evaluation(inspector, closed_call(backend, agent))
    answers = perfect(ev.form)
    for key, value in low.items():
        answers[key.replace("__", ".")] = Answer(value=value, comment="low")
    return backend.qa.submit(inspector, ev.id, answers)


def test_team_lead_sees_only_their_team(backend, people, clock):
    qa = people["qa1"]
    start = clock() - timedelta(hours=1)
    _score(backend, qa, people["agent1"])
    _score(backend, qa, people["agent3"], courtesy__five_voices=1)
    _score(backend, qa, people["agent3"], critical__no_data_leak=0)
    end = clock() + timedelta(hours=1)
    everyone = {r.key for r in backend.qa.results(people["super1"], start, end, "agent")}
    assert everyone == {"agent1", "agent3"}
    assert {r.key for r in backend.qa.results(qa, start, end, "agent")} == everyone
    [mine] = backend.qa.results(people["lead1"], start, end, "agent")
    assert mine.key == "agent1" and mine.evaluations == 1
    [t2] = backend.qa.results(people["lead2"], start, end, "team")
    assert (t2.key, t2.evaluations, t2.critical_fails) == ("t2", 2, 1)
    assert t2.most_failed[:2] in (("courtesy.five_voices", "critical.no_data_leak"),
                                  ("critical.no_data_leak", "courtesy.five_voices"))
    [inspector] = backend.qa.results(people["lead1"], start, end, "inspector")
    assert inspector.evaluations == 1  # qa1's work on lead1's team only
    items = {r.key: r for r in backend.qa.results(people["lead1"], start, end, "item")}
    assert items["critical.no_data_leak"].critical_fails == 0  # agent3's fail is not theirs
    with pytest.raises(PermissionDenied):
        backend.qa.results(people["agent1"], start, end, "agent")


def test_export_results_csv_and_xlsx_audited(backend, people, clock, tmp_path):
    qa, lead = people["qa1"], people["lead1"]
    start = clock() - timedelta(hours=1)
    _score(backend, qa, people["agent1"], courtesy__five_voices=1)
    _score(backend, qa, people["agent3"])
    end = clock() + timedelta(hours=1)
    out = tmp_path / "r.csv"
    assert export_qa_results(backend, lead, start, end, "agent", "csv", out) == 1
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:2] == ["Agent", "Name"]
    [row] = rows[1:]
    on_screen = backend.qa.results(lead, start, end, "agent")[0]
    assert row[0] == "agent1" and float(row[3]) == on_screen.average
    assert row[6] == "courtesy.five_voices"
    book = tmp_path / "r.xlsx"
    assert export_qa_results(backend, qa, start, end, "team", "xlsx", book) == 2
    sheet = load_workbook(book).active
    body = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert sorted((r[0], r[2]) for r in body) == [("t1", 1), ("t2", 1)]
    with pytest.raises(PermissionDenied):
        export_qa_results(backend, people["agent1"], start, end, "agent", "csv", out)
    with pytest.raises(InvalidInput):
        export_qa_results(backend, qa, start, end, "agent", "csv", tmp_path / "no" / "x.csv")
    with pytest.raises(InvalidInput):
        export_qa_results(backend, qa, start, end, "agent", "pdf", out)
    with backend.db.read() as s:
        audits = s.scalars(select(AuditEntry).where(AuditEntry.action == "qa.results.export")
                           .order_by(AuditEntry.id)).all()
    assert [(a.detail["rows"], a.detail["format"]) for a in audits] == [(1, "csv"), (2, "xlsx")]


def test_dispute_window_from_settings(backend, people, clock, monkeypatch):
    monkeypatch.delenv("SEATDESK_QA_DISPUTE_DAYS", raising=False)
    assert Settings().qa_dispute_days == 7
    monkeypatch.setenv("SEATDESK_QA_DISPUTE_DAYS", "2")
    settings = Settings()
    assert settings.qa_dispute_days == 2
    monkeypatch.setenv("SEATDESK_QA_DISPUTE_DAYS", "two")
    with pytest.raises(ValueError, match="whole number"):
        Settings()
    backend.qa.set_dispute_days(settings.qa_dispute_days)
    ev = _score(backend, people["qa1"], people["agent1"])
    assert ev.respond_until == ev.submitted_at + timedelta(days=2)
    clock.advance(days=3)
    with pytest.raises(InvalidTransition):
        backend.qa.acknowledge(people["agent1"], ev.id)
    with pytest.raises(InvalidInput):
        backend.qa.set_dispute_days(-1)
