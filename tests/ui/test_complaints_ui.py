"""Pilot tests: the complaint and callback dialogs, the callbacks and complaints screens."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from textual.widgets import DataTable, Input, Select, Static, TextArea
from textual.worker import WorkerCancelled

from seatdesk.data.models import Callback, Complaint
from seatdesk.services.callbacks import CallbackInput
from seatdesk.services.complaints import ComplaintInput
from seatdesk.services.container import Backend
from seatdesk.services.dto import SYSTEM, WrapUp
from seatdesk.services.settings import Settings
from seatdesk.ui.app import SeatdeskApp
from seatdesk.ui.dialogs.callback import ScheduleCallbackDialog
from seatdesk.ui.dialogs.complaint import RegisterComplaintDialog
from seatdesk.ui.screens.callbacks import CallbacksScreen, StartOutbound
from seatdesk.ui.screens.complaints import ComplaintsScreen, ComplaintStepDialog
from tests.factories import customer, floor


async def _settle(app, pilot):
    # A change hint may restart an exclusive load worker: a cancelled one is not a failure.
    for _ in range(2):
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:
            await app.workers.wait_for_complete()
        await pilot.pause()


def _app(sqlite_url, clock, login="agent1"):
    backend = Backend.open(sqlite_url, clock)
    people = floor(backend)
    cid = customer(backend, people["agent1"], "王芳", "13800138000")
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=people[login], clock=clock)
    return app, backend, people, cid


async def test_register_complaint_dialog_reaches_the_database(sqlite_url, clock):
    app, backend, people, cid = _app(sqlite_url, clock)
    call_id = backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    backend.calls.claim_next(people["agent1"])
    results = []
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        app.push_screen(RegisterComplaintDialog(call_id=call_id, customer_id=cid),
                        results.append)
        await pilot.pause()
        dialog = app.screen
        # Saving without a category says so and keeps the dialog open.
        dialog.query_one("#summary", TextArea).text = "净水器漏水"
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert "category" in str(dialog.query_one("#complaint-error", Static).render())
        dialog.query_one("#category", Select).value = "product"
        dialog.query_one("#severity", Select).value = "high"
        dialog.query_one("#wants", Input).value = "上门维修"
        dialog.query_one("#department", Input).value = "售后部"
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert results and isinstance(results[0], int)
    with backend.db.read() as s:
        c = s.get(Complaint, results[0])
        assert (c.category, c.severity, c.summary, c.customer_wants, c.call_id) == (
            "product", "high", "净水器漏水", "上门维修", call_id)
        assert s.scalar(select(Callback.source).where(Callback.complaint_id == c.id)) == \
            "complaint"
    backend.close()


async def test_a_refused_save_is_said_on_the_dialog_at_the_refused_field(sqlite_url, clock):
    """The service refuses (an empty summary, a past due time): the dialog says so, the cursor
    goes to that field, what was typed stays, and the app adds no second toast for it."""
    app, backend, people, cid = _app(sqlite_url, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        app.push_screen(RegisterComplaintDialog(customer_id=cid))
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#category", Select).value = "product"
        dialog.query_one("#wants", Input).value = "上门维修"
        await pilot.press("ctrl+s")  # no summary: the service's refusal
        await _settle(app, pilot)
        assert app.screen is dialog
        assert "summary" in str(dialog.query_one("#complaint-error", Static).render())
        assert app.focused is dialog.query_one("#summary", TextArea)
        assert dialog.query_one("#wants", Input).value == "上门维修"
        assert not list(app._notifications)
        await pilot.press("escape")
        await pilot.pause()
        dialog = ScheduleCallbackDialog(customer_id=cid)
        app.push_screen(dialog)
        await pilot.pause()
        # Past the box's own limit (set, not typed): the service's check answers.
        dialog.query_one("#reason", Input).value = "x" * 2001
        dialog.query_one("#due", Input).value = "明天 10:00"
        await pilot.pause()
        dialog.action_save()
        await _settle(app, pilot)
        assert app.screen is dialog
        assert "too long" in str(dialog.query_one("#callback-error", Static).render())
        assert not list(app._notifications)
    backend.close()


async def test_callback_dialog_bad_date_keeps_the_text_then_saves(sqlite_url, clock):
    app, backend, people, cid = _app(sqlite_url, clock)
    results = []
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        app.push_screen(ScheduleCallbackDialog(customer_id=cid), results.append)
        await pilot.pause()
        dialog = app.screen
        await pilot.press(*"next blursday", "enter")
        await _settle(app, pilot)
        due = dialog.query_one("#due", Input)
        assert due.value == "next blursday"  # kept as typed
        error = str(dialog.query_one("#callback-error", Static).render())
        assert "next blursday" in error
        assert app.screen is dialog and not results
        # A past time is refused too.
        due.value = "9:00"
        await pilot.pause()
        assert "already passed" in str(dialog.query_one("#due-preview", Static).render())
        due.value = "明天 10:00"
        await pilot.pause()
        preview = str(dialog.query_one("#due-preview", Static).render())
        assert preview == "due Tue 2026-11-24 10:00 (tomorrow)"
        dialog.query_one("#reason", Input).value = "确认维修时间"
        due.focus()
        await pilot.press("enter")
        await _settle(app, pilot)
        assert results and isinstance(results[0], int)
    with backend.db.read() as s:
        b = s.get(Callback, results[0])
        assert b.reason == "确认维修时间" and b.owner_id == people["agent1"].user_id
        assert b.due_at == clock() + timedelta(hours=24, minutes=30)
    backend.close()


async def test_callbacks_screen_takes_from_the_pool_and_starts(sqlite_url, clock):
    app, backend, people, cid = _app(sqlite_url, clock)
    agent = people["agent1"]
    pooled = backend.callbacks.schedule(people["agent2"], CallbackInput(
        cid, clock() + timedelta(minutes=5), reason="池", to_pool=True))
    backend.callbacks.schedule(agent, CallbackInput(cid, clock() + timedelta(hours=5)))
    results = []
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        app.push_screen(CallbacksScreen(), results.append)
        await _settle(app, pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 2
        # Mine first (issue 15: in a long list the agent's own were last), then the pool's.
        assert str(table.get_row_at(0)[6]) == "me"
        await pilot.press("down", "enter")
        await _settle(app, pilot)
    assert results == [StartOutbound(customer_id=cid, number="+8613800138000",
                                     purpose="callback", callback_id=pooled.id)]
    assert backend.callbacks.get(agent, pooled.id).owner_id == agent.user_id
    backend.close()


async def test_complaints_screen_lists_and_closes_only_after_return_call(sqlite_url, clock):
    app, backend, people, cid = _app(sqlite_url, clock, login="lead1")
    agent = people["agent1"]
    row = backend.complaints.register(agent, ComplaintInput(
        customer_id=cid, category="billing", summary="多收费", owner_department="财务部"))
    other = backend.complaints.register(agent, ComplaintInput(
        customer_id=cid, category="product", summary="漏水"))
    clock.advance(hours=25)
    late = backend.complaints.register(agent, ComplaintInput(
        customer_id=cid, category="service", summary="态度差"))
    backend.complaints.answer(people["lead1"], row.id, "退款", company_fault=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        app.push_screen(ComplaintsScreen())
        await _settle(app, pilot)
        screen = app.screen
        table = screen.query_one("#complaints", DataTable)
        assert table.row_count == 3
        await pilot.press("d")  # overdue only
        await _settle(app, pilot)
        assert [r.id for r in screen.rows] == [row.id, other.id]
        assert "财务部" in str(screen.query_one("#by-owner", Static).render())
        # Close is refused without a return call; the form stays with the text typed.
        await pilot.press("c")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ComplaintStepDialog)
        dialog.query_one("#closing_summary", Input).value = "已退款"
        dialog.query_one("#lesson", Input).value = "核对账单"
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert app.screen is dialog
        assert "return call" in str(dialog.query_one("#step-error", Static).render())
        assert dialog.query_one("#lesson", Input).value == "核对账单"
        await pilot.press("escape")
        await pilot.pause()
        # The return call reaches the customer; now closing works from the screen.
        view = backend.calls.start_outbound(agent, customer_id=cid,
                                            purpose="complaint_follow_up", complaint_id=row.id)
        backend.calls.save_wrap_up(agent, view.id, WrapUp(outbound_outcome="reached"))
        await pilot.press("c")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#closing_summary", Input).value = "已退款"
        dialog.query_one("#lesson", Input).value = "核对账单"
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert app.screen is screen
        assert [r.id for r in screen.rows] == [other.id]
        assert late.id not in [r.id for r in screen.rows]
    with backend.db.read() as s:
        c = s.get(Complaint, row.id)
        assert c.state == "closed" and c.lesson == "核对账单"
    backend.close()
