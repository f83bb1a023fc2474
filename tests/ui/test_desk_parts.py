"""The desk's small state objects, without a terminal."""

from __future__ import annotations

from seatdesk.ui.take_hold import Coalescing, TakeHold


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_take_holds_refreshes_until_it_ends_and_runs_each_once():
    clock = Clock()
    take = TakeHold(clock=clock)
    assert not take.active and not take.end()
    take.begin()
    assert take.active
    take.hold(queue=True)
    take.hold(status=True)
    take.hold(queue=True)
    assert take.end()
    held = take.release()
    assert (held.queue, held.status) == (True, True)
    assert take.release() == type(held)(False, False)  # run once, then forgotten


def test_a_lost_reply_cannot_hold_the_desk_for_ever():
    clock = Clock()
    take = TakeHold(clock=clock, hold_seconds=2.0)
    take.begin()
    clock.now += 1.9
    assert take.active
    clock.now += 0.2
    assert not take.active


def test_refreshes_coalesce_into_one_more_run():
    refresh = Coalescing()
    assert refresh.request()  # starts
    assert not refresh.request()  # running: re-armed
    assert not refresh.request()  # still one more, not two
    assert refresh.finished()  # the one more starts
    assert not refresh.finished()  # and nothing after it
    assert refresh.request()


# ---- the floor feed's plan (seatdesk.ui.screens.desk.feed) --------------------------------


def test_without_a_floor_view_every_change_rereads_the_queue_and_the_status_is_throttled():
    from seatdesk.ui.screens.desk.feed import STATUS_EVERY, FeedPlanner

    planner = FeedPlanner()
    plan = planner.plan(frozenset({"queue"}), now=100.0)
    assert plan.queue_full and plan.status and not plan.ring_check  # never read yet
    planner.status_at = 100.0
    assert not planner.plan(frozenset({"queue"}), now=100.0 + STATUS_EVERY / 2).status
    assert planner.plan(frozenset({"floor"}), now=100.1).status  # floor news: at once
    assert planner.plan(frozenset({"queue"}), now=100.0 + STATUS_EVERY).status
    assert planner.plan(frozenset({"ring"}), now=100.1).ring_check
    assert planner.plan(frozenset({"poll"}), now=100.1).ring_check


def test_with_change_batches_another_seats_change_is_a_delta_and_no_status_read():
    from seatdesk.data.floor_events import Batch, SeatChange
    from seatdesk.ui.queue_view import SeatFloor
    from seatdesk.ui.screens.desk.feed import STATUS_EVERY, STATUS_SAFETY, FeedPlanner

    planner = FeedPlanner()
    planner.floor = SeatFloor(7, clock=lambda: 0.0)
    planner.status_at = 1000.0
    other = Batch(1, frozenset({"floor"}), seats=(SeatChange(8, "paused"),))
    plan = planner.plan(frozenset({"floor"}), 1000.0 + STATUS_EVERY, [other])
    assert planner.batched  # the feed numbers its batches: the slow safety net applies
    assert not plan.queue_full and not plan.status and not plan.ring_check
    mine = Batch(2, frozenset({"floor"}), seats=(SeatChange(7, "paused"),))
    assert planner.plan(frozenset({"floor"}), 1000.1, [mine]).status  # this seat's own news
    assert planner.plan(frozenset(), 1000.0 + STATUS_SAFETY).status  # a callback falling due
    lost = planner.plan(frozenset({"queue"}), 1000.1, [], lost=True)
    assert lost.queue_full and lost.ring_check  # batches dropped: read it all again


# ---- the record's draft (seatdesk.ui.screens.desk.record) --------------------------------


class _Timer:
    def __init__(self, delay: float, callback) -> None:
        self.delay, self.callback, self.stopped = delay, callback, False

    def stop(self) -> None:
        self.stopped = True


def test_the_autosave_waits_for_the_last_edit_and_a_save_stops_it():
    from seatdesk.ui.screens.desk.record import AUTOSAVE_SECONDS, DraftAutosave

    started: list[_Timer] = []

    def start(delay: float, callback) -> _Timer:
        started.append(_Timer(delay, callback))
        return started[-1]

    autosave = DraftAutosave(start)
    autosave.later(lambda: None)
    autosave.later(lambda: None)  # typed again: the first wait is dropped
    assert [t.delay for t in started] == [AUTOSAVE_SECONDS] * 2
    assert [t.stopped for t in started] == [True, False]
    autosave.stop()  # Ctrl+S: no draft written after the record
    assert started[1].stopped


def test_not_ready_after_this_call_travels_with_the_draft():
    from seatdesk.domain.call_record import PAUSE_AFTER_KEY
    from seatdesk.ui.screens.desk.record import with_pause_after

    assert with_pause_after({"notes": "x"}, None) == {"notes": "x"}
    assert with_pause_after({"notes": "x"}, "lunch") == {"notes": "x", PAUSE_AFTER_KEY: "lunch"}


def _journal(tmp_path):
    from datetime import UTC, datetime

    from seatdesk.runtime.journal import DRAFT, Journal

    journal = Journal(tmp_path / "journal.jsonl")
    entry = journal.append(DRAFT, 5, "agent1", datetime(2026, 12, 1, tzinfo=UTC), {"n": 1})
    return journal, entry


def test_a_journaled_write_is_acknowledged_kept_or_dropped(tmp_path):
    import pytest

    from seatdesk.domain.errors import DatabaseUnavailable, InvalidInput
    from seatdesk.ui.screens.desk.record import write_through

    journal, entry = _journal(tmp_path)
    assert write_through(journal, entry, lambda: "saved").value == "saved"
    assert len(journal) == 0  # written: acknowledged

    journal, entry = _journal(tmp_path / "down")

    def down() -> None:
        raise DatabaseUnavailable("no database")

    assert write_through(journal, entry, down) is None
    assert len(journal) == 1  # an outage: it waits for the drain

    journal, entry = _journal(tmp_path / "refused")

    def refused() -> None:
        raise InvalidInput("choose a category", "category")

    with pytest.raises(InvalidInput):
        write_through(journal, entry, refused)
    assert len(journal) == 0  # refused: dropped, the agent is told


# ---- the keys on offer (seatdesk.ui.screens.desk.presence) --------------------------------


def test_the_keys_follow_the_seats_call():
    from seatdesk.ui.screens.desk.presence import offered_actions

    idle = offered_actions(None, identified=False, incomplete=2, finishing=False)
    assert idle == ("take_next", "outbound", "pause", "finish_record", "help")
    assert "save_record" in offered_actions(None, identified=True, incomplete=1,
                                            finishing=True)
    assert offered_actions("offered", identified=True, incomplete=0,
                           finishing=False) == ("take_next", "pause", "help")
    assert "end_call" in offered_actions("held", identified=True, incomplete=0,
                                         finishing=False)


# ---- one error path (issue 12) ---------------------------------------------------------------


def test_desk_code_runs_every_worker_through_call_service():
    import re
    from pathlib import Path

    import seatdesk

    ui = Path(seatdesk.__file__).parent / "ui"
    files = sorted((ui / "screens" / "desk").glob("*.py")) + [ui / "widgets" / "queue_table.py"]
    assert len(files) > 2  # the desk is a package of parts
    texts = {path.name: path.read_text(encoding="utf-8") for path in files}
    hand_written = [name for name, text in texts.items()
                    if re.search(r"@work\b|run_worker\(|call_from_thread\(", text)]
    assert hand_written == []
    catch_alls = [name for name, text in texts.items() for line in text.splitlines()
                  if re.match(r"\s*except (Exception|BaseException)\b", line)]
    assert catch_alls == ["screen.py"]  # the log-out thread as the app closes, no worker


async def test_a_failed_queue_refresh_is_one_service_failed_and_the_table_rearms():
    from textual.app import App
    from textual.screen import Screen

    from seatdesk.domain.errors import DatabaseUnavailable
    from seatdesk.ui.errors import ServiceFailed
    from seatdesk.ui.widgets.queue_table import QueueTable

    def down() -> list:
        raise DatabaseUnavailable("no database")

    failures: list[ServiceFailed] = []

    class Pane(Screen[None]):
        def compose(self):
            yield QueueTable(down, id="queue")

        def on_service_failed(self, message: ServiceFailed) -> None:
            failures.append(message)
            message.stop()

    app: App[None] = App()
    async with app.run_test() as pilot:
        await app.push_screen(Pane())
        table = app.screen.query_one(QueueTable)
        table.request_refresh()
        for _ in range(50):
            await pilot.pause(0.02)
            if failures:
                break
        assert [(f.outage, f.field) for f in failures] == [(True, None)]
        assert not table.refresher.running  # the next change asks again


async def test_a_worker_in_steps_shows_each_answer_in_order_and_fails_once():
    from textual.app import App

    from seatdesk.domain.errors import NotFound
    from seatdesk.ui.errors import ServiceFailed, call_service_steps

    seen: list[object] = []
    failed: list[ServiceFailed] = []

    def steps(show) -> str:
        show(lambda: seen.append("queue"))
        show(lambda: seen.append("status"))
        return "done"

    def broken(show) -> str:
        show(lambda: seen.append("first"))
        raise NotFound("no such call")

    app: App[None] = App()
    async with app.run_test() as pilot:
        await call_service_steps(app.screen, steps, seen.append, group="t").wait()
        await call_service_steps(app.screen, broken, seen.append, group="t",
                                 on_failed=failed.append).wait()
        for _ in range(20):
            await pilot.pause(0.02)
        assert seen == ["queue", "status", "done", "first"]
        assert [(f.text, f.outage) for f in failed] == [("no such call", False)]
