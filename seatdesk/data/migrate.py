"""Schema migrations (Alembic) run from code: `seatdesk db upgrade` and the tests."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from seatdesk.data.engine import Database, driver_errors

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
# The newest revision of every branch. Compared with the database's alembic_version rows,
# it tells that nothing is to do without loading Alembic and every migration file, which
# costs a desk start a fifth of a second. tests/data/test_migrations.py keeps it in step
# with the migration files.
HEADS = frozenset({"a1_admin", "c1_complaints", "f1_floor_feed", "i2_claim_order",
                   "i1_stored_messages", "k4_agent_closed", "q2_qa_workflow", "r2_staffing",
                   "t1_telephony"})


def alembic_config(db: Database) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return cfg


@driver_errors()
def upgrade(db: Database, revision: str = "heads") -> None:
    """Bring the schema to ``revision`` (default: every branch's newest).

    Each area of the product (complaints, QA, roster...) may add its tables on its own
    branch off the initial schema; "heads" applies them all.
    """
    if revision == "heads" and applied_revisions(db) == HEADS:
        return  # already current: the common case, at every desk start
    from alembic import command

    cfg = alembic_config(db)
    # SQLite: the migration must not run inside our BEGIN IMMEDIATE hook's transaction
    # twice, so hand Alembic a plain connection and let it own the transaction.
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revisions(db: Database) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    with db.engine.execution_options(sqlite_begin="DEFERRED").connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def head_revisions(db: Database) -> set[str]:
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(alembic_config(db)).get_heads())


def applied_revisions(db: Database) -> set[str]:
    """The revisions recorded in the database, read with one plain query (no Alembic)."""
    try:
        with db.engine.execution_options(sqlite_begin="DEFERRED").connect() as conn:
            return {r for (r,) in conn.execute(text("SELECT version_num FROM alembic_version"))}
    except DBAPIError:
        return set()  # no table yet: an empty database


def unknown_revisions(db: Database) -> set[str]:
    """Revisions in the database that this seatdesk has no migration for (a newer one)."""
    applied = applied_revisions(db)
    if not applied or applied <= HEADS:
        return set()
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(db))
    known = {rev.revision for rev in script.walk_revisions()}
    return applied - known


@driver_errors()
def is_current(db: Database) -> bool:
    """True when the schema has every migration applied."""
    return applied_revisions(db) == HEADS or current_revisions(db) == head_revisions(db)


@driver_errors()
def current_revision(db: Database) -> str:
    """The applied revisions as one printable string."""
    return ", ".join(sorted(current_revisions(db))) or "(empty)"
