"""QA screens end to end: scoring (N/A, critical fail, required comment), dispute, calibration."""

from __future__ import annotations

from sqlalchemy import select

from seatdesk.data.models import Notification, QaEvaluation
from seatdesk.domain.i18n import set_language
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


async def _settle(app, pilot):
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def _status(app, id="#qa-message"):
    return str(app.screen.query_one(id).render())


# The default form's items in order, with the keys an inspector presses for a good call.
GOOD_KEYS = ["1", "1", "5", "1", "5", "5", "1", "1", "5", "3", "1", "1", "1", "1"]


async def test_score_a_call_end_to_end(sqlite_url, clock):
    backend, people = _setup(sqlite_url, clock)
    call_id = closed_call(backend, people["agent1"], recording="rec/42.wav")
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=people["qa1"], clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        assert app.screen.__class__.__name__ == "QaScreen"
        assert str(call_id) in app.screen.query_one("#calls").rows
        await pilot.press("enter")
        await _settle(app, pilot)
        assert app.screen.__class__.__name__ == "QaScoreScreen"
        record = str(app.screen.query_one("#record-text").render())
        assert "answered" in record and "rec/42.wav" in record
        form = app.screen.query_one(ScoreForm)
        # greeting: no (low, needs a comment, the cursor stays on it)
        await pilot.press("0")
        assert form.current.key == "opening.greeting"
        await pilot.press("down", "1", "5", "1", "5", "5", "1", "1")
        # solution confirmed: N/A, then the rest good, but "argues with customer" fails
        await pilot.press("n", "3", "1", "1", "1", "0")
        await pilot.pause()
        assert form.answers["resolution.solution_confirmed"].na
        total = _status(app, "#total")
        assert "CRITICAL" in total and "0.0" in total
        await pilot.press("f10")
        await _settle(app, pilot)
        assert "needs a comment" in _status(app)
        # Write the comments the low answers require, then submit.
        form.focus_item("opening.greeting")
        await pilot.press("c", *"no ID", "enter")
        form.focus_item("critical.no_argument")
        await pilot.press("c", *"raised voice", "enter")
        await pilot.press("o", *"see comments")
        await pilot.press("f10")
        await _settle(app, pilot)
        assert "submitted" in _status(app)
        assert form.read_only
        await pilot.press("1")  # nothing changes any more
        with backend.db.read() as s:
            ev = s.scalar(select(QaEvaluation).where(QaEvaluation.call_id == call_id))
            assert ev.state == "submitted" and ev.score == 0 and ev.critical_failed
            assert ev.answers["resolution.solution_confirmed"]["na"] is True
            assert ev.answers["opening.greeting"]["c"] == "no ID"
            assert ev.comment == "see comments"
            assert ev.answers["opening.greeting"]["v"] == 0
            assert s.scalar(select(Notification.user_id).where(Notification.kind == "qa")) \
                == people["agent1"].user_id
    backend.close()


async def test_score_passes_and_plays_recording(sqlite_url, clock, monkeypatch, tmp_path):
    backend, people = _setup(sqlite_url, clock)
    call_id = closed_call(backend, people["agent1"], recording="rec/7.wav")
    marker = tmp_path / "played"
    monkeypatch.setenv("SEATDESK_PLAYER", f"touch {marker}")
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=people["qa1"], clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await _settle(app, pilot)
        app.screen.open_scoring(call_id)
        await _settle(app, pilot)
        await pilot.press(*GOOD_KEYS)
        await pilot.pause()
        assert "pass" in _status(app, "#total") and "100.0" in _status(app, "#total")
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert "draft saved" in _status(app)
        await pilot.press("p")
        await pilot.pause()
        monkeypatch.setenv("SEATDESK_PLAYER", "no-such-player-xyz {ref}")
        await pilot.press("p")
        await pilot.pause()
        assert "not installed" in _status(app)
    with backend.db.read() as s:
        ev = s.scalar(select(QaEvaluation).where(QaEvaluation.call_id == call_id))
        assert ev.state == "draft" and ev.score == 100
    import time

    for _ in range(50):
        if marker.exists():
            break
        time.sleep(0.05)
    assert marker.exists()
    backend.close()


async def test_dispute_to_new_revision(sqlite_url, clock):
    backend, people = _setup(sqlite_url, clock)
    qa, agent = people["qa1"], people["agent1"]
    ev = backend.qa.start_evaluation(qa, closed_call(backend, agent))
    answers = perfect(ev.form)
    answers["opening.greeting"] = Answer(value=0, comment="no ID")
    backend.qa.submit(qa, ev.id, answers)
    other = backend.qa.start_evaluation(qa, closed_call(backend, people["agent2"]))
    backend.qa.submit(qa, other.id, perfect(other.form))

    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=agent, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_screen("my_qa")
        await _settle(app, pilot)
        table = app.screen.query_one("#mine")
        assert table.row_count == 1  # agent2's evaluation is not listed
        await pilot.press("d")
        await pilot.pause()
        assert app.screen.query_one(ScoreForm).current.key == "opening.greeting"
        await pilot.click("#reason")
        await pilot.press(*"I said 1001")
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert "sent" in _status(app, "#my-status")
    lead = people["lead1"]
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=lead, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_screen("my_qa")
        await _settle(app, pilot)
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("enter")
        await _settle(app, pilot)
        assert app.screen.__class__.__name__ == "DisputeRulingScreen"
        assert "I said 1001" in _status(app, "#ruling-head")
        await pilot.press("ctrl+s")  # no reason yet
        await pilot.pause()
        assert "reason" in _status(app, "#my-status")
        app.screen.query_one(ScoreForm).focus_item("opening.greeting")
        await pilot.press("1")
        await pilot.click("#ruling")
        await pilot.press(*"greeting heard at 0:02", "ctrl+s")
        await _settle(app, pilot)
        assert app.screen.__class__.__name__ == "MyEvaluationsScreen"
    chain = backend.qa.history(agent, ev.id)
    assert [(e.revision, e.score) for e in chain] == [(1, 90.0), (2, 100.0)]
    assert chain[0].response.reasons == {"opening.greeting": "I said 1001"}
    assert chain[0].response.ruling == "greeting heard at 0:02"
    backend.close()


async def test_calibration_session(sqlite_url, clock):
    backend, people = _setup(sqlite_url, clock)
    closed_call(backend, people["agent1"])
    boss, qa = people["super1"], people["qa1"]
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=boss, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_screen("qa")
        await _settle(app, pilot)
        await pilot.press("k")
        await pilot.pause()
        await pilot.press("n")
        await _settle(app, pilot)
        assert app.screen.query_one("#sessions").row_count == 1
        await pilot.press("enter")
        await _settle(app, pilot)
        await pilot.press(*GOOD_KEYS, "f10")
        await _settle(app, pilot)
        assert "submitted" in _status(app)
        await pilot.press("escape")
        await _settle(app, pilot)
    [session] = backend.qa.calibrations(qa)
    ev = backend.qa.start_calibration_score(qa, session.id)
    answers = perfect(ev.form)
    answers["courtesy.emotion"] = Answer(value=3)
    backend.qa.submit(qa, ev.id, answers)
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=boss, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_screen("qa")
        await _settle(app, pilot)
        await pilot.press("k")
        await _settle(app, pilot)
        await pilot.press("x")
        await _settle(app, pilot)
        spread = app.screen.query_one("#spread")
        assert [str(c) for c in spread.get_row("courtesy.emotion")[1:4]] == [
            "50.0", "100.0", "25.0"]
        distances = _status(app, "#distances")
        assert "qa1" in distances and "5.0" in distances
    assert backend.qa.my_evaluations(people["agent1"]) == []
    backend.close()


async def test_form_shows_chinese_questions(sqlite_url, clock):
    backend, people = _setup(sqlite_url, clock)
    call_id = closed_call(backend, people["agent1"])
    set_language("zh")
    try:
        app = SeatdeskApp(backend, Settings(db_url=sqlite_url, lang="zh"), actor=people["qa1"],
                          clock=clock)
        async with app.run_test(size=(120, 40)) as pilot:
            await _settle(app, pilot)
            app.screen.open_scoring(call_id)
            await _settle(app, pilot)
            form = app.screen.query_one(ScoreForm)
            text = str(form.row("courtesy.five_voices").render())
            assert "使用五声十一字" in text
            assert "开场" in str(form.query(".section-title").first().render())
            await pilot.press("0")
            await pilot.press("f10")
            await _settle(app, pilot)
            assert "请先为每一项评分" in _status(app)
    finally:
        set_language("en")
    backend.close()
