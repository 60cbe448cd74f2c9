"""The private lookup and abuse control (issue 6, H6): what they cost.

- A range answer over a 10 M-indicator index, in process (what `GET /api/v1/lookup/range/…`
  computes per request), against the plain membership answer of the same index (peer).
- The query log: appending 10,000 answered values (what a batch lookup pays) and writing them
  in one statement afterwards, against one transaction per entry (peer, 1,000 entries scaled).
- A token-bucket check (every rate-limited request pays it).

CPU seconds (time.process_time) for comparisons; the machine's load is printed with each line.
Run: `.venv/bin/python -m benchmarks.bench_lookup_private`.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from scamlink.lookup.index import MembershipIndex
from scamlink.lookup.keys import key_hash
from scamlink.lookup.private import range_answer
from scamlink.lookup.query_log import QueryLog
from scamlink.store.engine import open_engine
from scamlink.store.lookup_log import QueryEntry, insert_entries
from scamlink.store.migrate import upgrade
from scamlink.web.ratelimit import TokenBuckets

INDICATORS = int(os.environ.get("BENCH_LOOKUP_INDICATORS", "10000000"))


def _load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2], ordered[int(len(ordered) * 0.99)]


def _index(n: int) -> MembershipIndex:
    rng = np.random.default_rng(6)
    hashes = rng.integers(0, 2**64 - 1, size=n, dtype=np.uint64)
    codes = rng.choice(np.array([0x11, 0x22, 0x02, 0x33], dtype=np.uint8), size=n)
    return MembershipIndex.build(hashes, codes)


def range_answers(index: MembershipIndex, requests: int = 2000) -> Iterator[str]:
    rng = np.random.default_rng(7)
    prefixes = [format(int(x), "05x") for x in rng.integers(0, 16**5, size=requests)]
    seed = b"bench" * 6
    for prefix in prefixes[:50]:
        range_answer(index, prefix, seed=seed)  # warm the pages of the arrays
    samples = []
    for prefix in prefixes:
        start = time.process_time()
        range_answer(index, prefix, seed=seed).body()
        samples.append((time.process_time() - start) * 1e6)
    p50, p99 = _percentiles(samples)
    hashes = [int(x) for x in rng.integers(0, 2**64 - 1, size=requests, dtype=np.uint64)]
    plain = []
    for h in hashes:
        start = time.process_time()
        index.code(h)
        plain.append((time.process_time() - start) * 1e6)
    q50, q99 = _percentiles(plain)
    yield (
        f"| range answer, {len(index):,} indicators (in process, padded to 64) | "
        f"p50 {p50:.0f} µs, p99 {p99:.0f} µs CPU | — | membership answer p50 {q50:.1f} µs, "
        f"p99 {q99:.1f} µs CPU | {p50 / q50:.0f}× ({_load()}) |"
    )


def query_log(folder: Path) -> Iterator[str]:
    engine = open_engine(f"sqlite:///{folder / 'log.db'}")
    upgrade(engine)
    log = QueryLog(engine, interval=3600, max_batch=1_000_000)
    answered = [(f"+8210{n:08d}", "unknown") for n in range(10_000)]
    start = time.process_time()
    log.add_values("batch", answered)
    append_ms = (time.process_time() - start) * 1e3
    start = time.process_time()
    written = log.flush()
    flush_ms = (time.process_time() - start) * 1e3
    assert written == 10_000
    from datetime import UTC, datetime

    single = [QueryEntry(datetime.now(UTC), "api", "abcde", "unknown")] * 1000
    start = time.process_time()
    wall = time.perf_counter()
    for entry in single:
        with engine.begin() as conn:
            insert_entries(conn, [entry])
    one_by_one_ms = (time.process_time() - start) * 1e3 * 10
    one_by_one_wall = (time.perf_counter() - wall) * 1e3 * 10
    engine.dispose()
    yield (
        f"| query log, 10,000 answered values: append (paid by the lookup) | "
        f"{append_ms:.1f} ms CPU ({append_ms * 100:.0f} ns a value) | — | "
        f"one transaction per entry: {one_by_one_ms:.0f} ms CPU, {one_by_one_wall:.0f} ms wall | "
        f"{one_by_one_ms / append_ms:.0f}× less ({_load()}) |"
    )
    yield (
        f"| query log, 10,000 entries hashed and written in one statement (background) | "
        f"{flush_ms:.0f} ms CPU | — | one transaction per entry: {one_by_one_ms:.0f} ms CPU | "
        f"{one_by_one_ms / flush_ms:.1f}× less ({_load()}) |"
    )


def token_buckets(checks: int = 200_000) -> Iterator[str]:
    buckets = TokenBuckets(rate=1e9, capacity=1e9)
    keys = [f"ip:10.0.{n % 256}.{n // 256 % 256}" for n in range(checks)]
    start = time.process_time()
    for key in keys:
        buckets.take(key)
    per = (time.process_time() - start) / checks * 1e9
    yield (
        f"| rate-limit check (token bucket, 65,536 addresses) | {per:.0f} ns CPU | — | — "
        f"| ({_load()}) |"
    )


def run() -> Iterator[str]:
    index = _index(INDICATORS)
    yield from range_answers(index)
    del index
    with tempfile.TemporaryDirectory() as folder:
        yield from query_log(Path(folder))
    yield from token_buckets()
    with tempfile.TemporaryDirectory() as folder:
        yield from blocklist_export(Path(folder))
    assert key_hash("x")  # the key construction is the documented one (docs/lookup-private.md)


if __name__ == "__main__":
    for line in run():
        print(line, flush=True)


BLOCKLIST_REPORTS = int(os.environ.get("BENCH_BLOCKLIST_REPORTS", "100000"))


def blocklist_export(folder: Path, reports: int = BLOCKLIST_REPORTS) -> Iterator[str]:
    """A full snapshot and a delta of 1,000 new reports, for an analyst, on SQLite."""
    from datetime import UTC, datetime

    from tests.factories import make_report

    from scamlink.indicators import IndicatorType
    from scamlink.lookup.blocklist import blocklist
    from scamlink.sharing.roles import Role, Viewer
    from scamlink.sharing.tlp import Tlp
    from scamlink.store.reports import store_reports

    engine = open_engine(f"sqlite:///{folder / 'blocklist.db'}")
    upgrade(engine)
    at = datetime(2026, 3, 1, tzinfo=UTC)

    def batch(start: int, count: int) -> None:
        rows = [
            make_report(f"r{n}", tlp=Tlp.GREEN, phones=(f"+8210{n:08d}",), received_at=at)
            for n in range(start, start + count)
        ]
        with engine.begin() as conn:
            store_reports(conn, rows)

    for start in range(0, reports, 5000):
        batch(start, min(5000, reports - start))
    viewer = Viewer("RTP", Role.ANALYST, 1)
    cpu, wall = time.process_time(), time.perf_counter()
    with engine.connect() as conn:
        full = blocklist(conn, viewer, IndicatorType.PHONE)
    full_cpu, full_wall = time.process_time() - cpu, time.perf_counter() - wall
    batch(reports, 1000)
    cpu, wall = time.process_time(), time.perf_counter()
    with engine.connect() as conn:
        delta = blocklist(conn, viewer, IndicatorType.PHONE, full.version)
    delta_cpu, delta_wall = time.process_time() - cpu, time.perf_counter() - wall
    assert len(full.values) == reports
    assert len(delta.values) == 1000
    engine.dispose()
    yield (
        f"| blocklist, {reports:,} phones visible to an analyst (SQLite): full snapshot | "
        f"{full_wall:.2f} s wall, {full_cpu:.2f} s CPU ({reports / full_wall:,.0f} values/s) | — "
        f"| delta of 1,000 new reports: {delta_wall * 1e3:.0f} ms wall, {delta_cpu * 1e3:.0f} ms "
        f"CPU | full/delta {full_wall / delta_wall:.0f}× ({_load()}) |"
    )
