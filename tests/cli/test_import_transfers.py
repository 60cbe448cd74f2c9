"""`scamlink import transfers`: exit codes 0/1/2, JSON summary, nothing stored on bad rows."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine

from scamlink.store.transfers import count_transfers
from tests.cli.conftest import Invoke

DATA = Path(__file__).parents[1] / "interop" / "transfers" / "data"


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return count_transfers(conn)


def test_clean_file_exit_0_and_reimport_merges(invoke: Invoke, engine: Engine) -> None:
    result = invoke("import", "transfers", str(DATA / "etherscan.csv"), "--chain", "eth", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["format"], summary["stored"], summary["duplicates"]) == ("etherscan", 4, 0)
    again = invoke("import", "transfers", str(DATA / "etherscan_old.csv"), "--chain", "eth")
    assert again.exit_code == 0
    assert "stored 0, duplicates 4" in again.stdout
    assert _count(engine) == 4


def test_bad_rows_exit_1_and_store_nothing(invoke: Invoke, engine: Engine) -> None:
    result = invoke("import", "transfers", str(DATA / "etherscan_bad.csv"), "--chain", "ETH")
    assert result.exit_code == 1
    assert "nothing was stored" in result.stdout
    assert "line 3, field From:" in result.stdout
    assert "line 5, field UnixTimestamp: out of time order" in result.stdout
    assert _count(engine) == 0


def test_unreadable_files_exit_2(invoke: Invoke, engine: Engine, tmp_path: Path) -> None:
    unknown = invoke("import", "transfers", str(DATA / "unknown.csv"), "--chain", "tron")
    assert unknown.exit_code == 2
    assert "known formats" in unknown.stderr
    truncated = invoke(
        "import", "transfers", str(DATA / "tron_grid_truncated.json"), "--chain", "tron"
    )
    assert truncated.exit_code == 2
    assert "line 46, column 25" in truncated.stderr
    wrong = invoke("import", "transfers", str(DATA / "esplora_tx.json"), "--chain", "tron")
    assert wrong.exit_code == 2
    assert "not tron" in wrong.stderr
    chain = invoke("import", "transfers", str(DATA / "plain.csv"), "--chain", "doge")
    assert chain.exit_code == 2
    assert "unknown chain" in chain.stderr
    missing = invoke("import", "transfers", str(tmp_path / "none.csv"), "--chain", "tron")
    assert missing.exit_code == 2
    assert "no such file" in missing.stderr
    assert _count(engine) == 0
