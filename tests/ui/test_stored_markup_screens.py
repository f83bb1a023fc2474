"""Defect 12 on the remaining screens: stored text with ``[/]`` or ``[link=…]`` shows as typed.

Handover, my QA (the agent's evaluations, the lead's disputes and coaching) and QA
calibration each show what people typed; Rich markup in it must neither crash the screen
(MarkupError) nor become a live link.
"""

from __future__ import annotations

from sqlalchemy import select, update
from textual.worker import WorkerCancelled

from seatdesk.data.models import QaForm, User
from seatdesk.domain.qa.scoring import Answer
from seatdesk.exchange.qa_default_form import ensure_default_form
from seatdesk.services.admin import QueueInput
from seatdesk.services.container import Backend
from seatdesk.services.dto import SYSTEM, WrapUp
from seatdesk.services.settings import Settings
from seatdesk.ui.app import SeatdeskApp
from tests.data.qa_helpers import perfect
from tests.factories import floor

MARKUP = "[/] [link=https://evil.example]click[/link] [b]x"


async def _settle(app, pilot):
    # A change hint may restart an exclusive load worker: a cancelled one is not a failure
    # (on a loaded machine the poll's hint lands mid-load and the wait saw WorkerCancelled).
    for _ in range(3):
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:
            await app.workers.wait_for_complete()
        await pilot.pause()


def _shown(widget) -> str:
    return str(widget.render())


def _cells(table) -> str:
    return " ".join(str(c) for r in range(table.row_count) for c in table.get_row_at(r))


def _no_link(table) -> None:
    """No cell carries a link style (markup would have made one)."""
    for r in range(table.row_count):
        for cell in table.get_row_at(r):
            assert "link" not in str(getattr(cell, "style", "")), cell
            for span in getattr(cell, "spans", []):
                assert "link" not in str(span.style), cell


def _rename(backend, login: str, name: str) -> None:
    with backend.db.write() as s:
        s.execute(update(User).where(User.login == login).values(name=name))


async def test_handover_shows_names_items_remarks_and_refusals_as_typed(sqlite_url, clock):
    backend = Backend.open(sqlite_url, clock)
    people = floor(backend)
    backend.users.add_user("lead1b", name="B", role="team_lead", password="secret123",
                           team="t1")
    _rename(backend, "lead1b", "Lead " + MARKUP)
    lead = people["lead1"]
    h = backend.handover.start(lead)
    h = backend.handover.add_note(lead, h.id, "note " + MARKUP)
    for i in range(len(h.items)):
        backend.handover.check(lead, h.id, i, True, remark="remark " + MARKUP)
    backend.handover.sign_out(lead, h.id, "lead1b")
    backend.handover.refuse(backend.users.actor("lead1b"), h.id, "why " + MARKUP)
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=lead, clock=clock)
    async with app.run_test(size=(160, 45)) as pilot:
        app.open_screen("handover")
        await _settle(app, pilot)
        screen = app.screen
        assert screen.__class__.__name__ == "HandoverScreen"
        title = _shown(screen.query_one("#handover-title"))
        assert "Lead " + MARKUP in title and "why " + MARKUP in title
        items = screen.query_one("#handover-items")
        listing = screen.query_one("#handover-list")
        assert "note " + MARKUP in _cells(items) and "remark " + MARKUP in _cells(items)
        assert "Lead " + MARKUP in _cells(listing)
        _no_link(items)
        _no_link(listing)
    backend.close()


async def test_the_floor_shows_agent_and_queue_names_as_typed(sqlite_url, clock):
    backend = Backend.open(sqlite_url, clock)
    people = floor(backend)
    _rename(backend, "agent1", "Agent " + MARKUP)
    backend.agents.log_in(people["agent1"])
    backend.admin.update_queue(people["super1"], "general", QueueInput(
        "general", "General " + MARKUP, "综合 " + MARKUP))
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=people["lead1"], clock=clock)
    async with app.run_test(size=(160, 45)) as pilot:
        app.open_screen("floor")
        await _settle(app, pilot)
        agents = app.screen.query_one("#floor-agents")
        queues = app.screen.query_one("#floor-queues")
        assert "Agent " + MARKUP in _cells(agents) and MARKUP in _cells(queues)
        _no_link(agents)
        _no_link(queues)
    backend.close()


def _evaluated_call(backend, people) -> int:
    """agent1's call, with markup in its notes, scored by qa1 with markup in the feedback."""
    agent, qa = people["agent1"], people["qa1"]
    call_id = backend.calls.offer_inbound(SYSTEM, "13900000000", "general")
    backend.calls.claim(agent, call_id)
    clock = backend.clock
    clock.advance(seconds=60)  # type: ignore[attr-defined]
    backend.calls.end(agent, call_id)
    backend.calls.save_wrap_up(agent, call_id, WrapUp(
        category="repair", disposition="resolved", resolved=True, notes="notes " + MARKUP,
        question="question " + MARKUP))
    ev = backend.qa.start_evaluation(qa, call_id)
    answers = perfect(ev.form)
    answers["opening.greeting"] = Answer(value=0, comment="item " + MARKUP)
    backend.qa.submit(qa, ev.id, answers, comment="feedback " + MARKUP)
    return call_id


async def test_my_evaluations_show_feedback_and_the_call_record_as_typed(sqlite_url, clock):
    backend = Backend.open(sqlite_url, clock)
    people = floor(backend)
    ensure_default_form(backend)
    _rename(backend, "qa1", "Inspector " + MARKUP)
    _evaluated_call(backend, people)
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=people["agent1"], clock=clock)
    async with app.run_test(size=(160, 45)) as pilot:
        app.open_screen("my_qa")
        await _settle(app, pilot)
        screen = app.screen
        assert screen.__class__.__name__ == "MyEvaluationsScreen"
        head = _shown(screen.query_one("#detail-head"))
        assert "feedback " + MARKUP in head and "Inspector " + MARKUP in head
        record = _shown(screen.query_one("#record-text"))
        assert "notes " + MARKUP in record and "question " + MARKUP in record
        await pilot.press("d")  # a dispute: the reason typed is shown back as typed
        await pilot.pause()
        await pilot.click("#reason")
        await pilot.press(*"[/]")
        await _settle(app, pilot)
        assert app.screen is screen
    backend.close()


async def test_the_leads_disputes_and_coaching_show_names_as_typed(sqlite_url, clock):
    backend = Backend.open(sqlite_url, clock)
    people = floor(backend)
    ensure_default_form(backend)
    _rename(backend, "agent1", "Agent " + MARKUP)
    agent = backend.users.actor("agent1")
    call_id = _evaluated_call(backend, {**people, "agent1": agent})
    [ev] = backend.qa.my_evaluations(agent)
    backend.qa.dispute(agent, ev.id, {"opening.greeting": "reason " + MARKUP})
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=people["lead1"], clock=clock)
    async with app.run_test(size=(160, 45)) as pilot:
        app.open_screen("my_qa")
        await _settle(app, pilot)
        await pilot.press("t")  # the disputes waiting for the lead
        await _settle(app, pilot)
        table = app.screen.query_one("#mine")
        assert "Agent " + MARKUP in _cells(table)
        _no_link(table)
        await pilot.press("enter")
        await _settle(app, pilot)
        assert app.screen.__class__.__name__ == "DisputeRulingScreen"
        head = _shown(app.screen.query_one("#ruling-head"))
        assert "reason " + MARKUP in head and "Agent " + MARKUP in head
        assert f"#{call_id}" in _shown(app.screen.query_one("#record-text"))
        assert "notes " + MARKUP in _shown(app.screen.query_one("#record-text"))
    backend.close()


async def test_calibration_shows_the_forms_questions_as_typed(sqlite_url, clock):
    backend = Backend.open(sqlite_url, clock)
    people = floor(backend)
    ensure_default_form(backend)
    with backend.db.write() as s:  # a supervisor wrote markup into a question
        form = s.scalar(select(QaForm).where(QaForm.published.is_(True)))
        definition = dict(form.definition)
        sections = [dict(sec) for sec in definition["sections"]]
        items = [dict(i) for i in sections[0]["items"]]
        items[0]["question"] = "Q " + MARKUP
        sections[0]["items"] = items
        definition["sections"] = sections
        form.definition = definition
    boss, qa = people["super1"], people["qa1"]
    agent = people["agent1"]
    call_id = backend.calls.offer_inbound(SYSTEM, "13900000000", "general")
    backend.calls.claim(agent, call_id)
    backend.calls.end(agent, call_id)
    backend.calls.save_wrap_up(agent, call_id, WrapUp(
        category="repair", disposition="resolved", resolved=True))
    session = backend.qa.create_calibration(boss, call_id)
    for inspector in (boss, qa):
        ev = backend.qa.start_calibration_score(inspector, session)
        backend.qa.submit(inspector, ev.id, perfect(ev.form))
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=boss, clock=clock)
    async with app.run_test(size=(160, 45)) as pilot:
        app.open_screen("qa")
        await _settle(app, pilot)
        await pilot.press("k")
        await _settle(app, pilot)
        await pilot.press("x")  # close the session: the spread per question
        await _settle(app, pilot)
        spread = app.screen.query_one("#spread")
        assert "Q [/] [link=https://evil.example]cl" in _cells(spread)
        _no_link(spread)
    backend.close()


async def test_admin_qa_roster_and_schedule_lists_show_typed_text_as_typed(sqlite_url, clock):
    """The other screens that list what people typed: names, reasons, decision notes."""
    from datetime import date

    backend = Backend.open(sqlite_url, clock)
    people = floor(backend)
    ensure_default_form(backend)
    _rename(backend, "agent1", "Agent " + MARKUP)
    agent, lead = backend.users.actor("agent1"), people["lead1"]
    backend.admin.update_queue(people["super1"], "general", QueueInput(
        "general", "General " + MARKUP, "综合 " + MARKUP))
    call_id = backend.calls.offer_inbound(SYSTEM, "13900000000", "general")
    backend.calls.claim(agent, call_id)
    backend.calls.end(agent, call_id)
    backend.calls.save_wrap_up(agent, call_id, WrapUp(
        category="repair", disposition="resolved", resolved=True))
    wed = date(2026, 11, 25)
    backend.roster.ensure_default_templates(lead)
    backend.roster.assign(lead, agent.user_id, wed, "D")
    backend.roster.publish(lead, None, wed)
    request = backend.roster.request_leave(agent, wed, "reason " + MARKUP)
    backend.roster.decide(lead, request.id, False, note="note " + MARKUP)
    backend.roster.request_leave(agent, date(2026, 11, 26), "again " + MARKUP)
    screens = [("admin1", "admin", ("#users", "#queues")), ("qa1", "qa", ("#calls",)),
               ("lead1", "roster", ("#roster-grid",)),
               ("agent1", "my_schedule", ("#schedule-requests",))]
    for login, screen_name, tables in screens:
        app = SeatdeskApp(backend, Settings(db_url=sqlite_url),
                          actor=backend.users.actor(login), clock=clock)
        async with app.run_test(size=(160, 45)) as pilot:
            app.open_screen(screen_name)
            await _settle(app, pilot)
            for table_id in tables:
                table = app.screen.query_one(table_id)
                assert MARKUP in _cells(table), (screen_name, table_id)
                _no_link(table)
            if screen_name == "roster":
                await pilot.press("q")  # the team's leave and swap requests
                await _settle(app, pilot)
                table = app.screen.query_one("DataTable")
                assert "again " + MARKUP in _cells(table)
                _no_link(table)
    backend.close()
