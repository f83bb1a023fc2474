"""Migrations build the schema from empty, and the models agree with them (no drift)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from seatdesk.data.engine import Database
from seatdesk.data.migrate import current_revisions, head_revisions, is_current, upgrade
from seatdesk.data.models import Base


def test_upgrade_from_empty_matches_models(db_url):
    # The fixture's database is already migrated; migrating again must be a no-op.
    db = Database(db_url)
    try:
        upgrade(db)
        assert is_current(db)
        assert current_revisions(db) == head_revisions(db)
        with db.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
            )
        assert diff == [], f"models and migrations disagree: {diff}"
        tables = set(inspect(db.engine).get_table_names())
        assert {"calls", "customers", "customer_phones", "call_events", "users", "queues",
                "callbacks", "complaints", "qa_forms", "qa_evaluations", "shifts",
                "audit_log"} <= tables
    finally:
        db.dispose()


def test_fresh_sqlite_file_is_created_with_wal(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
    try:
        assert not is_current(db)
        upgrade(db)
        assert is_current(db)
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    finally:
        db.dispose()


def test_the_quick_heads_check_matches_the_migration_files(db_url):
    """HEADS lets a desk start skip Alembic; it must name exactly the newest revisions."""
    from seatdesk.data.migrate import HEADS, applied_revisions

    db = Database(db_url)
    try:
        assert HEADS == head_revisions(db)
        assert applied_revisions(db) == HEADS  # the fixture's database is current
    finally:
        db.dispose()


def test_an_upgrade_with_nothing_to_do_does_not_load_alembic(tmp_path):
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'current.db'}"
    db = Database(url)
    upgrade(db)
    db.dispose()
    code = ("import sys\nfrom seatdesk.data.engine import Database\n"
            "from seatdesk.data.migrate import upgrade\n"
            f"upgrade(Database({url!r}))\nprint('alembic' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
