"""The lookup's start-up at scale (issue 6): a server's first start without a usable snapshot.

A SQLite store of `--reports` reports × 10 phones (1,000,000 → 10,000,000 indicators, half the
reports TLP:CLEAR) is written directly (`--store PATH` keeps it for later runs: about 1.1 GB at
10 M; delete it afterwards). Then, in a fresh process, as the web app's lifespan does:
1. `LiveIndex.load(background=True)` with no snapshot: the time until the server can answer;
2. while the index builds in its thread: single lookups and a batch answered from the store
   (`codes_from_store`), their latency; the build's progress as logged;
3. the build's wall time and the process's CPU until the index is ready (saved as snapshot);
4. the store's answers compared with the index's for a sample of values (known and unknown);
5. the next start: the snapshot loaded (`load(background=True)` again, a new `LiveIndex`);
6. a "bulk import" of `--delta` reports while the server is down, then a start: the large delta
   is taken in by a thread while the store answers.

    python -m benchmarks.bench_lookup_start [--reports 1000000] [--store /tmp/x.db] [--delta N]
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scamlink.lookup import query as lookup_query
from scamlink.lookup.keys import key_hash
from scamlink.lookup.live import LiveIndex
from scamlink.lookup.service import LookupService
from scamlink.sharing.roles import PUBLIC, Role, Viewer
from scamlink.store.engine import open_engine
from scamlink.store.migrate import upgrade

PHONES_PER_REPORT = 10
_CHUNK = 50_000


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f}"


def phone(n: int) -> str:
    return f"+668{n:08d}"


def _rows(first: int, reports: int) -> Iterator[tuple[list[tuple[object, ...]], ...]]:
    received = (datetime.now(UTC) - timedelta(days=3)).strftime("%Y-%m-%d %H:%M:%S.%f")
    for start in range(first, first + reports, _CHUNK // PHONES_PER_REPORT):
        stop = min(start + _CHUNK // PHONES_PER_REPORT, first + reports)
        report_rows: list[tuple[object, ...]] = []
        indicator_rows: list[tuple[object, ...]] = []
        sighting_rows: list[tuple[object, ...]] = []
        for r in range(start, stop):
            report_rows.append(
                (
                    r + 1,
                    "KNPA",
                    f"START-{r}",
                    received,
                    "TH",
                    "th",
                    "investment",
                    "bench",
                    "CLEAR" if r % 2 == 0 else "AMBER",
                    "police",
                    "unverified",
                )
            )
            for k in range(PHONES_PER_REPORT):
                n = r * PHONES_PER_REPORT + k
                indicator_rows.append((n + 1, "phone", phone(n), phone(n)))
                sighting_rows.append((r + 1, n + 1, "contact_phone"))
        yield report_rows, indicator_rows, sighting_rows


def write_store(path: Path, first: int, reports: int) -> float:
    """Reports first..first+reports, each with 10 new phones, written with plain sqlite3."""
    started = time.perf_counter()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    for report_rows, indicator_rows, sighting_rows in _rows(first, reports):
        with conn:
            conn.executemany(
                "INSERT INTO reports (id, agency, external_id, received_at, victim_country, "
                "language, scam_type, narrative, tlp, source, review_status) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                report_rows,
            )
            conn.executemany(
                "INSERT INTO indicators (id, type, value, display) VALUES (?,?,?,?)",
                indicator_rows,
            )
            conn.executemany(
                "INSERT INTO sightings (report_id, indicator_id, role) VALUES (?,?,?)",
                sighting_rows,
            )
    conn.close()
    return time.perf_counter() - started


def child(database_url: str, reports: int, delta: int, store_path: str) -> None:
    """The fresh process: the server's start as the lifespan does it."""
    logging.basicConfig(level=logging.INFO, format="    log: %(message)s", stream=sys.stdout)
    engine = open_engine(database_url)
    indicators = reports * PHONES_PER_REPORT
    out = _Lines()
    with tempfile.TemporaryDirectory(prefix="scamlink-bench-start-") as tmp:
        folder = Path(tmp)
        live = LiveIndex(engine, folder, embargo=timedelta(hours=24), build_process=True)
        service = LookupService(engine, live)
        cpu0, wall0 = time.process_time(), time.perf_counter()
        loaded = live.load(background=True)
        start_wall, start_cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        lookup_query.warm_up()
        out.append(
            f"| start without a snapshot, {indicators:,} indicators: `load(background=True)` "
            f"returns ({loaded.how}) | {start_wall * 1000:.0f} ms, {start_cpu * 1000:.0f} ms CPU "
            f"| — | {_load()} |"
        )
        rng = random.Random(6)
        singles = [phone(rng.randrange(indicators * 2)) for _ in range(200)]
        times = []
        for value in singles:
            t = time.perf_counter()
            service.lookup(value, PUBLIC)
            times.append((time.perf_counter() - t) * 1e6)
        times.sort()
        out.append(
            f"| while it builds: one lookup answered from the store (public, half known), "
            f"200 values | p50 {statistics.median(times):.0f} µs, p99 "
            f"{times[int(len(times) * 0.99) - 1]:.0f} µs | index: ≈ 5 µs | {_load()} |"
        )
        batch = [phone(rng.randrange(indicators * 2)) for _ in range(10_000)]
        analyst = Viewer("KNPA", Role.ANALYST)
        for who, viewer in (("public", PUBLIC), ("analyst", analyst)):
            cpu, t = time.process_time(), time.perf_counter()
            answers = service.lookup_many(batch, viewer)
            wall, used = time.perf_counter() - t, time.process_time() - cpu
            known = sum(1 for a in answers if a.verdict.value != "unknown")
            out.append(
                f"| while it builds: a batch of 10,000 ({known:,} known) as {who}, from the "
                f"store | {wall * 1000:.0f} ms, {used * 1000:.0f} ms CPU (the build's thread "
                f"shares the process) | — | {_load()} |"
            )
        still = live.building
        if not live.wait_built():
            raise SystemExit("the build failed: see the log")
        built_wall, built_cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        out.append(
            f"| the build in its thread until ready and saved ({len(live.index):,} entries; "
            f"still building after the lookups above: {still}) | {built_wall:.1f} s, "
            f"{built_cpu:.1f} s CPU here (lookups above included) + {_children_cpu():.1f} s CPU "
            f"in the build process | before: 195 s, 50 s CPU, the server not answering "
            f"meanwhile | {_load()} |"
        )
        sample = [phone(rng.randrange(indicators * 2)) for _ in range(2_000)]
        keys = [lookup_query.detect(v).indicator for v in sample]
        from_store = live.codes_from_store(k for k in keys if k is not None)
        agree = sum(
            1
            for k in keys
            if k is not None
            and from_store.code(key_hash(k.value)) == live.index.code(key_hash(k.value))
        )
        out.append(
            f"| the store's codes = the index's codes, 2,000 values (half known) | {agree:,} "
            f"of {len(sample):,} agree | — | {_load()} |"
        )
        again = LiveIndex(engine, folder, embargo=timedelta(hours=24), build_process=True)
        cpu, t = time.process_time(), time.perf_counter()
        second = again.load(background=True)
        wall, used = time.perf_counter() - t, time.process_time() - cpu
        out.append(
            f"| the next start: `load(background=True)` ({second.how}, delta {second.delta}) "
            f"| {wall * 1000:.0f} ms, {used * 1000:.0f} ms CPU | — | {_load()} |"
        )
        if delta:
            engine.dispose()
            with sqlite3.connect(store_path) as db:
                first = int(db.execute("SELECT max(id) FROM reports").fetchone()[0])
            write_wall = write_store(Path(store_path), first, delta)
            third = LiveIndex(engine, folder, embargo=timedelta(hours=24), build_process=True)
            children = _children_cpu()
            cpu, t = time.process_time(), time.perf_counter()
            loaded = third.load(background=True)
            ret = time.perf_counter() - t
            if not third.wait_built():
                raise SystemExit("the delta failed: see the log")
            wall = time.perf_counter() - t
            used = time.process_time() - cpu + _children_cpu() - children
            out.append(
                f"| a start after a bulk import of {delta:,} reports ({delta * 10:,} new "
                f"indicators, written in {write_wall:.0f} s) made while the server was down: "
                f"returns ({loaded.how}) in {ret * 1000:.0f} ms, then the thread "
                f"({third.progress().how}) until ready | {wall:.1f} s, {used:.1f} s CPU | — | "
                f"{_load()} |"
            )
    print("\n".join(out.lines))


class _Lines:
    """Figures printed as they come (a long phase may be stopped) and again at the end."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def append(self, line: str) -> None:
        self.lines.append(line)
        print(line, flush=True)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--store", type=Path, help="keep the store here (reused when present)")
    parser.add_argument("--delta", type=int, default=0, help="reports of a later bulk import")
    parser.add_argument("--child", nargs=4, metavar=("URL", "REPORTS", "DELTA", "PATH"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), int(args.child[2]), args.child[3])
        return
    with tempfile.TemporaryDirectory(prefix="scamlink-bench-start-") as tmp:
        path = args.store or Path(tmp) / "start.db"
        if not path.exists():
            engine = open_engine(f"sqlite:///{path}")
            upgrade(engine)
            engine.dispose()
            seconds = write_store(path, 0, args.reports)
            print(f"store written: {args.reports:,} reports in {seconds:.0f} s ({_load()})")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.bench_lookup_start",
                "--child",
                f"sqlite:///{path}",
                str(args.reports),
                str(args.delta),
                str(path),
            ],
            check=True,
        )


if __name__ == "__main__":
    main()
