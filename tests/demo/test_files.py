"""The files of a generated world: format, determinism, summary."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from scamlink.demo import generate
from scamlink.interop.report_csv import COLUMNS
from scamlink.sharing.agencies import REPORTING_AGENCIES
from tests.demo.conftest import REPORTS, SEED, GeneratedWorld


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_seed_gives_the_same_bytes_in_another_process(
    world: GeneratedWorld, tmp_path: Path
) -> None:
    # Another interpreter with another hash seed: nothing may depend on str hashing or on
    # anything but (reports, seed, profile).
    script = (
        "import sys; from pathlib import Path; from scamlink.demo import generate; "
        "generate(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run(
        [sys.executable, "-c", script, str(tmp_path), str(REPORTS), str(SEED)],
        check=True,
        env=env,
    )
    assert _digests(tmp_path) == _digests(world.path)


def test_different_seeds_give_different_worlds(world: GeneratedWorld, tmp_path: Path) -> None:
    generate(tmp_path, REPORTS, SEED + 1)
    mine, theirs = _digests(world.path), _digests(tmp_path)
    assert mine.keys() == theirs.keys()
    assert all(mine[name] != theirs[name] for name in mine if name.startswith("reports-KNPA"))
    assert mine["truth.csv"] != theirs["truth.csv"]


def test_one_file_per_reporting_agency_with_the_exact_header(world: GeneratedWorld) -> None:
    header = (",".join(COLUMNS) + "\n").encode()
    for agency in REPORTING_AGENCIES:
        data = (world.path / f"reports-{agency.code}.csv").read_bytes()
        assert data.startswith(header), agency.code
        assert b"\r" not in data
        data.decode("utf-8")
    truth = (world.path / "truth.csv").read_bytes()
    assert truth.startswith(b"agency,external_id,compound,campaign,victim\n")


def test_every_reporting_agency_receives_reports(world: GeneratedWorld) -> None:
    counts = world.summary.per_agency
    assert set(counts) == {a.code for a in REPORTING_AGENCIES}
    assert all(counts[a.code] > 0 for a in REPORTING_AGENCIES), counts
    # Korea is targeted heavily.
    assert counts["KNPA"] == max(counts.values())


def test_summary_and_progress_add_up(world: GeneratedWorld) -> None:
    summary = world.summary
    assert summary.total_reports == REPORTS
    assert sum(summary.per_agency.values()) == REPORTS
    assert sum(world.progress) == REPORTS
    assert max(world.progress) <= 1000
    for agency in REPORTING_AGENCIES:
        assert len(world.rows(agency.code)) == summary.per_agency[agency.code]
    assert len(world.truth()) == REPORTS
    assert summary.campaigns == len({t["campaign"] for t in world.truth()})
    assert summary.compounds == len({t["compound"] for t in world.truth()})
    assert all(path.exists() for path in summary.files)


def test_external_ids_are_unique_per_agency_and_match_the_truth(world: GeneratedWorld) -> None:
    truth = {(t["agency"], t["external_id"]) for t in world.truth()}
    seen: set[tuple[str, str]] = set()
    for agency, row in world.all_rows():
        key = (agency, row["external_id"])
        assert key not in seen
        seen.add(key)
    assert seen == truth


def test_times_are_zoned_and_inside_the_two_years(world: GeneratedWorld) -> None:
    first = datetime.fromisoformat("2024-11-01T00:00:00+00:00") - timedelta(days=1)
    last = datetime.fromisoformat("2026-11-01T00:00:00+00:00") + timedelta(days=1)
    offsets = {"KNPA": 9 * 60, "MPF": 6 * 60 + 30, "SPF": 8 * 60, "RTP": 7 * 60}
    for agency, row in world.all_rows():
        received = datetime.fromisoformat(row["received_at"])
        assert received.tzinfo is not None
        assert first <= received <= last
        if agency in offsets:
            offset = received.utcoffset()
            assert offset is not None
            assert offset == timedelta(minutes=offsets[agency])
        if row["incident_date"]:
            assert row["incident_date"] <= row["received_at"][:10]


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        generate(tmp_path, 0, 1)
    with pytest.raises(ValueError, match="profile"):
        generate(tmp_path, 10, 1, profile="loud")  # type: ignore[arg-type]
