"""Schema migrations (Alembic) and the reference data every database holds."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from scamlink.store import agencies as agency_rows
from scamlink.store import markings

MIGRATIONS = Path(__file__).parent / "migrations"


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine) -> str:
    """Bring the schema to the newest revision(s); add missing reference agencies and groups."""
    with engine.begin() as conn:
        # "heads": work developed in parallel may add branches until a merge revision joins them.
        command.upgrade(_config(conn), "heads")
        agency_rows.ensure_reference_agencies(conn)
        markings.ensure_reference_groups(conn)
        return current_revision(conn)


def current_revision(conn: Connection) -> str:
    """The applied revision(s), sorted and joined with '+' (empty when never migrated)."""
    return "+".join(sorted(MigrationContext.configure(conn).get_current_heads()))


def head_revision() -> str:
    """The newest revision(s) of the code, in the form of `current_revision`."""
    return "+".join(sorted(ScriptDirectory.from_config(_config()).get_heads()))


def is_current(engine: Engine) -> bool:
    with engine.connect() as conn:
        return current_revision(conn) == head_revision()
