"""Schema migrations (Alembic) and the reference data every database holds."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from scamlink.store import agencies as agency_rows

MIGRATIONS = Path(__file__).parent / "migrations"


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine) -> str:
    """Bring the schema to the newest revision and add missing reference agencies."""
    with engine.begin() as conn:
        command.upgrade(_config(conn), "head")
        agency_rows.ensure_reference_agencies(conn)
        return current_revision(conn) or ""


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head() or ""


def is_current(engine: Engine) -> bool:
    with engine.connect() as conn:
        return current_revision(conn) == head_revision()
