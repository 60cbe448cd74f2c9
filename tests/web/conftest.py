"""Fixtures for the web shell: the application over the per-backend store, and test clients."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from scamlink.config import Settings
from scamlink.web.app import create_app


@pytest.fixture
def app(settings: Settings, engine: Engine) -> FastAPI:
    return create_app(settings, engine, secure_cookies=False)
