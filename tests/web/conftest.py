"""Fixtures for the web shell: the application over the per-backend store, and test clients."""

from __future__ import annotations

import warnings

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from scamlink.config import Settings
from scamlink.web.app import create_app

# Starlette's test client prefers httpx2 and warns (an error under our warning policy) when it
# finds only httpx. Until httpx2 is a dev dependency, the one known warning is silenced here,
# before any test module imports the client.
with warnings.catch_warnings():
    warnings.filterwarnings(
        "ignore", message=r"Using `httpx` with `starlette\.testclient` is deprecated"
    )
    import starlette.testclient  # noqa: F401


@pytest.fixture
def app(settings: Settings, engine: Engine) -> FastAPI:
    return create_app(settings, engine, secure_cookies=False)
