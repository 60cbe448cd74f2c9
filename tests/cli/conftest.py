"""Run the real `scamlink` command tree against the test store."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner, Result

from scamlink.cli.app import app
from scamlink.config import Settings

Invoke = Callable[..., Result]


@pytest.fixture
def invoke(settings: Settings, engine: Engine) -> Invoke:
    """`invoke("agencies", "add", …)` with the test store configured in the environment."""
    env = {
        "SCAMLINK_DATA_DIR": str(settings.data_dir),
        "SCAMLINK_DATABASE_URL": settings.database_url,
    }

    def run(*args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(app, list(args), env=env, input=input, catch_exceptions=False)

    return run
