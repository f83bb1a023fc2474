"""Schema migrations (Alembic) run from code: `seatdesk db upgrade` and the tests."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from seatdesk.data.engine import Database

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(db: Database) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return cfg


def upgrade(db: Database, revision: str = "heads") -> None:
    """Bring the schema to ``revision`` (default: every branch's newest).

    Each area of the product (complaints, QA, roster...) may add its tables on its own
    branch off the initial schema; "heads" applies them all.
    """
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


def is_current(db: Database) -> bool:
    """True when the schema has every migration applied."""
    return current_revisions(db) == head_revisions(db)


def current_revision(db: Database) -> str:
    """The applied revisions as one printable string."""
    return ", ".join(sorted(current_revisions(db))) or "(empty)"
