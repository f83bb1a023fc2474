"""The QA results screen: the numbers on screen are the database's; period, export, scope."""

from __future__ import annotations

import csv

from sqlalchemy import func, select

from seatdesk.data.models import AuditEntry, QaEvaluation, User
from seatdesk.domain.qa.scoring import Answer
from seatdesk.exchange.qa_default_form import ensure_default_form
from seatdesk.services.container import Backend
from seatdesk.services.settings import Settings
from seatdesk.ui.app import SeatdeskApp
from tests.data.qa_helpers import closed_call, perfect
from tests.factories import floor


async def _settle(app, pilot):
    for _ in range(2):
        await app.workers.wait_for_complete()
        await pilot.pause()


def _scored_floor(sqlite_url, clock):
    backend = Backend.open(sqlite_url, clock)
    people = floor(backend)
    backend.users.add_user("agent3", name="Agent3", role="agent", password="secret123",
                           team="t2")
    people["agent3"] = backend.users.actor("agent3")
    ensure_default_form(backend)
    qa = people["qa1"]
    for agent, low in [("agent1", {}), ("agent1", {"critical.no_data_leak": 0}),
                       ("agent2", {"courtesy.five_voices": 1}), ("agent3", {})]:
        ev = backend.qa.start_evaluation(qa, closed_call(backend, people[agent]))
        answers = perfect(ev.form)
        answers.update({k: Answer(value=v, comment="low") for k, v in low.items()})
        backend.qa.submit(qa, ev.id, answers)
    return backend, people


def _table(app):
    table = app.screen.query_one("#results")
    return {str(k.value): [str(c) for c in table.get_row(k)] for k in table.rows}


async def test_results_on_screen_equal_the_database_and_export(sqlite_url, clock, tmp_path):
    backend, people = _scored_floor(sqlite_url, clock)
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=people["qa1"], clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press("v")  # from the work list
        await _settle(app, pilot)
        screen = app.screen
        assert screen.__class__.__name__ == "QaResultsScreen"
        rows = _table(app)
        # Straight from the table, independently of the service's SQL.
        with backend.db.read() as s:
            scored = s.execute(select(User.login, QaEvaluation.score, QaEvaluation.passed,
                                      QaEvaluation.critical_failed)
                               .join(User, User.id == QaEvaluation.agent_id)
                               .where(QaEvaluation.state == "submitted")).all()
        by_login: dict[str, list] = {}
        for login, score, passed, critical in scored:
            by_login.setdefault(login, []).append((score, passed, critical))
        assert set(rows) == set(by_login)
        for login, evs in by_login.items():
            assert rows[login][2] == str(len(evs))
            assert rows[login][3] == f"{sum(e[0] for e in evs) / len(evs):.1f}"
            assert rows[login][4] == f"{100 * sum(bool(e[1]) for e in evs) / len(evs):.1f}"
            assert rows[login][5] == str(sum(bool(e[2]) for e in evs))
        assert rows["agent1"][4] == "50.0" and rows["agent1"][6] == "critical.no_data_leak"
        assert rows["agent2"][4] == "100.0"

        screen.query_one("#r-by").value = "team"
        await _settle(app, pilot)
        assert set(_table(app)) == {"t1", "t2"} and _table(app)["t1"][2] == "3"

        # Last week had nothing scored; a typed bad date is kept with a clear message.
        screen.query_one("#r-period").value = "last_week"
        await _settle(app, pilot)
        assert _table(app) == {}
        assert "no submitted evaluations" in str(screen.query_one("#results-status").render())
        screen.query_one("#r-from").focus()
        screen.query_one("#r-from").value = ""
        await pilot.press(*"2026-13-45", "enter")
        await _settle(app, pilot)
        assert screen.query_one("#r-period").value == "custom"
        assert screen.query_one("#r-from").value == "2026-13-45"
        assert "cannot read" in str(screen.query_one("#results-status").render())

        screen.query_one("#r-period").value = "this_week"
        await _settle(app, pilot)
        await _settle(app, pilot)  # the Select's change message, then its load
        assert "2 rows" in str(screen.query_one("#results-status").render())
        out = tmp_path / "qa.csv"
        screen.query_one("#r-out").focus()
        await pilot.press(*str(out), "enter")  # Enter in the file field exports
        await _settle(app, pilot)
        assert "2 rows written" in str(screen.query_one("#results-status").render())
        with open(out, encoding="utf-8-sig", newline="") as handle:
            exported = {r[0]: r for r in list(csv.reader(handle))[1:]}
        assert {k: v[2] for k, v in exported.items()} == {"t1": "3", "t2": "1"}
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "QaScreen"
    with backend.db.read() as s:
        assert s.scalar(select(func.count()).where(
            AuditEntry.action == "qa.results.export")) == 1
    backend.close()


async def test_team_lead_opens_results_from_the_palette_and_sees_their_team(sqlite_url, clock):
    backend, people = _scored_floor(sqlite_url, clock)
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=people["lead1"], clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        assert "qa_results" in [e.mode for e in app.available_screens()]
        app.open_screen("qa_results")
        await _settle(app, pilot)
        assert set(_table(app)) == {"agent1", "agent2"}  # agent3 is on team t2
        await pilot.press("escape")  # a mode: nothing to go back to, and no crash
        await pilot.pause()
        assert app.screen.__class__.__name__ == "QaResultsScreen"
    backend.close()
