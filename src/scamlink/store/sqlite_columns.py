"""A SQLite store's integer columns read fast, for the batch rebuild (`partition.ColumnReader`).

Python's `sqlite3` hands out one tuple a row: about 1.3 µs a row once the tuples are turned
into arrays, most of a rebuild's reading. Here each column of a range of rows comes back as
one `group_concat` text, built inside SQLite's C code, and NumPy parses it in C: about 0.2 µs
a row. SQLite releases the GIL while it aggregates, so the ranges run on two read-only
connections at once (two cores, two ranges in flight: memory stays bounded).

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
from queue import SimpleQueue
from typing import Any

import numpy as np
from numpy.typing import NDArray

Ints = NDArray[np.int64]

# Rows per range of keys where keys are dense (≈ 10 MB of text for two columns): small
# enough that the reader parses one range while SQLite builds the next two.
RANGE_ROWS = 500_000


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


# Between texts in one `group_concat`: a control character no stored code or name holds.
TEXT_SEPARATOR = "\x1f"


def split(text: str | None, rows: int) -> list[str]:
    """A `group_concat(…, char(31))` of texts back into a list, its length checked."""
    values = (text or "").split(TEXT_SEPARATOR) if rows else []
    if len(values) != rows:
        raise ValueError(f"read {len(values):,} of {rows:,} texts from the store")
    return values


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

    def ranges(self, table: str, key: str, sql: str) -> Iterator[tuple[Any, ...]]:
        """`sql` (with `? ≤ key < ?` for its two parameters, starting its row with the count)
        once per range of keys of a table whose index starts with the integer `key`: about
        `RANGE_ROWS` rows a range where keys are dense. Ranges holding no row are left out."""
        # Three subqueries, each answered from the index alone (together they would scan it).
        low, high, total = self._one(
            f"SELECT (SELECT min({key}) FROM {table}), (SELECT max({key}) FROM {table}), "  # noqa: S608
            f"(SELECT count(*) FROM {table})",
            (),
        )
        if not total:
            return
        width = max(1, -(-(high - low + 1) * RANGE_ROWS // total))
        for row in self.rows(
            (sql, (start, start + width)) for start in range(low, high + 1, width)
        ):
            if row[0]:
                yield row

    def key_ranges(self, table: str, key: str, other: str) -> Iterator[tuple[Ints, Ints]]:
        """Two integer columns of a table whose index starts with the integer `key`."""
        sql = (
            f"SELECT count(*), group_concat({key}), group_concat({other}) "  # noqa: S608
            f"FROM {table} WHERE {key} >= ? AND {key} < ?"
        )
        for rows, keys, others in self.ranges(table, key, sql):
            yield parsed(keys, rows), parsed(others, rows)
