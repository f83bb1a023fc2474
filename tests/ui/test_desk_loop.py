"""The seat's live-call loop (issue 15): each defect found in a real shift, driven through
the real desk, asserting on focus, keys and what reached the database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import TextArea

from seatdesk.data.models import AgentStatus, Call, CallState
from seatdesk.runtime.daemon import RING_TIMEOUT, run_once
from seatdesk.services.container import Backend
from seatdesk.services.dto import SYSTEM
from seatdesk.ui.dialogs.desk import ConfirmDialog, NewCustomerDialog, PauseReasonDialog
from seatdesk.ui.screens.desk import DeskScreen
from tests.factories import row
from tests.ui.desk_support import desk_app, settle, take_call, until


def _fill(desk: DeskScreen, **values: object) -> None:
    for name, value in values.items():
        widget = desk.form.query_one(f"#{name}")
        if isinstance(widget, TextArea):
            widget.text = str(value)
        else:
            widget.value = value  # type: ignore[attr-defined]


def _seat(backend: Backend, user_id: int) -> tuple[str, str]:
    status = row(backend, AgentStatus, user_id)
    return status.state.value, status.reason


# ---- 1: focus is placed when a call is answered ------------------------------------------


async def test_answering_puts_the_cursor_in_the_call_record(floor_backend, sqlite_url, clock):
    backend, data = floor_backend
    agent = data["people"]["agent1"]
    backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    backend.calls.offer_inbound(SYSTEM, "13900139000", "general")
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(120, 40)) as pilot:
        desk = await take_call(app, pilot)
        assert desk.call is not None
        assert app.focused is desk.form.query_one("#category")
        # The last call leaves the cursor in Satisfaction: the next call still starts in
        # the record, not where the last one ended.
        _fill(desk, category="consultation", disposition="information", resolved=True)
        desk.form.query_one("#satisfaction").focus()
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert desk.call is None
        await pilot.press("f2")
        assert await until(app, pilot, lambda: desk.call is not None
                           and desk.call.state == "active")
        await settle(app, pilot)
        assert app.focused is desk.form.query_one("#category")


# ---- 2: desk keys work from every field, Notes included -----------------------------------


async def test_f6_f7_from_notes_are_desk_keys_not_text_area_keys(floor_backend, sqlite_url,
                                                                  clock):
    backend, data = floor_backend
    agent = data["people"]["agent1"]
    backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(120, 40)) as pilot:
        desk = await take_call(app, pilot)
        notes = desk.form.query_one("#notes", TextArea)
        notes.focus()
        await pilot.press(*"fine")
        await settle(app, pilot)
        # The footer offers every desk key while Notes has the cursor.
        shown = {key: b.binding.action for key, b in desk.active_bindings.items()}
        assert shown.get("f7") == "schedule_callback" and shown.get("f6") == "outbound"
        await pilot.press("f7")
        await settle(app, pilot)
        assert app.screen.__class__.__name__ == "ScheduleCallbackDialog"
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        assert notes.text == "finex"  # not "x": F7 did not select the whole note


# ---- 3: pausing is reachable under load ---------------------------------------------------


async def test_not_ready_chosen_while_ringing_pauses_after_the_save(floor_backend, sqlite_url,
                                                                    clock):
    backend, data = floor_backend
    agent = data["people"]["agent1"]
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        desk = app.screen
        assert await until(app, pilot, lambda: desk.status.state == "available")
        backend.calls.offer_inbound(SYSTEM, "13800138000", "general", ring=True)
        assert await until(app, pilot, lambda: desk.call is not None)
        await pilot.press("f9")  # ringing: "not ready after this call"
        await settle(app, pilot)
        assert isinstance(app.screen, PauseReasonDialog)
        app.screen.dismiss("break")
        await settle(app, pilot)
        assert desk.pause_after == "break"
        await pilot.press("f2")
        assert await until(app, pilot, lambda: desk.call.state == "active")
        waiting = backend.calls.offer_inbound(SYSTEM, "13900139000", "general")
        _fill(desk, category="consultation", disposition="information", resolved=True)
        await pilot.press("ctrl+s")
        assert await until(app, pilot, lambda: desk.status.state == "paused")
        await settle(app, pilot)
        assert desk.call is None and desk.status.reason == "break"
    assert _seat(backend, agent.user_id) == ("paused", "break")
    assert row(backend, Call, waiting).state == CallState.QUEUED  # not rung at this seat


async def test_f9_from_a_missed_call_pause_lets_the_seat_choose_a_break(floor_backend,
                                                                         sqlite_url, clock):
    backend, data = floor_backend
    agent = data["people"]["agent1"]
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        desk = app.screen
        assert await until(app, pilot, lambda: desk.status.state == "available")
        backend.calls.offer_inbound(SYSTEM, "13900139000", "general", ring=True)
        assert await until(app, pilot, lambda: desk.call is not None)
        clock.advance(seconds=RING_TIMEOUT.total_seconds() + 1)
        assert run_once(backend).rang_out == 1
        assert await until(app, pilot, lambda: desk.status.reason == "missed_call")
        # The missed call says what happened and which key resumes.
        assert "F9" in str(desk.card_view.render())
        await pilot.press("f9")
        await settle(app, pilot)
        assert isinstance(app.screen, PauseReasonDialog)
        app.screen.dismiss("break")
        await settle(app, pilot)
        assert desk.status.state == "paused" and desk.status.reason == "break"
    assert _seat(backend, agent.user_id) == ("paused", "break")


async def test_a_break_survives_an_outbound_callback(floor_backend, sqlite_url, clock):
    from seatdesk.services.callbacks import CallbackInput

    backend, data = floor_backend
    agent = data["people"]["agent1"]
    cb = backend.callbacks.schedule(agent, CallbackInput(
        customer_id=data["customers"]["li"], due_at=clock() + timedelta(minutes=5),
        reason="回访"))
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        desk = app.screen
        await pilot.press("f9")
        await settle(app, pilot)
        app.screen.dismiss("break")
        assert await until(app, pilot, lambda: desk.status.state == "paused")
        desk.start_outbound(customer_id=cb.customer_id, callback_id=cb.id)
        assert await until(app, pilot, lambda: desk.call is not None)
        _fill(desk, outbound_outcome="no_answer")
        await pilot.press("ctrl+s")
        assert await until(app, pilot, lambda: desk.call is None)
        assert await until(app, pilot, lambda: desk.status.state == "paused")
    assert _seat(backend, agent.user_id) == ("paused", "break")


# ---- 4: Enter takes the highlighted caller, not the highlighted row number -----------------


async def test_enter_takes_the_highlighted_caller_after_one_arrives_above(
        floor_backend, sqlite_url, clock):
    backend, data = floor_backend
    agent = data["people"]["agent1"]
    backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    clock.advance(seconds=5)
    li = backend.calls.offer_inbound(SYSTEM, "13900139000", "general")
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        desk = app.screen
        table = desk.queue_table
        table.focus()
        await pilot.press("down")
        assert table.selected_call_id() == li
        # A priority caller arrives and is routed above both.
        backend.calls.offer_inbound(SYSTEM, "13700137000", "vip")
        desk.refresh_queue()
        assert await until(app, pilot, lambda: len(table.calls) == 3)
        assert table.selected_call_id() == li
        await pilot.press("enter")
        assert await until(app, pilot, lambda: desk.call is not None)
        assert desk.call.id == li


# ---- 8: a dialog shows the desk dimmed behind it -----------------------------------------


async def test_dialogs_show_the_desk_behind_them(floor_backend, sqlite_url, clock):
    backend, data = floor_backend
    agent = data["people"]["agent1"]
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f9")
        await settle(app, pilot)
        assert isinstance(app.screen, PauseReasonDialog)
        assert app.screen.styles.background.a < 1  # see-through: the desk stays visible


# ---- 9: quitting from the palette asks during a live call ---------------------------------


async def test_quit_from_the_palette_asks_during_a_live_call(floor_backend, sqlite_url, clock):
    backend, data = floor_backend
    agent = data["people"]["agent1"]
    backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await take_call(app, pilot)
        await app.run_action("quit")  # what the palette's "Quit the application" runs
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert app.is_running


# ---- 10: a caller found by search is linked; the new-customer dialog comes back ------------


async def test_unknown_caller_linked_from_search_and_dialog_reopened(floor_backend, sqlite_url,
                                                                      clock):
    backend, data = floor_backend
    agent = data["people"]["agent1"]
    call_id = backend.calls.offer_inbound(SYSTEM, "13511112222", "general")
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(120, 40)) as pilot:
        desk = await take_call(app, pilot)
        assert isinstance(app.screen, NewCustomerDialog)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is desk
        await pilot.press("f8")  # no customer yet: identify the caller first
        await settle(app, pilot)
        assert isinstance(app.screen, NewCustomerDialog)
        await pilot.press("escape")
        await settle(app, pilot)
        desk.show_customer(data["customers"]["li"])  # Ctrl+P found the caller
        assert await until(app, pilot, lambda: desk.card is not None)
        await settle(app, pilot)
        assert desk.call.customer_id == data["customers"]["li"]
        _fill(desk, category="consultation", disposition="information", resolved=True)
        await pilot.press("ctrl+s")
        assert await until(app, pilot, lambda: desk.call is None)
    assert row(backend, Call, call_id).customer_id == data["customers"]["li"]


# ---- 11: no repeat-contact warning from the transfer's own leg ----------------------------


async def test_no_repeat_contact_warning_after_a_transfer(floor_backend, sqlite_url, clock):
    backend, data = floor_backend
    agent = data["people"]["agent1"]
    call_id = backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(120, 40)) as pilot:
        desk = await take_call(app, pilot)
        _fill(desk, category="repair")
        await settle(app, pilot)
        backend.calls.transfer(agent, call_id, queue_code="vip")
        desk.reload_call(call_id)
        await settle(app, pilot)
        assert "Repeat contact" not in str(desk.card_view.render())
        assert desk._repeat_warning(desk.call, "repair") is None


# ---- 12: stored text is never markup ----------------------------------------------------


async def test_markup_in_a_callback_reason_is_shown_as_typed(floor_backend, sqlite_url, clock):
    from seatdesk.services.callbacks import CallbackInput

    backend, data = floor_backend
    agent = data["people"]["agent1"]
    for reason in ("[/]", "[link=https://evil.example]click[/link]"):
        backend.callbacks.schedule(agent, CallbackInput(
            customer_id=data["customers"]["li"], due_at=clock() + timedelta(minutes=5),
            reason=reason))
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f6")
        await settle(app, pilot)
        screen = app.screen
        assert screen.__class__.__name__ == "CallbacksScreen"
        from textual.widgets import DataTable

        table = screen.query_one(DataTable)
        assert await until(app, pilot, lambda: table.row_count == 2)
        cells = [table.get_row_at(i)[5] for i in range(2)]
        assert sorted(str(c) for c in cells) == sorted(
            ["[/]", "[link=https://evil.example]click[/link]"])
        # Text cells: DataTable parses a plain str as markup (a crash, or a live link).
        assert all(not isinstance(c, str) for c in cells)
        assert all(not c.spans for c in cells)


# ---- the keystroke budget: ring to next call in at most 8 keys beyond the note ------------


class KeyCounter:
    """Presses keys through the pilot and counts them; the note's characters are not counted."""

    def __init__(self, pilot) -> None:
        self.pilot = pilot
        self.count = 0

    async def press(self, *keys: str) -> None:
        self.count += len(keys)
        await self.pilot.press(*keys)

    async def type_note(self, text: str) -> None:
        await self.pilot.press(*text)


@pytest.mark.parametrize("ring_when_free", [False, True])
async def test_three_ordinary_calls_in_a_row_within_eight_keys_each(
        floor_backend, sqlite_url, clock, ring_when_free):
    backend, data = floor_backend
    agent = data["people"]["agent1"]
    numbers = ["13800138000", "13900139000", "13800138000"]
    calls = []
    for number in numbers:
        calls.append(backend.calls.offer_inbound(SYSTEM, number, "general"))
        clock.advance(seconds=3)
    app = desk_app(backend, sqlite_url, clock, agent)
    from dataclasses import replace

    app.settings = replace(app.settings, ring_when_free=ring_when_free)
    notes = ["asked about the bill", "wants the manual", "thanks again"]
    budget = []
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        desk = app.screen
        taken: list[int] = []
        for n in range(3):
            keys = KeyCounter(pilot)
            if ring_when_free and n:  # the seat is rung with the next caller
                assert await until(app, pilot, lambda: desk.call is not None)
            await keys.press("f2")  # answer (the cursor lands on Category)
            assert await until(app, pilot, lambda: desk.call is not None
                               and desk.call.id not in taken and desk.call.state == "active")
            await settle(app, pilot)
            call_id = desk.call.id
            taken.append(call_id)
            await keys.press("1")  # category 1: consultation (the cursor moves on)
            await keys.press("4")  # disposition 4: information (the cursor goes to Notes)
            await keys.type_note(notes[n])
            await keys.press("tab")  # to "Resolved now"
            await keys.press("y")
            await keys.press("ctrl+s")  # saved, and ready for the next call
            assert await until(app, pilot, lambda cid=call_id:
                               row(backend, Call, cid).state == CallState.CLOSED)
            await settle(app, pilot)
            budget.append(keys.count)
        # The agent's own figures for today, and their name and ID, on the status line.
        status = desk.query_one("#status")
        assert await until(app, pilot, lambda: "handled today: 3" in str(status.render()))
        assert "AHT" in str(status.render()) and agent.agent_no in str(status.render())
    assert budget == [6, 6, 6]
    assert max(budget) <= 8
    assert sorted(taken) == sorted(calls)  # routing order: the key account first
    for call_id, note in zip(taken, notes, strict=True):
        saved = row(backend, Call, call_id)
        assert (saved.category, saved.disposition, saved.resolved, saved.notes) == (
            "consultation", "information", True, note)
        assert saved.agent_id == agent.user_id


# ---- 5: a ring you cannot miss, from any screen --------------------------------------------


async def test_a_ring_shows_on_other_screens_and_f2_answers_from_there(floor_backend,
                                                                       sqlite_url, clock):
    backend, data = floor_backend
    agent = data["people"]["agent1"]
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        desk = app.screen
        assert await until(app, pilot, lambda: desk.status.state == "available")
        app.open_screen("my_qa")
        await settle(app, pilot)
        assert app.screen is not desk
        call_id = backend.calls.offer_inbound(SYSTEM, "13800138000", "general", ring=True)
        assert await until(app, pilot, lambda: desk.call is not None)
        await settle(app, pilot)

        def banner() -> str:
            return " ".join(str(t.render()) for t in app.screen.query("Toast"))

        assert await until(app, pilot, lambda: "F2" in banner())
        assert "王芳" in banner()
        await pilot.press("f2")
        assert await until(app, pilot, lambda: desk.call.state == "active")
        await settle(app, pilot)
        assert app.screen is desk
    assert row(backend, Call, call_id).state == CallState.ACTIVE


async def test_f2_answers_a_ring_from_the_help_over_the_desk(floor_backend, sqlite_url, clock):
    """F1's help is a dialog over the desk: F2 there closes it and answers, as anywhere."""
    backend, data = floor_backend
    agent = data["people"]["agent1"]
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        desk = app.screen
        assert await until(app, pilot, lambda: desk.status.state == "available")
        await pilot.press("f1")
        await settle(app, pilot)
        assert app.screen is not desk
        call_id = backend.calls.offer_inbound(SYSTEM, "13800138000", "general", ring=True)
        assert await until(app, pilot, lambda: desk.call is not None)
        await settle(app, pilot)
        await pilot.press("f2")
        assert await until(app, pilot, lambda: desk.call.state == "active")
        await settle(app, pilot)
        assert app.screen is desk
    assert row(backend, Call, call_id).state == CallState.ACTIVE


# ---- 6: what is typed in a dialog survives a crash -------------------------------------------


async def test_complaint_and_callback_text_survive_a_crash(floor_backend, sqlite_url, clock):
    from textual.widgets import Input

    backend, data = floor_backend
    agent = data["people"]["agent1"]
    backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(120, 40)) as pilot:
        desk = await take_call(app, pilot)
        await pilot.press("f8")
        await settle(app, pilot)
        dialog = app.screen
        assert dialog.__class__.__name__ == "RegisterComplaintDialog"
        dialog.query_one("#summary", TextArea).text = "滤芯三次漏水，要求赔偿"
        dialog.query_one("#wants", Input).value = "换新机"
        await pilot.pause(0.5)  # a pause in typing: the draft is written
        await settle(app, pilot)
        # The terminal dies with the dialog open (nothing is dismissed or saved).
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        desk = app.screen
        assert await until(app, pilot, lambda: desk.call is not None)  # the call resumed
        await pilot.press("f8")
        await settle(app, pilot)
        dialog = app.screen
        assert dialog.query_one("#summary", TextArea).text == "滤芯三次漏水，要求赔偿"
        assert dialog.query_one("#wants", Input).value == "换新机"
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("f7")
        await settle(app, pilot)
        dialog = app.screen
        dialog.query_one("#reason", Input).value = "确认换机进度"
        await pilot.pause(0.5)
        await settle(app, pilot)
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        desk = app.screen
        assert await until(app, pilot, lambda: desk.call is not None)
        await pilot.press("f7")
        await settle(app, pilot)
        assert app.screen.query_one("#reason", Input).value == "确认换机进度"


# ---- 7: the desk at 80x24 -------------------------------------------------------------------


def _on_screen(app, widget) -> bool:
    region = widget.region
    width, height = app.size
    return region.height > 0 and region.y >= 0 and region.bottom <= height \
        and region.x >= 0 and region.right <= width


async def test_the_desk_fits_80_by_24(floor_backend, sqlite_url, clock):
    from textual.widgets import Button

    backend, data = floor_backend
    agent = data["people"]["agent1"]
    for number in ("13800138000", "13900139000", "13522223333", "13533334444"):
        backend.calls.offer_inbound(SYSTEM, number, "general")
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await take_call(app, pilot)
        # The call keys are all on screen, on the key bar (wrapping, not cut).
        bar = desk.query_one("#keys")
        assert _on_screen(app, bar)
        for key in ("f3", "f5", "f7", "f8", "f9", "^s"):
            assert key in bar.plain
        # Queue rows and the customer's name are readable; the card does not hog rows.
        table = desk.queue_table
        assert table.region.height - 1 >= 3
        assert table.columns[next(iter(k for k in table.columns if k.value == "customer"))
                             ].width >= 10
        assert desk.query_one("#card-pane").region.height < 15
        # Every row of the record is on screen.
        for name in ("category", "notes", "resolved", "follow_up"):
            assert _on_screen(app, desk.form.query_one(f"#{name}")), name
        # The script follows the call to its last step.
        for _ in range(4):
            await pilot.press("alt+down")
        await settle(app, pilot)
        pane = desk.script_pane
        lines = [line.plain for line in pane.shown.wrap(app.console, pane.content_size.width)]
        marker = next(n for n, line in enumerate(lines) if "▶" in line)
        assert marker < pane.content_size.height  # the current step is in view
        # The complaint dialog's buttons are reachable on screen.
        await pilot.press("f8")
        await settle(app, pilot)
        assert _on_screen(app, app.screen.query_one("#save", Button))


async def test_markup_in_a_complaint_summary_on_the_leads_screen(sqlite_url, clock):
    from textual.widgets import DataTable

    from seatdesk.services.complaints import ComplaintInput
    from seatdesk.services.settings import Settings
    from seatdesk.ui.app import SeatdeskApp
    from seatdesk.ui.screens.complaints import ComplaintsScreen
    from tests.factories import customer, floor

    backend = Backend.open(sqlite_url, clock)
    people = floor(backend)
    cid = customer(backend, people["agent1"], "[bold]王芳", "13800138000")
    backend.complaints.register(people["agent1"], ComplaintInput(
        customer_id=cid, category="billing", summary="[/] [link=https://evil.example]x[/link]"))
    app = SeatdeskApp(backend, Settings(db_url=sqlite_url), actor=people["lead1"], clock=clock)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            app.push_screen(ComplaintsScreen())
            await settle(app, pilot)
            table = app.screen.query_one("#complaints", DataTable)
            assert await until(app, pilot, lambda: table.row_count == 1)
            cells = table.get_row_at(0)
            assert "[/] [link=https://evil.example]x[/link]" in [str(c) for c in cells]
            assert "[bold]王芳" in [str(c) for c in cells]
    finally:
        backend.close()


# ---- 13: the smaller ones ---------------------------------------------------------------------


async def test_callbacks_list_puts_mine_first_filters_mine_and_end_goes_last(
        floor_backend, sqlite_url, clock):
    from textual.widgets import DataTable

    from seatdesk.services.callbacks import CallbackInput

    backend, data = floor_backend
    agent, other = data["people"]["agent1"], data["people"]["agent2"]
    for n in range(6):  # the pool's, due sooner than mine
        backend.callbacks.schedule(other, CallbackInput(
            customer_id=data["customers"]["li"], due_at=clock() + timedelta(minutes=5 + n),
            reason=f"pool {n}", to_pool=True))
    mine = backend.callbacks.schedule(agent, CallbackInput(
        customer_id=data["customers"]["wang"], due_at=clock() + timedelta(hours=3),
        reason="mine"))
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f6")
        await settle(app, pilot)
        screen = app.screen
        table = screen.query_one(DataTable)
        assert await until(app, pilot, lambda: table.row_count == 7)
        assert screen.rows[0].id == mine.id  # mine first
        await pilot.press("end")
        assert table.cursor_row == 6
        await pilot.press("m")  # mine only
        await settle(app, pilot)
        assert [r.id for r in screen.rows] == [mine.id] and table.row_count == 1


async def test_the_card_shows_a_complaint_registered_during_the_call(floor_backend, sqlite_url,
                                                                     clock):
    from textual.widgets import Select

    backend, data = floor_backend
    agent = data["people"]["agent1"]
    backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    app = desk_app(backend, sqlite_url, clock, agent)
    async with app.run_test(size=(120, 40)) as pilot:
        desk = await take_call(app, pilot)
        assert "Open complaint" not in str(desk.card_view.render())
        await pilot.press("f8")
        await settle(app, pilot)
        dialog = app.screen
        dialog.query_one("#category", Select).value = "product"
        dialog.query_one("#summary", TextArea).text = "漏水"
        await pilot.press("ctrl+s")
        assert await until(app, pilot, lambda: app.screen is desk)
        assert await until(app, pilot, lambda: "Open complaint" in str(desk.card_view.render()))


def test_the_queue_title_does_not_say_nobody_before_it_has_loaded():
    from datetime import UTC, datetime

    from seatdesk.ui.widgets.queue_table import QueueTable

    table = QueueTable()
    table.tick(datetime(2026, 11, 23, tzinfo=UTC))  # the 1 s tick, before the first rows
    assert "nobody" not in table.title_text and "loading" in table.title_text
