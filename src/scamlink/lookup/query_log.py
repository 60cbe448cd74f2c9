"""The public query log, batched: what was asked is kept as the 5-hex prefix of its key's hash.

`QueryLog.add` (a prefix) and `add_values` (canonical values, hashed later) append to a list in
memory and return: a lookup pays an append. A timer thread, started when the first entry of a
batch arrives, turns values into prefixes and writes everything gathered within `interval`
seconds in one statement (at once when `max_batch` entries wait). A value stays in memory at
most that long and is never written. Entries in memory when the process dies are lost: it is a
log of load and abuse, not a record anyone acknowledged.

With a `retention` (`Settings.lookup_log_retention_days`, 90), the same thread deletes entries
older than that, at most every `prune_every` seconds (an hour), after a write: the log holds
at most the retention period and one hour of entries (an indexed range on `at`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from scamlink.lookup.keys import PREFIX_HEX, range_prefix
from scamlink.store.lookup_log import CHANNELS, QueryEntry, insert_entries, prune_before

_log = logging.getLogger(__name__)

# at, channel, prefix or canonical value, whether it is a prefix already, verdict
Pending = tuple[datetime, str, str, bool, str | None]


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
        self._timer: threading.Timer | None = None

    def add(self, channel: str, prefix: str, verdict: str | None = None) -> None:
        """Log one request that sent a hash prefix (the range route)."""
        if len(prefix) != PREFIX_HEX:
            raise ValueError("the query log keeps a 5-character hash prefix, nothing longer")
        self._append(channel, [(datetime.now(UTC), channel, prefix, True, verdict)])

    def add_values(self, channel: str, answered: Iterable[tuple[str | None, str | None]]) -> None:
        """Log answered values as (canonical value or None, verdict); values without a
        canonical key (invalid input) are not logged."""
        at = datetime.now(UTC)
        self._append(
            channel, [(at, channel, value, False, verdict) for value, verdict in answered if value]
        )

    def _append(self, channel: str, entries: list[Pending]) -> None:
        if channel not in CHANNELS:
            raise ValueError(f"unknown lookup channel {channel!r}")
        if not entries:
            return
        with self._lock:
            self._pending.extend(entries)
            full = len(self._pending) >= self._max_batch
            if self._timer is None and not full:
                self._timer = threading.Timer(self._interval, self.flush)
                self._timer.daemon = True
                self._timer.start()
        if full:
            threading.Thread(target=self.flush, daemon=True).start()

    def flush(self) -> int:
        """Write what waits now; the number of entries written."""
        with self._lock:
            pending, self._pending = self._pending, []
            timer, self._timer = self._timer, None
        if timer is not None and timer is not threading.current_thread():
            timer.cancel()
        if not pending:
            return 0
        entries = [
            QueryEntry(at, channel, text if hashed else range_prefix(text), verdict)
            for at, channel, text, hashed, verdict in pending
        ]
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
        with self._lock:
            return len(self._pending)
