"""The lookup batch over HTTP (issue 6: 10,000 new values answered in ≤ 100 ms).

A client in this process posts `bench_lookup._batch_values(offset)` — 10,000 Thai mobile
numbers (`--country KR`: Korean ones), a new offset each time so the server has read none of
them — to
`POST /api/v1/lookup/batch` of a running `scamlink serve`, one batch every `--every` seconds
(a partner's pace; back to back, the server's query-log thread and collections of the previous
batch share the core), and prints min/median/max wall time as the client sees it, with the load
average. Start the server with the lookup rate limit off and an API key of the `lookup` scope:

    SCAMLINK_DATA_DIR=… scamlink db upgrade
    SCAMLINK_DATA_DIR=… scamlink users create --agency KNPA --role partner p@example.org
    SCAMLINK_DATA_DIR=… scamlink keys create --user p@example.org --scope lookup
    SCAMLINK_DATA_DIR=… SCAMLINK_RATELIMIT_KEY=0 scamlink serve --port 8765
    python -m benchmarks.bench_lookup_http_batch --url http://127.0.0.1:8765 --key slk_… \
        [--batches 10] [--every 1.5] [--server-pid PID]

With `--server-pid`, the server process's CPU time during each batch is printed too (all its
threads: steadier than wall time on a busy machine, where other processes take the cores), and
its CPU time between batches (writing the query log, the index's refresher; in 10 ms ticks).
The request body is made before the clock starts.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import time
import urllib.parse
from pathlib import Path
from typing import NamedTuple

import psutil

from benchmarks.bench_lookup import _batch_values

BATCH_PATH = "/api/v1/lookup/batch"


class Timed(NamedTuple):
    wall: float  # seconds from the request's first byte sent to the answer's last received
    server_cpu: float | None  # the server process's CPU seconds meanwhile (all its threads)
    answer_bytes: int
    after_cpu: float | None = None  # its CPU seconds from the answer to the next request


def post_batch(
    conn: http.client.HTTPConnection, key: str, body: bytes, server: psutil.Process | None
) -> Timed:
    """One batch over the kept-alive connection."""
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    cpu = _cpu(server)
    started = time.perf_counter()
    conn.request("POST", BATCH_PATH, body=body, headers=headers)
    response = conn.getresponse()
    answer = response.read()
    wall = time.perf_counter() - started
    used = _cpu(server)
    if response.status != 200:
        raise SystemExit(f"HTTP {response.status}: {answer[:300]!r}")
    server_cpu = used - cpu if used is not None and cpu is not None else None
    return Timed(wall, server_cpu, len(answer))


def _cpu(process: psutil.Process | None) -> float | None:
    """The process's CPU seconds: its threads' run time in nanoseconds where Linux shows it
    (a thread that ends between two readings is missed: the batch's own threads live on), else
    user + system time in the kernel's 10 ms ticks."""
    if process is None:
        return None
    try:
        tasks = Path(f"/proc/{process.pid}/task")
        return sum(int((t / "schedstat").read_text().split()[0]) for t in tasks.iterdir()) / 1e9
    except (OSError, ValueError, IndexError):
        times = process.cpu_times()
        return float(times.user + times.system)


def _process_cpu(process: psutil.Process | None) -> float | None:
    """The process's user + system time in the kernel's 10 ms ticks, threads that have ended
    included (the query log's writer is a timer thread that ends after each write: the
    per-thread reading of `_cpu` would miss it)."""
    if process is None:
        return None
    times = process.cpu_times()
    return float(times.user + times.system)


def batch_offset(slot: int) -> int:
    """`_batch_values`'s offset for a slot: slots 0–887 give disjoint sets of numbers (37
    interleaved sets in each of 24 ranges of 370,000 numbers, all 7 digits after "81")."""
    slot %= 37 * 24
    return 370_000 * (slot // 37) + slot % 37


def run(
    url: str,
    key: str,
    batches: int,
    every: float,
    first_slot: int,
    server: psutil.Process | None,
    country: str = "TH",
) -> list[Timed]:
    parsed = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parsed.hostname or "127.0.0.1", parsed.port or 80)
    timed: list[Timed] = []
    try:
        for n in range(batches):
            values = _batch_values(batch_offset(first_slot + n), country)
            body = json.dumps({"values": values, "country": country}).encode()
            one = post_batch(conn, key, body, server)
            answered = _process_cpu(server)
            time.sleep(every)
            later = _process_cpu(server)
            if later is not None and answered is not None:
                one = one._replace(after_cpu=later - answered)
            timed.append(one)
            cpu = "" if one.server_cpu is None else f", server CPU {one.server_cpu * 1000:.0f} ms"
            if one.after_cpu is not None:
                cpu += f" (+{one.after_cpu * 1000:.0f} ms until the next batch)"
            print(
                f"batch {n + 1}: {one.wall * 1000:.1f} ms{cpu}, {len(body):,} B sent, "
                f"{one.answer_bytes:,} B answer"
            )
    finally:
        conn.close()
    return timed


def _spread(figures: list[float]) -> str:
    ms = sorted(x * 1000 for x in figures)
    return f"min {ms[0]:.1f} ms, median {statistics.median(ms):.1f} ms, max {ms[-1]:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8765")
    parser.add_argument("--key", required=True, help="an API key with the lookup scope")
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--every", type=float, default=1.5, help="seconds between batches")
    parser.add_argument(
        "--slot",
        type=int,
        # A run lasts at least a second a batch: the next run's slots are new ones.
        default=int(time.time()),
        help="first batch's set of values (default: from the clock, so a rerun sends new ones)",
    )
    parser.add_argument("--country", choices=("TH", "KR"), default="TH", help="whose numbers")
    parser.add_argument(
        "--server-pid",
        type=int,
        help="the server's process id: its CPU time during each batch is reported too",
    )
    args = parser.parse_args()
    server = psutil.Process(args.server_pid) if args.server_pid else None
    timed = run(args.url, args.key, args.batches, args.every, args.slot, server, args.country)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{len(timed)} batches, wall: {_spread([t.wall for t in timed])} (goal ≤ 100 ms)")
    cpu = [t.server_cpu for t in timed if t.server_cpu is not None]
    if cpu:
        print(f"server CPU a batch: {_spread(cpu)}")
    after = [t.after_cpu for t in timed if t.after_cpu is not None]
    if after:
        print(f"server CPU between batches (query log, refresher): {_spread(after)}")
    print(f"load average {load}")


if __name__ == "__main__":
    main()
