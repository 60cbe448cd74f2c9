from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from scamlink.cli.app import app
from scamlink.demo.load import DEMO_ACCOUNTS
from scamlink.store.schema import users
from scamlink.store.stats import total_reports
from tests.cli.conftest import Invoke


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small world written once through the real command."""
    out = tmp_path_factory.mktemp("world")
    result = CliRunner().invoke(
        app, ["demo", "generate", "--reports", "600", "--seed", "3", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "wrote 600 reports" in result.output
    return out


def test_generate_writes_a_file_per_reporting_agency_and_the_truth(world: Path) -> None:
    names = {p.name for p in world.iterdir()}
    assert {"truth.csv", "reports-KNPA.csv", "reports-RTP.csv", "reports-CNP.csv"} <= names
    truth_rows = (world / "truth.csv").read_text(encoding="utf-8").count("\n") - 1
    assert truth_rows == 600


def test_load_stores_the_world_once_and_creates_demo_logins(
    invoke: Invoke, world: Path, engine: Engine
) -> None:
    first = invoke("demo", "load", str(world), "--json")
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout)
    assert summary["stored"] == 600
    assert summary["rejected"] == []
    again = json.loads(invoke("demo", "load", str(world), "--json").stdout)
    assert (again["stored"], again["duplicates"]) == (0, 600)
    with engine.connect() as conn:
        assert total_reports(conn) == 600
        emails = set(conn.scalars(select(users.c.email)))
    assert {a.email for a in DEMO_ACCOUNTS} == emails


def test_load_if_empty_does_nothing_on_a_filled_database(
    invoke: Invoke, world: Path, engine: Engine
) -> None:
    assert invoke("demo", "load", str(world)).exit_code == 0
    skipped = invoke("demo", "load", str(world), "--if-empty")
    assert skipped.exit_code == 0
    assert "not loading" in skipped.output


def test_load_from_a_folder_without_a_world_is_a_clear_error(
    invoke: Invoke, tmp_path: Path
) -> None:
    result = invoke("demo", "load", str(tmp_path))
    assert result.exit_code == 2
    assert "holds no reports-<AGENCY>.csv files" in result.output
