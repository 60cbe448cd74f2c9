"""The blocklist's deltas (issue 6): does a delta cost what changed, or the whole list?

A SQLite store of `--reports` police reports × 10 phones (100,000 → 1,000,000 values on the
analyst's list) is written directly (`bench_lookup_start.write_store`). Then, as the web app
answers (`lookup.blocklist.blocklist` with the app's `BlocklistCache`) and as before (no cache:
every answer read the whole list for its checksum):
1. the full download;
2. a delta since that version when nothing changed;
3. a delta after 100 new reports (1,000 new values) and 100 reports rejected (their values
   removed) — the cached list brought up by the touched values only;
4. the same delta asked again by a second client (nothing new since the cached list).
CPU time of this process for each answer (the store is SQLite in the same process).

    python -m benchmarks.bench_lookup_blocklist [--reports 100000]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.bench_lookup_start import write_store
from scamlink.indicators import IndicatorType
from scamlink.lookup.blocklist import Blocklist, BlocklistCache, blocklist
from scamlink.sharing.roles import Role, Viewer
from scamlink.store.engine import open_engine
from scamlink.store.lookup import record_report_changes
from scamlink.store.migrate import upgrade

ANALYST = Viewer("KNPA", Role.ANALYST, 1)
P = IndicatorType.PHONE


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f}"


def _timed(call: Callable[[], Blocklist]) -> tuple[Blocklist, float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    answer = call()
    return answer, (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000


def run(reports: int) -> list[str]:
    lines = []
    with tempfile.TemporaryDirectory(prefix="scamlink-bench-blocklist-") as tmp:
        path = Path(tmp) / "blocklist.db"
        engine = open_engine(f"sqlite:///{path}")
        upgrade(engine)
        write_store(path, 0, reports)
        cache = BlocklistCache()

        def ask(since: str | None, cached: bool) -> Blocklist:
            with engine.connect() as conn:
                return blocklist(conn, ANALYST, P, since, cache=cache if cached else None)

        for cached in (False, True):
            who = "with the cache (now)" if cached else "without a cache (before)"
            full, cpu, wall = _timed(lambda: ask(None, cached))  # noqa: B023
            lines.append(
                f"| blocklist {who}: full download, {full.total:,} values | {cpu:.0f} ms CPU, "
                f"{wall:.0f} ms | {_load()} |"
            )
            same, cpu, wall = _timed(lambda: ask(full.version, cached))  # noqa: B023
            lines.append(
                f"| blocklist {who}: delta, nothing changed | {cpu:.1f} ms CPU, {wall:.1f} ms "
                f"({len(same.values)} added) | {_load()} |"
            )
        # 100 new reports (1,000 new values) and 100 old ones rejected (1,000 values removed).
        with sqlite3.connect(path) as db:
            first = int(db.execute("SELECT max(id) FROM reports").fetchone()[0])
        write_store(path, first, 100)
        rejected = list(range(1, 101))
        with engine.begin() as conn:
            conn.exec_driver_sql("UPDATE reports SET review_status = 'rejected' WHERE id <= 100")
            record_report_changes(conn, rejected, "review")
        for cached in (False, True):
            who = "with the cache (now)" if cached else "without a cache (before)"
            delta, cpu, wall = _timed(lambda: ask(full.version, cached))  # noqa: B023
            lines.append(
                f"| blocklist {who}: delta after 100 reports added and 100 rejected | "
                f"{cpu:.1f} ms CPU, {wall:.1f} ms (+{len(delta.values):,} −"
                f"{len(delta.removed):,}, total {delta.total:,}) | {_load()} |"
            )
        again, cpu, wall = _timed(lambda: ask(full.version, True))
        lines.append(
            f"| blocklist with the cache: the same delta for a second client | {cpu:.1f} ms "
            f"CPU, {wall:.1f} ms (+{len(again.values):,} −{len(again.removed):,}) | "
            f"{_load()} |"
        )
        with engine.connect() as conn:
            truth = blocklist(conn, ANALYST, P)
        assert again.checksum == delta.checksum == truth.checksum
        lines.append(f"| (whole lists read from the store by the cache: {cache.full_reads}) |")
        engine.dispose()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=100_000)
    args = parser.parse_args()
    print(*run(args.reports), sep="\n")


if __name__ == "__main__":
    main()
