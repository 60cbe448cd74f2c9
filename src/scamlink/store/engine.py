"""Opening the database: SQLite by default, PostgreSQL (psycopg 3) in production."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError


class StoreUnavailable(Exception):
    """The database cannot be used; the message is one line a person can act on."""


def normalise_url(url: str) -> str:
    """`postgresql://…` (what people write) means psycopg 3 here, not psycopg2."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreUnavailable(f"not a database URL: {url!r}") from None
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername not in {"sqlite", "postgresql+psycopg"}:
        raise StoreUnavailable(
            f"unsupported database {parsed.drivername!r} in {url!r}: use sqlite:/// or postgresql://"
        )
    return parsed.render_as_string(hide_password=False)


def open_engine(url: str, *, check: bool = True) -> Engine:
    """Create the engine and, unless `check` is false, prove the database answers."""
    normalised = normalise_url(url)
    parsed = make_url(normalised)
    try:
        if parsed.drivername == "sqlite":
            engine = _sqlite_engine(normalised, parsed.database)
        else:
            engine = create_engine(
                normalised,
                pool_pre_ping=True,
                connect_args={"connect_timeout": 5},
            )
    except NoSuchModuleError:
        raise StoreUnavailable(f"no driver for {parsed.drivername}") from None
    if check:
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except DBAPIError as exc:
            engine.dispose()
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            where = parsed.render_as_string(hide_password=True)
            raise StoreUnavailable(f"cannot reach database {where}: {reason}") from None
    return engine


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        folder = Path(database).parent
        if not folder.exists():
            raise StoreUnavailable(f"folder {folder} for the SQLite database does not exist")
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        # WAL lets the web app read while a bulk load writes; FULL sync makes every commit
        # survive a power cut, because an acknowledged report must never be lost.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    return engine
