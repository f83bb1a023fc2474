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


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (default: the newest)."""
    cfg = alembic_config(db)
    # SQLite: the migration must not run inside our BEGIN IMMEDIATE hook's transaction
    # twice, so hand Alembic a plain connection and let it own the transaction.
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(db: Database) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(db)).get_current_head()
