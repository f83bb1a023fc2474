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
