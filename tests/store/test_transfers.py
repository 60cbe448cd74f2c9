"""The transfers store: exact amounts, duplicates merged, and `SqlTransferSource` reading back
in time order along its indexes (SQLite and PostgreSQL)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from sqlalchemy import Engine, inspect

from scamlink.store import transfers as transfers_store
from scamlink.store.engine import open_engine
from scamlink.store.migrate import upgrade
from scamlink.store.transfers import (
    SqlTransferSource,
    _execute_packed,
    _insert_sqlite,
    amount_text,
    bulk_load,
    bulk_prepare,
    count_transfers,
    pack_sqlite,
    store_transfers,
)
from scamlink.tracing.model import Chain, Transfer, UtxoInput, UtxoOutput, UtxoTx
from scamlink.tracing.source import TransferSource

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
A, B, C = (
    "TExiFtF2M1JqHdknDuAXcUyvTZtHBZY6c9",
    "TFn3ZAniEP4ix5fMkWtRz8YzvDZ514pi1k",
    "TSZMkRZfG3Z1bC4K5ftRnk8CTBCAsVVDCD",
)


def _t(
    n: int,
    sender: str,
    receiver: str,
    amount: str,
    *,
    minutes: int,
    token: str = "USDT",  # noqa: S107 (a token symbol)
) -> Transfer:
    return Transfer(
        chain=Chain.TRON,
        tx_hash=f"{n:064x}",
        index=0,
        timestamp=T0 + timedelta(minutes=minutes),
        from_address=sender,
        to_address=receiver,
        token=token,
        amount=Decimal(amount),
        token_contract="TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
        block=61_000_000 + n,
    )


FLOW = [
    _t(1, A, B, "1500.25", minutes=0),
    _t(2, B, C, "1000", minutes=30),
    _t(3, B, C, "500.25", minutes=10),
    _t(4, B, C, "7", minutes=20, token="TRX"),
]


def test_migration_creates_the_indexes(engine: Engine) -> None:
    names = {i["name"] for i in inspect(engine).get_indexes("transfers")}
    assert {
        "ix_transfers_chain_from_address_token_ts",
        "ix_transfers_chain_to_address_token_ts",
    } <= names
    inputs = {i["name"] for i in inspect(engine).get_indexes("btc_inputs")}
    assert "ix_btc_inputs_prev_tx_prev_index" in inputs


def test_store_merges_duplicates(engine: Engine) -> None:
    with engine.begin() as conn:
        first = store_transfers(conn, [*FLOW, FLOW[0]])
        again = store_transfers(conn, FLOW)
        assert count_transfers(conn) == 4
        assert count_transfers(conn, Chain.ETH) == 0
    assert (first.stored, first.duplicates) == (4, 1)
    assert (again.stored, again.duplicates) == (0, 4)


def test_source_reads_in_time_order_with_windows(engine: Engine) -> None:
    with engine.begin() as conn:
        store_transfers(conn, FLOW)
    source: TransferSource = SqlTransferSource(engine)
    out = source.outgoing(Chain.TRON, B, "USDT", T0, None)
    assert [t.tx_hash for t in out] == [FLOW[2].tx_hash, FLOW[1].tx_hash]  # by time
    assert out == [FLOW[2], FLOW[1]]  # everything read back exactly, UTC
    assert source.outgoing(Chain.TRON, B, "USDT", T0 + timedelta(minutes=11), None) == [FLOW[1]]
    assert source.outgoing(Chain.TRON, B, "USDT", T0, T0 + timedelta(minutes=10)) == [FLOW[2]]
    assert source.outgoing(Chain.TRON, B, "TRX", T0, None) == [FLOW[3]]
    assert source.outgoing(Chain.ETH, B, "USDT", T0, None) == []
    assert source.incoming(Chain.TRON, C, "USDT", None, T0 + timedelta(hours=1)) == [
        FLOW[2],
        FLOW[1],
    ]
    assert source.incoming(
        Chain.TRON, C, "USDT", T0 + timedelta(minutes=20), T0 + timedelta(hours=1)
    ) == [FLOW[1]]
    assert source.transaction(Chain.TRON, FLOW[0].tx_hash) == [FLOW[0]]
    assert source.utxo_tx(Chain.TRON, FLOW[0].tx_hash) is None


def test_amounts_are_exact(engine: Engine) -> None:
    big = Decimal("123456789012345678901234.123456789012345678")
    tiny = Decimal("0.000000000000000001")
    with engine.begin() as conn:
        store_transfers(conn, [_t(7, A, B, str(big), minutes=1), _t(8, A, B, str(tiny), minutes=2)])
    got = SqlTransferSource(engine).outgoing(Chain.TRON, A, "USDT", T0, None)
    assert [t.amount for t in got] == [big, tiny]
    assert amount_text(Decimal("1500.2500")) == "1500.25"
    assert amount_text(Decimal("1E+2")) == "100"


def test_non_utc_times_are_stored_as_utc(engine: Engine) -> None:
    seoul = datetime(2024, 5, 1, 17, 0, tzinfo=UTC).astimezone(
        __import__("zoneinfo").ZoneInfo("Asia/Seoul")
    )
    item = Transfer(Chain.TRON, "ab" * 32, 0, seoul, A, B, "USDT", Decimal(1))
    with engine.begin() as conn:
        store_transfers(conn, [item])
    (back,) = SqlTransferSource(engine).transaction(Chain.TRON, "ab" * 32)
    assert back.timestamp == datetime(2024, 5, 1, 17, 0, tzinfo=UTC)
    assert back.timestamp.tzinfo is UTC


BTC_A, BTC_B, BTC_C = (
    "bc1q75cj5p4h8elmp307cu9dnsgg32yga76wn66gya",
    "bc1q6xgu33w78qnvvy8sc6hgklleyprcszdvm67arc",
    "bc1q9k2ujyc9zx4nmm0exjdtzhph9wk7qgjz2kadj3",
)


def _utxo() -> tuple[UtxoTx, UtxoTx]:
    first = UtxoTx(
        "1" * 64,
        T0,
        (UtxoInput("1" * 64, 0, "0" * 64, 5, BTC_A, Decimal("0.5")),),
        (
            UtxoOutput("1" * 64, 0, BTC_B, Decimal("0.3")),
            UtxoOutput("1" * 64, 1, BTC_A, Decimal("0.1999")),
        ),
        block=840_000,
    )
    second = UtxoTx(
        "2" * 64,
        T0 + timedelta(hours=1),
        (UtxoInput("2" * 64, 0, "1" * 64, 0, BTC_B, Decimal("0.3")),),
        (
            UtxoOutput("2" * 64, 0, BTC_C, Decimal("0.2999")),
            UtxoOutput("2" * 64, 1, "", Decimal(0)),
        ),
        block=840_006,
    )
    return first, second


def _edges(tx: UtxoTx) -> list[Transfer]:
    return [
        Transfer(
            Chain.BTC,
            tx.tx_hash,
            o.index,
            tx.timestamp,
            tx.inputs[0].address,
            o.address,
            "BTC",
            o.value,
            block=tx.block,
        )
        for o in tx.outputs
    ]


def test_utxo_round_trip_and_spender(engine: Engine) -> None:
    first, second = _utxo()
    with engine.begin() as conn:
        store_transfers(conn, [*_edges(first), *_edges(second)], [first, second])
    source = SqlTransferSource(engine)
    assert source.utxo_tx(Chain.BTC, first.tx_hash) == first
    assert source.utxo_tx(Chain.BTC, "f" * 64) is None
    assert source.spender(Chain.BTC, first.tx_hash, 0) == second
    assert source.spender(Chain.BTC, first.tx_hash, 1) is None  # change not spent yet
    assert source.spender(Chain.TRON, first.tx_hash, 0) is None
    assert second.fee == Decimal("0.0001")


def test_source_over_a_connection(engine: Engine) -> None:
    with engine.begin() as conn:
        store_transfers(conn, FLOW)
        assert SqlTransferSource(conn).transaction(Chain.TRON, FLOW[1].tx_hash) == [FLOW[1]]


def _batch(engine: Engine, keys: list[tuple[str, int]]) -> pa.RecordBatch:
    postgres = engine.url.get_backend_name() == "postgresql"
    stamp = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
    ts = (
        pa.array([stamp] * len(keys), pa.timestamp("us", tz="UTC"))
        if postgres
        else pa.array(["2024-05-01 08:00:00.000000"] * len(keys))
    )
    return pa.RecordBatch.from_pydict(
        {
            "chain": ["tron"] * len(keys),
            "tx_hash": [k[0] for k in keys],
            "idx": pa.array([k[1] for k in keys], pa.int32()),
            "ts": ts,
            "block": pa.array([None] * len(keys), pa.int64()),
            "from_address": [A] * len(keys),
            "to_address": [B] * len(keys),
            "token": ["USDT"] * len(keys),
            "token_contract": [""] * len(keys),
            "amount": ["0.000001"] * len(keys),
        }
    )


def test_bulk_load_into_empty_then_filled_table(engine: Engine) -> None:
    keys = [("a" * 64, 0), ("a" * 64, 1), ("b" * 64, 0)]
    first = bulk_load(engine, [_batch(engine, keys)], rows=3)
    assert (first.stored, first.duplicates) == (3, 0)
    names = {i["name"] for i in inspect(engine).get_indexes("transfers")}
    assert "ix_transfers_chain_to_address_token_ts" in names  # rebuilt after the load
    second = bulk_load(engine, [_batch(engine, [("b" * 64, 0), ("c" * 64, 0)])], rows=2)
    assert (second.stored, second.duplicates) == (1, 1)
    got = SqlTransferSource(engine).incoming(Chain.TRON, B, "USDT", None, T0 + timedelta(days=1))
    assert len(got) == 4
    assert got[0].amount == Decimal("0.000001")
    assert got[0].timestamp == datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


def test_bulk_load_takes_many_batches_into_a_filled_table(engine: Engine) -> None:
    bulk_load(engine, [_batch(engine, [("a" * 64, 0)])], rows=1)
    batches = [_batch(engine, [(c * 64, 0), (c * 64, 1)]) for c in "bcd"]
    counts = bulk_load(engine, batches, rows=6)  # staged batch after batch, then moved
    assert (counts.stored, counts.duplicates) == (6, 0)
    got = SqlTransferSource(engine).incoming(Chain.TRON, B, "USDT", None, T0 + timedelta(days=1))
    assert len(got) == 7


def test_bulk_load_keeps_values_that_hold_a_whole_batch(engine: Engine) -> None:
    """On SQLite a column with one value throughout a batch goes into the statement as a
    literal: quotes, numbers and NULL come back as they went in."""
    keys = [("e" * 64, 0), ("e" * 64, 1)]
    batch = _batch(engine, keys)
    token = pa.array(["it's; DROP TABLE transfers; --"] * 2)
    block = pa.array([61_000_001] * 2, pa.int64())
    batch = batch.set_column(batch.schema.get_field_index("token"), "token", token)
    batch = batch.set_column(batch.schema.get_field_index("block"), "block", block)
    counts = bulk_load(engine, [batch, _batch(engine, [("f" * 64, 0)])], rows=3)
    assert (counts.stored, counts.duplicates) == (3, 0)
    got = SqlTransferSource(engine).transaction(Chain.TRON, "e" * 64)
    assert [(t.index, t.token, t.block) for t in got] == [
        (0, "it's; DROP TABLE transfers; --", 61_000_001),
        (1, "it's; DROP TABLE transfers; --", 61_000_001),
    ]
    (alone,) = SqlTransferSource(engine).transaction(Chain.TRON, "f" * 64)
    assert (alone.block, alone.amount, alone.token_contract) == (None, Decimal("0.000001"), "")


def test_bulk_load_takes_batches_prepared_beforehand(engine: Engine) -> None:
    """`bulk_prepare`'s batches (made on the reading thread) store what plain batches store,
    a batch the packed statement declines (a NULL among blocks) included."""
    prepare = bulk_prepare(engine)
    plain = _batch(engine, [("a" * 64, 0), ("a" * 64, 1)])
    blocks = pa.array([None, 61_000_001], pa.int64())
    declined = _batch(engine, [("b" * 64, 0), ("b" * 64, 1)])
    declined = declined.set_column(declined.schema.get_field_index("block"), "block", blocks)
    counts = bulk_load(engine, [prepare(plain), prepare(declined)], rows=4)
    assert (counts.stored, counts.duplicates) == (4, 0)
    again = bulk_load(engine, [prepare(_batch(engine, [("b" * 64, 1), ("c" * 64, 0)]))], rows=2)
    assert (again.stored, again.duplicates) == (1, 1)  # into the filled table, staged
    got = SqlTransferSource(engine).incoming(Chain.TRON, B, "USDT", None, T0 + timedelta(days=1))
    assert [(t.tx_hash[0], t.index, t.block) for t in got] == [
        ("a", 0, None),
        ("a", 1, None),
        ("b", 0, None),
        ("b", 1, 61_000_001),
        ("c", 0, None),
    ]


def test_sqlite_builds_the_indexes_with_helper_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The secondary indexes of a bulk load into an empty SQLite table are sorted with the
    sorter's helper threads; with a cache small enough for several sorted runs (merged by those
    threads) the indexes are sound and answer the trace's reads."""
    sqlite_engine = open_engine(f"sqlite:///{tmp_path / 'threads.db'}")
    upgrade(sqlite_engine)
    statements: list[str] = []
    connect = transfers_store._bulk_connect

    def traced(engine: Engine) -> Any:
        db = connect(engine)
        db.set_trace_callback(statements.append)
        return db

    monkeypatch.setattr(transfers_store, "_bulk_connect", traced)
    monkeypatch.setattr(transfers_store, "INDEX_CACHE_KIB", 64)  # runs of the 1 MB minimum
    rows = 30_000
    batch = _varied(rows)
    senders = pa.array([f"T{n % 997:033d}" for n in range(rows)])
    batch = batch.set_column(batch.schema.get_field_index("from_address"), "from_address", senders)
    assert bulk_load(sqlite_engine, [batch], rows=rows).stored == rows
    builds = [n for n, s in enumerate(statements) if s.startswith("CREATE INDEX")]
    assert len(builds) == 2
    assert "PRAGMA threads=2" in statements[: builds[0]]
    with sqlite_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
    sender = f"T{5:033d}"
    got = SqlTransferSource(sqlite_engine).outgoing(Chain.TRON, sender, "USDT", T0, None)
    expected = [n for n in range(rows) if n % 997 == 5 and n % 2]  # "USDT" on odd rows
    assert sorted(int(t.tx_hash, 16) for t in got) == expected
    sqlite_engine.dispose()


def test_a_failing_bulk_load_stores_nothing_and_keeps_the_indexes(engine: Engine) -> None:
    def failing() -> Iterator[pa.RecordBatch]:
        yield _batch(engine, [("a" * 64, 0)])
        raise RuntimeError("the file went wrong half-way")

    with pytest.raises(RuntimeError):
        bulk_load(engine, failing(), rows=2)
    with engine.connect() as conn:
        assert count_transfers(conn) == 0
    names = {i["name"] for i in inspect(engine).get_indexes("transfers")}
    assert "ix_transfers_chain_from_address_token_ts" in names


def _varied(rows: int) -> pa.RecordBatch:
    """SQLite batch whose columns vary in value and width (amounts, tokens, blocks)."""
    return pa.RecordBatch.from_pydict(
        {
            "chain": ["tron"] * rows,
            "tx_hash": [f"{n:064x}" for n in range(rows)],
            "idx": pa.array([n % 3 for n in range(rows)], pa.int32()),
            "ts": [f"2024-05-01 08:00:{n % 60:02d}.000000" for n in range(rows)],
            "block": pa.array([61_000_000 + n * 997 for n in range(rows)], pa.int64()),
            "from_address": [A if n % 2 else B for n in range(rows)],
            "to_address": [C] * rows,
            "token": ["USDT" if n % 2 else "it's" for n in range(rows)],
            "token_contract": ["" if n % 3 else A for n in range(rows)],
            "amount": [str(10**n % 99_991) + ("" if n % 2 else ".5") for n in range(rows)],
        }
    )


def _rows_of(cursor: Any) -> list[tuple[Any, ...]]:
    cursor.execute("SELECT * FROM transfers ORDER BY tx_hash, idx")
    return [tuple(row) for row in cursor.fetchall()]


@pytest.mark.parametrize(
    ("column", "values", "packed"),
    [
        (None, None, True),  # widths vary: padded, then trimmed
        ("token", ["Tether ", "USDT"], False),  # a trailing space the padding would lose
        ("token", ["테더", "USDT"], False),  # bytes wider than characters
        ("token", ["US\x00DT", "USDT"], False),  # a NUL in the text
        ("block", [None, 61_000_000], False),  # a NULL among values
    ],
)
def test_packed_sqlite_insert_stores_what_executemany_stores(
    tmp_path: Path, column: str | None, values: list[Any] | None, packed: bool
) -> None:
    """The one-statement SQLite insert (`pack_sqlite`) stores exactly the rows the
    row-by-row insert stores, and declines (writing nothing) a batch it cannot carry exactly."""
    batch = _varied(40)
    if column is not None and values is not None:
        cycle = [values[n % len(values)] for n in range(batch.num_rows)]
        field = batch.schema.field(column)
        batch = batch.set_column(
            batch.schema.get_field_index(column), field, pa.array(cycle, field.type)
        )
    stored: list[list[tuple[Any, ...]]] = []
    for packed_path in (False, True):
        database = tmp_path / f"packed-{packed_path}.db"
        sqlite_engine = open_engine(f"sqlite:///{database}")
        upgrade(sqlite_engine)
        sqlite_engine.dispose()
        db = sqlite3.connect(database, isolation_level=None)
        cursor = db.cursor()
        if packed_path:
            prepared = pack_sqlite(batch)
            assert (prepared.values is not None) is packed
            _execute_packed(cursor, "transfers", prepared)
            if not packed:
                assert _rows_of(cursor) == []
                _insert_sqlite(cursor, "transfers", batch)
        else:
            _insert_sqlite(cursor, "transfers", batch)
        stored.append(_rows_of(cursor))
        db.close()
    assert len(stored[0]) == batch.num_rows
    assert stored[1] == stored[0]
    # and with the same SQLite types (a BLOB or a text integer would compare unequal in SQL)
    assert [type(v) for v in stored[1][1]] == [type(v) for v in stored[0][1]]
