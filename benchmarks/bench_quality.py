"""Campaign quality on ground truth: B-cubed of the linked campaigns against the world's truth.

Generates the default and the noisy world (BENCH_QUALITY_REPORTS each, default 100,000, seed
7), loads each into a scratch SQLite store through the bulk import (`demo.load`: every stored
batch is linked in its transaction, as in production), and scores the store's campaigns
against truth.csv at campaign and at compound level (`demo.scoring`).

Beside it, the peer a person would try first: link reports that share a value written exactly
alike (trimmed, nothing else: no canonical keys, no warninglists, no hubs), scored the same way.
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from benchmarks.databases import scratch_sqlite
from scamlink.demo import generate
from scamlink.demo.generator import Profile
from scamlink.demo.load import load_world, world_files
from scamlink.demo.scoring import WorldScore, read_truth, score_world
from scamlink.interop.report_csv import INDICATOR_COLUMNS, VALUE_SEPARATOR
from scamlink.linking.quality import BCubed, bcubed

REPORTS = int(os.environ.get("BENCH_QUALITY_REPORTS", "100000"))
SEED = 7
GOALS = {"default": 0.97, "noisy": 0.93}
GOAL_PRECISION = 0.98


def _loaded_and_scored(world: Path) -> tuple[WorldScore, float, int]:
    with scratch_sqlite("scamlink-bench-quality-") as engine:
        started = time.perf_counter()
        stored = load_world(engine, world).stored  # the import links every batch it stores
        seconds = time.perf_counter() - started
        return score_world(engine, world), seconds, stored


def _raw_rows(world: Path) -> Iterator[tuple[tuple[str, str], list[str]]]:
    for agency, path in world_files(world):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                values = [
                    f"{column}:{v.strip()}"
                    for column in INDICATOR_COLUMNS
                    for v in row[column].split(VALUE_SEPARATOR)
                    if v.strip()
                ]
                yield (agency.code, row["external_id"]), values


def exact_value_peer(world: Path) -> BCubed:
    """Reports sharing a value written exactly alike, one campaign (the naive linker)."""
    parent: dict[object, object] = {}

    def find(item: object) -> object:
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for key, values in _raw_rows(world):
        root = find(key)
        for value in values:
            other = find(value)
            if other != root:
                parent[other] = root
    truth = {key: campaign for key, campaign, _ in read_truth(world)}
    return bcubed((find(key), campaign) for key, campaign in truth.items())


def _row(profile: str, score: WorldScore, seconds: float, stored: int, peer: BCubed) -> str:
    c, k = score.campaigns, score.compounds
    goal = GOALS[profile]
    met = "✔" if c.precision >= GOAL_PRECISION and c.f1 >= goal else "✘"
    return (
        f"| {profile} world, {score.truth_reports:,} reports (seed {SEED}), import + linking "
        f"{stored / seconds:,.0f} reports/s | P {c.precision:.4f} · R {c.recall:.4f} · "
        f"F1 {c.f1:.4f} | P {k.precision:.4f} · R {k.recall:.4f} · F1 {k.f1:.4f} | "
        f"{c.split:,} of {c.true_clusters:,} split, {c.merged:,} of {c.predicted_clusters:,} "
        f"merged; {score.alone:,} reports linked to none, {score.missing:,} rejected rows | "
        f"exact-string linking: P {peer.precision:.4f} · R {peer.recall:.4f} · "
        f"F1 {peer.f1:.4f} | P ≥ {GOAL_PRECISION}, F1 ≥ {goal} {met} |"
    )


def run() -> list[str]:
    lines = [
        "",
        "| world | campaigns: B-cubed | compounds: B-cubed | errors | peer, same world | goal |",
        "|---|---|---|---|---|---|",
    ]
    profiles: tuple[Profile, ...] = ("default", "noisy")
    with tempfile.TemporaryDirectory(prefix="scamlink-bench-quality-") as tmp:
        for profile in profiles:
            world = Path(tmp) / profile
            generate(world, REPORTS, SEED, profile=profile)
            score, seconds, stored = _loaded_and_scored(world)
            lines.append(_row(profile, score, seconds, stored, exact_value_peer(world)))
            _explain(profile, score)
    return lines


def _explain(profile: str, score: WorldScore) -> None:
    """Why reports stand alone, the worst merges and what joined them, on stderr (the table
    stays clean)."""
    print(f"{profile}: reports linked to no other: {score.why_alone}", file=sys.stderr)
    for joined in score.worst_merges:
        merge = joined.merge
        bridges = "; ".join(
            f"{b.type} {b.value} ({b.true_campaigns} campaigns, {b.reports} reports"
            f"{'' if b.links is not False else ', not linking'})"
            for b in joined.bridges[:3]
        )
        print(
            f"{profile}: campaign {merge.predicted} of {merge.size} reports from "
            f"{len(merge.parts)} true campaigns {[n for _, n in merge.parts[:5]]}, "
            f"−{merge.precision_loss:.1f}: {bridges}",
            file=sys.stderr,
        )


if __name__ == "__main__":
    print(*run(), sep="\n", flush=True)
