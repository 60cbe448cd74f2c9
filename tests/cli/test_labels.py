"""`scamlink labels import` and `labels list`: TagPacks in, clear errors, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Invoke

PACK = """title: test
category: exchange
chain: tron
source: test
tags:
  - address: TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t
    label: Exchange X
"""


def test_import_and_list(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "pack.yaml"
    path.write_text(PACK, encoding="utf-8")
    result = invoke("labels", "import", str(path), "--agency", "knpa", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "file": "pack.yaml",
        "tags": 1,
        "added": 1,
        "updated": 0,
        "unchanged": 0,
        "refused": [],
    }
    other = invoke("labels", "import", str(path), "--agency", "RTP")
    assert other.exit_code == 1
    assert "labelled by KNPA" in other.stdout
    starter = invoke("labels", "import", "--starter", "--agency", "KNPA", "--json")
    assert starter.exit_code == 0, starter.output
    assert json.loads(starter.stdout)["added"] >= 10
    listed = json.loads(invoke("labels", "list", "--chain", "tron", "--json").stdout)
    assert listed[0]["address"] == "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
    assert listed[0]["created_by"] == "KNPA"
    assert all(x["chain"] == "tron" for x in listed)
    table = invoke("labels", "list")
    assert "Exchange X" in table.stdout


def test_refusals_exit_2_with_one_line(invoke: Invoke, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(PACK.replace("exchange", "casino"), encoding="utf-8")
    result = invoke("labels", "import", str(bad), "--agency", "KNPA")
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("error: bad.yaml: tag 1: field `category`")
    assert "Traceback" not in result.output
    missing = invoke("labels", "import", str(tmp_path / "nope.yaml"), "--agency", "KNPA")
    assert (missing.exit_code, missing.stderr.strip()) == (2, "error: nope.yaml: no such file")
    agency = invoke("labels", "import", str(bad.with_name("x")), "--starter", "--agency", "KNPA")
    assert agency.exit_code == 2
    unknown = invoke("labels", "import", "--starter", "--agency", "NOPE")
    assert "unknown agency" in unknown.stderr
    chain = invoke("labels", "list", "--chain", "doge")
    assert chain.exit_code == 2
    assert "unknown chain" in chain.stderr
