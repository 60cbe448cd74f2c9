"""`scamlink link quality WORLD`: scores printed for people and as JSON, errors in one line."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine

from tests.cli.conftest import Invoke
from tests.demo.test_scoring import PHONE_A, small_world


def test_json_gives_both_levels_and_the_worst_merge_with_what_joined_it(
    invoke: Invoke, engine: Engine, tmp_path: Path
) -> None:
    merged = small_world(engine, tmp_path / "w")

    result = invoke("link", "quality", str(tmp_path / "w"), "--json")

    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert (out["reports"], out["missing"], out["unknown"], out["unlinked"]) == (5, 1, 1, 1)
    assert out["alone"] == 2
    assert out["campaign"]["precision"] == round(11 / 15, 6)
    assert out["campaign"]["recall"] == 0.8
    assert (out["campaign"]["split"], out["campaign"]["merged"]) == (1, 1)
    assert out["compound"]["precision"] == 1.0
    (merge,) = out["worst_merges"]
    assert merge["campaign"] == merged
    assert merge["true_campaigns"] == [
        {"campaign": "C-1", "reports": 2},
        {"campaign": "C-2", "reports": 1},
    ]
    assert merge["joined_by"] == [
        {"type": "phone", "value": PHONE_A, "true_campaigns": 2, "reports": 3, "links": None}
    ]


def test_the_table_names_scores_goals_and_the_joining_indicator(
    invoke: Invoke, engine: Engine, tmp_path: Path
) -> None:
    small_world(engine, tmp_path / "w")

    result = invoke("link", "quality", str(tmp_path / "w"))

    assert result.exit_code == 0, result.output
    assert "0.7333" in result.stdout  # campaign precision
    assert "goals: precision ≥ 0.98" in result.stdout
    assert f"joined by phone {PHONE_A}: in 2 of them, 3 reports" in result.stdout


def test_a_folder_without_truth_is_one_line_of_error(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("link", "quality", str(tmp_path))

    assert result.exit_code == 2
    assert "error:" in result.stderr
    assert "truth.csv does not exist" in result.stderr
    assert "Traceback" not in result.output
