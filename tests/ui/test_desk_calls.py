"""Whole calls driven through the desk, asserting what reached the database."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select
from textual.widgets import Input, Select, TextArea

from seatdesk.data.models import AgentStatus, Call, CallEvent, CallState
from seatdesk.services.container import Backend
from seatdesk.services.dto import SYSTEM
from seatdesk.ui.dialogs.desk import NewCustomerDialog, PickCustomerDialog, TransferDialog
from seatdesk.ui.screens.desk import DeskScreen
from tests.ui.desk_support import desk_app, settle, take_call, until


def _events(backend: Backend, call_id: int) -> list[str]:
    with backend.db.read() as s:
        return [e.kind for e in s.scalars(select(CallEvent).where(CallEvent.call_id == call_id)
                                          .order_by(CallEvent.id))]


def _call(backend: Backend, call_id: int) -> Call:
    with backend.db.read() as s:
        row = s.get(Call, call_id)
        assert row is not None
        s.expunge(row)
        return row


def _fill(desk: DeskScreen, **values: object) -> None:
    form = desk.form
    for name, value in values.items():
        widget = form.query_one(f"#{name}")
        if isinstance(widget, Select):
            widget.value = value
        elif isinstance(widget, TextArea):
            widget.text = str(value)
        else:
            assert isinstance(widget, Input)
            widget.value = str(value)


async def test_inbound_call_answered_held_resumed_wrapped_up(floor_backend, sqlite_url, clock):
    backend, data = floor_backend
    agent = data["people"]["agent1"]
    call_id = backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    clock.advance(seconds=20)
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        desk = app.screen
        assert isinstance(desk, DeskScreen)
        assert [c.id for c in desk.queue_table.calls] == [call_id]
        with backend.db.read() as s:
            assert s.get(AgentStatus, agent.user_id).state.value == "available"
        await pilot.press("f2")
        await settle(app, pilot)
        assert desk.call is not None and desk.call.id == call_id
        assert desk.card is not None and desk.card.name == "王芳"
        assert desk.queue_table.calls == []
        # The script greets with the company and the agent's ID, and names the customer.
        script_text = str(desk.script_pane.render())
        assert "XX公司" in script_text and agent.agent_no in script_text
        assert "王芳" in script_text
        assert desk.script_pane.stage_name == "problem"  # the customer is identified
        clock.advance(seconds=30)
        await pilot.press("f3")
        await settle(app, pilot)
        assert desk.call.state == "held"
        clock.advance(seconds=10)
        await pilot.press("f3")
        await settle(app, pilot)
        assert desk.call.state == "active"
        _fill(desk, category="repair")
        await settle(app, pilot)
        assert desk.script_pane.script is not None
        assert desk.script_pane.script.category == "repair"
        assert desk.script_pane.stage_name == "solve"
        clock.advance(seconds=40)
        await pilot.press("f5")
        await settle(app, pilot)
        assert desk.call.state == "wrap_up"
        assert desk.script_pane.stage_name == "confirm"
        _fill(desk, disposition="resolved", resolved=True, satisfaction=5,
              question="滤芯漏水", notes="更换滤芯,已解决", follow_up="tomorrow 10:00")
        clock.advance(seconds=15)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert desk.call is None
    row = _call(backend, call_id)
    assert row.state == CallState.CLOSED
    assert (row.category, row.disposition, row.resolved, row.satisfaction) == (
        "repair", "resolved", True, 5)
    assert row.notes == "更换滤芯,已解决" and row.question == "滤芯漏水"
    assert (row.talk_seconds, row.hold_seconds, row.wrap_seconds) == (70, 10, 15)
    # 10:00 tomorrow in Shanghai is 02:00 UTC.
    assert row.follow_up_at is not None and row.follow_up_at.hour == 2
    script = backend.scripts.get(row.script_id)
    assert script is not None and script.category == "repair"
    assert _events(backend, call_id) == ["queued", "offered", "answered", "held", "resumed",
                                         "category", "ended", "closed"]


async def test_required_fields_and_first_contact_rule(floor_backend, sqlite_url, clock):
    backend, data = floor_backend
    agent = data["people"]["agent1"]
    call_id = backend.calls.offer_inbound(SYSTEM, "13900139000", "general")
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(120, 40)) as pilot:
        desk = await take_call(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "category" in desk.form.error_text
        assert app.focused is desk.form.query_one("#category")
        _fill(desk, category="complaint", disposition="handed_over", resolved=False,
              notes="客户要求退款")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "handed to" in desk.form.error_text
        assert app.focused is desk.form.query_one("#handed_to")
        # Nothing typed was lost, nothing was saved.
        assert desk.form.values()["notes"] == "客户要求退款"
        assert _call(backend, call_id).state == CallState.ACTIVE
        _fill(desk, handed_to="售后部 刘经理")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    row = _call(backend, call_id)
    assert row.state == CallState.CLOSED and row.handed_to == "售后部 刘经理"
    assert row.resolved is False


async def test_transfer_to_a_queue_then_wrap_up(floor_backend, sqlite_url, clock):
    backend, data = floor_backend
    agent = data["people"]["agent1"]
    call_id = backend.calls.offer_inbound(SYSTEM, "13900139000", "general")
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(120, 40)) as pilot:
        desk = await take_call(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, TransferDialog)
        dialog.query_one("#tr-agent", Input).value = "nobody"
        await pilot.click("#transfer")
        await settle(app, pilot)
        assert "nobody" in str(dialog.query_one("#tr-error").render())
        dialog.query_one("#tr-agent", Input).value = ""
        dialog.query_one("#tr-queue", Select).value = "vip"
        await settle(app, pilot)  # the error line goes: the button moves before a user clicks
        await pilot.click("#transfer")
        assert await until(app, pilot, lambda: app.screen is desk)
        assert desk.call is not None and desk.call.state == "wrap_up"
        _fill(desk, category="query", disposition="handed_over", resolved=False,
              handed_to="VIP专线")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    row = _call(backend, call_id)
    assert row.state == CallState.CLOSED and row.transferred
    assert row.transfer_target == "queue:vip"
    with backend.db.read() as s:
        leg = s.scalar(select(Call).where(Call.parent_call_id == call_id))
        assert leg is not None and leg.state == CallState.QUEUED


async def test_abandoned_call_disappears_from_the_queue(floor_backend, sqlite_url, clock):
    backend, data = floor_backend
    agent = data["people"]["agent1"]
    first = backend.calls.offer_inbound(SYSTEM, "13900139000", "general")
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        desk = app.screen
        assert [c.id for c in desk.queue_table.calls] == [first]
        second = backend.calls.offer_inbound(SYSTEM, "13800138000", "vip")
        backend.calls.mark_abandoned(SYSTEM, first)
        # The change feed (PRAGMA data_version) wakes the seat; no key is pressed.
        for _ in range(40):
            await asyncio.sleep(0.05)
            await settle(app, pilot, rounds=1)
            if [c.id for c in desk.queue_table.calls] == [second]:
                break
        assert [c.id for c in desk.queue_table.calls] == [second]
        assert desk.queue_table.row_count == 1


OUTCOMES = ["reached", "no_answer", "busy", "wrong_number", "refused", "call_back_later"]


async def test_outbound_calls_record_each_outcome(floor_backend, sqlite_url, clock):
    backend, data = floor_backend
    agent = data["people"]["agent1"]
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        desk = app.screen
        # One session, one outbound call per outcome (an app start costs seconds here).
        for outcome in OUTCOMES:
            desk.start_outbound(customer_id=data["customers"]["li"], purpose="survey")
            await settle(app, pilot)
            assert desk.call is not None and desk.call.direction == "outbound"
            assert desk.card is not None and desk.card.name == "李雷"
            assert desk.script_pane.script is not None
            assert (desk.script_pane.script.direction, desk.script_pane.script.category) == (
                "outbound", "survey")
            assert not desk.form.query_one("#row-outbound_outcome").has_class("hidden")
            assert desk.form.query_one("#row-disposition").has_class("hidden")
            _fill(desk, outbound_outcome=outcome, notes=f"outcome {outcome}")
            if outcome == "call_back_later":
                await pilot.press("ctrl+s")
                await settle(app, pilot)
                assert "follow-up" in desk.form.error_text
                _fill(desk, follow_up="in 2 hours")
            if outcome == "reached":
                _fill(desk, satisfaction=4)
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert desk.call is None, outcome
            clock.advance(minutes=1)
    with backend.db.read() as s:
        rows = list(s.scalars(select(Call).where(Call.direction == "outbound")
                              .order_by(Call.id)))
    assert [r.outbound_outcome for r in rows] == OUTCOMES
    for row in rows:
        assert row.state == CallState.CLOSED and row.outbound_purpose == "survey"
        assert row.notes == f"outcome {row.outbound_outcome}" and row.script_id is not None
    assert rows[0].satisfaction == 4
    assert rows[-1].follow_up_at is not None


async def test_screen_pop_unknown_caller_and_shared_number(floor_backend, sqlite_url, clock):
    backend, data = floor_backend
    agent = data["people"]["agent1"]
    unknown = backend.calls.offer_inbound(SYSTEM, "13511112222", "general")
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(120, 40)) as pilot:
        desk = await take_call(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, NewCustomerDialog)
        assert dialog.query_one("#nc-phones", Input).value == "135****2222"
        dialog.query_one("#nc-name", Input).value = "赵敏"
        # A second number typed wrong: the message is under the field, the text stays.
        dialog.query_one("#nc-phones", Input).value = "135****2222, 12ab34"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is dialog
        assert "letters" in str(dialog.query_one("#nc-err-phones").render())
        assert dialog.query_one("#nc-phones", Input).value == "135****2222, 12ab34"
        assert dialog.query_one("#nc-name", Input).value == "赵敏"
        dialog.query_one("#nc-phones", Input).value = "135****2222, 010-65529988"
        await pilot.press("ctrl+s")
        await settle(app, pilot, rounds=5)
        assert app.screen is desk
        assert desk.card is not None and desk.card.name == "赵敏"
        assert len(desk.card.phones) == 2
        _fill(desk, category="consultation", disposition="information", resolved=True)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        # Two customers share this number: the seat picks who is calling.
        shared = backend.calls.offer_inbound(SYSTEM, "13700137000", "general")
        await pilot.press("f2")
        await settle(app, pilot)
        picker = app.screen
        assert isinstance(picker, PickCustomerDialog)
        assert {c.name for c in picker.candidates} == {"张伟", "张丽"}
        target = next(c.id for c in picker.candidates if c.name == "张丽")
        picker.dismiss(target)
        await settle(app, pilot, rounds=4)
        assert desk.card is not None and desk.card.name == "张丽"
    assert _call(backend, unknown).customer_id is not None
    assert _call(backend, shared).customer_id == data["customers"]["zhang2"]
    found = backend.customers.lookup_by_phone("13511112222")
    assert [c.name for c in found] == ["赵敏"]


async def test_pause_with_a_reason_and_resume(floor_backend, sqlite_url, clock):
    backend, data = floor_backend
    agent = data["people"]["agent1"]
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        desk = app.screen
        await pilot.press("f9")
        await settle(app, pilot)
        app.screen.dismiss("meal")
        await settle(app, pilot)
        assert desk.status.state == "paused" and desk.status.reason == "meal"
        with backend.db.read() as s:
            row = s.get(AgentStatus, agent.user_id)
            assert (row.state.value, row.reason) == ("paused", "meal")
        await pilot.press("f9")
        await settle(app, pilot)
        assert desk.status.state == "available"


async def test_callback_from_f6_is_dialled_and_its_attempt_recorded(floor_backend, sqlite_url,
                                                                    clock):
    pytest.importorskip("seatdesk.ui.screens.callbacks")
    from datetime import timedelta

    from seatdesk.data.models import Callback
    from seatdesk.services.callbacks import CallbackInput
    from seatdesk.ui.screens.callbacks import StartOutbound

    backend, data = floor_backend
    agent = data["people"]["agent1"]
    row = backend.callbacks.schedule(agent, CallbackInput(
        customer_id=data["customers"]["li"], due_at=clock() + timedelta(minutes=5),
        reason="回访维修结果"))
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        desk = app.screen
        assert desk.status.callbacks_due == 1  # the status bar's alert
        await pilot.press("f6")
        await settle(app, pilot)
        assert app.screen.__class__.__name__ == "CallbacksScreen"
        app.screen.dismiss(StartOutbound(customer_id=row.customer_id, number="",
                                         purpose="callback", callback_id=row.id))
        await settle(app, pilot, rounds=4)
        assert desk.call is not None and desk.call.callback_id == row.id
        _fill(desk, outbound_outcome="no_answer")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert desk.call is None
    with backend.db.read() as s:
        cb = s.get(Callback, row.id)
        assert cb.attempts == 1 and cb.outcome == "no_answer" and cb.state == "open"
        assert cb.due_at > clock() + timedelta(minutes=5)  # backed off
