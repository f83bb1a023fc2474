"""The form editor in the app and coaching from the scoring screen (issue 17)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from textual.worker import WorkerCancelled

from seatdesk.data.models.qa import QaCoaching
from seatdesk.exchange.qa_default_form import ensure_default_form
from seatdesk.services.container import Backend
from seatdesk.services.settings import Settings
from seatdesk.ui.app import SeatdeskApp
from tests.data.qa_helpers import closed_call, perfect
from tests.factories import floor


async def _settle(app, pilot):
    for _ in range(2):
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:  # a newer refresh replaced it (exclusive workers)
            await app.workers.wait_for_complete()
        await pilot.pause()


def _setup(sqlite_url, clock):
    backend = Backend.open(sqlite_url, clock)
    people = floor(backend)
    ensure_default_form(backend)
    return backend, people


async def test_supervisor_edits_the_form_and_publishes_a_version(sqlite_url, clock):
    backend, people = _setup(sqlite_url, clock)
    from seatdesk.ui.screens.qa_forms import QaFormsScreen

    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=people["super1"],
                      clock=clock)
    async with app.run_test(size=(160, 50)) as pilot:
        await _settle(app, pilot)
        app.push_screen(QaFormsScreen())
        await _settle(app, pilot)
        await pilot.press("f2")
        await _settle(app, pilot)
        assert app.screen.__class__.__name__ == "QaFormEditorScreen"
        editor = app.screen
        table = editor.query_one("#editor-rows")
        table.move_cursor(row=1)  # opening.greeting
        await pilot.pause()
        assert editor.selected == (0, 0)
        editor.query_one("#field-weight").value = "20"
        editor.query_one("#field-guidance").value = "Company name first"
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("ctrl+s")  # the new item has no question yet
        await _settle(app, pilot)
        status = str(editor.query_one("#editor-status").render())
        assert "question is required" in status and "item_" in status
        assert editor.selected == (0, 1)  # the cursor went to the item named
        editor.query_one("#field-question").value = "Says the queue's name"
        editor.query_one("#field-id").value = "queue_name"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert app.screen.__class__.__name__ == "QaFormsScreen"
    newest = backend.qa.form(people["qa1"])
    assert newest.version == 2
    assert newest.form.item("opening.greeting").weight == 20
    assert newest.form.item("opening.greeting").guidance == "Company name first"
    assert newest.form.item("opening.queue_name").question == "Says the queue's name"
    backend.close()


async def test_inspector_creates_coaching_from_a_submitted_evaluation(sqlite_url, clock):
    backend, people = _setup(sqlite_url, clock)
    qa = people["qa1"]
    ev = backend.qa.start_evaluation(qa, closed_call(backend, people["agent1"]))
    backend.qa.submit(qa, ev.id, perfect(ev.form))
    from seatdesk.ui.screens.qa_score import QaScoreScreen

    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=qa, clock=clock)
    async with app.run_test(size=(140, 45)) as pilot:
        await _settle(app, pilot)
        app.push_screen(QaScoreScreen(evaluation_id=ev.id))
        await _settle(app, pilot)
        await pilot.press("ctrl+t")
        await _settle(app, pilot)
        assert app.screen.__class__.__name__ == "CoachingScreen"
        app.screen.query_one("#coaching-due").value = "yesterday"
        await pilot.press(*"Confirm the solution", "ctrl+s")
        await _settle(app, pilot)
        assert app.screen.__class__.__name__ == "CoachingScreen"  # nothing typed is lost
        assert app.screen.query_one("#coaching-what").value == "Confirm the solution"
        app.screen.query_one("#coaching-due").value = "+3d"
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert app.screen.__class__.__name__ == "QaScoreScreen"
    with backend.db.read() as s:
        [task] = s.scalars(select(QaCoaching))
        assert task.what == "Confirm the solution"
        assert task.due_at - clock() > timedelta(days=2)
    backend.close()


async def test_lead_sees_open_and_overdue_coaching_and_an_agents_trend(sqlite_url, clock):
    backend, people = _setup(sqlite_url, clock)
    qa = people["qa1"]
    ev = backend.qa.start_evaluation(qa, closed_call(backend, people["agent1"]))
    backend.qa.submit(qa, ev.id, perfect(ev.form))
    backend.qa.create_coaching(qa, ev.id, "Keep it up", clock() + timedelta(hours=1))
    clock.advance(hours=2)
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=people["lead1"],
                      clock=clock)
    async with app.run_test(size=(140, 45)) as pilot:
        app.open_screen("my_qa")
        await _settle(app, pilot)
        await pilot.press("g")
        await _settle(app, pilot)
        table = app.screen.query_one("#mine")
        assert [str(c) for c in table.get_row("oagent1")] == ["agent1", "Agent1", "1", "1"]
        await pilot.pause(0.2)
        await _settle(app, pilot)
        head = str(app.screen.query_one("#detail-head").render())
        assert "agent1" in head and "100.0 (1)" in head
    backend.close()
