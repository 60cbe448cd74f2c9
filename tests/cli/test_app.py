"""The command tree: every command loads, and only the one that runs is imported."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.core import TyperCommand, TyperGroup
from typer.testing import CliRunner

from scamlink.cli.app import COMMANDS, app, load_command
from scamlink.cli.errors import is_user_facing
from scamlink.config import ConfigError


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_loads_under_its_name(name: str) -> None:
    command = load_command(name)
    assert isinstance(command, TyperCommand | TyperGroup)
    assert command.name == name
    result = CliRunner().invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.output


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output


def test_an_unknown_command_is_refused() -> None:
    result = CliRunner().invoke(app, ["no-such-command"])
    assert result.exit_code == 2
    assert "No such command" in result.output


def test_importing_the_tree_imports_no_command() -> None:
    probe = (
        "import sys, scamlink.cli.app; "
        "print(sorted(m for m in sys.modules if m.startswith(('scamlink.cli.', 'scamlink.reports', "
        "'scamlink.indicators', 'scamlink.web', 'duckdb'))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "['scamlink.cli.app', 'scamlink.cli.errors']"


def test_errors_are_user_facing_only_when_their_module_is_loaded() -> None:
    assert is_user_facing(ConfigError("bad setting"))
    assert not is_user_facing(ValueError("a bug"))
