"""The membership index kept current while the application serves.

Start-up: the snapshot file (`MembershipIndex.save`, memory-mapped by `load`: milliseconds at
any size) with its watermarks — the newest report and listing it holds and the embargo cutoff
it was computed at — then the delta: indicators of reports and listings stored since, and of
reports that crossed the embargo since. Without a usable snapshot (first start, another
database, a store that was emptied) the index is built from the store in one streamed pass and
saved. The choice (a snapshot, not a persisted key-hash column): loading reads two arrays
instead of 10 M rows, and hashing happens once per indicator at build or when it changes.

While serving, one refresher thread:
- every `poll` seconds (0.2) takes in reports, listings and `lookup_changes` rows (review
  decisions, withdrawn listings) with an id above the watermark (`store.lookup.changed_since`:
  range scans of primary keys) and recomputes those indicators' codes: a new report, a
  verified or rejected one, a withdrawn listing is visible to lookups within about `poll`
  seconds;
- every `sweep` seconds (60) recomputes the indicators of CLEAR reports whose `received_at`
  passed the embargo's cutoff since the previous sweep (the public standing changes then);
- every `rebuild_every` (`SCAMLINK_LOOKUP_REBUILD_MINUTES`, 60) rebuilds the whole index from
  the store in a second thread and swaps it in, then saves the snapshot: anything the
  watermarks cannot see (a transaction that committed a lower id after a higher one) is
  reflected within that period.
Readers take the current index reference once per answer; a swap never shows a half-built one.

Start-up never waits for a long build (`load(background=True)`, the web app's lifespan): when
there is no usable snapshot, or its delta is large (a bulk import or a rebuild run while the
server was down), the build or the delta runs in the background — in a process of its own
that writes the snapshot this one then loads (`build_process`, the web app: it takes no
interpreter time from the lookups), else in a thread — and, until it is done, `current()`
is None and lookups are answered from the store (`codes_from_store`: the same counts for the
few keys asked, found through the indicators' unique key and the sightings' index; the same
codes as the index, tested). The build's progress (`progress()`) is logged every
`PROGRESS_EVERY` seconds and shown by `GET /api/v1/lookup/status`.

`lookup_changes` rows are pruned after each save (`store.lookup.prune_changes`) once the saved
snapshot and the live index have taken them in and they are older than the blocklist's deltas
can reach (`blocklist.MAX_DELTA_AGE` and a day); the newest row is always kept, so ids never go
down. A snapshot older than the oldest row left is not used (its delta is gone): full build.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine

from scamlink.indicators import Indicator
from scamlink.lookup.arrays import build_from_columns, code_of
from scamlink.lookup.blocklist import MAX_DELTA_AGE
from scamlink.lookup.index import MembershipIndex
from scamlink.lookup.keys import key_hash
from scamlink.lookup.warninglisted import warninglisted_entries
from scamlink.store import lookup as store
from scamlink.store.lookup import Watermarks

log = logging.getLogger(__name__)
INDEX_FOLDER = "lookup-index"  # of the data dir: the snapshot
META_FILE = "meta.json"
COMPACT_AFTER = 50_000  # recent changes kept beside the arrays before they are folded in
FOREGROUND_DELTA = 20_000  # rows after a snapshot taken in before serving; more: in a thread
PROGRESS_EVERY = 10.0  # seconds between the log lines of a running build
PRUNE_MARGIN = timedelta(days=1)  # changes kept this long beyond the blocklist's oldest delta
_FORMAT = 1


class IndexBuilding(RuntimeError):
    """The index is being built in a thread; answer from the store meanwhile (`current()`),
    or ask again later (the range answers: 503 with Retry-After)."""


class _Stopped(Exception):
    """The application stops while a build runs."""


@dataclass(frozen=True, slots=True)
class Progress:
    """Where the index stands: `state` is "ready", "building" (a thread builds it; lookups are
    answered from the store) or "not loaded"."""

    state: str
    how: str | None  # how the index being used (or built) came: "snapshot", "build", "delta"
    indicators: int  # in the index (ready), or read so far (building)
    expected: int  # building: about how many there are (the newest indicator id)
    seconds: float  # building: since the build started; ready: how long loading took

    @property
    def percent(self) -> int | None:
        if self.state != "building" or self.expected <= 0:
            return None
        return min(99, self.indicators * 100 // self.expected)

    def as_json(self) -> dict[str, object]:
        return {
            "state": self.state,
            "how": self.how,
            "indicators": self.indicators,
            "expected": self.expected,
            "percent": self.percent,
            "seconds": round(self.seconds, 1),
        }


class StoreCodes:
    """Index codes read from the store for a few keys (`LiveIndex.codes_from_store`): answers
    `code` as `MembershipIndex.code` does, for those keys."""

    __slots__ = ("_codes",)

    def __init__(self, codes: dict[int, int]) -> None:
        self._codes = codes

    def code(self, hash64: int) -> int | None:
        return self._codes.get(hash64) or None

    def codes(self, hashes: Sequence[int]) -> list[int]:
        found = self._codes.get
        return [found(h, 0) for h in hashes]


@dataclass(frozen=True, slots=True)
class Loaded:
    """How the index came to be, for logs and the benchmark."""

    how: str  # "snapshot" or "build"
    indicators: int
    seconds: float
    delta: int  # indicators recomputed after the snapshot


@dataclass(frozen=True, slots=True)
class _Meta:
    format: int
    database: str
    report: int
    listing: int
    cutoff: str  # ISO time: public standings counted reports received up to here
    built_at: str
    arrays: str  # the sub-folder holding this snapshot's arrays
    change: int = 0  # the newest `lookup_changes` row taken in (older snapshots: none)


def _database_id(engine: Engine) -> str:
    return hashlib.sha256(engine.url.render_as_string(hide_password=True).encode()).hexdigest()[:16]


class LiveIndex:
    """The current `MembershipIndex` of one store, loaded once and kept current."""

    def __init__(
        self,
        engine: Engine,
        folder: Path | None,
        *,
        embargo: timedelta,
        rebuild_every: timedelta = timedelta(hours=1),
        poll: float = 0.2,
        sweep: float = 60.0,
        writes_snapshot: bool = True,
        builds: bool = True,
        build_process: bool = False,
    ) -> None:
        self.engine = engine
        self.folder = folder
        self.embargo = embargo
        self.rebuild_every = rebuild_every
        self.poll = poll
        self.sweep_every = sweep
        self.writes_snapshot = writes_snapshot  # False: read it, never write it (the CLI)
        # False: without a usable snapshot (or with a large delta) the store answers and no
        # index is built (a command that looks up a few values).
        self.builds = builds
        # True: the start-up build runs in a process of its own (it writes the snapshot, this
        # process loads it), so that it takes no interpreter time from the lookups answered
        # meanwhile (the web app); False: in a thread (tests, an in-memory store).
        self.build_process = build_process
        self.on_rows: Callable[[int], None] | None = None  # told of rows a build reads
        self._store_only = False
        self._index = MembershipIndex.empty()
        self._marks = Watermarks()
        self._cutoff = datetime.min.replace(tzinfo=UTC)
        self._built_at = 0.0  # time.monotonic() of the last full build or load
        self._loaded = False
        self._lock = threading.RLock()  # one writer at a time; readers never take it
        self._changes = 0
        self._last_refresh = 0.0
        self._last_sweep = 0.0
        self._safe: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._rebuilding: threading.Thread | None = None
        self._building: threading.Thread | None = None  # the start-up build, in a thread
        self._how: str | None = None
        self._load_seconds = 0.0
        self._read = 0  # rows read by the running build
        self._expected = 0
        self._build_started = 0.0
        self._last_progress_log = 0.0

    # --- reading ---------------------------------------------------------------------------

    @property
    def index(self) -> MembershipIndex:
        return self._index

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def loaded(self) -> bool:
        return self._loaded

    @property
    def building(self) -> bool:
        """A thread is building the index (or taking in a large delta) before it is used."""
        return not self._loaded and self._building is not None and self._building.is_alive()

    def ready(self) -> MembershipIndex:
        """The index for an answer: loaded on first use; when no refresher thread runs (tests,
        the CLI), brought up to date here at most every `poll` seconds. IndexBuilding while a
        thread builds it (`load(background=True)`)."""
        if not self._loaded:
            if self.building:
                raise IndexBuilding(self._building_message())
            if self._store_only:
                raise IndexBuilding("no current lookup index here: the store answers")
            with self._lock:  # two first requests at once: one loads, the other waits
                if not self._loaded:
                    if self.building:
                        raise IndexBuilding(self._building_message())
                    self.load()
            if self._store_only:
                raise IndexBuilding("no current lookup index here: the store answers")
        elif not self.running and time.monotonic() - self._last_refresh >= self.poll:
            self.refresh()
        return self._index

    def current(self) -> MembershipIndex | None:
        """`ready()`, or None while a thread builds the index (or, with `builds` False, when
        there is no snapshot to load cheaply): answer from the store then
        (`codes_from_store`)."""
        if not self._loaded and (self.building or self._store_only):
            return None
        if not self._loaded and not self.builds:
            self.load()
            if self._store_only:
                return None
        try:
            return self.ready()
        except IndexBuilding:
            return None

    def wait_built(self, timeout: float | None = None) -> bool:
        """Wait for the start-up build's thread (index swapped in and snapshot saved); whether
        the index is loaded (tools, tests)."""
        if self._building is not None:
            self._building.join(timeout)
        return self._loaded

    def progress(self) -> Progress:
        if self._loaded:
            return Progress("ready", self._how, len(self._index), 0, self._load_seconds)
        if self.building:
            seconds = time.monotonic() - self._build_started
            return Progress("building", self._how, self._read, self._expected, seconds)
        return Progress("not loaded", None, 0, 0, 0.0)

    def _building_message(self) -> str:
        p = self.progress()
        shown = f" ({p.percent} %)" if p.percent is not None else ""
        return f"the lookup index is being built{shown}; ask again in a few seconds"

    def codes_from_store(self, keys: Iterable[Indicator]) -> StoreCodes:
        """The index codes of these keys computed from the store now (while the index is built):
        their counts by the same rules and queries the refresher uses, warninglists included.
        Keys are found by (type, value); the index merges by value alone, which differs only
        for a value stored under two types."""
        wanted = {(k.type.value, k.value): key_hash(k.value) for k in keys}
        if not self._safe:
            self._safe = self._safe_codes()
        codes: dict[int, int] = {}
        if wanted:
            cutoff = datetime.now(UTC) - self.embargo
            with self.engine.connect() as conn:
                ids = store.indicator_ids(conn, list(wanted))
                counts = store.standings_of(conn, ids.values(), cutoff)
            for key, hash64 in wanted.items():
                found = ids.get(key)
                code = code_of(counts.get(found)) if found is not None else 0
                codes[hash64] = max(codes.get(hash64, 0), code, self._safe.get(hash64, 0))
        return StoreCodes(codes)

    # --- loading ---------------------------------------------------------------------------

    def load(self, *, background: bool = False) -> Loaded:
        """The snapshot and its delta, or a full build (then saved). With `background`, a full
        build or a delta of more than `FOREGROUND_DELTA` rows runs in a thread and this returns
        at once (`how` "background"): lookups are answered from the store until it is done."""
        with self._lock:
            started = time.perf_counter()
            self._safe = self._safe_codes()
            found = self._usable_snapshot()
            if found is not None and self.folder is not None:
                meta, now = found
                pending = (
                    max(now.report - meta.report, 0)
                    + max(now.listing - meta.listing, 0)
                    + max(now.change - meta.change, 0)
                )
                if pending > FOREGROUND_DELTA and not self.builds:
                    return self._answer_from_store(started)
                if background and pending > FOREGROUND_DELTA:
                    # A bulk import since: most of the store is new, a full build is cheaper.
                    whole = now.report > 0 and now.report - meta.report > now.report // 4
                    self._start_building(None if whole else meta)
                    return Loaded("background", 0, time.perf_counter() - started, 0)
                self._take_snapshot(meta)
                self._loaded = True
                delta = self.refresh(sweep=True)
                how = "snapshot"
            elif not self.builds:
                return self._answer_from_store(started)
            elif background:
                self._start_building(None)
                return Loaded("background", 0, time.perf_counter() - started, 0)
            else:
                self._build_now()
                delta = 0
                how = "build"
            loaded = Loaded(how, len(self._index), time.perf_counter() - started, delta)
            self._how, self._load_seconds = how, loaded.seconds
            log.info("lookup index: %s", loaded)
            return loaded

    def _answer_from_store(self, started: float) -> Loaded:
        self._store_only = True
        self._how = "store"
        return Loaded("store", 0, time.perf_counter() - started, 0)

    def _take_snapshot(self, meta: _Meta) -> None:
        assert self.folder is not None
        self._index = MembershipIndex.load(self.folder / meta.arrays)
        self._marks = Watermarks(meta.report, meta.listing, meta.change)
        self._cutoff = datetime.fromisoformat(meta.cutoff)
        age = datetime.now(UTC) - datetime.fromisoformat(meta.built_at)
        self._built_at = time.monotonic() - max(age.total_seconds(), 0.0)

    def _start_building(self, snapshot: _Meta | None) -> None:
        self._how = "build" if snapshot is None else "delta"
        self._read = 0
        self._build_started = self._last_progress_log = time.monotonic()
        with self.engine.connect() as conn:
            self._expected = store.indicator_estimate(conn)
        log.info(
            "lookup index: %s in a %s (about %s indicators); lookups are answered from the "
            "store until it is done",
            "building from the store" if snapshot is None else "taking in the snapshot's delta",
            "process" if self._process_url() is not None else "thread",
            f"{self._expected:,}",
        )
        self._building = threading.Thread(
            target=self._build_logged, args=(snapshot,), name="lookup-build", daemon=True
        )
        self._building.start()

    def _build_logged(self, snapshot: _Meta | None) -> None:
        started = time.perf_counter()
        try:
            url = self._process_url()
            if url is not None:
                self._build_in_process(url)
            elif snapshot is None:
                index, marks, cutoff = self._full_build(self._count_read)
                with self._lock:
                    self._index, self._marks, self._cutoff = index, marks, cutoff
                    self._changes = 0
                    self._built_at = time.monotonic()
                    self.refresh()  # what arrived while the build ran, before it is used
                    self._loaded = True
                self.save()
            else:
                with self._lock:
                    self._take_snapshot(snapshot)
                    self.refresh(sweep=True)
                    self._loaded = True
                self.save()
        except _Stopped:
            log.info("lookup index: the build was stopped")
            return
        except Exception:
            # Never a build on the event loop after this: the store keeps answering (ranges:
            # 503) until the application is restarted.
            self._store_only = True
            log.exception("could not build the lookup index; lookups stay answered by the store")
            return
        self._load_seconds = time.perf_counter() - started
        log.info(
            "lookup index: %s done, %s indicators in %.1f s",
            self._how,
            f"{len(self._index):,}",
            self._load_seconds,
        )

    def _process_url(self) -> str | None:
        """The store's URL for a build process, or None to build in a thread (asked not to,
        no snapshot folder, or a store only this process can see)."""
        url = self.engine.url
        if not self.build_process or self.folder is None:
            return None
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            return None
        return url.render_as_string(hide_password=False)

    def _build_in_process(self, url: str) -> None:
        """`make_current` in a spawned process (the snapshot written there), then the snapshot
        loaded here with what arrived meanwhile. The URL travels through the process pipe,
        never on a command line."""
        assert self.folder is not None
        context = multiprocessing.get_context("spawn")
        rows = context.Value("q", 0)
        process = context.Process(
            target=_make_snapshot,
            args=(url, str(self.folder), self.embargo.total_seconds(), rows),
            name="lookup-build",
            daemon=True,
        )
        process.start()
        try:
            while process.is_alive():
                process.join(1.0)
                self._count_read(int(rows.value) - self._read)
        except _Stopped:
            process.terminate()
            process.join(10)
            raise
        if process.exitcode != 0:
            raise RuntimeError(f"the lookup build process ended with code {process.exitcode}")
        with self._lock:
            found = self._usable_snapshot()
            if found is None:
                raise RuntimeError("the lookup build process left no usable snapshot")
            self._take_snapshot(found[0])
            self.refresh(sweep=True)  # what arrived since the process read the store
            self._loaded = True

    def _count_read(self, rows: int) -> None:
        if self._stop.is_set():
            raise _Stopped
        if self.on_rows is not None:
            self.on_rows(rows)
        self._read += rows
        now = time.monotonic()
        if now - self._last_progress_log >= PROGRESS_EVERY:
            self._last_progress_log = now
            p = self.progress()
            log.info(
                "lookup index: building, %s of about %s indicators read (%s %%) in %.0f s",
                f"{p.indicators:,}",
                f"{p.expected:,}",
                p.percent,
                p.seconds,
            )

    def _safe_codes(self) -> dict[int, int]:
        hashes, codes = warninglisted_entries()
        return {int(h): int(c) for h, c in zip(hashes.tolist(), codes.tolist(), strict=True)}

    def _usable_snapshot(self) -> tuple[_Meta, Watermarks] | None:
        if self.folder is None or not (self.folder / META_FILE).exists():
            return None
        try:
            meta = _Meta(**json.loads((self.folder / META_FILE).read_text()))
            if not (self.folder / meta.arrays).is_dir():
                return None
        except (OSError, ValueError, TypeError):
            log.warning("lookup index snapshot in %s is unreadable: rebuilding", self.folder)
            return None
        if meta.format != _FORMAT or meta.database != _database_id(self.engine):
            return None
        with self.engine.connect() as conn:
            now = store.watermarks(conn)
            oldest = store.oldest_change(conn)
        # (Listings can be withdrawn, so their newest id may go down: not a sign.)
        if meta.report > now.report or meta.change > now.change:
            return None  # the store was emptied or replaced since
        if oldest is not None and meta.change < oldest - 1:
            return None  # changes after the snapshot were pruned: its delta is incomplete
        return meta, now

    def build(self) -> Loaded:
        """A full build from the store, saved as the snapshot whatever is on disk (`scamlink
        lookup --build-index`: the first start of a server then loads it in a second)."""
        with self._lock:
            started = time.perf_counter()
            self._safe = self._safe_codes()
            self._build_now()
            return Loaded("build", len(self._index), time.perf_counter() - started, 0)

    def make_current(self) -> Loaded:
        """Bring the snapshot on disk up to the store now, for the next start to load (after a
        bulk import or a rebuild run from the CLI): the snapshot and its delta, saved when the
        delta is not most of the store, else a full build (`build`)."""
        found = self._usable_snapshot()
        if found is None:
            return self.build()
        meta, now = found
        if now.report > 0 and now.report - meta.report > now.report // 4:
            return self.build()
        loaded = self.load()
        if loaded.delta:
            self.save()
        return loaded

    def _build_now(self) -> None:
        index, marks, cutoff = self._full_build(self._count_read)
        with self._lock:
            self._index, self._marks, self._cutoff = index, marks, cutoff
            self._changes = 0
            self._built_at = time.monotonic()
            self._loaded = True
        self.refresh()  # what arrived while the build ran
        self.save()

    def _full_build(
        self, progress: Callable[[int], None] | None = None
    ) -> tuple[MembershipIndex, Watermarks, datetime]:
        cutoff = datetime.now(UTC) - self.embargo
        with self.engine.connect() as conn:
            marks = store.watermarks(conn)  # before the scan: later rows come again, harmless
            hashes, codes = build_from_columns(store.standing_columns(conn, cutoff), progress)
        safe_hashes, safe_codes = warninglisted_entries()
        index = MembershipIndex.build(
            np.concatenate([hashes, safe_hashes]), np.concatenate([codes, safe_codes])
        )
        return index, marks, cutoff

    def adopt(self, index: MembershipIndex) -> None:
        """Take an index built elsewhere (benchmarks, tools) as the store's current one, with
        the store's watermarks of now."""
        with self.engine.connect() as conn:
            marks = store.watermarks(conn)
        with self._lock:
            self._index, self._marks = index, marks
            self._cutoff = datetime.now(UTC) - self.embargo
            self._changes = 0
            self._built_at = time.monotonic()
            self._loaded = True

    def save(self) -> None:
        """Write the snapshot: the compacted arrays into a new sub-folder, then the meta file
        naming it (replaced atomically), then older sub-folders are removed. A reader loads
        whichever meta it finds and the arrays it names, never a mix of two snapshots (a
        process still mapping removed files keeps reading them)."""
        if self.folder is None or not self.writes_snapshot:
            return
        with self._lock:
            index, marks, cutoff = self._index.compact(), self._marks, self._cutoff
            self._index, self._changes = index, 0
        arrays = f"arrays-{time.time_ns():x}-{os.getpid()}"
        index.save(self.folder / arrays)
        meta = _Meta(
            _FORMAT,
            _database_id(self.engine),
            marks.report,
            marks.listing,
            cutoff.isoformat(),
            datetime.now(UTC).isoformat(),
            arrays,
            marks.change,
        )
        partial = self.folder / f".{META_FILE}.{arrays}.partial"
        partial.write_text(json.dumps(asdict(meta)))
        partial.replace(self.folder / META_FILE)
        for old in self.folder.glob("arrays-*"):
            if old.name != arrays and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
        self.prune(marks.change)

    def prune(self, saved_change: int) -> int:
        """Delete the `lookup_changes` rows the saved snapshot (its change watermark) and this
        index have both taken in, once older than any blocklist delta can ask for; the number
        deleted. A snapshot saved elsewhere (another data dir) that is older finds its delta
        gone and is not used (`_usable_snapshot`)."""
        upto = min(saved_change, self._marks.change)
        before = datetime.now(UTC) - timedelta(seconds=MAX_DELTA_AGE) - PRUNE_MARGIN
        try:
            with self.engine.begin() as conn:
                pruned = store.prune_changes(conn, upto, before)
        except Exception:  # a locked store: the next save tries again
            log.exception("could not prune lookup changes")
            return 0
        if pruned:
            log.info("lookup index: %s lookup changes pruned (up to id %s)", f"{pruned:,}", upto)
        return pruned

    # --- keeping current -------------------------------------------------------------------

    def refresh(self, *, sweep: bool = False) -> int:
        """Take in new reports and listings (and, when due or asked, the embargo's sweep);
        returns how many indicators were recomputed."""
        with self._lock:
            now = time.monotonic()
            cutoff = datetime.now(UTC) - self.embargo
            with self.engine.connect() as conn:
                changed, marks = store.changed_since(conn, self._marks)
                if sweep or now - self._last_sweep >= self.sweep_every:
                    changed |= store.crossing_embargo(conn, self._cutoff, cutoff)
                    new_cutoff: datetime | None = cutoff
                    self._last_sweep = now
                else:
                    new_cutoff = None
                    cutoff = self._cutoff
                if changed:
                    self._apply(conn, changed, cutoff)
            self._marks = marks
            if new_cutoff is not None:
                self._cutoff = new_cutoff
            self._last_refresh = now
            if self._changes >= COMPACT_AFTER:
                self._index = self._index.compact()
                self._changes = 0
            return len(changed)

    def _apply(self, conn: Connection, changed: set[int], cutoff: datetime) -> None:
        counts = store.standings_of(conn, changed, cutoff)
        missing = changed - counts.keys()
        values = {c.indicator_id: c.value for c in counts.values()}
        if missing:
            values.update(store.values_of(conn, missing))
        index = self._index
        for indicator_id, value in values.items():
            hash64 = key_hash(value)
            code = max(code_of(counts.get(indicator_id)), self._safe.get(hash64, 0))
            if index.code(hash64) != (code or None):
                index.update(hash64, code)
                self._changes += 1

    def rebuild(self) -> None:
        """A full build from the store, swapped in; changes since its watermarks are taken in
        again by the next refresh. Then the snapshot is saved."""
        index, marks, cutoff = self._full_build()
        with self._lock:
            self._index, self._marks, self._cutoff = index, marks, cutoff
            self._changes = 0
            self._built_at = time.monotonic()
        self.refresh(sweep=True)
        self.save()

    # --- the refresher thread --------------------------------------------------------------

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="lookup-index", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in (self._thread, self._rebuilding, self._building):
            if thread is not None:
                thread.join(timeout=30)
        self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.poll):
            if not self._loaded:
                continue  # the start-up build runs; it takes in what arrives meanwhile
            try:
                self.refresh()
                due = time.monotonic() - self._built_at >= self.rebuild_every.total_seconds()
                if due and (self._rebuilding is None or not self._rebuilding.is_alive()):
                    self._built_at = time.monotonic()  # not again while this one runs
                    self._rebuilding = threading.Thread(
                        target=self._rebuild_logged, name="lookup-rebuild", daemon=True
                    )
                    self._rebuilding.start()
            except Exception:  # logged; the next round tries again
                log.exception("could not refresh the lookup index")

    def _rebuild_logged(self) -> None:
        try:
            self.rebuild()
        except Exception:
            log.exception("could not rebuild the lookup index")


def _make_snapshot(url: str, folder: str, embargo_seconds: float, rows: Any) -> None:
    """The build process (`LiveIndex.build_process`): the snapshot made current and saved."""
    from scamlink.store.engine import open_engine

    engine = open_engine(url)
    try:
        live = LiveIndex(engine, Path(folder), embargo=timedelta(seconds=embargo_seconds))

        def count(n: int) -> None:
            with rows.get_lock():
                rows.value += n

        live.on_rows = count
        live.make_current()
    finally:
        engine.dispose()
