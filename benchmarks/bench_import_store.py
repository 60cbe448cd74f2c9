"""The importer's own share of a bulk import: storing and linking parsed batches, nothing else.

A world file (BENCH_STORE_FILE, default `reports-KNPA.csv` of a generated 100,000 world) is
parsed once into packed batches (what the parsing processes send); each round stores and links
them, through the bulk import's hook (`link_and_notify`), into a scratch SQLite and PostgreSQL
store. The first batch is stored before timing (connections and caches warm). Printed: CPU of
this process per stored report (for PostgreSQL the client's share; the server's CPU is its own
process) and wall time per report, the lowest CPU of BENCH_STORE_ROUNDS (default 3), with the
load average.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.databases import scratch_postgres, scratch_sqlite
from benchmarks.measure import run_measured
from scamlink.demo.load import world_files
from scamlink.reports.bulk import link_and_notify
from scamlink.reports.bulk_parse import FileFormat, ParsedBatch, ParseJob, parsed_batches
from scamlink.reports.model import ReportSource
from scamlink.store.markings import release_directory
from scamlink.store.reports import PackedBatch, ReportWriter

BIN = Path(sys.executable).parent
FILE = os.environ.get("BENCH_STORE_FILE", "reports-KNPA.csv")
ROUNDS = int(os.environ.get("BENCH_STORE_ROUNDS", "3"))
BATCH = 1000


def run() -> list[str]:
    with tempfile.TemporaryDirectory(prefix="scamlink-bench-store-") as tmp:
        world = Path(tmp) / "world"
        generate = [str(BIN / "scamlink"), "demo", "generate", "--no-laundering"]
        run_measured([*generate, "--reports", "100000", "--seed", "5", "--out", str(world)])
        batches = _parsed(world, FILE)
        return [_line("SQLite", batches), _line("PostgreSQL", batches)]


def _parsed(world: Path, name: str) -> list[PackedBatch]:
    agency, path = next((a, p) for a, p in world_files(world) if p.name == name)
    with scratch_sqlite("scamlink-bench-store-") as engine, engine.connect() as conn:
        directory = release_directory(conn)  # the agencies and groups a release may name
    police = ReportSource.POLICE
    job = ParseJob(path, agency, directory, FileFormat.CSV, None, police, BATCH)
    return [e.packed for e in parsed_batches(job) if isinstance(e, ParsedBatch)]


def _line(backend: str, batches: list[PackedBatch]) -> str:
    rounds = [_round(backend, batches) for _ in range(ROUNDS)]
    cpu, wall, stored = min(rounds)
    return (
        f"| store + link only, {backend}, {stored:,} reports in batches of 1,000 | "
        f"CPU {cpu:.0f} µs a report (rounds {', '.join(f'{r[0]:.0f}' for r in rounds)}) | "
        f"wall {wall:.0f} µs a report | load average {os.getloadavg()[0]:.1f} |"
    )


def _round(backend: str, batches: list[PackedBatch]) -> tuple[float, float, int]:
    scratch = scratch_sqlite if backend == "SQLite" else scratch_postgres
    with scratch("scamlink_bench_store_") as engine:
        writer = ReportWriter(engine, on_stored=link_and_notify)
        writer.store_packed(batches[0])
        stored = 0
        cpu, wall = time.process_time(), time.perf_counter()
        for batch in batches[1:]:
            stored += writer.store_packed(batch).stored
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return cpu / stored * 1e6, wall / stored * 1e6, stored


if __name__ == "__main__":
    print(*run(), sep="\n")
