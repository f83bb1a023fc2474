"""Break placement: inside the window, staggered, deterministic (worked by hand)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from seatdesk.domain.roster.breaks import BreakRule, ShiftToBreak, allowed_starts, place_breaks

START = datetime(2026, 11, 25, 0, 30, tzinfo=UTC)


def _day_shift(key: int) -> ShiftToBreak:
    # 9 h day shift, a 60-minute lunch nominally 3.5 h in (12:00 local).
    return ShiftToBreak(key, START, START + timedelta(hours=9), ((210, 60),))


def test_the_window_runs_from_earliest_to_latest_on_the_step():
    assert allowed_starts(_day_shift(1), 210, 60, BreakRule(60, 15)) == [
        150, 165, 180, 195, 210, 225, 240, 255, 270]
    # A break near the end cannot run past the shift.
    late = ShiftToBreak(1, START, START + timedelta(hours=4), ((200, 30),))
    assert allowed_starts(late, 200, 30, BreakRule(60, 15)) == [140, 155, 170, 185, 200]


def test_four_agents_do_not_all_go_at_once():
    placed = place_breaks([_day_shift(k) for k in (4, 2, 3, 1)], BreakRule(60, 15))
    # By hand: agent 1 takes the nominal 210; agent 2 the nearest start not overlapping it
    # (150 and 270 both clash-free; 150 is as near and earlier); agent 3 then 270; agent 4
    # cannot avoid overlap: one clash at best, nearest the nominal (195 overlaps 150–210
    # and 210–270: two; 210 overlaps only agent 1's): 210.
    assert placed == {1: ((210, 60),), 2: ((150, 60),), 3: ((270, 60),), 4: ((210, 60),)}
    starts = [b[0][0] for b in placed.values()]
    assert all(150 <= s <= 270 for s in starts)
