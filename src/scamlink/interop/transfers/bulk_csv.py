"""The plain transfers CSV read by DuckDB, for files too large to hold as Python objects.

The same rules as `plain_csv.py`, with bounded memory (DuckDB's own limit, spilling to a
temporary folder). A clean file is read ONCE (`BulkRows`): one query checks every row's shape
(chain, hash, index, time, token, amount) and sorts the canonical rows into key order; each
distinct address is validated and canonicalised once, through the indicators library, when a
batch first brings it; the batches go to the store (`store.transfers.bulk_load`) as they come,
in the store's one transaction. Any problem stops the load (`RowsRejected`: the transaction is
rolled back) and `check` reads the file again to name every problem with its line.

Line numbers are the CSV's physical lines (header = line 1), exact as long as no field holds
a line break (the plain format's fields cannot).
"""

from __future__ import annotations

import contextlib
import queue
import tempfile
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from scamlink.interop.transfers import plain_csv
from scamlink.interop.transfers.common import (
    EARLIEST,
    LATEST,
    RowError,
    RowProblem,
    TransferFileError,
    address,
)
from scamlink.tracing.model import Chain

MEMORY_LIMIT = "1GB"
BATCH_ROWS = 250_000
MAX_LISTED = 1_000  # problems kept with their line; the rest are counted

_HASH = {
    Chain.ETH: r"^0[xX][0-9a-fA-F]{64}$",
    Chain.TRON: r"^[0-9a-fA-F]{64}$",
    Chain.BTC: r"^[0-9a-fA-F]{64}$",
}


@dataclass(slots=True)
class BulkCheck:
    rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    unlisted: int = 0  # problems beyond MAX_LISTED


def _connect(spill: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute("SET temp_directory = ?", [str(spill)])
    con.execute("SET preserve_insertion_order = true")
    return con


def _source(con: duckdb.DuckDBPyConnection, path: Path, *, lines: bool = False) -> None:
    """Views `raw` and `parsed` over the file; with `lines`, each row's line number too (a
    window over the whole file, so only when problems are to be listed)."""
    header = _header(path)
    missing = [c for c in plain_csv.COLUMNS if c not in header]
    if missing:
        raise TransferFileError(f"the plain CSV lacks column(s) {', '.join(missing)}")
    optional = {
        name: (f"""coalesce(trim("{header[name]}"), '')""" if name in header else "''")
        for name in ("token_contract", "block")
    }
    # An empty CSV field reads as NULL: every column as trimmed text, "" when empty.
    columns = {name: f"""coalesce(trim("{header[name]}"), '')""" for name in plain_csv.COLUMNS}
    line = "row_number() OVER () + 1 AS line, " if lines else ""
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW raw AS SELECT {line}"  # noqa: S608
        f"{columns['chain']} AS chain, {columns['tx_hash']} AS tx_hash, "
        f"{columns['index']} AS idx, {columns['timestamp']} AS ts, "
        f"{columns['from']} AS from_raw, {columns['to']} AS to_raw, "
        f"{columns['token']} AS token, {columns['amount']} AS amount, "
        f"{optional['token_contract']} AS contract_raw, {optional['block']} AS block "
        f"FROM read_csv({_literal(str(path))}, header = true, all_varchar = true, "
        "delim = ',', quote = '\"', escape = '\"', strict_mode = true, null_padding = true)"
    )
    # Timestamps: Unix seconds, or ISO 8601 that names its zone.
    con.execute(
        "CREATE OR REPLACE TEMP VIEW parsed AS SELECT *, CASE "
        "WHEN regexp_full_match(ts, '[0-9]{1,12}') THEN to_timestamp(try_cast(ts AS BIGINT)) "
        "WHEN regexp_full_match(ts, '.*[0-9](Z|z|[+-][0-9]{2}:?[0-9]{2})') "
        "THEN try_cast(ts AS TIMESTAMPTZ) END AS stamp FROM raw"
    )


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _header(path: Path) -> dict[str, str]:
    """Lower-case column name → the name as written in the file."""
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
    import csv

    names = next(csv.reader([first]), [])
    return {name.strip().lower(): name.replace('"', '""') for name in names}


def _problem_sql(chain: Chain) -> str:
    """The first problem of each row as (field, reason), NULL for a good row."""
    return (
        "CASE "
        f"WHEN lower(chain) IS DISTINCT FROM '{chain.value}' THEN "
        f"['chain', 'chain ' || coalesce(chain, '') || ' is not the chain imported "
        f"({chain.value})'] "
        f"WHEN NOT regexp_full_match(coalesce(tx_hash, ''), '{_HASH[chain][1:-1]}') THEN "
        "['tx_hash', coalesce(tx_hash, '') || ' is not a transaction hash'] "
        "WHEN NOT regexp_full_match(coalesce(idx, ''), '[0-9]{1,10}') "
        "OR try_cast(idx AS BIGINT) > 2147483647 THEN "
        "['index', 'index ' || coalesce(idx, '') || ' is not a whole number 0-2147483647'] "
        "WHEN stamp IS NULL THEN ['timestamp', 'timestamp ' || coalesce(ts, '') || "
        "' is neither ISO 8601 with a time zone nor Unix seconds'] "
        f"WHEN stamp < '{EARLIEST.isoformat()}'::TIMESTAMPTZ "
        f"OR stamp >= '{LATEST.isoformat()}'::TIMESTAMPTZ THEN "
        "['timestamp', 'timestamp ' || ts || ' is outside 2009-2100'] "
        "WHEN coalesce(token, '') = '' THEN ['token', 'token is missing'] "
        "WHEN starts_with(coalesce(amount, ''), '-') THEN "
        "['amount', 'negative amount ' || amount] "
        "WHEN NOT regexp_full_match(coalesce(amount, ''), '[0-9]+([.][0-9]+)?') THEN "
        "['amount', 'amount ' || coalesce(amount, '') || ' is not a decimal number'] "
        "WHEN block <> '' AND NOT regexp_full_match(block, '[0-9]{1,18}') THEN "
        "['block', 'block ' || block || ' is not a block number'] "
        "END"
    )


def check(path: Path, chain: Chain, spill: Path) -> BulkCheck:
    """Every row's shape and every distinct address, each problem with its line (the listing
    made when `BulkRows` met a problem)."""
    result = BulkCheck()
    con = _connect(spill)
    try:
        _source(con, path)
        problem = _problem_sql(chain)
        row = con.execute(f"SELECT count(*), count({problem}) FROM parsed").fetchall()[0]  # noqa: S608
        result.rows, shape_problems = int(row[0]), int(row[1])
        if shape_problems:
            _source(con, path, lines=True)
            for line, found in con.execute(
                f"SELECT line, p FROM (SELECT line, {problem} AS p FROM parsed) "  # noqa: S608
                "WHERE p IS NOT NULL ORDER BY line LIMIT ?",
                [MAX_LISTED],
            ).fetchall():
                result.problems.append(RowProblem(int(line), None, found[0], found[1]))
        bad = _addresses(con, chain)
        if bad:
            _source(con, path, lines=True)
            _address_problems(con, bad, result)
        result.unlisted = max(0, shape_problems - len(result.problems)) + _extra_address(
            con, bad, result
        )
        result.problems.sort(key=lambda p: p.line or 0)
        del result.problems[MAX_LISTED:]
    except duckdb.Error as exc:
        raise TransferFileError(f"cannot read the CSV: {_first_line(exc)}") from None
    finally:
        con.close()
    return result


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]


def _addresses(con: duckdb.DuckDBPyConnection, chain: Chain) -> dict[str, str]:
    """Validate each distinct address once; returns the bad ones with their reason."""
    bad: dict[str, str] = {}
    reader = con.sql(
        "SELECT DISTINCT a FROM (SELECT from_raw AS a FROM raw UNION ALL SELECT to_raw FROM raw "
        "UNION ALL SELECT contract_raw FROM raw WHERE contract_raw <> '') WHERE a IS NOT NULL"
    ).to_arrow_reader(BATCH_ROWS)
    assert reader is not None
    for batch in reader:
        for raw in batch.column(0).to_pylist():
            try:
                address(chain, raw, "address")
            except RowError as exc:
                bad[raw] = exc.reason
    return bad


def _address_problems(
    con: duckdb.DuckDBPyConnection, bad: dict[str, str], result: BulkCheck
) -> None:
    con.execute("CREATE TEMP TABLE bad_addresses (a VARCHAR, reason VARCHAR)")
    con.executemany("INSERT INTO bad_addresses VALUES (?, ?)", list(bad.items()))
    for line, field_name, reason in con.execute(
        "SELECT line, f, reason FROM ("
        "SELECT line, 'from' AS f, b.reason FROM raw JOIN bad_addresses b ON from_raw = b.a "
        "UNION ALL SELECT line, 'to', b.reason FROM raw JOIN bad_addresses b ON to_raw = b.a "
        "UNION ALL SELECT line, 'token_contract', b.reason FROM raw "
        # an empty contract is no contract, even when an empty sender is a bad address
        "JOIN bad_addresses b ON contract_raw = b.a AND contract_raw <> '') "
        "ORDER BY line LIMIT ?",
        [MAX_LISTED],
    ).fetchall():
        result.problems.append(RowProblem(int(line), None, field_name, reason))


def _extra_address(con: duckdb.DuckDBPyConnection, bad: dict[str, str], result: BulkCheck) -> int:
    if not bad:
        return 0
    row = con.execute(
        "SELECT count(*) FROM raw WHERE from_raw IN (SELECT a FROM bad_addresses) "
        "OR to_raw IN (SELECT a FROM bad_addresses) "
        "OR (contract_raw <> '' AND contract_raw IN (SELECT a FROM bad_addresses))"
    ).fetchall()[0]
    listed = sum(1 for p in result.problems if p.field in ("from", "to", "token_contract"))
    return max(0, int(row[0] if row else 0) - listed)


class RowsRejected(Exception):
    """A row of the file has a problem (its shape or an address): the import stores nothing and
    `check` names the rows."""


class BulkRows:
    """Pass 2 and, when the file is clean, the only pass: the canonical rows as Arrow batches of
    `store.transfers.BULK_COLUMNS`, unique by (tx_hash, idx) and in that order, from ONE scan of
    the file. Every row's shape is checked in the same query (rows with a problem sort first, so
    the first batch shows them) and every address when it is first met (validated once, through
    the indicators library); any problem raises `RowsRejected` — the caller's transaction is
    rolled back and `check` lists the problems. `rows` counts the file's rows read so far
    (repeats included)."""

    def __init__(self, path: Path, chain: Chain, spill: Path, *, postgres: bool) -> None:
        self.path, self.chain, self.spill, self.postgres = path, chain, spill, postgres
        self.rows = 0

    def __iter__(self) -> Iterator[Any]:
        con = _connect(self.spill)
        try:
            yield from self._batches(con)
        except duckdb.Error as exc:
            raise TransferFileError(f"cannot read the CSV: {_first_line(exc)}") from None
        finally:
            con.close()

    def _batches(self, con: duckdb.DuckDBPyConnection) -> Iterator[Any]:
        _source(con, self.path)
        chain = self.chain
        ts = "stamp" if self.postgres else "strftime(stamp, '%Y-%m-%d %H:%M:%S.%f')"
        # The amount's plain text as `store.transfers.amount_text` writes it: no leading zeros
        # (the regular expression only for the few amounts that start with one), no trailing
        # zeros after the point.
        lead = (
            "CASE WHEN starts_with(amount, '0') "
            "THEN regexp_replace(amount, '^0+([0-9])', '\\1') ELSE amount END"
        )
        amount = (
            f"CASE WHEN contains({lead}, '.') THEN rtrim(rtrim({lead}, '0'), '.') ELSE {lead} END"
        )
        reader = con.sql(
            f"SELECT ({_problem_sql(chain)}) IS NOT NULL AS bad, "  # noqa: S608
            f"'{chain.value}' AS chain, lower(tx_hash) AS tx_hash, "
            f"try_cast(idx AS INTEGER) AS idx, {ts} AS ts, "
            "CASE WHEN block = '' THEN NULL ELSE try_cast(block AS BIGINT) END AS block, "
            "from_raw AS from_address, to_raw AS to_address, token, "
            "contract_raw AS token_contract, "
            f"CASE WHEN {amount} = '' THEN '0' ELSE {amount} END AS amount "
            # Rows with a problem first; then key order, what the primary key takes fastest.
            "FROM parsed ORDER BY 1 DESC, 3, 4"
        ).to_arrow_reader(BATCH_ROWS)
        assert reader is not None
        addresses = _Addresses(chain)
        last: tuple[Any, Any] | None = None
        for batch in reader:
            self.rows += batch.num_rows
            if pc.any(batch.column(0)).as_py():
                raise RowsRejected
            columns = batch.columns[1:]
            columns[5], columns[6], columns[8] = addresses.canonical(
                [columns[5], columns[6], columns[8]], optional=[False, False, True]
            )
            clean = pa.RecordBatch.from_arrays(columns, names=batch.schema.names[1:])
            unique, last = _without_repeats(clean, last)
            yield unique


class _Addresses:
    """Each distinct address validated once (`common.address`), then every column of a batch
    turned canonical in Arrow: kept as it is when every address seen so far is written
    canonically (TRON, legacy Bitcoin), lower-cased when that is the canonical form (Ethereum),
    else mapped value by value."""

    def __init__(self, chain: Chain) -> None:
        self.chain = chain
        self.known: dict[str, str] = {}
        self.seen = pa.array([], pa.string())  # the keys of `known`, for `pc.is_in`
        self.as_written = True
        self.lowered = True

    def canonical(self, columns: list[Any], *, optional: list[bool]) -> list[Any]:
        """The columns with every address canonical. The batch's distinct addresses are found
        in one pass over all its address columns (one `unique`, one `is_in` against those
        seen, instead of one per column: 1M rows, 3.0 → 2.5 s of the reading thread's CPU,
        1.5 s of it the validation itself)."""
        for column, may_be_empty in zip(columns, optional, strict=True):
            if not may_be_empty and pc.any(pc.equal(column, "")).as_py():
                raise RowsRejected  # an address is missing (`check` names the row)
        distinct = pc.unique(pa.chunked_array(columns).combine_chunks())
        distinct = pc.filter(distinct, pc.not_equal(distinct, ""))  # an empty contract
        fresh = pc.filter(distinct, pc.invert(pc.is_in(distinct, value_set=self.seen)))
        if len(fresh):
            for raw in fresh.to_pylist():
                try:
                    canon = address(self.chain, raw, "address")
                except RowError:
                    raise RowsRejected from None
                self.known[raw] = canon
                self.as_written = self.as_written and canon == raw
                self.lowered = self.lowered and canon == raw.lower()
            self.seen = pa.concat_arrays([self.seen, fresh])
        if self.as_written:
            return columns
        if self.lowered:
            return [pc.utf8_lower(column) for column in columns]
        values = distinct.to_pylist()
        mapped = pa.array([self.known[v] for v in values] + [""], pa.string())
        lookup = pa.array(values, pa.string())
        return [
            pc.take(mapped, pc.fill_null(pc.index_in(column, value_set=lookup), len(values)))
            for column in columns
        ]


def read_ahead(items: Iterable[Any], depth: int = 2) -> Iterator[Any]:
    """`items` produced by a thread of their own, up to `depth` ahead of the consumer: DuckDB
    reads and sorts while the store writes (both release the GIL in their C code)."""
    box: queue.Queue[tuple[bool, Any]] = queue.Queue(depth)
    stop = threading.Event()
    source = iter(items)

    def produce() -> None:
        try:
            for item in source:
                while not stop.is_set():
                    try:
                        box.put((True, item), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            box.put((False, None))
        except BaseException as exc:  # handed to the consumer, raised there
            box.put((False, exc))
        finally:
            close = getattr(source, "close", None)
            if close is not None:  # a generator's own clean-up (DuckDB's connection)
                close()

    worker = threading.Thread(target=produce, name="transfers-read-ahead", daemon=True)
    worker.start()
    try:
        while True:
            more, item = box.get()
            if not more:
                if item is not None:
                    raise item
                return
            yield item
    finally:
        stop.set()
        while worker.is_alive():  # unblock a producer waiting on a full queue
            with contextlib.suppress(queue.Empty):
                box.get(timeout=0.1)
        worker.join()


def _without_repeats(batch: Any, last: tuple[Any, Any] | None) -> tuple[Any, tuple[Any, Any]]:
    """Drop rows whose (tx_hash, idx) equals the row before (the batches are in key order, so
    a file that repeats a transfer yields it once); `last` carries over between batches."""
    if batch.num_rows == 0:
        return batch, last or (None, None)
    tx, idx = batch.column(1), batch.column(2)
    first_tx, first_idx = last if last is not None else (None, None)
    previous_tx = pa.concat_arrays([pa.array([first_tx], tx.type), tx.slice(0, len(tx) - 1)])
    previous_idx = pa.concat_arrays([pa.array([first_idx], idx.type), idx.slice(0, len(idx) - 1)])
    repeated = pc.and_(pc.equal(tx, previous_tx), pc.equal(idx, previous_idx))
    keep = pc.invert(pc.fill_null(repeated, False))
    end = batch.num_rows - 1
    return batch.filter(keep), (tx[end].as_py(), idx[end].as_py())


def spill_folder() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="scamlink-transfers-")
