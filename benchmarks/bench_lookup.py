"""The lookup (issue 6): the membership index at 10 M indicators, the batch, and HTTP.

1. In-process, at `--indicators` (10 M) entries: the membership/verdict answer
   (`index.code(key_hash(value))` and the whole verdict with the warninglist check), p50/p99
   in µs over half hits, half misses; bytes per indicator (the arrays, and the resident memory
   they take once every page was read); start-up = the real path, `LiveIndex.load()` of a saved
   snapshot of that size over a scratch store with 1,000 reports stored since (the delta).
   Peer, same run: a plain indexed SQLite query for the same answer (`SELECT code FROM keys
   WHERE hash = ?` on a WITHOUT ROWID table of the same size, i.e. the primary-key B-tree).
2. The batch: 10,000 values (phones in several formats, 1 % known) through
   `LookupService.lookup_many`, as the public and as an analyst, cold (value reading not
   cached) and warm, with the time the cyclic collector took within; then an A/B in the same
   process: values read one by one (as before `lookup/batch_read.py`) against the batch.
3. HTTP: `GET /api/v1/lookup` against an `async def` no-op endpoint of the SAME app (added here
   only, never in the product), uvicorn in a process of its own (one worker, rate limits off),
   driven by `wrk` from another process (Debian's package; `make bench` installs it) in turns;
   then the same two routes called in process through ASGI (CPU a request, steadier under
   load).

    python -m benchmarks.bench_lookup [--indicators 10000000] [--seconds 8]
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import resource
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import psutil

from benchmarks.databases import scratch_sqlite
from scamlink.indicators import Indicator, IndicatorType
from scamlink.lookup import query as lookup_query
from scamlink.lookup import service as service_module
from scamlink.lookup.index import MembershipIndex
from scamlink.lookup.keys import key_hash
from scamlink.lookup.live import LiveIndex
from scamlink.lookup.service import LookupService, key_verdict
from scamlink.lookup.verdict import Standing, pack
from scamlink.reports.model import Report, ScamType, Sighting, SightingRole
from scamlink.sharing.roles import PUBLIC, Role, Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store.reports import store_reports

SAMPLES = 100_000
KNOWN = 50_000  # real values hashed into the index (the rest are random 64-bit hashes)
DELTA_REPORTS = 1_000
PEER_STATEMENT = "SELECT code FROM keys WHERE hash = ?"


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f}"


def _values(count: int, start: int = 0) -> list[str]:
    return [f"+6681{start + n:07d}" for n in range(count)]


def _report(number: int, phone: str, received: datetime) -> Report:
    return Report(
        agency="KNPA",
        external_id=f"BENCH-{number}",
        received_at=received,
        incident_date=None,
        victim_country="TH",
        language="th",
        scam_type=ScamType.INVESTMENT,
        loss_amount=None,
        loss_currency=None,
        narrative="bench",
        tlp=Tlp.CLEAR,
        sightings=(
            Sighting(Indicator(IndicatorType.PHONE, phone, phone), SightingRole.CONTACT_PHONE),
        ),
    )


def build_index(indicators: int) -> tuple[MembershipIndex, list[str], float]:
    """`indicators` entries: KNOWN real phone values, the rest random hashes; build seconds."""
    rng = np.random.default_rng(6)
    known = _values(KNOWN)
    hashes = rng.integers(0, 2**64 - 1, size=indicators, dtype=np.uint64)
    hashes[:KNOWN] = np.array([key_hash(v) for v in known], dtype=np.uint64)
    codes = rng.choice(
        np.array(
            [
                pack(Standing.REPORTED, Standing.REPORTED),
                pack(Standing.SUSPICIOUS, Standing.UNKNOWN),
            ],
            dtype=np.uint8,
        ),
        size=indicators,
    )
    started = time.perf_counter()
    index = MembershipIndex.build(hashes, codes)
    return index, known, time.perf_counter() - started


def _percentiles(call: Callable[[str], object], values: list[str]) -> tuple[float, float]:
    timings = []
    clock = time.perf_counter_ns
    for value in values:
        start = clock()
        call(value)
        timings.append(clock() - start)
    timings.sort()
    return timings[len(timings) // 2] / 1000, timings[int(len(timings) * 0.99)] / 1000


def _queries(known: list[str]) -> list[str]:
    misses = _values(SAMPLES // 2, start=10_000_000)
    hits = [known[i % len(known)] for i in range(SAMPLES // 2)]
    mixed = [v for pair in zip(hits, misses, strict=True) for v in pair]
    return mixed


def _answer_times(index: MembershipIndex, queries: list[str]) -> tuple[float, ...]:
    p50, p99 = _percentiles(lambda v: index.code(key_hash(v)), queries)
    indicator = {v: Indicator(IndicatorType.PHONE, v, v) for v in queries}
    v50, v99 = _percentiles(lambda v: key_verdict(index, indicator[v], PUBLIC), queries)
    return p50, p99, v50, v99


def in_process(indicators: int, folder: Path) -> list[str]:
    rss_before = psutil.Process().memory_info().rss
    index, known, build_s = build_index(indicators)
    gc.collect()
    built_rss = (psutil.Process().memory_info().rss - rss_before) / len(index)
    queries = _queries(known)
    p50, p99, v50, v99 = _answer_times(index, queries)
    lines = [
        f"| lookup: membership answer, {indicators:,} indicators (in-process, "
        f"`index.code(key_hash(v))`) | p50 {p50:.2f} µs, p99 {p99:.2f} µs (goal ≤ 5 / ≤ 50) | "
        f"— | see the SQLite row | {_load()} |",
        f"| lookup: whole verdict incl. warninglist check, {indicators:,} | p50 {v50:.2f} µs, "
        f"p99 {v99:.2f} µs | — | — | {_load()} |",
        f"| lookup: index size | arrays {index.nbytes / len(index):.1f} B/indicator; process "
        f"resident after the build {built_rss:.1f} B/indicator (goal ≤ 24); build from arrays "
        f"{build_s:.1f} s | — | — | — |",
    ]
    with scratch_sqlite("scamlink-bench-lookup-") as engine:
        live = LiveIndex(engine, folder, embargo=timedelta(hours=24))
        live.adopt(index)
        live.save()
        del index
        now = datetime.now(UTC) - timedelta(days=2)
        with engine.begin() as conn:
            store_reports(
                conn, [_report(n, v, now) for n, v in enumerate(_values(DELTA_REPORTS, 20_000_000))]
            )
        fresh = LiveIndex(engine, folder, embargo=timedelta(hours=24))
        rss_loaded = psutil.Process().memory_info().rss
        started = time.perf_counter()
        loaded = fresh.load()
        load_s = time.perf_counter() - started
        # Read one entry of every page of the memory-mapped arrays: what they cost resident.
        arrays = (fresh.index._hashes, fresh.index._codes)
        touched = sum(int(np.asarray(a[:: 4096 // a.itemsize]).sum() > 0) for a in arrays)
        rss_touched = psutil.Process().memory_info().rss
        per = (rss_touched - rss_loaded) / max(len(fresh.index), 1)
        ok = fresh.index.code(key_hash(_values(1, 20_000_000)[0])) is not None
        lines.append(
            f"| lookup: start-up from snapshot, {loaded.indicators:,} indicators + "
            f"{DELTA_REPORTS:,} reports since (`LiveIndex.load`) | {load_s:.2f} s "
            f"(goal ≤ 10 s), delta visible: {ok} | {per:.1f} B/indicator resident after "
            f"reading every page of {touched} arrays (process {rss_touched / 1e6:.0f} MB, "
            f"{rss_before / 1e6:.0f} MB before) | — | {_load()} |"
        )
    lines += sqlite_peer(indicators, queries, known)
    return lines


def sqlite_peer(indicators: int, queries: list[str], known: list[str]) -> list[str]:
    """The same answer from an indexed SQLite table of the same size (hash → code)."""
    with tempfile.TemporaryDirectory(prefix="scamlink-bench-peer-") as tmp:
        db = sqlite3.connect(Path(tmp) / "peer.db")
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute("CREATE TABLE keys (hash INTEGER PRIMARY KEY, code INTEGER) WITHOUT ROWID")
        rng = np.random.default_rng(7)
        signed = rng.integers(-(2**63), 2**63 - 1, size=indicators, dtype=np.int64)
        real = np.array([key_hash(v) for v in known], dtype=np.uint64).view(np.int64)
        signed[: len(real)] = real
        signed = np.unique(signed)
        started = time.perf_counter()
        chunk = 500_000
        for i in range(0, len(signed), chunk):
            db.executemany(
                "INSERT INTO keys VALUES (?, 2)", ((int(h),) for h in signed[i : i + chunk])
            )
        db.commit()
        build_s = time.perf_counter() - started

        def ask(value: str) -> object:
            h = key_hash(value)
            return db.execute(PEER_STATEMENT, (h - 2**64 if h >= 2**63 else h,)).fetchone()

        p50, p99 = _percentiles(ask, queries)
        db.close()
    shown = "`" + PEER_STATEMENT + "`"
    return [
        f"| lookup peer: indexed SQLite query, {indicators:,} rows ({shown}, primary key) "
        f"| p50 {p50:.2f} µs, p99 {p99:.2f} µs; table built in {build_s:.0f} s | — | "
        f"the same answer | {_load()} |"
    ]


# Per country: the first number, three ways of writing it, and the digits of its middle group.
_BATCH_NUMBERS = {
    "TH": (1_000_000, ("+66 81 {} {}", "081-{}-{}", "+6681{}{}"), 3),
    # Korea's national prefix is read by its regular expression (it may carry a carrier code).
    "KR": (10_000_000, ("+82 10 {} {}", "010-{}-{}", "+8210{}{}"), 4),
}


def _batch_values(offset: int, country: str = "TH") -> list[str]:
    """10,000 mobile numbers of the country (Thai or Korean) in three ways of writing them;
    `offset` picks a new set."""
    first, forms, middle = _BATCH_NUMBERS[country]
    values = []
    for n in range(10_000):
        d = first + n * 37 + offset
        head = f"{d // 10000 % 10**middle:0{middle}d}"
        values.append(forms[n % 3].format(head, f"{d % 10000:04d}"))
    return values


def batch() -> list[str]:
    """The batch as a freshly started server answers it: a new process loads the index and
    warms up as the web app's lifespan does, then answers a first batch of values it never
    read (the honest figure: a partner's batch of new values), a second new batch, and the
    same batch again (values read before: the lookup's caches)."""
    with scratch_sqlite("scamlink-bench-batch-") as engine:
        old = datetime.now(UTC) - timedelta(days=3)
        reports: list[Report] = []
        for offset in (0, 5):  # 1 % of each batch is known
            values = _batch_values(offset)
            for n in range(0, 10_000, 100):
                found = lookup_query.detect(values[n], "TH").indicator
                assert found is not None
                reports.append(_report(len(reports), found.value, old))
        with engine.begin() as conn:
            store_reports(conn, reports)
        child = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_lookup", "--batch-child", str(engine.url)],
            capture_output=True,
            text=True,
            check=True,
        )
    return child.stdout.splitlines()


def batch_child(database_url: str) -> None:
    """The fresh process of `batch`."""
    from scamlink.store.engine import open_engine

    engine = open_engine(database_url)
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        service = LookupService(engine, LiveIndex(engine, Path(tmp), embargo=timedelta(hours=24)))
        service.live.load()
        cpu, started = time.process_time(), time.perf_counter()
        read = lookup_query.warm_up()
        warm_s, warm_cpu = time.perf_counter() - started, time.process_time() - cpu
        analyst = Viewer("KNPA", Role.ANALYST)
        runs = [
            ("first batch after start, new values", "public", PUBLIC, 0),
            ("second batch, new values", "analyst", analyst, 5),
            ("the first batch again (values read before)", "public", PUBLIC, 0),
            ("the second batch again (values read before)", "analyst", analyst, 5),
        ]
        collector = _CollectorTime()
        gc.callbacks.append(collector)
        for what, who, viewer, offset in runs:
            values = _batch_values(offset)
            collector.reset()
            cpu, started = time.process_time(), time.perf_counter()
            answers = service.lookup_many(values, viewer, "TH")
            wall, used = time.perf_counter() - started, time.process_time() - cpu
            reported = sum(1 for a in answers if a.verdict.value == "reported")
            out.append(
                f"| lookup batch: 10,000 values ({reported} known), as {who}: {what} | "
                f"{wall * 1000:.0f} ms, {used * 1000:.0f} ms CPU (goal ≤ 100 ms) | — | "
                f"after a warm-up of {read} values at start: {warm_s * 1000:.0f} ms, "
                f"{warm_cpu * 1000:.0f} ms CPU; cyclic collector in the batch: "
                f"{collector.seconds * 1000:.0f} ms ({collector.full} full) | {_load()} |"
            )
        gc.callbacks.remove(collector)
        out += _batch_ab(service, analyst)
    print(*out, sep="\n")


def _batch_ab(service: LookupService, analyst: Viewer, rounds: int = 3) -> list[str]:
    """The same process, back to back, on new values each time: the reading one value at a
    time (`_answer` per value, as `lookup_many` did before `batch_read`) against `lookup_many`;
    CPU ms, the least of `rounds`. None of these values is known (the store is not asked)."""
    index = service.live.current()
    assert index is not None
    lines = []
    for who, viewer in (("public", PUBLIC), ("analyst", analyst)):
        one_by_one, batched = [], []
        for n in range(rounds):
            old_values = _batch_values(20 + 4 * n + (who == "analyst") * 2)
            cpu = time.process_time()
            answers = [
                service_module._answer_or_invalid(index, v, "TH", viewer) for v in old_values
            ]
            service._with_facts(answers, viewer)
            one_by_one.append(time.process_time() - cpu)
            new_values = _batch_values(21 + 4 * n + (who == "analyst") * 2)
            cpu = time.process_time()
            service.lookup_many(new_values, viewer, "TH")
            batched.append(time.process_time() - cpu)
        lines.append(
            f"| lookup batch A/B, new values, as {who}: one by one → batch_read | "
            f"{min(one_by_one) * 1000:.0f} → {min(batched) * 1000:.0f} ms CPU "
            f"(least of {rounds}) | — | same process, back to back | {_load()} |"
        )
    return lines


class _CollectorTime:
    """Wall time spent in the cyclic collector (`gc.callbacks`), and its full collections: a
    full one walks the whole heap (tens of ms) whenever enough objects have survived, so a
    batch may or may not pay one."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.full = 0
        self._started = 0.0

    def reset(self) -> None:
        self.seconds, self.full = 0.0, 0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        self.seconds += time.perf_counter() - self._started
        self.full += info["generation"] == 2


def first_start(reports: int = 100_000) -> list[str]:
    """Start-up without a snapshot: the index built from the store in one streamed pass."""
    old = datetime.now(UTC) - timedelta(days=3)
    with scratch_sqlite("scamlink-bench-build-") as engine, tempfile.TemporaryDirectory() as tmp:
        values = _values(reports, 30_000_000)
        for start in range(0, reports, 5_000):
            batch_reports = [_report(n, values[n], old) for n in range(start, start + 5_000)]
            with engine.begin() as conn:
                store_reports(conn, batch_reports)
        live = LiveIndex(engine, Path(tmp), embargo=timedelta(hours=24))
        cpu, started = time.process_time(), time.perf_counter()
        loaded = live.load()
        wall, used = time.perf_counter() - started, time.process_time() - cpu
    per_m = wall / loaded.indicators * 1e6
    return [
        f"| lookup: first start without a snapshot, {loaded.indicators:,} indicators built from "
        f"SQLite (`LiveIndex.load`: one streamed aggregate, hashing, save) | {wall:.1f} s, "
        f"{used:.1f} s CPU: ≈ {per_m:.0f} s per million (once; later starts load the snapshot) "
        f"| — | — | {_load()} |"
    ]


# --- HTTP ----------------------------------------------------------------------------------------


def serve(port: int, data_dir: str, database_url: str) -> None:
    """The benchmark's server process: the product's app plus a no-op route of the same app."""
    import uvicorn
    from fastapi import Depends
    from fastapi.responses import JSONResponse

    from scamlink.config import RateLimits, Settings
    from scamlink.store.engine import open_engine
    from scamlink.web.app import create_app
    from scamlink.web.lookup_api import limited_lookup_viewer

    settings = Settings(
        data_dir=Path(data_dir),
        database_url=database_url,
        secret_key="bench-only-secret",  # noqa: S106 (signs cookies of a scratch server)
        rate_limits=RateLimits.off(),
    )
    app = create_app(settings, open_engine(database_url))

    async def noop() -> JSONResponse:  # the cheapest route the app can have: no thread hop
        return JSONResponse({"ok": True})

    def noop_sync() -> JSONResponse:  # a plain `def` route: FastAPI runs it in a worker thread
        return JSONResponse({"ok": True})

    app.add_api_route("/bench/noop", noop, methods=["GET"])
    app.add_api_route("/bench/noop-sync", noop_sync, methods=["GET"])
    # The lookup route's dependencies without the lookup: splits framework from lookup cost.
    app.add_api_route(
        "/bench/noop-deps",
        noop,
        methods=["GET"],
        dependencies=[Depends(limited_lookup_viewer)],
    )
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wrk(url: str, seconds: int, server: psutil.Process) -> tuple[float, float]:
    """Requests a second, and the server process's CPU microseconds a request."""
    before = server.cpu_times()
    output = subprocess.run(
        ["wrk", "-t1", "-c16", f"-d{seconds}s", url], capture_output=True, text=True, check=True
    ).stdout
    after = server.cpu_times()
    found = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if found is None or total is None or errors is not None:
        raise SystemExit(f"wrk failed on {url}:\n{output}")
    cpu = (after.user - before.user) + (after.system - before.system)
    return float(found.group(1)), cpu / max(int(total.group(1)), 1) * 1e6


def http(seconds: int) -> list[str]:
    if shutil.which("wrk") is None:
        return [
            "| lookup HTTP | not measured: `wrk` is missing (apt-get install wrk) | — | — | — |"
        ]
    with scratch_sqlite("scamlink-bench-http-") as engine, tempfile.TemporaryDirectory() as tmp:
        old = datetime.now(UTC) - timedelta(days=3)
        with engine.begin() as conn:
            store_reports(conn, [_report(n, v, old) for n, v in enumerate(_values(1000))])
        port = _free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "benchmarks.bench_lookup",
                "--serve",
                str(port),
                tmp,
                str(engine.url),
            ]
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(200):
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=1).read()  # noqa: S310
                    break
                except OSError:
                    time.sleep(0.1)
            lookup_url = f"{base}/api/v1/lookup?q=%2B66810000007"
            assert b'"reported"' in urllib.request.urlopen(lookup_url).read()  # noqa: S310
            noop_url = f"{base}/bench/noop"
            watched = psutil.Process(server.pid)
            _wrk(noop_url, 2, watched)  # warm-up
            _wrk(lookup_url, 2, watched)
            deps_url = f"{base}/bench/noop-deps"
            sync_url = f"{base}/bench/noop-sync"
            noop, lookup, deps, sync = [], [], [], []
            for _ in range(3):  # in turns, so that load changes hit both
                noop.append(_wrk(noop_url, seconds, watched))
                lookup.append(_wrk(lookup_url, seconds, watched))
                deps.append(_wrk(deps_url, seconds, watched))
                sync.append(_wrk(sync_url, seconds, watched))
        finally:
            server.terminate()
            server.wait(timeout=30)
    n = statistics.mean(r for r, _ in noop)
    lk = statistics.mean(r for r, _ in lookup)
    dp = statistics.mean(r for r, _ in deps)
    n_cpu = statistics.median(c for _, c in noop)
    lk_cpu = statistics.median(c for _, c in lookup)
    dp_cpu = statistics.median(c for _, c in deps)
    sy = statistics.mean(r for r, _ in sync)
    sy_cpu = statistics.median(c for _, c in sync)
    runs = ", ".join(f"{a / b:.0%}" for (a, _), (b, _) in zip(lookup, noop, strict=True))
    return [
        f"| lookup HTTP: `GET /api/v1/lookup` (public, a known phone) vs an `async def` no-op "
        f"route of the same app (uvicorn, 1 worker; wrk -t1 -c16, {seconds} s × 3 each, in "
        f"turns) | {lk:,.0f} req/s vs {n:,.0f} req/s: {lk / n:.0%} (turns: {runs}); server CPU "
        f"a request {lk_cpu:,.0f} µs vs {n_cpu:,.0f} µs: {n_cpu / lk_cpu:.0%} of the no-op's "
        f"throughput when CPU-bound (goal ≥ 80 %) | — | no-op {n:,.0f} req/s, {n_cpu:,.0f} µs "
        f"CPU; no-op with the lookup route's dependencies (rate limit, viewer) {dp:,.0f} req/s, "
        f"{dp_cpu:,.0f} µs CPU; a plain `def` no-op (one thread hop) {sy:,.0f} req/s, "
        f"{sy_cpu:,.0f} µs CPU | {_load()} |"
    ]


def _asgi_scope(path: str, query: bytes) -> dict[str, object]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), (b"user-agent", b"wrk"), (b"accept", b"*/*")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


def asgi_cpu(rounds: int = 7, requests: int = 2000) -> list[str]:
    """The same two routes called in process, straight through the ASGI interface (no
    network, no client): the server's CPU a request, in interleaved rounds, medians. Under
    load this is steadier than wrk's requests a second (CPU time does not count the waits)."""
    import asyncio

    from fastapi.responses import JSONResponse

    from scamlink.config import RateLimits, Settings
    from scamlink.web.app import create_app

    async def call(app: Callable[..., object], path: str, query: bytes) -> None:
        sent: list[dict[str, object]] = []

        async def receive() -> dict[str, object]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, object]) -> None:
            sent.append(message)

        await app(_asgi_scope(path, query), receive, send)  # type: ignore[misc]
        if sent[0]["status"] != 200:
            raise SystemExit(f"{path}: {sent[0]}")

    async def measure() -> tuple[list[float], list[float]]:
        with scratch_sqlite("scamlink-bench-asgi-") as engine, tempfile.TemporaryDirectory() as tmp:
            old = datetime.now(UTC) - timedelta(days=3)
            with engine.begin() as conn:
                store_reports(conn, [_report(n, v, old) for n, v in enumerate(_values(1000))])
            settings = Settings(
                data_dir=Path(tmp),
                database_url=str(engine.url),
                secret_key="bench-only-secret",  # noqa: S106 (signs nothing kept)
                rate_limits=RateLimits.off(),
            )
            app = create_app(settings, engine)

            async def noop() -> JSONResponse:
                return JSONResponse({"ok": True})

            app.add_api_route("/bench/noop", noop, methods=["GET"])
            app.state.lookup.live.load()
            routes = (("/bench/noop", b""), ("/api/v1/lookup", b"q=%2B66810000007"))
            times: tuple[list[float], list[float]] = ([], [])
            for _ in range(rounds + 1):  # the first round warms up
                for (path, query), found in zip(routes, times, strict=True):
                    cpu = time.process_time()
                    for _ in range(requests):
                        await call(app, path, query)
                    found.append((time.process_time() - cpu) / requests * 1e6)
            return times[0][1:], times[1][1:]

    noop, lookup = asyncio.run(measure())
    n, lk = statistics.median(noop), statistics.median(lookup)
    lookup_rounds = ", ".join(f"{x:.0f}" for x in lookup)
    noop_rounds = ", ".join(f"{x:.0f}" for x in noop)
    return [
        f"| lookup HTTP in process (ASGI calls, no network; {rounds} rounds × {requests:,} "
        f"requests each, interleaved, medians) | `GET /api/v1/lookup` {lk:,.0f} µs CPU a "
        f"request vs the `async def` no-op {n:,.0f} µs: {n / lk:.0%} of the no-op's throughput "
        f"when CPU-bound (goal ≥ 80 %) | — | rounds: lookup "
        f"{lookup_rounds} µs; no-op {noop_rounds} µs "
        f"| {_load()} |"
    ]


def run(indicators: int = 10_000_000, seconds: int = 8) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="scamlink-bench-index-") as tmp:
        lines = in_process(indicators, Path(tmp))
    lines += first_start()
    lines += batch()
    lines += http(seconds)
    lines += asgi_cpu()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    lines.append(f"| lookup bench: peak RSS {usage.ru_maxrss / 1024:.0f} MB | — | — | — | — |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--indicators", type=int, default=10_000_000)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--only", choices=["index", "build", "batch", "http", "asgi"])
    parser.add_argument("--serve", nargs=3, metavar=("PORT", "DATA_DIR", "DATABASE_URL"))
    parser.add_argument("--batch-child", metavar="DATABASE_URL")
    args = parser.parse_args()
    if args.serve:
        serve(int(args.serve[0]), args.serve[1], args.serve[2])
        return
    if args.batch_child:
        batch_child(args.batch_child)
        return
    if args.only == "index":
        with tempfile.TemporaryDirectory(prefix="scamlink-bench-index-") as tmp:
            lines = in_process(args.indicators, Path(tmp))
    elif args.only == "build":
        lines = first_start()
    elif args.only == "batch":
        lines = batch()
    elif args.only == "http":
        lines = http(args.seconds) + asgi_cpu()
    elif args.only == "asgi":
        lines = asgi_cpu()
    else:
        lines = run(args.indicators, args.seconds)
    print(*lines, sep="\n")


if __name__ == "__main__":
    main()
