"""Opening the configured store, migrated or not."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine

from scamlink.config import Settings
from scamlink.store.engine import StoreUnavailable, open_engine
from scamlink.store.migrate import is_current


def open_store(settings: Settings, *, require_current: bool = True) -> Engine:
    engine = open_engine(settings.database_url)
    if require_current and not is_current(engine):
        engine.dispose()
        raise StoreUnavailable("the database schema is not current: run 'scamlink db upgrade'")
    return engine


@contextmanager
def opened_store(settings: Settings, *, require_current: bool = True) -> Iterator[Engine]:
    """`open_store` for a command's lifetime: the pool is closed however the command ends."""
    engine = open_store(settings, require_current=require_current)
    try:
        yield engine
    finally:
        engine.dispose()
