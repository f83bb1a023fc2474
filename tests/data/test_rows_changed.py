"""``rows_changed``: the one way a service counts the rows its UPDATE changed."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from seatdesk.data.engine import Database, rows_changed
from seatdesk.data.models import Team


def test_an_update_counts_the_rows_it_changed(db_url):
    db = Database(db_url)
    with db.write() as s:
        s.add_all([Team(code=f"t{n}", name=f"Team {n}") for n in range(3)])
    with db.write() as s:
        changed = rows_changed(s.execute(
            update(Team).where(Team.code.in_(["t0", "t2", "nobody"])).values(name="renamed")))
        untouched = rows_changed(s.execute(
            update(Team).where(Team.code == "nobody").values(name="renamed")))
    assert (changed, untouched) == (2, 0)
    db.dispose()


def test_a_query_result_counts_nothing_and_says_so(db_url):
    db = Database(db_url)
    with db.read() as s, pytest.raises(TypeError, match="counts no rows"):
        rows_changed(s.execute(select(Team)))
    db.dispose()
