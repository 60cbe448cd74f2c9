"""Demo world: generation throughput and memory; loading into SQLite. Each beside its peer."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks.measure import run_measured

BIN = Path(sys.executable).parent
GENERATE_REPORTS = int(os.environ.get("BENCH_GENERATE_REPORTS", "1000000"))
LOAD_REPORTS = int(os.environ.get("BENCH_LOAD_REPORTS", "100000"))
PEER_REPORTS = 50_000  # Faker is slow; its rate is steady well before this


def bench_generate(work: Path) -> list[str]:
    out = work / "world"
    ours = run_measured(
        [
            str(BIN / "scamlink"),
            "demo",
            "generate",
            "--no-laundering",  # reports only (bench_trace_quality times the laundering)
            "--reports",
            str(GENERATE_REPORTS),
            "--seed",
            "1",
            "--out",
            str(out),
        ]
    )
    peer = run_measured(
        [
            sys.executable,
            "-m",
            "benchmarks.peers.faker_world",
            str(PEER_REPORTS),
            str(work / "faker.csv"),
        ]
    )
    ours_rate = GENERATE_REPORTS / ours.seconds
    peer_rate = PEER_REPORTS / peer.seconds
    shutil.rmtree(out)
    return [
        f"| demo generate, {GENERATE_REPORTS:,} reports | {ours_rate:,.0f} reports/s | "
        f"{ours.peak_mb:,.0f} MB peak | Faker rows of the same shape: {peer_rate:,.0f} rows/s, "
        f"{peer.peak_mb:,.0f} MB | ×{ours_rate / peer_rate:.1f} |",
    ]


def bench_load(work: Path) -> list[str]:
    world = work / "load-world"
    run_measured(
        [
            str(BIN / "scamlink"),
            "demo",
            "generate",
            "--no-laundering",  # reports only (bench_trace_quality times the laundering)
            "--reports",
            str(LOAD_REPORTS),
            "--seed",
            "2",
            "--out",
            str(world),
        ]
    )
    data = work / "data"
    env = {**os.environ, "SCAMLINK_DATA_DIR": str(data)}
    env.pop("SCAMLINK_DATABASE_URL", None)
    run_measured([str(BIN / "scamlink"), "db", "upgrade"], env)
    ours = run_measured([str(BIN / "scamlink"), "demo", "load", str(world)], env)
    # The peer stores the raw rows with no validation, canonicalisation or indicator table.
    peer_db = work / "peer.db"
    files = sorted(world.glob("reports-*.csv"))
    peer_seconds = sum(
        run_measured(
            [str(BIN / "sqlite-utils"), "insert", str(peer_db), "reports", str(f), "--csv"]
        ).seconds
        for f in files
    )
    ours_rate = LOAD_REPORTS / ours.seconds
    peer_rate = LOAD_REPORTS / peer_seconds
    return [
        f"| demo load into SQLite, {LOAD_REPORTS:,} reports | {ours_rate:,.0f} reports/s | "
        f"{ours.peak_mb:,.0f} MB peak | sqlite-utils insert --csv (raw rows, no validation): "
        f"{peer_rate:,.0f} rows/s | ×{ours_rate / peer_rate:.2f} |",
    ]


def run() -> list[str]:
    with tempfile.TemporaryDirectory(prefix="scamlink-bench-") as tmp:
        work = Path(tmp)
        return bench_generate(work) + bench_load(work)
