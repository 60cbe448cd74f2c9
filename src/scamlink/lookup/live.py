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
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, Engine

from scamlink.lookup.index import Codes, Hashes, MembershipIndex
from scamlink.lookup.keys import key_hash
from scamlink.lookup.verdict import Standing, pack, standing_of
from scamlink.lookup.warninglisted import warninglisted_entries
from scamlink.store import lookup as store
from scamlink.store.lookup import Counts, Watermarks

log = logging.getLogger(__name__)
INDEX_FOLDER = "lookup-index"  # of the data dir: the snapshot
META_FILE = "meta.json"
COMPACT_AFTER = 50_000  # recent changes kept beside the arrays before they are folded in
_FORMAT = 1


def code_of(counts: Counts | None) -> int:
    """The index byte for an indicator's counts (`verdict.pack`)."""
    if counts is None:
        return 0
    members = standing_of(counts.verified, counts.unverified)
    public = standing_of(counts.public_verified, counts.public_unverified)
    return pack(members, public)


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


def build_arrays(rows: Iterable[Counts]) -> tuple[Hashes, Codes]:
    """(hashes, codes) from a stream of counts, an indicator possibly twice (reports and
    listings): each standing is the highest of its rows, nibble by nibble."""
    hashes: list[int] = []
    members: list[int] = []
    public: list[int] = []
    for counts in rows:
        hashes.append(key_hash(counts.value))
        members.append(standing_of(counts.verified, counts.unverified))
        public.append(standing_of(counts.public_verified, counts.public_unverified))
    h = np.array(hashes, dtype=np.uint64)
    m = np.array(members, dtype=np.uint8)
    p = np.array(public, dtype=np.uint8)
    if len(h) == 0:
        return h, m
    order = np.argsort(h, kind="stable")
    h, m, p = h[order], m[order], p[order]
    starts = np.flatnonzero(np.append(True, h[1:] != h[:-1]))
    m = np.maximum.reduceat(m, starts)
    p = np.maximum.reduceat(p, starts)
    codes = (m | (p << np.uint8(4))).astype(np.uint8)
    return h[starts], codes


def _standings(verified: NDArray[np.int64], unverified: NDArray[np.int64]) -> Codes:
    """`verdict.standing_of` over columns."""
    return np.where(
        verified > 0,
        np.uint8(Standing.REPORTED),
        np.where(unverified > 0, np.uint8(Standing.SUSPICIOUS), np.uint8(Standing.UNKNOWN)),
    ).astype(np.uint8)


def build_from_columns(batches: Iterable[store.CountColumns]) -> tuple[Hashes, Codes]:
    """`build_arrays` from column batches: the standings computed on whole columns, the
    values hashed one by one (SHA-256 has no vector form here; about 1 µs a value)."""
    hashes: list[Hashes] = []
    codes: list[Codes] = []
    for batch in batches:
        hashes.append(np.fromiter(map(key_hash, batch.values), np.uint64, len(batch.values)))
        members = _standings(batch.verified, batch.unverified)
        public = _standings(batch.public_verified, batch.public_unverified)
        codes.append((members | (public << np.uint8(4))).astype(np.uint8))
    if not hashes:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.uint8)
    h, c = np.concatenate(hashes), np.concatenate(codes)
    # An indicator may come twice (reports and listings): the highest standing, nibble by
    # nibble, as `build_arrays`.
    order = np.argsort(h, kind="stable")
    h, c = h[order], c[order]
    starts = np.flatnonzero(np.append(True, h[1:] != h[:-1]))
    low = np.maximum.reduceat(c & np.uint8(0x0F), starts)
    high = np.maximum.reduceat(c >> np.uint8(4), starts)
    return h[starts], (low | (high << np.uint8(4))).astype(np.uint8)


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
    ) -> None:
        self.engine = engine
        self.folder = folder
        self.embargo = embargo
        self.rebuild_every = rebuild_every
        self.poll = poll
        self.sweep_every = sweep
        self.writes_snapshot = writes_snapshot  # False: read it, never write it (the CLI)
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

    # --- reading ---------------------------------------------------------------------------

    @property
    def index(self) -> MembershipIndex:
        return self._index

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def ready(self) -> MembershipIndex:
        """The index for an answer: loaded on first use; when no refresher thread runs (tests,
        the CLI), brought up to date here at most every `poll` seconds."""
        if not self._loaded:
            with self._lock:  # two first requests at once: one loads, the other waits
                if not self._loaded:
                    self.load()
        elif not self.running and time.monotonic() - self._last_refresh >= self.poll:
            self.refresh()
        return self._index

    # --- loading ---------------------------------------------------------------------------

    def load(self) -> Loaded:
        """The snapshot and its delta, or a full build (then saved)."""
        with self._lock:
            started = time.perf_counter()
            self._safe = self._safe_codes()
            meta = self._usable_snapshot()
            if meta is not None and self.folder is not None:
                self._index = MembershipIndex.load(self.folder / meta.arrays)
                self._marks = Watermarks(meta.report, meta.listing, meta.change)
                self._cutoff = datetime.fromisoformat(meta.cutoff)
                age = datetime.now(UTC) - datetime.fromisoformat(meta.built_at)
                self._built_at = time.monotonic() - max(age.total_seconds(), 0.0)
                self._loaded = True
                delta = self.refresh(sweep=True)
                how = "snapshot"
            else:
                self._build_now()
                delta = 0
                how = "build"
            loaded = Loaded(how, len(self._index), time.perf_counter() - started, delta)
            log.info("lookup index: %s", loaded)
            return loaded

    def _safe_codes(self) -> dict[int, int]:
        hashes, codes = warninglisted_entries()
        return {int(h): int(c) for h, c in zip(hashes.tolist(), codes.tolist(), strict=True)}

    def _usable_snapshot(self) -> _Meta | None:
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
        # (Listings can be withdrawn, so their newest id may go down: not a sign.)
        if meta.report > now.report or meta.change > now.change:
            return None  # the store was emptied or replaced since
        return meta

    def build(self) -> Loaded:
        """A full build from the store, saved as the snapshot whatever is on disk (`scamlink
        lookup --build-index`: the first start of a server then loads it in a second)."""
        with self._lock:
            started = time.perf_counter()
            self._safe = self._safe_codes()
            self._build_now()
            return Loaded("build", len(self._index), time.perf_counter() - started, 0)

    def _build_now(self) -> None:
        index, marks, cutoff = self._full_build()
        with self._lock:
            self._index, self._marks, self._cutoff = index, marks, cutoff
            self._changes = 0
            self._built_at = time.monotonic()
            self._loaded = True
        self.refresh()  # what arrived while the build ran
        self.save()

    def _full_build(self) -> tuple[MembershipIndex, Watermarks, datetime]:
        cutoff = datetime.now(UTC) - self.embargo
        with self.engine.connect() as conn:
            marks = store.watermarks(conn)  # before the scan: later rows come again, harmless
            hashes, codes = build_from_columns(store.standing_columns(conn, cutoff))
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
        for thread in (self._thread, self._rebuilding):
            if thread is not None:
                thread.join(timeout=30)
        self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.poll):
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
