"""Issue 17's defects as an inspector, an agent and a lead meet them (Textual pilot)."""

from __future__ import annotations

from sqlalchemy import select
from textual.worker import WorkerCancelled

from seatdesk.data.models.qa import QaResponse
from seatdesk.domain.qa.scoring import Answer
from seatdesk.exchange.qa_default_form import ensure_default_form
from seatdesk.services.container import Backend
from seatdesk.services.settings import Settings
from seatdesk.ui.app import SeatdeskApp
from seatdesk.ui.widgets.score_form import ScoreForm
from tests.data.qa_helpers import closed_call, perfect
from tests.factories import floor


def _setup(sqlite_url, clock):
    backend = Backend.open(sqlite_url, clock)
    people = floor(backend)
    ensure_default_form(backend)
    return backend, people


async def _settle(app, pilot, wait: float = 0.0):
    if wait:
        await pilot.pause(wait)
    for _ in range(2):
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:  # a newer refresh replaced it (exclusive workers)
            await app.workers.wait_for_complete()
        await pilot.pause()


def _text(app, id):
    return str(app.screen.query_one(id).render())


def _active(app) -> set[str]:
    return {ab.binding.action for ab in app.active_bindings.values() if ab.enabled}


def _app(backend, sqlite_url, actor, clock):
    return SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=actor, clock=clock)


def _scored_for_agent(backend, people, **changes):
    qa, agent = people["qa1"], people["agent1"]
    ev = backend.qa.start_evaluation(qa, closed_call(backend, agent))
    answers = perfect(ev.form)
    answers.update({k.replace("__", "."): v for k, v in changes.items()})
    return backend.qa.submit(qa, ev.id, answers, "overall fine")


async def test_item1_the_sample_stays_after_a_change_and_a_claim(sqlite_url, clock):
    backend, people = _setup(sqlite_url, clock)
    calls = [closed_call(backend, people[a]) for a in ("agent1", "agent2") for _ in range(4)]
    app = _app(backend, sqlite_url, people["qa1"], clock)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(app, pilot)
        table = app.screen.query_one("#calls")
        assert table.row_count == 8
        app.screen.query_one("#f-sample").value = "2"
        table.focus()
        await pilot.press("s")
        for _ in range(100):  # the plan is made, then its list loaded by a second worker
            await _settle(app, pilot)
            if app.screen.rows and all(r.sample_reason for r in app.screen.rows):
                break
            await pilot.pause(0.05)
        sampled = set(table.rows)
        assert len(sampled) == 4
        # Someone else's change anywhere (every commit on SQLite), then a claim here.
        outside = next(c for c in calls if str(c) not in sampled)
        backend.qa.claim(people["super1"], outside)
        await _settle(app, pilot, 0.4)
        assert set(table.rows) == sampled
        await pilot.press("c")
        await _settle(app, pilot, 0.4)
        assert set(table.rows) == sampled
    backend.close()


async def test_item2_opening_a_call_does_not_claim_it(sqlite_url, clock):
    backend, people = _setup(sqlite_url, clock)
    call_id = closed_call(backend, people["agent1"])
    app = _app(backend, sqlite_url, people["super1"], clock)
    async with app.run_test(size=(140, 40)) as pilot:
        app.open_screen("qa")
        await _settle(app, pilot)
        app.screen.open_scoring(call_id)
        await _settle(app, pilot)
        assert app.screen.__class__.__name__ == "QaScoreScreen"
        await pilot.press("escape")
        await _settle(app, pilot)
    ev = backend.qa.start_evaluation(people["qa1"], call_id)  # not "claimed by super1"
    assert ev.inspector_id == people["qa1"].user_id
    backend.close()


async def test_item3_agent_and_ruling_lead_read_the_item_comments(sqlite_url, clock):
    backend, people = _setup(sqlite_url, clock)
    ev = _scored_for_agent(backend, people,
                           opening__greeting=Answer(value=0, comment="no company name"))
    app = _app(backend, sqlite_url, people["agent1"], clock)
    async with app.run_test(size=(140, 40)) as pilot:
        app.open_screen("my_qa")
        await _settle(app, pilot)
        row = app.screen.query_one(ScoreForm).row("opening.greeting")
        assert "no company name" in str(row.render())
        await _settle(app, pilot)
        assert "Timeline" in _text(app, "#record-text")  # the call beside the feedback
    backend.qa.dispute(people["agent1"], ev.id, {"opening.greeting": "I did"})
    app = _app(backend, sqlite_url, people["lead1"], clock)
    async with app.run_test(size=(140, 40)) as pilot:
        app.open_screen("my_qa")
        await _settle(app, pilot)
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("enter")
        await _settle(app, pilot)
        assert app.screen.__class__.__name__ == "DisputeRulingScreen"
        row = app.screen.query_one(ScoreForm).row("opening.greeting")
        assert "no company name" in str(row.render())
        record = _text(app, "#record-text")
        assert "Timeline" in record and "Talk" in record
    backend.close()


async def _dispute_mode(app, pilot):
    app.open_screen("my_qa")
    await _settle(app, pilot)
    await pilot.press("d")
    await pilot.pause()
    return app.screen.query_one(ScoreForm)


def _reasons(backend):
    with backend.db.read() as s:
        return [r.reasons for r in s.scalars(select(QaResponse))]


async def test_item4_dispute_by_keyboard_reaches_the_focused_item(sqlite_url, clock):
    backend, people = _setup(sqlite_url, clock)
    ev = _scored_for_agent(backend, people)
    keys = [k for _s, _i, k in ev.form.items()]
    app = _app(backend, sqlite_url, people["agent1"], clock)
    async with app.run_test(size=(140, 40)) as pilot:
        form = await _dispute_mode(app, pilot)
        form.focus_item(keys[1])
        await pilot.pause()
        await pilot.press(*"heard it")  # typed on the focused item
        await pilot.press("enter")  # back to the items, on the next one
        await pilot.pause()
        assert form.current.key == keys[2]
        await pilot.press("tab")  # the reason box, for the item just left
        await pilot.press(*"fine")
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
    assert _reasons(backend) == [{keys[1]: "heard it", keys[2]: "fine"}]
    backend.close()


async def test_item5_a_stray_a_does_not_acknowledge(sqlite_url, clock):
    backend, people = _setup(sqlite_url, clock)
    _scored_for_agent(backend, people)
    app = _app(backend, sqlite_url, people["agent1"], clock)
    async with app.run_test(size=(140, 40)) as pilot:
        await _dispute_mode(app, pilot)
        await pilot.press(*"a mistake")
        await _settle(app, pilot)
        assert _reasons(backend) == []  # nothing acknowledged
        await pilot.press("escape", "escape")
        await pilot.press("a")  # one press only asks
        await _settle(app, pilot)
        assert _reasons(backend) == []
        assert "again" in _text(app, "#my-status")
        await pilot.press("a")
        await _settle(app, pilot)
    with backend.db.read() as s:
        assert [r.kind for r in s.scalars(select(QaResponse))] == ["acknowledged"]
    backend.close()


async def test_item6_ctrl_u_upholds_with_the_typed_reason(sqlite_url, clock):
    backend, people = _setup(sqlite_url, clock)
    ev = _scored_for_agent(backend, people)
    backend.qa.dispute(people["agent1"], ev.id, {"opening.greeting": "I did"})
    app = _app(backend, sqlite_url, people["lead1"], clock)
    async with app.run_test(size=(140, 40)) as pilot:
        app.open_screen("my_qa")
        await _settle(app, pilot)
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("enter")
        await _settle(app, pilot)
        app.screen.query_one("#ruling").focus()
        await pilot.press(*"the greeting is fine", "ctrl+u")
        await _settle(app, pilot)
    with backend.db.read() as s:
        [resp] = s.scalars(select(QaResponse))
        assert (resp.state, resp.ruling) == ("upheld", "the greeting is fine")
    backend.close()


async def test_item10_form_shows_weights_and_guidance(sqlite_url, clock):
    backend, people = _setup(sqlite_url, clock)
    call_id = closed_call(backend, people["agent1"])
    app = _app(backend, sqlite_url, people["qa1"], clock)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(app, pilot)
        app.screen.open_scoring(call_id)
        await _settle(app, pilot)
        form = app.screen.query_one(ScoreForm)
        form.focus_item("accuracy.correct_info")
        await pilot.pause()
        text = str(form.row("accuracy.correct_info").render())
        assert "15" in text  # its weight
        assert form.form.item("accuracy.correct_info").guidance
        assert form.form.item("accuracy.correct_info").guidance[:20] in text
    backend.close()


async def test_item10_calibration_submit_does_not_claim_the_agent_was_told(sqlite_url, clock):
    backend, people = _setup(sqlite_url, clock)
    call_id = closed_call(backend, people["agent1"])
    session = backend.qa.create_calibration(people["super1"], call_id)
    from seatdesk.ui.screens.qa_score import QaScoreScreen

    app = _app(backend, sqlite_url, people["qa1"], clock)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(app, pilot)
        app.push_screen(QaScoreScreen(calibration_id=session))
        await _settle(app, pilot)
        form = app.screen.query_one(ScoreForm)
        for key, answer in perfect(form.form).items():
            form.set_answer(key, answer)
        await pilot.press("f10")
        await _settle(app, pilot)
        message = _text(app, "#qa-message")
        assert "submitted" in message and "notified" not in message
    backend.close()


async def test_item10_agents_see_no_ruling_key_and_read_only_forms_no_scoring_keys(
        sqlite_url, clock):
    backend, people = _setup(sqlite_url, clock)
    ev = _scored_for_agent(backend, people)
    app = _app(backend, sqlite_url, people["agent1"], clock)
    async with app.run_test(size=(140, 40)) as pilot:
        app.open_screen("my_qa")
        await _settle(app, pilot)
        assert "toggle_disputes" not in _active(app)
    from seatdesk.ui.screens.qa_score import QaScoreScreen

    app = _app(backend, sqlite_url, people["qa1"], clock)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(app, pilot)
        app.push_screen(QaScoreScreen(evaluation_id=ev.id))
        await _settle(app, pilot)
        app.screen.query_one(ScoreForm).focus_item()
        await pilot.pause()
        assert not {"na", "save", "submit"} & _active(app)
    backend.close()
