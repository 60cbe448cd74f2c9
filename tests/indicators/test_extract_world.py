"""Extraction against the demo world's ground truth (generate(..., labels=True))."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

from scamlink.demo.generator import generate
from scamlink.indicators.extract import extract
from scamlink.sharing.agencies import REPORTING_AGENCIES

_COUNTRY = {a.code: a.country for a in REPORTING_AGENCIES}


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.name != "labels.jsonl"
    }


def test_labels_leave_the_world_unchanged_and_are_found(tmp_path: Path) -> None:
    plain, labelled = tmp_path / "plain", tmp_path / "labelled"
    generate(plain, 600, 3)
    generate(labelled, 600, 3, labels=True)
    assert not (plain / "labels.jsonl").exists()
    assert _digests(plain) == _digests(labelled)

    labels = {}
    with (labelled / "labels.jsonl").open(encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            labels[(rec["agency"], rec["external_id"])] = {
                (x["type"], x["value"]) for x in rec["labels"]
            }
    assert len(labels) == 600
    expected = found = wrong = 0
    for agency, country in _COUNTRY.items():
        with (labelled / f"reports-{agency}.csv").open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                gold = labels[(agency, row["external_id"])]
                got = {(x.type.value, x.value) for x in extract(row["narrative"], country)}
                expected += len(gold)
                found += len(gold & got)
                wrong += len(got - gold)
    assert expected > 300
    assert found / expected > 0.97
    assert wrong / max(found, 1) < 0.03
