"""Lateness and attendance per person per month against the shift start (issue 18, 7)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from click.testing import CliRunner

from seatdesk.cli.main import main
from seatdesk.data.models import AgentState, AgentStateEvent
from tests.data.test_roster_service import _setup
from tests.factories import prove_floor_users

FIRST = date(2026, 11, 16)  # Monday; day shift 08:30 local = 00:30 UTC


def _plan_and_sign_in(backend, people, clock):
    lead, agent = people["lead1"], people["agent1"]
    clock.now = datetime(2026, 11, 15, 2, 0, tzinfo=UTC)  # plan from the Sunday before
    for i in range(5):
        backend.roster.assign(lead, agent.user_id, FIRST + timedelta(days=i), "D")
    backend.roster.assign(lead, agent.user_id, date(2026, 11, 25), "D")  # still ahead
    late_by = [12, 0, 31, 5, 9]  # minutes after 08:30
    with backend.db.write() as s:
        for i, minutes in enumerate(late_by):
            day = FIRST + timedelta(days=i)
            at = datetime(day.year, day.month, day.day, 0, 30, tzinfo=UTC)
            s.add(AgentStateEvent(user_id=agent.user_id, at=at + timedelta(minutes=minutes),
                                  state=AgentState.AVAILABLE))
            s.add(AgentStateEvent(user_id=agent.user_id, at=at + timedelta(hours=9),
                                  state=AgentState.LOGGED_OUT))
    clock.now = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)


def test_lateness_per_month_against_the_allowance(backend, clock):
    people = _setup(backend)
    _plan_and_sign_in(backend, people, clock)
    lines = {ln.login: ln for ln in backend.roster.attendance(people["lead1"], None,
                                                              date(2026, 11, 1))}
    mine = lines["agent1"]
    # Late on 4 of 5 days (12, 31, 5, 9 minutes): one over the manuals' three a month.
    assert (mine.late_days, mine.late_minutes, mine.allowance, mine.over_allowance) == (
        4, 57, 3, True)
    assert mine.worked_days == 5 and mine.absent_days == 0  # the 25th is still ahead
    assert lines["agent2"].late_days == 0 and not lines["agent2"].over_allowance


def test_roster_lateness_command(backend, clock, db_url, monkeypatch):
    people = _setup(backend)
    _plan_and_sign_in(backend, people, clock)
    monkeypatch.setenv("SEATDESK_DB", db_url)
    prove_floor_users(monkeypatch)  # each --as is proven with the floor\'s password
    from seatdesk.services.container import Backend
    real_open = Backend.open
    monkeypatch.setattr(Backend, "open", classmethod(lambda cls, url: real_open(url, clock)))
    result = CliRunner().invoke(main, ["--lang", "en", "roster", "lateness", "--month",
                                       "2026-11", "--as", "lead1"])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "Agent1" in x)
    assert "4" in line.split() and "over the allowance" in line
    assert "lateness" in CliRunner().invoke(main, ["roster", "--help"]).output


def test_the_attendance_report_as_csv(backend, clock, db_url, monkeypatch, tmp_path):
    import csv

    people = _setup(backend)
    _plan_and_sign_in(backend, people, clock)
    monkeypatch.setenv("SEATDESK_DB", db_url)
    prove_floor_users(monkeypatch)  # each --as is proven with the floor\'s password
    from seatdesk.services.container import Backend
    real_open = Backend.open
    monkeypatch.setattr(Backend, "open", classmethod(lambda cls, url: real_open(url, clock)))
    out = tmp_path / "late.csv"
    result = CliRunner().invoke(main, ["--lang", "en", "roster", "lateness", "--month",
                                       "2026-11", "--format", "csv", "--out", str(out),
                                       "--as", "lead1"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    mine = next(r for r in rows if r["Agent"] == "Agent1")
    assert (mine["late"], mine["minutes"], mine["allowance"]) == ("4", "57", "3")
