"""SQLite's integer columns read as text aggregates, two connections at once (SQLite only:
PostgreSQL's columns come through ADBC, tests/store/test_partition.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from scamlink.store import sqlite_columns
from scamlink.store.sqlite_columns import SqliteColumns, parsed, split


@pytest.fixture
def pairs_file(tmp_path: Path) -> Path:
    """Keys dense in one stretch, then far apart (a range holding none, one holding one)."""
    path = tmp_path / "pairs.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE pairs (k INTEGER NOT NULL, v INTEGER NOT NULL, PRIMARY KEY (k, v))")
    rows = [(k, k * 10 + j) for k in range(1, 301) for j in range(k % 3)]
    rows += [(10**9, -5), (10**12, 2**62)]
    db.executemany("INSERT INTO pairs VALUES (?, ?)", rows)
    db.execute("CREATE TABLE names (k INTEGER PRIMARY KEY, name TEXT NOT NULL)")
    db.executemany("INSERT INTO names VALUES (?, ?)", [(1, "KNPA RTP"), (2, ""), (3, "SPF")])
    db.commit()
    db.close()
    return path


@pytest.fixture
def columns(pairs_file: Path) -> Iterator[SqliteColumns]:
    reader = SqliteColumns(f"{pairs_file.as_uri()}?mode=ro")
    try:
        yield reader
    finally:
        reader.close()


def _expected(path: Path) -> list[tuple[int, int]]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT k, v FROM pairs ORDER BY k, v").fetchall()


@pytest.mark.parametrize("range_rows", [1, 7, 1_000_000])
def test_key_ranges_read_every_row_once(
    columns: SqliteColumns, pairs_file: Path, range_rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_columns, "RANGE_ROWS", range_rows)
    got = [
        (k, v)
        for keys, values in columns.key_ranges("pairs", "k", "v")
        for k, v in zip(keys.tolist(), values.tolist(), strict=True)
    ]
    assert sorted(got) == _expected(pairs_file)


def test_an_empty_table_reads_as_nothing(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE pairs (k INTEGER NOT NULL, v INTEGER NOT NULL)")
    reader = SqliteColumns(f"{path.as_uri()}?mode=ro")
    try:
        assert list(reader.key_ranges("pairs", "k", "v")) == []
        assert reader.distinct("pairs", "k") == []
    finally:
        reader.close()


def test_rows_answer_in_the_order_asked(columns: SqliteColumns) -> None:
    queries = [("SELECT ? * 2", (n,)) for n in range(25)]
    assert [row[0] for row in columns.rows(queries)] == [n * 2 for n in range(25)]


def test_a_failing_query_raises_to_the_reader(columns: SqliteColumns) -> None:
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        list(columns.rows([("SELECT 1", ()), ("SELECT x FROM missing", ())]))


def test_distinct_values_of_an_indexed_column(columns: SqliteColumns) -> None:
    assert columns.distinct("pairs", "k")[:4] == [1, 2, 4, 5]
    assert columns.distinct("names", "name") == ["", "KNPA RTP", "SPF"]


def test_texts_come_back_with_their_empty_ones(columns: SqliteColumns) -> None:
    ((rows, names),) = columns.rows(
        [("SELECT count(*), group_concat(name, char(31)) FROM names", ())]
    )
    assert split(names, rows) == ["KNPA RTP", "", "SPF"]


def test_a_short_or_unreadable_aggregate_is_an_error_not_a_short_array() -> None:
    assert parsed("1,-2,3", 3).tolist() == [1, -2, 3]
    assert parsed(None, 0).dtype == np.int64
    with pytest.raises(ValueError, match="read 0 of 3 integers"):
        parsed("1,x,3", 3)
    with pytest.raises(ValueError, match="read 2 of 3 integers"):
        parsed("1,2", 3)
    with pytest.raises(ValueError, match="read 1 of 2 texts"):
        split("a", 2)
