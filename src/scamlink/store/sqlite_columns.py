"""A SQLite store's integer columns read fast, for the batch rebuild (`partition.ColumnReader`).

Python's `sqlite3` hands out one tuple a row: about 1.3 µs a row once the tuples are turned
into arrays, most of a rebuild's reading. Here each column of a range of rows comes back as
one `group_concat` text, built inside SQLite's C code, and NumPy parses it in C: about 0.2 µs
a row. SQLite releases the GIL while it aggregates, so the ranges run on two read-only
connections at once (two cores, two ranges in flight: memory stays bounded). Two integer
columns that fit travel as one (`key * 2**32 + other`): one aggregate instead of two (a sixth
less of SQLite's time) and one text to parse. Date-times come as the text SQLite holds and
Arrow reads them, where SQLite's own date functions cost five times as much.

These connections use the process's own SQLite library: a second library (an ADBC SQLite
driver, DuckDB's scanner) would share its POSIX locks without knowing it
(https://www.sqlite.org/howtocorrupt.html, section 2.2.1).
"""

from __future__ import annotations

import sqlite3
import warnings
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from queue import SimpleQueue
from typing import Any

import numpy as np
from numpy.typing import NDArray

Ints = NDArray[np.int64]

# Rows per range of keys where keys are dense (≈ 10 MB of text for two columns): small
# enough that the reader parses one range while SQLite builds the next two.
RANGE_ROWS = 500_000

# Two columns in one integer, `key * PACKED_OTHERS + other` (SQLite multiplies faster than it
# shifts), for keys below `PACKED_KEYS`.
PACKED_BITS = 32
PACKED_OTHERS = 1 << PACKED_BITS
PACKED_KEYS = 1 << 31


def parsed(text: str | None, rows: int) -> Ints:
    """A `group_concat` of integers back into an array; its length is checked, as NumPy stops
    quietly at anything that is not a number."""
    if not rows:
        return np.zeros(0, dtype=np.int64)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # NumPy only warns where it stops early
        try:
            values = np.fromstring(text or "", dtype=np.int64, sep=",")
        except (ValueError, DeprecationWarning):
            values = np.zeros(0, dtype=np.int64)
    if len(values) != rows:
        raise ValueError(f"read {len(values):,} of {rows:,} integers from the store")
    return values


def _split(text: str | None, rows: int, separator: str, what: str) -> Any:
    """A `group_concat` of texts back into an Arrow string array (split in C), its length
    checked."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not rows:
        return pa.array([], type=pa.string())
    values = pc.split_pattern(pa.array([text or ""]), separator).flatten()
    if len(values) != rows:
        raise ValueError(f"read {len(values):,} of {rows:,} {what} from the store")
    return values


def parsed_times(text: str | None, rows: int, unreadable: int | None = None) -> Ints:
    """A `group_concat` of date-times as SQLite holds them back into microseconds since 1970.

    Arrow reads the form SQLAlchemy writes ("YYYY-MM-DD HH:MM:SS[.ffffff]", UTC). A range
    holding another form (an offset, a "T") is read value by value by `datetime`; a value
    neither reads is `unreadable`, or an error naming it when that is None."""
    import pyarrow as pa

    if not rows:
        return np.zeros(0, dtype=np.int64)
    texts = _split(text, rows, ",", "date-times")
    try:
        stamps = texts.cast(pa.timestamp("us"))
        if not stamps.null_count:
            return np.asarray(stamps.to_numpy(zero_copy_only=False).view(np.int64))
    except pa.ArrowInvalid:
        pass
    return np.fromiter((_micros(value, unreadable) for value in texts.to_pylist()), np.int64, rows)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _micros(text: str, unreadable: int | None) -> int:
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        if unreadable is None:
            raise ValueError(f"the store holds a date-time that does not read: {text!r}") from None
        return unreadable
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return (stamp - EPOCH) // timedelta(microseconds=1)


# Between texts in one `group_concat`: a control character no stored code or name holds.
TEXT_SEPARATOR = "\x1f"


def split(text: str | None, rows: int) -> Any:
    """A `group_concat` of texts joined by `TEXT_SEPARATOR` back into an Arrow string array,
    its length checked."""
    return _split(text, rows, TEXT_SEPARATOR, "texts")


class SqliteColumns:
    """Read-only connections to one SQLite file, answering one-row queries side by side."""

    def __init__(self, uri: str, connections: int = 2) -> None:
        self._idle: SimpleQueue[sqlite3.Connection] = SimpleQueue()
        self._all = [
            sqlite3.connect(uri, uri=True, check_same_thread=False) for _ in range(connections)
        ]
        for db in self._all:
            self._idle.put(db)
        self._pool = ThreadPoolExecutor(max_workers=connections, thread_name_prefix="sqlite-read")

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        for db in self._all:
            db.close()

    def _one(self, sql: str, params: tuple[Any, ...]) -> tuple[Any, ...]:
        db = self._idle.get()
        try:
            row: tuple[Any, ...] = db.execute(sql, params).fetchone()
            return row
        finally:
            self._idle.put(db)

    def rows(self, queries: Iterable[tuple[str, tuple[Any, ...]]]) -> Iterator[tuple[Any, ...]]:
        """Each query's single row, in the queries' order; as many run at once as there are
        connections."""
        pending: deque[Future[tuple[Any, ...]]] = deque()
        width = len(self._all)
        try:
            for sql, params in queries:
                pending.append(self._pool.submit(self._one, sql, params))
                if len(pending) >= width:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()

    def distinct(self, table: str, column: str) -> list[Any]:
        """The distinct values of an indexed column, one index seek each (a handful of
        agencies among millions of rows)."""
        found: list[Any] = []
        (value,) = self._one(f"SELECT min({column}) FROM {table}", ())  # noqa: S608 (our names)
        while value is not None:
            found.append(value)
            (value,) = self._one(
                f"SELECT min({column}) FROM {table} WHERE {column} > ?",  # noqa: S608
                (value,),
            )
        return found

    def key_bounds(self, table: str, key: str) -> list[tuple[int, int]]:
        """Ranges `[start, end)` of the integer `key` that begins an index of `table`, about
        `RANGE_ROWS` rows each where keys are dense; the last ends after the largest key."""
        # Three subqueries, each answered from the index alone (together they would scan it).
        low, high, total = self._one(
            f"SELECT (SELECT min({key}) FROM {table}), (SELECT max({key}) FROM {table}), "  # noqa: S608
            f"(SELECT count(*) FROM {table})",
            (),
        )
        if not total:
            return []
        width = max(1, -(-(high - low + 1) * RANGE_ROWS // total))
        return [(start, min(start + width, high + 1)) for start in range(low, high + 1, width)]

    def ranges(self, sql: str, bounds: Iterable[tuple[int, int]]) -> Iterator[tuple[Any, ...]]:
        """`sql` (with `? ≤ key < ?` for its two parameters, starting its row with the count)
        once per range of `bounds` (`key_bounds`). Ranges holding no row are left out."""
        for row in self.rows((sql, b) for b in bounds):
            if row[0]:
                yield row

    def key_ranges(self, table: str, key: str, other: str) -> Iterator[tuple[Ints, Ints]]:
        """Two integer columns of a table whose index starts with the integer `key`, packed
        into one integer when every `0 ≤ key < 2**31` and every `0 ≤ other < 2**32` (asked
        of an index on `other` where there is one)."""
        bounds = self.key_bounds(table, key)
        if not bounds:
            return
        least, most = self._one(
            f"SELECT (SELECT min({other}) FROM {table}), (SELECT max({other}) FROM {table})",  # noqa: S608
            (),
        )
        if (
            bounds[0][0] >= 0
            and bounds[-1][1] <= PACKED_KEYS
            and 0 <= least <= most < PACKED_OTHERS
        ):
            packed = (
                f"SELECT count(*), group_concat({key} * {PACKED_OTHERS} + {other}) "  # noqa: S608
                f"FROM {table} WHERE {key} >= ? AND {key} < ?"
            )
            for rows, values in self.ranges(packed, bounds):
                both = parsed(values, rows)
                yield both >> PACKED_BITS, both & (PACKED_OTHERS - 1)
            return
        apart = (
            f"SELECT count(*), group_concat({key}), group_concat({other}) "  # noqa: S608
            f"FROM {table} WHERE {key} >= ? AND {key} < ?"
        )
        for rows, keys, others in self.ranges(apart, bounds):
            yield parsed(keys, rows), parsed(others, rows)
