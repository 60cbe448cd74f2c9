"""Fixtures that build real databases: SQLite always, PostgreSQL when configured.

Every test that takes `engine` runs once per backend. PostgreSQL runs when
SCAMLINK_TEST_DATABASE_URL is set (CI sets it and fails when the server is unreachable).
Each test session gets its own PostgreSQL database, migrated once and emptied between tests.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, delete, text
from sqlalchemy.engine import make_url

from scamlink.config import Settings
from scamlink.sharing.agencies import REFERENCE_AGENCIES
from scamlink.store.audit import ensure_head
from scamlink.store.engine import normalise_url, open_engine
from scamlink.store.markings import ensure_reference_groups
from scamlink.store.migrate import upgrade
from scamlink.store.schema import agencies, metadata

POSTGRES_URL = os.environ.get("SCAMLINK_TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
# Reference agencies stay; everything a test writes goes (reference groups are re-added).
KEPT_TABLES = {"agencies", "alembic_version"}


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A fresh database on the configured server for this test session (or worker)."""
    if not POSTGRES_URL:
        pytest.fail("postgres_database needs SCAMLINK_TEST_DATABASE_URL")
    name = f"scamlink_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(normalise_url(POSTGRES_URL)).set(database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def _postgres_engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    url: str = request.getfixturevalue("postgres_database")
    engine = open_engine(url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'scamlink.db'}"
    return str(request.getfixturevalue("postgres_database"))


@pytest.fixture
def engine(backend: str, database_url: str, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A migrated, empty store (reference agencies only) on each backend."""
    if backend == "sqlite":
        sqlite_engine = open_engine(database_url)
        upgrade(sqlite_engine)
        yield sqlite_engine
        sqlite_engine.dispose()
        return
    pg_engine: Engine = request.getfixturevalue("_postgres_engine")
    yield pg_engine
    tables = [t.name for t in metadata.sorted_tables if t.name not in KEPT_TABLES]
    with pg_engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        ensure_head(conn)  # the audit log's lock row, as a fresh migration leaves it
        conn.execute(
            delete(agencies).where(agencies.c.code.not_in([a.code for a in REFERENCE_AGENCIES]))
        )
        # Reference sharing groups were emptied with the rest: put them back.
        ensure_reference_groups(conn)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    data_dir = tmp_path / "data"
    data_dir.mkdir(exist_ok=True)
    return Settings(data_dir=data_dir, database_url=database_url, secret_key="test-secret-key")
