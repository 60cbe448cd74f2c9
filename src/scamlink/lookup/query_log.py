"""The public query log, batched: what was asked is kept as the 5-hex prefix of its key's hash.

`QueryLog.add` (a prefix) and `add_values` (canonical values, hashed later) append to a list in
memory and return: a lookup pays an append — a batch's 10,000 values one append too, their
collection kept as it is and read by the writer (`add_values`). A timer thread, started when the
first entry of a batch arrives, turns values into prefixes and writes everything gathered within
`interval` seconds in one statement (at once when `max_batch` entries wait). A value stays in
memory at most that long and is never written. Entries in memory when the process dies are
lost: it is a log of load and abuse, not a record anyone acknowledged.

With a `retention` (`Settings.lookup_log_retention_days`, 90), the same thread deletes entries
older than that, at most every `prune_every` seconds (an hour), after a write: the log holds
at most the retention period and one hour of entries (an indexed range on `at`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Sized
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from scamlink.lookup.keys import PREFIX_HEX, range_prefixes
from scamlink.store.lookup_log import CHANNELS, QueryEntry, insert_entries, prune_before

_log = logging.getLogger(__name__)

# (prefix or canonical value or None, verdict)
Answered = tuple[str | None, str | None]
# What one call added: at, channel, whether the texts are prefixes already, the entries (a
# collection the caller no longer changes: read when written), their number at most.
Pending = tuple[datetime, str, bool, Iterable[Answered], int]


class QueryLog:
    """Batched writer of query-log entries (thread-safe; one per application)."""

    def __init__(
        self,
        engine: Engine,
        *,
        interval: float = 1.0,
        max_batch: int = 20_000,
        retention: timedelta | None = None,
        prune_every: float = 3600.0,
    ) -> None:
        self._engine = engine
        self._interval = interval
        self._max_batch = max_batch
        self._retention = retention
        self._prune_every = prune_every
        self._last_prune: float | None = None  # time.monotonic() of the last prune
        self.pruned = 0  # entries deleted by this writer so far
        self._lock = threading.Lock()
        self._pending: list[Pending] = []
        self._count = 0  # entries in `_pending`, values without a canonical key included
        self._timer: threading.Timer | None = None

    def add(self, channel: str, prefix: str, verdict: str | None = None) -> None:
        """Log one request that sent a hash prefix (the range route)."""
        if len(prefix) != PREFIX_HEX:
            raise ValueError("the query log keeps a 5-character hash prefix, nothing longer")
        self._append((datetime.now(UTC), channel, True, ((prefix, verdict),), 1))

    def add_values(self, channel: str, answered: Iterable[Answered]) -> None:
        """Log answered values as (canonical value or None, verdict); values without a
        canonical key (invalid input) are not logged. A sized collection (a list, or a view
        of a batch's answers) is kept as it is and read by the writer's thread, within
        `interval`: the caller must not change it afterwards. Anything else is read now."""
        if not isinstance(answered, Sized):
            answered = list(answered)
        self._append((datetime.now(UTC), channel, False, answered, len(answered)))

    def _append(self, added: Pending) -> None:
        _, channel, _, _, count = added
        if channel not in CHANNELS:
            raise ValueError(f"unknown lookup channel {channel!r}")
        if not count:
            return
        with self._lock:
            self._pending.append(added)
            self._count += count
            full = self._count >= self._max_batch
            if self._timer is None and not full:
                self._timer = threading.Timer(self._interval, self.flush)
                self._timer.daemon = True
                self._timer.start()
        if full:
            threading.Thread(target=self.flush, daemon=True).start()

    def flush(self) -> int:
        """Write what waits now; the number of entries written."""
        with self._lock:
            pending, self._pending, self._count = self._pending, [], 0
            timer, self._timer = self._timer, None
        if timer is not None and timer is not threading.current_thread():
            timer.cancel()
        entries: list[QueryEntry] = []
        for at, channel, hashed, answered, _ in pending:
            kept = [(text, verdict) for text, verdict in answered if text]
            prefixes = [t for t, _ in kept] if hashed else range_prefixes([t for t, _ in kept])
            entries += [
                QueryEntry(at, channel, prefix, verdict)
                for prefix, (_, verdict) in zip(prefixes, kept, strict=True)
            ]
        if not entries:
            return 0
        try:
            with self._engine.begin() as conn:
                insert_entries(conn, entries)
                self._prune_if_due(conn)
        except SQLAlchemyError:
            _log.exception("could not write %d lookup query-log entries", len(entries))
            return 0
        return len(entries)

    def _prune_if_due(self, conn: Connection) -> None:
        now = time.monotonic()
        due = self._last_prune is None or now - self._last_prune >= self._prune_every
        if self._retention is None or not due:
            return
        self._last_prune = now
        self.pruned += prune_before(conn, datetime.now(UTC) - self._retention)

    @property
    def pending(self) -> int:
        """Entries waiting (values without a canonical key counted until they are dropped)."""
        with self._lock:
            return self._count
