"""SQLite's integer columns read as text aggregates, two connections at once (SQLite only:
PostgreSQL's columns come through ADBC, tests/store/test_partition.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from scamlink.store import sqlite_columns
from scamlink.store.sqlite_columns import SqliteColumns, parsed, parsed_times, split


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


def _read_pairs(
    tmp_path: Path, rows: list[tuple[int, int]], *, indexed: bool
) -> tuple[list[tuple[int, int]], bool]:
    """`rows` stored in a table of pairs and read back by `key_ranges`; whether they came
    packed in one integer."""
    path = tmp_path / "pairs-read.db"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE pairs (k INTEGER NOT NULL, v INTEGER NOT NULL, PRIMARY KEY (k, v))"
        )
        if indexed:
            db.execute("CREATE INDEX pairs_v ON pairs (v)")
        db.executemany("INSERT OR IGNORE INTO pairs VALUES (?, ?)", rows)
    reader = SqliteColumns(f"{path.as_uri()}?mode=ro")
    statements: list[str] = []
    ask = reader._one

    def recorded(sql: str, params: tuple[object, ...]) -> tuple[object, ...]:
        statements.append(sql)
        return ask(sql, params)

    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(reader, "_one", recorded)
            got = [
                (k, v)
                for keys, values in reader.key_ranges("pairs", "k", "v")
                for k, v in zip(keys.tolist(), values.tolist(), strict=True)
            ]
    finally:
        reader.close()
    return got, any(f"k * {sqlite_columns.PACKED_OTHERS} + v" in sql for sql in statements)


@pytest.mark.parametrize("range_rows", [1, 7, 1_000_000])
@pytest.mark.parametrize("indexed", [True, False], ids=["indexed", "scanned"])
def test_pairs_that_fit_one_integer_come_back_apart(
    tmp_path: Path, range_rows: int, indexed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The largest key and value that still pack, beside small ones.
    monkeypatch.setattr(sqlite_columns, "RANGE_ROWS", range_rows)
    rows = [(k, v) for k in range(0, 50) for v in (0, k, 2**32 - 1 - k)]
    rows += [(2**31 - 1, 2**32 - 1), (2**31 - 1, 0)]
    got, packed = _read_pairs(tmp_path, rows, indexed=indexed)
    assert packed
    assert sorted(got) == sorted(set(rows))


@pytest.mark.parametrize(("key", "value"), [(2**31, 1), (1, 2**32), (1, -1), (-1, 1)], ids=str)
def test_pairs_beyond_one_integer_come_back_whole(tmp_path: Path, key: int, value: int) -> None:
    rows = [(1, 2), (3, 4), (key, value)]
    got, packed = _read_pairs(tmp_path, rows, indexed=True)
    assert not packed
    assert sorted(got) == sorted(set(rows))


def _micros(stamp: datetime) -> int:
    return (stamp - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def test_times_in_the_form_sqlalchemy_writes_are_read_to_the_microsecond() -> None:
    texts = ["2026-03-01 09:30:00.000250", "2026-03-01 09:30:00", "1969-12-31 23:59:59.5"]
    assert parsed_times(",".join(texts), 3).tolist() == [
        _micros(datetime(2026, 3, 1, 9, 30, 0, 250, tzinfo=UTC)),
        _micros(datetime(2026, 3, 1, 9, 30, tzinfo=UTC)),
        -500_000,
    ]


def test_times_in_other_forms_are_read_one_by_one() -> None:
    texts = ["2026-03-01T18:30:00.5+09:00", "2026-03-01 09:30:00Z", "2026-03-01 09:30:00"]
    expected = _micros(datetime(2026, 3, 1, 9, 30, tzinfo=UTC))
    assert parsed_times(",".join(texts), 3).tolist() == [expected + 500_000, expected, expected]


def test_a_time_that_does_not_read_is_named_or_marked() -> None:
    text = "2026-03-01 09:30:00,yesterday"
    with pytest.raises(ValueError, match="does not read: 'yesterday'"):
        parsed_times(text, 2)
    assert parsed_times(text, 2, unreadable=-1).tolist()[1] == -1
    with pytest.raises(ValueError, match="read 2 of 3 date-times"):
        parsed_times(text, 3)
    assert parsed_times(None, 0).tolist() == []


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
    assert split(names, rows).to_pylist() == ["KNPA RTP", "", "SPF"]


def test_a_short_or_unreadable_aggregate_is_an_error_not_a_short_array() -> None:
    assert parsed("1,-2,3", 3).tolist() == [1, -2, 3]
    assert parsed(None, 0).dtype == np.int64
    with pytest.raises(ValueError, match="read 0 of 3 integers"):
        parsed("1,x,3", 3)
    with pytest.raises(ValueError, match="read 2 of 3 integers"):
        parsed("1,2", 3)
    with pytest.raises(ValueError, match="read 1 of 2 texts"):
        split("a", 2)
