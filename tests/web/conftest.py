"""Fixtures for the web shell: the application over the per-backend store, and test clients."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from scamlink.config import Settings
from scamlink.web.app import create_app


@pytest.fixture
def app(settings: Settings, engine: Engine) -> Iterator[FastAPI]:
    made = create_app(settings, engine, secure_cookies=False)
    yield made
    # A query log the test's lookups started writes what waits now, into this test's tables,
    # and its timer stops: fired later, it would write into the next test's.
    log = getattr(made.state, "lookup_query_log", None)
    if log is not None:
        log.flush()
