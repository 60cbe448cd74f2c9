"""Bulk import: a generated world into scratch SQLite and PostgreSQL, each beside its peer.

`scamlink` validates and canonicalises every row, upserts indicators and links sightings, in
atomic batches. The peers store the raw rows only, as a user without scamlink would:
`sqlite-utils insert --csv` for SQLite, psycopg's `executemany` (batches of 1,000, one
transaction each) for PostgreSQL. Sizes: BENCH_IMPORT_SIZES (default "100000,1000000").
Each import runs in a process of its own, so its peak resident memory is its own (the process
tree's: the parsing processes a large file gets are counted in); the importer prints its CPU
seconds, its parsers' and (PostgreSQL) its server processes' to stderr, with the load average,
and a table of its process tree's resident memory by tenth of the import (is it flat?).
BENCH_IMPORT_PEERS=0 leaves the peers out.
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import psycopg
from psycopg import sql
from sqlalchemy import Engine, event

from benchmarks.databases import scratch_postgres, scratch_sqlite
from benchmarks.measure import Measured, run_measured

BIN = Path(sys.executable).parent
SIZES = [int(n) for n in os.environ.get("BENCH_IMPORT_SIZES", "100000,1000000").split(",")]
PEERS = os.environ.get("BENCH_IMPORT_PEERS", "1") != "0"
PEER_BATCH = 1000
# How often the importing process samples its tree's memory (seconds).
SAMPLE_EVERY = 2.0


def run() -> list[str]:
    lines: list[str] = []
    for size in SIZES:
        with tempfile.TemporaryDirectory(prefix="scamlink-bench-import-") as tmp:
            world = Path(tmp) / "world"
            generate = [str(BIN / "scamlink"), "demo", "generate", "--no-laundering", "--reports"]
            generate.append(str(size))
            run_measured([*generate, "--seed", "5", "--out", str(world)])
            lines.append(_sqlite(world, size, Path(tmp)))
            lines.append(_postgres(world, size))
    return lines


def _sqlite(world: Path, size: int, work: Path) -> str:
    with scratch_sqlite("scamlink-bench-import-") as engine:
        ours = _import(engine, world, size)
    if not PEERS:
        return _line("SQLite", size, ours, "", 0.0)
    peer_db = work / "peer.db"
    peer_seconds = sum(
        run_measured(
            [str(BIN / "sqlite-utils"), "insert", str(peer_db), "reports", str(f), "--csv"]
        ).seconds
        for f in _files(world)
    )
    return _line("SQLite", size, ours, "sqlite-utils insert --csv (raw rows)", size / peer_seconds)


def _postgres(world: Path, size: int) -> str:
    with scratch_postgres("scamlink_bench_import_") as engine:
        ours = _import(engine, world, size)
    if not PEERS:
        return _line("PostgreSQL", size, ours, "", 0.0)
    with scratch_postgres("scamlink_bench_peer_") as engine:
        url = _url(engine).replace("postgresql+psycopg://", "postgresql://")
        peer = run_measured(
            [sys.executable, "-m", "benchmarks.bench_import", "peer", url, str(world)]
        )
    return _line("PostgreSQL", size, ours, "psycopg executemany (raw rows)", size / peer.seconds)


def _import(engine: Engine, world: Path, size: int) -> Measured:
    command = [sys.executable, "-m", "benchmarks.bench_import", "ours", _url(engine), str(world)]
    return run_measured([*command, str(size)])


def _line(backend: str, size: int, ours: Measured, peer_name: str, peer_rate: float) -> str:
    rate = size / ours.seconds
    peer = f"{peer_name}: {peer_rate:,.0f} rows/s | ×{rate / peer_rate:.2f}" if peer_rate else "|"
    return (
        f"| bulk import into {backend}, {size:,} reports | {rate:,.0f} reports/s | "
        f"{ours.peak_mb:,.0f} MB peak | {peer} | load average {os.getloadavg()[0]:.1f} |"
    )


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _files(world: Path) -> list[Path]:
    return sorted(world.glob("reports-*.csv"))


# --- the measured processes ---------------------------------------------------------------


def _ours(url: str, world: Path, size: int) -> None:
    from scamlink.demo.load import world_files
    from scamlink.reports.bulk import import_file
    from scamlink.store.engine import open_engine

    engine = open_engine(url)
    backends: set[int] = set()
    if engine.dialect.name == "postgresql":
        # The server's CPU is a third of the cost: its processes serving this import are watched.
        @event.listens_for(engine, "checkout")
        def _backend(connection: Any, record: Any, proxy: Any) -> None:
            backends.add(connection.info.backend_pid)

    stored = 0
    start = time.perf_counter()
    load = os.getloadavg()[0]
    memory = _TreeMemory(size)
    for agency, path in world_files(world):
        stored += import_file(engine, path, agency, progress=memory.handled).stored
    memory.stop()
    server = sum(_cpu_seconds(pid) for pid in backends)
    engine.dispose()
    # CPU seconds say more than wall time on a shared machine: this process (storing and
    # linking) and the parsing processes it started (they wait, idle, for another file).
    me = psutil.Process()
    parsers = sum(sum(p.cpu_times()[:2]) for p in me.children())
    print(
        f"{stored} reports in {time.perf_counter() - start:.1f} s; CPU: importer "
        f"{sum(me.cpu_times()[:2]):.1f} s, parsers {parsers:.1f} s"
        f"{f', server {server:.1f} s' if backends else ''}; "
        f"load average {load:.1f} -> {os.getloadavg()[0]:.1f}",
        file=sys.stderr,
    )
    print(memory.table(), file=sys.stderr)


class _TreeMemory:
    """The resident memory of this process and of its children (the parsers), sampled on a
    thread every SAMPLE_EVERY seconds with the rows handled so far, told by tenth of the
    import."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._rows = 0
        self._samples: list[tuple[int, float, float]] = []  # rows, importer MB, parsers MB
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def handled(self, rows: int) -> None:
        self._rows += rows

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._done.wait(SAMPLE_EVERY):
            try:
                parsers = sum(p.memory_info().rss for p in me.children(recursive=True))
                self._samples.append((self._rows, me.memory_info().rss / 1e6, parsers / 1e6))
            except psutil.Error:  # a parser ended between the listing and the reading
                continue

    def table(self) -> str:
        """Per tenth of the rows: the largest sample of the tree (and its two parts then), and
        how far the tree moved from a quarter of the import to its end."""
        lines = [
            "| rows | importer MB | parsers MB | tree MB (largest sample) |",
            "|---|---|---|---|",
        ]
        for tenth in range(10):
            low, high = self._size * tenth // 10, self._size * (tenth + 1) // 10
            inside = [s for s in self._samples if low <= s[0] < high]
            if inside:
                _, importer, parsers = max(inside, key=lambda s: s[1] + s[2])
                total = importer + parsers
                lines.append(
                    f"| {tenth * 10}–{tenth * 10 + 10} % | {importer:,.0f} | "
                    f"{parsers:,.0f} | {total:,.0f} |"
                )
        late = [s[1] + s[2] for s in self._samples if s[0] >= self._size // 4]
        if late:
            lines.append(
                f"from 25 % of the rows to the end the tree held {min(late):,.0f}–"
                f"{max(late):,.0f} MB ({max(late) / min(late) - 1:+.1%} from its least)"
            )
        return "\n".join(lines)


def _cpu_seconds(pid: int) -> float:
    try:
        return float(sum(psutil.Process(pid).cpu_times()[:2]))
    except psutil.Error:  # a connection the pool closed: its share is lost, said as 0
        return 0.0


def _peer(url: str, world: Path) -> None:
    files = _files(world)
    with files[0].open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    names = [sql.Identifier(c) for c in header]
    create = sql.SQL("CREATE TABLE raw_reports ({})").format(
        sql.SQL(", ").join(sql.SQL("{} text").format(n) for n in names)
    )
    insert = sql.SQL("INSERT INTO raw_reports ({}) VALUES ({})").format(
        sql.SQL(", ").join(names), sql.SQL(", ").join(sql.Placeholder() * len(names))
    )
    with psycopg.connect(url) as conn:
        conn.execute(create)
        conn.commit()
        for path in files:
            with path.open(encoding="utf-8", newline="") as handle:
                reader = csv.reader(handle)
                next(reader)
                for batch in _chunks(reader):
                    with conn.cursor() as cursor:
                        cursor.executemany(insert, batch)
                    conn.commit()


def _chunks(rows: Iterator[list[str]]) -> Iterator[list[list[str]]]:
    batch: list[list[str]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= PEER_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


if __name__ == "__main__":
    if len(sys.argv) == 1:
        print(*run(), sep="\n")
    elif sys.argv[1] == "ours":  # one measured process: `ours DATABASE_URL WORLD SIZE`
        _ours(sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]))
    else:  # `peer DATABASE_URL WORLD`
        _peer(sys.argv[2], Path(sys.argv[3]))
