"""Issue 17's "done when": the whole QA loop through the screens, in both languages and on
both engines: plan a sample, score, the agent reads the comments and disputes one item by
keyboard, the lead rules and creates a coaching task, the agent acknowledges it, and
`report kpi` and `report qa` agree on that period."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from textual.worker import WorkerCancelled

from seatdesk.data.models.qa import QaCoaching, QaResponse, QaSampleItem
from seatdesk.domain.i18n import set_language
from seatdesk.exchange.qa_default_form import ensure_default_form
from seatdesk.services.dto import SYSTEM
from seatdesk.services.reports import period_bounds
from seatdesk.services.settings import Settings
from seatdesk.ui.app import SeatdeskApp
from seatdesk.ui.widgets.score_form import ScoreForm
from tests.data.qa_helpers import closed_call
from tests.factories import floor

# The default form's items for a good call, after a "no" on the greeting.
REST_KEYS = ["1", "5", "1", "5", "5", "1", "1", "5", "3", "1", "1", "1", "1"]
DAY = date(2026, 11, 23)  # the frozen clock's day in Shanghai


async def _settle(app, pilot, wait: float = 0.0):
    if wait:
        await pilot.pause(wait)
    for _ in range(2):
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:  # a newer refresh replaced it (exclusive workers)
            await app.workers.wait_for_complete()
        await pilot.pause()


async def _until(app, pilot, done, seconds: float = 5.0) -> None:
    """Settle until ``done()`` holds (a worker may start the next one from its thread)."""
    for _ in range(int(seconds / 0.05)):
        await _settle(app, pilot)
        if done():
            return
        await pilot.pause(0.05)


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_whole_qa_loop(backend, db_url, clock, lang):
    people = floor(backend)
    ensure_default_form(backend)
    agent, lead = people["agent1"], people["lead1"]
    for who in ("agent1", "agent1", "agent2"):
        closed_call(backend, people[who], talk=90)
    set_language(lang)
    settings = Settings(db_url=db_url, lang=lang)

    def app_for(actor):
        return SeatdeskApp(backend, settings, actor=actor, clock=clock)

    # 1. The inspector plans a sample (1 call per agent) and scores agent1's call.
    app = app_for(people["qa1"])
    async with app.run_test(size=(140, 45)) as pilot:
        await _settle(app, pilot)
        app.screen.query_one("#f-sample").value = "1"
        app.screen.query_one("#calls").focus()
        await pilot.press("s")
        await _until(app, pilot, lambda: app.screen.rows
                     and all(r.sample_reason for r in app.screen.rows))
        with backend.db.read() as s:
            planned = list(s.scalars(select(QaSampleItem.call_id).order_by(
                QaSampleItem.call_id)))
        assert len(planned) == 2
        table = app.screen.query_one("#calls")
        assert set(table.rows) == {str(c) for c in planned}
        mine = next(r for r in app.screen.rows if r.agent_login == "agent1")
        table.move_cursor(row=table.get_row_index(str(mine.call_id)))
        await pilot.press("enter")
        await _settle(app, pilot)
        assert app.screen.__class__.__name__ == "QaScoreScreen"
        await pilot.press("0", "c", *"no company name", "enter")
        await pilot.pause()
        app.screen.query_one(ScoreForm).focus_item("opening.prompt")
        await pilot.pause()
        await pilot.press(*REST_KEYS, "f10")
        await _settle(app, pilot)
        assert app.screen.evaluation.state == "submitted"
        evaluation_id = app.screen.evaluation.id

    # 2. The agent reads the comment and disputes the greeting by keyboard.
    app = app_for(agent)
    async with app.run_test(size=(140, 45)) as pilot:
        app.open_screen("my_qa")
        await _settle(app, pilot)
        form = app.screen.query_one(ScoreForm)
        assert "no company name" in str(form.row("opening.greeting").render())
        await pilot.press("d")
        await pilot.pause()
        assert form.current.key == "opening.greeting"
        await pilot.press("1", *" I gave the name at 0:02", "ctrl+s")
        await _settle(app, pilot)
    with backend.db.read() as s:
        [resp] = s.scalars(select(QaResponse))
        assert resp.kind == "disputed"
        assert resp.reasons == {"opening.greeting": "I gave the name at 0:02"}
        assert resp.reason_codes == {"opening.greeting": "recording"}

    # 3. The lead rules (changes the greeting) and creates a coaching task.
    app = app_for(lead)
    async with app.run_test(size=(140, 45)) as pilot:
        app.open_screen("my_qa")
        await _settle(app, pilot)
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("enter")
        await _settle(app, pilot)
        assert app.screen.__class__.__name__ == "DisputeRulingScreen"
        assert "no company name" in str(app.screen.query_one(ScoreForm)
                                        .row("opening.greeting").render())
        await pilot.press("ctrl+t")
        await _settle(app, pilot)
        await pilot.press(*"Slow down the greeting", "ctrl+s")
        await _settle(app, pilot)
        assert app.screen.__class__.__name__ == "DisputeRulingScreen"
        app.screen.query_one(ScoreForm).focus_item("opening.greeting")
        await pilot.press("1")
        app.screen.query_one("#ruling").focus()
        await pilot.press(*"heard at 0:02", "ctrl+s")
        await _settle(app, pilot)
    chain = backend.qa.history(agent, evaluation_id)
    assert [e.revision for e in chain] == [1, 2]
    assert chain[1].inspector_id == people["qa1"].user_id and chain[1].revised_by == "lead1"

    # 4. The agent acknowledges the coaching task.
    app = app_for(agent)
    async with app.run_test(size=(140, 45)) as pilot:
        app.open_screen("my_qa")
        await _settle(app, pilot)
        await pilot.press("g")
        await _settle(app, pilot)
        await pilot.press("k")
        await _settle(app, pilot)
    with backend.db.read() as s:
        [task] = s.scalars(select(QaCoaching))
        assert task.state == "acknowledged" and task.what == "Slow down the greeting"
        assert task.item_keys == ["opening.greeting"]

    # 5. Both reports agree on the period.
    start, end = period_bounds(DAY, DAY, ZoneInfo("Asia/Shanghai"))
    [row] = backend.qa.results(people["super1"], start, end, "agent")
    kpi = backend.reports.kpi(SYSTEM, DAY, DAY, "day").total.values
    assert row.evaluations == kpi["qa_evaluations"] == 1
    assert row.average == pytest.approx(kpi["qa_avg"], abs=0.01) == 100.0
    assert row.pass_rate == pytest.approx(100 * kpi["qa_pass_rate"], abs=0.01)
