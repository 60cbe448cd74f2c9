"""The plain transfers CSV read by DuckDB, for files too large to hold as Python objects.

The same rules as `plain_csv.py`, applied in two passes over the file with bounded memory
(DuckDB's own limit, spilling to a temporary folder):

1. check every row in SQL (chain, hash, index, time, token, amount shapes) and collect the
   distinct addresses, which Python validates and canonicalises once each through the
   indicators library (a file has far fewer addresses than transfers);
2. only if no row has a problem: the canonical rows as Arrow record batches, which the store
   loads in one transaction (`store.transfers.bulk_load`).

Line numbers are the CSV's physical lines (header = line 1), exact as long as no field holds
a line break (the plain format's fields cannot).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
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
    addresses: dict[str, str] = field(default_factory=dict)  # as written → canonical


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
    """Pass 1: every row's shape, and every distinct address validated once."""
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
        bad = _addresses(con, chain, result)
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


def _addresses(con: duckdb.DuckDBPyConnection, chain: Chain, result: BulkCheck) -> dict[str, str]:
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
                result.addresses[raw] = address(chain, raw, "address")
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
        "JOIN bad_addresses b ON contract_raw = b.a) ORDER BY line LIMIT ?",
        [MAX_LISTED],
    ).fetchall():
        result.problems.append(RowProblem(int(line), None, field_name, reason))


def _extra_address(con: duckdb.DuckDBPyConnection, bad: dict[str, str], result: BulkCheck) -> int:
    if not bad:
        return 0
    row = con.execute(
        "SELECT count(*) FROM raw WHERE from_raw IN (SELECT a FROM bad_addresses) "
        "OR to_raw IN (SELECT a FROM bad_addresses) "
        "OR contract_raw IN (SELECT a FROM bad_addresses)"
    ).fetchall()[0]
    listed = sum(1 for p in result.problems if p.field in ("from", "to", "token_contract"))
    return max(0, int(row[0] if row else 0) - listed)


def batches(
    path: Path, chain: Chain, addresses: dict[str, str], spill: Path, *, postgres: bool
) -> Iterator[Any]:
    """Pass 2: the canonical rows as Arrow batches of `store.transfers.BULK_COLUMNS`."""
    con = _connect(spill)
    try:
        _source(con, path)
        con.register(
            "canonical",
            pa.table(
                {
                    "raw": pa.array(list(addresses), pa.string()),
                    "canon": pa.array(list(addresses.values()), pa.string()),
                }
            ),
        )
        tx = "lower(tx_hash)"
        # Most files write addresses canonically already (TRON and legacy BTC as written,
        # Ethereum in lower case): then no join is needed, only the casing.
        fold = "lower(%s)" if chain is Chain.ETH else "%s"
        same = all(
            canon == (raw.lower() if chain is Chain.ETH else raw)
            for raw, canon in addresses.items()
        )
        if same:
            sender, receiver, contract = fold % "from_raw", fold % "to_raw", fold % "contract_raw"
            joins = ""
        else:
            sender, receiver, contract = "f.canon", "t.canon", "coalesce(c.canon, '')"
            joins = (
                "JOIN canonical f ON f.raw = from_raw JOIN canonical t ON t.raw = to_raw "
                "LEFT JOIN canonical c ON c.raw = contract_raw "
            )
        ts = "stamp" if postgres else "strftime(stamp, '%Y-%m-%d %H:%M:%S.%f')"
        amount = (
            "CASE WHEN contains(amount, '.') THEN rtrim(rtrim(amount, '0'), '.') ELSE amount END"
        )
        reader = con.sql(
            f"SELECT '{chain.value}' AS chain, {tx} AS tx_hash, idx::INTEGER AS idx, "  # noqa: S608
            f"{ts} AS ts, CASE WHEN block = '' THEN NULL ELSE block::BIGINT END AS block, "
            f"{sender} AS from_address, {receiver} AS to_address, token, "
            f"{contract} AS token_contract, "
            f"CASE WHEN {amount} = '' THEN '0' ELSE {amount} END AS amount "
            f"FROM parsed {joins}"
            # In key order: what the store's primary key B-tree takes fastest.
            "ORDER BY 2, 3"
        ).to_arrow_reader(BATCH_ROWS)
        assert reader is not None
        last: tuple[Any, Any] | None = None
        for batch in reader:
            unique, last = _without_repeats(batch, last)
            yield unique
    finally:
        con.close()


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
