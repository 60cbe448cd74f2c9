"""Small generated worlds shared by the demo tests (generated once per session)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest

from scamlink.demo import GenerationSummary, generate
from scamlink.sharing.agencies import REPORTING_AGENCIES

REPORTS = 3000
SEED = 11


@dataclass(frozen=True)
class GeneratedWorld:
    path: Path
    summary: GenerationSummary
    progress: tuple[int, ...]

    def rows(self, agency: str) -> list[dict[str, str]]:
        with (self.path / f"reports-{agency}.csv").open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    def all_rows(self) -> list[tuple[str, dict[str, str]]]:
        return [(a.code, row) for a in REPORTING_AGENCIES for row in self.rows(a.code)]

    def truth(self) -> list[dict[str, str]]:
        with (self.path / "truth.csv").open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))


def _world(root: Path, reports: int, seed: int, profile: str) -> GeneratedWorld:
    calls: list[int] = []
    summary = generate(
        root,
        reports,
        seed,
        profile="noisy" if profile == "noisy" else "default",
        progress=calls.append,
    )
    return GeneratedWorld(root, summary, tuple(calls))


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> GeneratedWorld:
    return _world(tmp_path_factory.mktemp("world"), REPORTS, SEED, "default")


@pytest.fixture(scope="session")
def noisy_world(tmp_path_factory: pytest.TempPathFactory) -> GeneratedWorld:
    return _world(tmp_path_factory.mktemp("noisy"), REPORTS, SEED, "noisy")
