"""The DuckDB reader of large plain transfers CSV files: one read giving canonical, unique rows in
key order; a problem stops it; each distinct address validated once; the read-ahead thread
hands over its batches in order, its errors, and stops when the consumer does."""

from __future__ import annotations

import threading
from collections.abc import Generator, Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from scamlink.interop.transfers import bulk_csv
from scamlink.interop.transfers.common import TransferFileError
from scamlink.tracing.model import Chain

HEADER = "chain,tx_hash,index,timestamp,from,to,token,amount,token_contract\n"
A, B = "TExiFtF2M1JqHdknDuAXcUyvTZtHBZY6c9", "TFn3ZAniEP4ix5fMkWtRz8YzvDZ514pi1k"
BAD_TRON = "TD9ViTm3T121f951BKK8MFNMNXpqVR4wsj"
ETH_MIXED = "0x52908400098527886E0F7030069857D2E4169EE7"
BECH32_UPPER = "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"
LEGACY = "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"
CONTRACT = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"


def _rows(path: Path, chain: Chain, tmp_path: Path, *, postgres: bool = False) -> pa.Table:
    reader = bulk_csv.BulkRows(path, chain, tmp_path, postgres=postgres)
    table = pa.Table.from_batches(list(reader))
    assert reader.rows >= table.num_rows
    return table


def test_rows_come_canonical_unique_and_in_key_order(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        HEADER
        + f"tron,{'B' * 64},1,1714550400,{A},{B},USDT,3.500,\n"
        + f"tron,{'a' * 64},0,2024-05-01T08:00:00+00:00,{B},{A},USDT,007,{CONTRACT}\n"
        + f"tron,{'b' * 64},1,1714550400,{A},{B},USDT,3.5,\n"  # the first row again
        + f"tron,{'c' * 64},0,1714550400,{A},{B},USDT,0.0500,\n"
        + f"tron,{'c' * 64},1,1714550400,{A},{B},USDT,00.0,\n"
    )
    reader = bulk_csv.BulkRows(path, Chain.TRON, tmp_path, postgres=False)
    table = pa.Table.from_batches(list(reader))
    assert reader.rows == 5
    assert table.column_names == [
        "chain",
        "tx_hash",
        "idx",
        "ts",
        "block",
        "from_address",
        "to_address",
        "token",
        "token_contract",
        "amount",
    ]
    got = table.to_pylist()
    assert [(r["tx_hash"][0], r["idx"], r["amount"]) for r in got] == [
        ("a", 0, "7"),
        ("b", 1, "3.5"),
        ("c", 0, "0.05"),
        ("c", 1, "0"),
    ]
    assert got[0]["ts"] == "2024-05-01 08:00:00.000000"
    assert got[1]["token_contract"] == ""


def test_ethereum_addresses_are_lowered_and_bitcoin_ones_mapped(tmp_path: Path) -> None:
    eth = tmp_path / "eth.csv"
    eth.write_text(
        HEADER + f"eth,0x{'1' * 64},0,1714550400,{ETH_MIXED},{ETH_MIXED.lower()},USDT,1,\n"
    )
    row = _rows(eth, Chain.ETH, tmp_path).to_pylist()[0]
    assert row["from_address"] == row["to_address"] == ETH_MIXED.lower()
    btc = tmp_path / "btc.csv"
    btc.write_text(
        HEADER
        + f"btc,{'2' * 64},0,1714550400,{BECH32_UPPER},{LEGACY},BTC,1,\n"
        + f"btc,{'2' * 64},1,1714550400,{LEGACY},{BECH32_UPPER},BTC,1,\n"
    )
    rows = _rows(btc, Chain.BTC, tmp_path).to_pylist()
    assert [(r["from_address"], r["to_address"]) for r in rows] == [
        (BECH32_UPPER.lower(), LEGACY),
        (LEGACY, BECH32_UPPER.lower()),
    ]


@pytest.mark.parametrize(
    "row",
    [
        f"tron,{'c' * 64},0,1714550400,{A},{B},USDT,-1,",  # shape: negative amount
        f"tron,{'c' * 64},0,1714550400,{BAD_TRON},{B},USDT,1,",  # a failed checksum
        f"tron,{'c' * 64},0,1714550400,{A},{B},USDT,1,{BAD_TRON}",  # in the contract too
        f"tron,{'c' * 64},0,1714550400,,{B},USDT,1,",  # no sender
        f"tron,{'c' * 64},0,1714550400,{A}, ,USDT,1,",  # no receiver
    ],
)
def test_a_problem_stops_the_read(tmp_path: Path, row: str) -> None:
    path = tmp_path / "bad.csv"
    good = "".join(f"tron,{n:064x},0,1714550400,{A},{B},USDT,1,\n" for n in range(5))
    path.write_text(HEADER + good + row + "\n")
    with pytest.raises(bulk_csv.RowsRejected):
        list(bulk_csv.BulkRows(path, Chain.TRON, tmp_path, postgres=False))
    checked = bulk_csv.check(path, Chain.TRON, tmp_path)
    assert [p.line for p in checked.problems] == [7]


def test_a_broken_csv_is_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text(HEADER + f'tron,"{"a" * 64},0,1714550400\n')
    with pytest.raises(TransferFileError, match="cannot read the CSV"):
        list(bulk_csv.BulkRows(path, Chain.TRON, tmp_path, postgres=False))


def test_postgres_rows_carry_timestamps(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(HEADER + f"tron,{'a' * 64},0,1714550400,{A},{B},USDT,1,\n")
    table = _rows(path, Chain.TRON, tmp_path, postgres=True)
    assert pa.types.is_timestamp(table.schema.field("ts").type)


def test_read_ahead_keeps_order_and_raises_the_producers_error() -> None:
    assert list(bulk_csv.read_ahead(iter(range(50)), depth=2)) == list(range(50))

    def failing() -> Iterator[int]:
        yield 1
        raise ValueError("boom")

    reader = bulk_csv.read_ahead(failing())
    assert next(reader) == 1
    with pytest.raises(ValueError, match="boom"):
        next(reader)


def test_read_ahead_stops_and_closes_the_producer_when_the_consumer_stops() -> None:
    closed = threading.Event()

    def endless() -> Iterator[int]:
        try:
            n = 0
            while True:
                yield n
                n += 1
        finally:
            closed.set()

    reader = bulk_csv.read_ahead(endless(), depth=1)
    assert next(reader) == 0
    assert isinstance(reader, Generator)
    reader.close()  # what an exception in the consumer's loop does
    assert closed.wait(5)
    assert not any(t.name == "transfers-read-ahead" for t in threading.enumerate())
