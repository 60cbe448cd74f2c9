"""Transfers import (issue 8): a generated plain transfers CSV into scratch SQLite and
PostgreSQL, beside a naive peer.

scamlink: `tracing.importing.import_transfers` — the file is large, so it is read once by
DuckDB, which checks every row and sorts the canonical rows into key order; each distinct
address is validated once (TRON base58check) as a batch brings it; the batches go, while DuckDB
produces the next ones, into the store in one transaction (SQLite: one `INSERT … SELECT` a
batch over its columns bound as BLOBs, packed on the reading thread; PostgreSQL: COPY), and the
two secondary indexes are built afterwards (SQLite: the sorter's helper threads sort and merge
beside the writer's scan).
Peer: the obvious Python import — `csv.reader` row by row, the same per-row checks
(`plain_csv`), `executemany` INSERT … ON CONFLICT DO NOTHING in batches of 10,000, one
transaction. The peer runs on the file's first BENCH_TRANSFERS_PEER_ROWS rows (default 200,000;
on PostgreSQL BENCH_TRANSFERS_PEER_ROWS_POSTGRES, default 50,000: at 10M it would take hours),
and the ratio compares rows per second.

Every import runs in a process of its own; it prints wall seconds, its CPU seconds
(`resource.getrusage`, all its threads — DuckDB's included; the PostgreSQL server's CPU is not)
and its peak resident memory (psutil, polled every 0.1 s), with the load average at the end.
`python -m benchmarks.bench_transfers_import ours|peer URL FILE` measures one import.

Sizes: BENCH_TRANSFERS_ROWS (default 10,000,000), addresses BENCH_TRANSFERS_ADDRESSES (200,000).
`python -m benchmarks.bench_transfers_import` prints the Markdown rows.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import psutil
import pyarrow as pa
from sqlalchemy import Engine

from benchmarks.databases import scratch_postgres, scratch_sqlite

ROWS = int(os.environ.get("BENCH_TRANSFERS_ROWS", "10000000"))
PEER_ROWS = int(os.environ.get("BENCH_TRANSFERS_PEER_ROWS", "200000"))
PEER_ROWS_POSTGRES = int(os.environ.get("BENCH_TRANSFERS_PEER_ROWS_POSTGRES", "50000"))
ADDRESSES = int(os.environ.get("BENCH_TRANSFERS_ADDRESSES", "200000"))
PEER_BATCH = 10_000
USDT = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"


def generate(path: Path, rows: int, addresses: int) -> None:
    """A plain CSV of `rows` USDT transfers between `addresses` valid TRON addresses, two
    transfers per transaction, one second apart per ten rows (deterministic)."""
    import hashlib

    from scamlink.indicators.codecs import base58check_encode

    pool = [
        base58check_encode(b"\x41" + hashlib.sha256(b"bench%d" % n).digest()[:20])
        for n in range(addresses)
    ]
    con = duckdb.connect()
    con.register("pool", pa.table({"n": pa.array(range(addresses)), "a": pa.array(pool)}))
    con.execute("CREATE TABLE addr AS SELECT * FROM pool")
    con.execute(
        "COPY (SELECT 'tron' AS chain, sha256((i // 2)::VARCHAR) AS tx_hash, i % 2 AS \"index\", "  # noqa: S608
        '(1704067200 + i // 10)::VARCHAR AS timestamp, f.a AS "from", t.a AS "to", '
        "'USDT' AS token, printf('%d.%06d', (hash(i) % 5000000000) // 1000000, "
        f"hash(i) % 1000000) AS amount, '{USDT}' AS token_contract "
        f"FROM range({rows}) r(i) "
        f"JOIN addr f ON f.n = hash(i * 2 + 1) % {addresses} "
        f"JOIN addr t ON t.n = hash(i * 2 + 2) % {addresses} ORDER BY i) "
        f"TO '{path}' (HEADER, DELIMITER ',')"
    )
    con.close()


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _measure(kind: str, url: str, path: Path) -> dict[str, float]:
    """Run one import in a process of its own; its peak resident memory is polled with psutil
    (getrusage's ru_maxrss would carry the parent's peak over the exec)."""
    command = [sys.executable, "-m", "benchmarks.bench_transfers_import", kind, url, str(path)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watched = psutil.Process(process.pid)
    peak = 0
    while process.poll() is None:
        with contextlib.suppress(psutil.Error):
            peak = max(peak, sum(p.memory_info().rss for p in [watched, *watched.children(True)]))
        time.sleep(0.1)
    out, err = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"{kind} import failed:\n{err}")
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    result["peak_mb"] = peak / 1e6
    return result


def ours(url: str, path: Path) -> dict[str, float]:
    from scamlink.store.engine import open_engine
    from scamlink.tracing.importing import import_transfers
    from scamlink.tracing.model import Chain

    engine = open_engine(url)
    start, cpu = time.perf_counter(), _cpu()
    summary = import_transfers(engine, path, Chain.TRON, bulk_bytes=0)
    wall, used = time.perf_counter() - start, _cpu() - cpu
    engine.dispose()
    if summary.rejected or not summary.bulk:
        raise SystemExit(f"unexpected summary: {summary.as_dict()}")
    return {"wall": wall, "cpu": used, "rows": summary.stored}


def peer(url: str, path: Path) -> dict[str, float]:
    """The naive import: row by row, the same checks, executemany in batches."""
    from sqlalchemy.exc import SQLAlchemyError

    from scamlink.interop.transfers import plain_csv
    from scamlink.interop.transfers.common import RowError
    from scamlink.store.engine import open_engine
    from scamlink.store.transfers import store_transfers
    from scamlink.tracing.model import Chain, Transfer

    engine = open_engine(url)
    start, cpu = time.perf_counter(), _cpu()
    stored = 0
    with engine.begin() as conn, path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = [h.strip().lower() for h in next(reader)]
        batch: list[Transfer] = []
        for count, row in enumerate(reader):
            if count >= (PEER_ROWS_POSTGRES if "postgresql" in url else PEER_ROWS):
                break
            try:
                batch.append(plain_csv._transfer(dict(zip(header, row, strict=True)), Chain.TRON))
            except RowError as exc:
                raise SystemExit(f"row {count}: {exc}") from None
            if len(batch) == PEER_BATCH:
                stored += store_transfers(conn, batch).stored
                batch = []
        try:
            stored += store_transfers(conn, batch).stored
        except SQLAlchemyError as exc:
            raise SystemExit(str(exc)) from None
    wall, used = time.perf_counter() - start, _cpu() - cpu
    engine.dispose()
    return {"wall": wall, "cpu": used, "rows": stored}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _line(backend: str, rows: int, us: dict[str, float], them: dict[str, float]) -> str:
    ours_rate = us["rows"] / us["wall"]
    peer_rate = them["rows"] / them["wall"]
    return (
        f"| transfers import, {rows:,} rows, {backend} | {us['wall']:.1f} s wall, "
        f"{us['cpu']:.1f} s CPU ({ours_rate:,.0f} rows/s) | {us['peak_mb']:,.0f} MB | "
        f"naive csv + executemany: {int(them['rows']):,} rows in {them['wall']:.1f} s wall, "
        f"{them['cpu']:.1f} s CPU ({peer_rate:,.0f} rows/s), {them['peak_mb']:,.0f} MB | "
        f"{ours_rate / peer_rate:.1f}× |"
    )


def run() -> list[str]:
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="scamlink-bench-transfers-") as tmp:
        path = Path(tmp) / "transfers.csv"
        start = time.perf_counter()
        generate(path, ROWS, ADDRESSES)
        made = time.perf_counter() - start
        size_mb = path.stat().st_size / 1e6
        print(f"generated {ROWS:,} rows ({size_mb:,.0f} MB) in {made:.1f} s", file=sys.stderr)
        with scratch_sqlite("scamlink-bench-transfers-") as engine:
            us = _measure("ours", _url(engine), path)
        with scratch_sqlite("scamlink-bench-transfers-") as engine:
            them = _measure("peer", _url(engine), path)
        lines.append(_line("SQLite", ROWS, us, them))
        with scratch_postgres("scamlink_bench_transfers_") as engine:
            us = _measure("ours", _url(engine), path)
        with scratch_postgres("scamlink_bench_transfers_") as engine:
            them = _measure("peer", _url(engine), path)
        lines.append(_line("PostgreSQL", ROWS, us, them))
    load = os.getloadavg()
    lines.append(f"<!-- load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} -->")
    return lines


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] in ("ours", "peer"):
        measure = ours if sys.argv[1] == "ours" else peer
        print(json.dumps(measure(sys.argv[2], Path(sys.argv[3]))))
        return
    print(*run(), sep="\n")


if __name__ == "__main__":
    main()
