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
