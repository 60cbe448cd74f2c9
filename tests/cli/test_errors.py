"""Misconfiguration ends in one line on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _scamlink(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("SCAMLINK_")}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-c", "from scamlink.cli import main; main()", *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root@127.0.0.1/x", "unsupported database"),
        ("not a url", "not a database URL"),
        ("postgresql://nobody@127.0.0.1:1/none", "cannot reach database"),
        ("sqlite:////no/such/folder/x.db", "does not exist"),
    ],
)
def test_bad_database_url(tmp_path: Path, url: str, message: str) -> None:
    result = _scamlink(
        ["db", "upgrade"], {"SCAMLINK_DATA_DIR": str(tmp_path), "SCAMLINK_DATABASE_URL": url}
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ")
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unwritable_data_dir(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = _scamlink(["db", "upgrade"], {"SCAMLINK_DATA_DIR": str(blocker / "data")})
    assert result.returncode == 2
    assert "not writable" in result.stderr
    assert "Traceback" not in result.stderr


def test_unmigrated_database_says_what_to_run(tmp_path: Path) -> None:
    result = _scamlink(["agencies"], {"SCAMLINK_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert "scamlink db upgrade" in result.stderr


def test_upgrade_then_list_on_a_fresh_data_dir(tmp_path: Path) -> None:
    env = {"SCAMLINK_DATA_DIR": str(tmp_path)}
    assert _scamlink(["db", "upgrade"], env).returncode == 0
    listed = _scamlink(["agencies"], env)
    assert listed.returncode == 0, listed.stderr
    assert "KDESK" in listed.stdout
    assert (tmp_path / "scamlink.db").exists()
