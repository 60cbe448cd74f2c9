"""On-chain transfers and Bitcoin inputs: storing them (deduplicated) and reading them back for
the trace engine (`SqlTransferSource`, the store's `tracing.source.TransferSource`).

Storage decisions:
- `(chain, tx_hash, idx)` is the primary key; storing a transfer that is already there does
  nothing and counts as a duplicate (`ON CONFLICT DO NOTHING`), so a re-import stores nothing
  twice.
- Amounts are exact decimals in the token's unit: NUMERIC on PostgreSQL, the decimal's plain
  text (`format(d, "f")`, no exponent) on SQLite, read back as `Decimal` on both.
- Timestamps are UTC. On SQLite SQLAlchemy keeps them as `YYYY-MM-DD HH:MM:SS.ffffff` text
  (which sorts in time order); the bulk path writes the same text.
- A Bitcoin transaction is its outputs as `transfers` rows (idx = vout, from = the first input's
  address) plus its inputs in `btc_inputs`; `utxo_tx` and `spender` put the two back together.

Every read of `SqlTransferSource` is one indexed statement: `outgoing` along
`(chain, from_address, token, ts)`, `incoming` along `(chain, to_address, token, ts)`,
`transaction` along the primary key, `spender` along `btc_inputs(prev_tx, prev_index)`.

`bulk_load` is the path for very large files: Arrow batches (from DuckDB) go (COPY on
PostgreSQL; on SQLite one `INSERT … SELECT` a batch, its columns bound as BLOBs, executemany
when a batch cannot go that way) straight into an empty `transfers` (secondary indexes built
afterwards), or into a temporary table and then into `transfers` with one
`INSERT … SELECT … ON CONFLICT DO NOTHING`, all in one transaction: either the whole file is
stored or nothing is.
"""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, and_, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from scamlink.store.schema import btc_inputs, transfers
from scamlink.tracing.model import Chain, Transfer, UtxoInput, UtxoOutput, UtxoTx

# Keys per existence check (PostgreSQL and SQLite both take this many bound values easily).
_CHECK_CHUNK = 500
# SQLite page cache of the bulk loader's connection (KiB, negative cache_size), bounded.
BULK_CACHE_KIB = 262_144
# While the secondary indexes are built: a smaller page cache (the build reads the table once
# in order and appends the index), which also sizes each of the sorter's runs, and helper
# threads that sort and merge those runs beside the writer's scan. One index over 10M rows
# (load 2.6-6, so CPU seconds): the writer's thread 9-12 s instead of 23-33 s, all threads
# 26-31 s instead of 23-33 s; peak 0.54 GB as without threads (1.07 GB with the 256 MB cache).
INDEX_CACHE_KIB = 131_072
INDEX_SORT_THREADS = 2
# The SQLite text form of a timestamp, as SQLAlchemy's DateTime writes it.
SQLITE_TS_FORMAT = "%Y-%m-%d %H:%M:%S.%f"

# Columns of a bulk-loaded batch, in order (Arrow field names).
BULK_COLUMNS = (
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
)


@dataclass(frozen=True, slots=True)
class StoreCounts:
    stored: int
    duplicates: int


def amount_text(value: Decimal) -> str:
    """The exact plain text of an amount: no exponent, no trailing zeros after the point."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _is_postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("transfer timestamps must be timezone-aware")
    return value.astimezone(UTC)


def _amount_param(conn: Connection, value: Decimal) -> Decimal | str:
    return value if _is_postgres(conn) else amount_text(value)


def _insert(conn: Connection, table: Any) -> Any:
    if _is_postgres(conn):
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


def store_transfers(
    conn: Connection, items: Iterable[Transfer], utxo: Iterable[UtxoTx] = ()
) -> StoreCounts:
    """Store transfers (and Bitcoin inputs) in the caller's transaction; those already stored
    (same chain, tx_hash, index) are counted as duplicates and left as they are."""
    unique: dict[tuple[str, str, int], Transfer] = {}
    repeated = 0
    for item in items:
        key = (item.chain.value, item.tx_hash, item.index)
        if key in unique:
            repeated += 1
        else:
            unique[key] = item
    present = _present(conn, list(unique))
    rows = [
        {
            "chain": t.chain.value,
            "tx_hash": t.tx_hash,
            "idx": t.index,
            "ts": _utc(t.timestamp),
            "block": t.block,
            "from_address": t.from_address,
            "to_address": t.to_address,
            "token": t.token,
            "token_contract": t.token_contract,
            "amount": _amount_param(conn, t.amount),
        }
        for key, t in unique.items()
        if key not in present
    ]
    if rows:
        conn.execute(_insert(conn, transfers), rows)
    inputs = [
        {
            "tx_hash": i.tx_hash,
            "vin": i.index,
            "prev_tx": i.prev_tx_hash,
            "prev_index": i.prev_index,
            "address": i.address,
            "value": _amount_param(conn, i.value),
        }
        for tx in utxo
        for i in tx.inputs
    ]
    if inputs:
        conn.execute(_insert(conn, btc_inputs), inputs)
    return StoreCounts(stored=len(rows), duplicates=repeated + len(present))


def _present(conn: Connection, keys: list[tuple[str, str, int]]) -> set[tuple[str, str, int]]:
    found: set[tuple[str, str, int]] = set()
    for start in range(0, len(keys), _CHECK_CHUNK):
        chunk = keys[start : start + _CHECK_CHUNK]
        statement = select(transfers.c.chain, transfers.c.tx_hash, transfers.c.idx).where(
            tuple_(transfers.c.chain, transfers.c.tx_hash, transfers.c.idx).in_(chunk)
        )
        found.update((row[0], row[1], int(row[2])) for row in conn.execute(statement))
    return found


def count_transfers(conn: Connection, chain: Chain | None = None) -> int:
    from sqlalchemy import func

    statement = select(func.count()).select_from(transfers)
    if chain is not None:
        statement = statement.where(transfers.c.chain == chain.value)
    return int(conn.execute(statement).scalar_one())


# -- reading ---------------------------------------------------------------------------------

_COLUMNS = (
    transfers.c.chain,
    transfers.c.tx_hash,
    transfers.c.idx,
    transfers.c.ts,
    transfers.c.from_address,
    transfers.c.to_address,
    transfers.c.token,
    transfers.c.amount,
    transfers.c.token_contract,
    transfers.c.block,
)
_ORDER = (transfers.c.ts, transfers.c.tx_hash, transfers.c.idx)


def _read_ts(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _transfer(row: Any) -> Transfer:
    return Transfer(
        chain=Chain(row[0]),
        tx_hash=row[1],
        index=int(row[2]),
        timestamp=_read_ts(row[3]),
        from_address=row[4],
        to_address=row[5],
        token=row[6],
        amount=Decimal(str(row[7])),
        token_contract=row[8],
        block=None if row[9] is None else int(row[9]),
    )


class SqlTransferSource:
    """The trace engine's view of the store (`tracing.source.TransferSource`): one indexed
    statement per call. Built on an `Engine` (a pooled connection per call) or on an open
    `Connection` (the caller's transaction, e.g. in tests)."""

    def __init__(self, bind: Engine | Connection) -> None:
        self._bind = bind

    @contextmanager
    def _conn(self) -> Iterator[Connection]:
        if isinstance(self._bind, Connection):
            yield self._bind
        else:
            with self._bind.connect() as conn:
                yield conn

    def _transfers(self, statement: Any) -> list[Transfer]:
        with self._conn() as conn:
            return [_transfer(row) for row in conn.execute(statement)]

    def outgoing(
        self, chain: Chain, address: str, token: str, since: datetime, until: datetime | None
    ) -> Sequence[Transfer]:
        where = [
            transfers.c.chain == chain.value,
            transfers.c.from_address == address,
            transfers.c.token == token,
            transfers.c.ts >= _utc(since),
        ]
        if until is not None:
            where.append(transfers.c.ts <= _utc(until))
        return self._transfers(select(*_COLUMNS).where(and_(*where)).order_by(*_ORDER))

    def incoming(
        self, chain: Chain, address: str, token: str, since: datetime | None, until: datetime
    ) -> Sequence[Transfer]:
        where = [
            transfers.c.chain == chain.value,
            transfers.c.to_address == address,
            transfers.c.token == token,
            transfers.c.ts <= _utc(until),
        ]
        if since is not None:
            where.append(transfers.c.ts >= _utc(since))
        return self._transfers(select(*_COLUMNS).where(and_(*where)).order_by(*_ORDER))

    def transaction(self, chain: Chain, tx_hash: str) -> Sequence[Transfer]:
        statement = (
            select(*_COLUMNS)
            .where(transfers.c.chain == chain.value, transfers.c.tx_hash == tx_hash)
            .order_by(transfers.c.idx)
        )
        return self._transfers(statement)

    def utxo_tx(self, chain: Chain, tx_hash: str) -> UtxoTx | None:
        if chain is not Chain.BTC:
            return None
        return self._utxo(btc_inputs.c.tx_hash == tx_hash, transfers.c.tx_hash == tx_hash)

    def spender(self, chain: Chain, tx_hash: str, index: int) -> UtxoTx | None:
        """The transaction that spent output `index` of `tx_hash`, if imported."""
        if chain is not Chain.BTC:
            return None
        spending = (
            select(btc_inputs.c.tx_hash)
            .where(btc_inputs.c.prev_tx == tx_hash, btc_inputs.c.prev_index == index)
            .limit(1)
            .scalar_subquery()
        )
        return self._utxo(btc_inputs.c.tx_hash == spending, transfers.c.tx_hash == spending)

    def _utxo(self, inputs_where: Any, outputs_where: Any) -> UtxoTx | None:
        """Inputs and outputs of one transaction in one statement (UNION ALL)."""
        from sqlalchemy import literal, null, union_all

        inputs = select(
            literal("i").label("part"),
            btc_inputs.c.tx_hash,
            btc_inputs.c.vin.label("n"),
            btc_inputs.c.address,
            btc_inputs.c.value,
            btc_inputs.c.prev_tx,
            btc_inputs.c.prev_index,
            null().label("ts"),
            null().label("block"),
        ).where(inputs_where)
        outputs = select(
            literal("o").label("part"),
            transfers.c.tx_hash,
            transfers.c.idx.label("n"),
            transfers.c.to_address,
            transfers.c.amount,
            literal("").label("prev_tx"),
            literal(0).label("prev_index"),
            transfers.c.ts,
            transfers.c.block,
        ).where(transfers.c.chain == Chain.BTC.value, outputs_where)
        with self._conn() as conn:
            rows = list(conn.execute(union_all(inputs, outputs)))
        ins = sorted(
            (
                UtxoInput(r[1], int(r[2]), r[5], int(r[6]), r[3], Decimal(str(r[4])))
                for r in rows
                if r[0] == "i"
            ),
            key=lambda i: i.index,
        )
        outs = [r for r in rows if r[0] == "o"]
        if not ins or not outs:
            return None
        stamp = outs[0][7]
        if isinstance(stamp, str):  # SQLite: the UNION hides the column's type
            stamp = datetime.strptime(stamp, SQLITE_TS_FORMAT)
        return UtxoTx(
            tx_hash=outs[0][1],
            timestamp=_read_ts(stamp),
            inputs=tuple(ins),
            outputs=tuple(
                sorted(
                    (UtxoOutput(r[1], int(r[2]), r[3], Decimal(str(r[4]))) for r in outs),
                    key=lambda o: o.index,
                )
            ),
            block=None if outs[0][8] is None else int(outs[0][8]),
        )


# -- bulk loading ----------------------------------------------------------------------------


class BulkUnavailable(Exception):
    """The store cannot take the bulk path (in-memory SQLite)."""


def bulk_postgres(engine: Engine) -> bool:
    return engine.url.get_backend_name() == "postgresql"


def _bulk_connect(engine: Engine) -> Any:
    """PostgreSQL: a pooled connection's psycopg connection (COPY); SQLite: Python's own
    `sqlite3`, in one explicit transaction. Never ADBC's SQLite driver: a second SQLite library
    in the process shares its POSIX locks unknowingly, and closing it drops the store's own
    locks (stale reads, "disk I/O error", a corrupted WAL database;
    https://www.sqlite.org/howtocorrupt.html §2.2.1)."""
    if not bulk_postgres(engine):
        database = engine.url.database
        if not database or database == ":memory:" or database.startswith("file:"):
            raise BulkUnavailable("the bulk path needs a SQLite file or PostgreSQL")
        db = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
        db.execute("BEGIN IMMEDIATE")
        return db
    return engine.raw_connection()


def _insert_sqlite(cursor: Any, table: str, batch: Any) -> None:
    """Append an Arrow batch to `table` (SQLite: executemany over the batch's rows). A column
    holding one value throughout the batch (the chain, mostly the token and its contract, an
    absent block) is written into the statement as a literal instead of being bound row by
    row: a third less work per row."""
    import pyarrow.compute as pc  # only here: the trace's commands need no Arrow

    names = batch.schema.names
    values: list[str] = []
    bound: list[Any] = []
    for column in batch.columns:
        literal = None
        if pc.count_distinct(column, mode="all").as_py() == 1:
            literal = _sqlite_literal(column[0].as_py())
        if literal is None:
            values.append("?")
            bound.append(column)
        else:
            values.append(literal)
    # `table` and the column names are this module's constants, never input; a literal is a
    # number or a string quoted by `_sqlite_literal`.
    insert = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(values)})"  # noqa: S608
    if bound:
        cursor.executemany(insert, zip(*(column.to_pylist() for column in bound), strict=True))
    else:
        cursor.executemany(insert, ((),) * batch.num_rows)


@dataclass(frozen=True, slots=True)
class SqliteBatch:
    """An Arrow batch made ready for SQLite's one-statement insert (`pack_sqlite`): the SELECT's
    expressions over the row counter `i` and the BLOBs they cut values from; `values` is None
    when the batch must go row by row (`_insert_sqlite`)."""

    batch: Any
    values: tuple[str, ...] | None
    blobs: tuple[Any, ...] = ()

    @property
    def num_rows(self) -> int:
        return int(self.batch.num_rows)


def pack_sqlite(batch: Any) -> SqliteBatch:
    """Prepare an Arrow batch for `_execute_packed` without a Python object per value: each
    varying column becomes one BLOB, its values padded with spaces to the batch's widest
    (Arrow's string buffer as it is), which SQLite cuts row i's value out of with `substr` (a
    BLOB's `substr` counts bytes, so each cut costs the same). A constant column is a literal,
    as in `_insert_sqlite`. Pure Arrow work, so it can run on another thread than the writer's
    (`bulk_prepare`). Declines (values None) a batch this cannot carry exactly: a NULL in a
    varying column, a value with a trailing space that the padding's `rtrim` would take,
    non-ASCII text whose byte width differs from its width in characters, a type other than
    text or integer."""
    import pyarrow as pa
    import pyarrow.compute as pc

    declined = SqliteBatch(batch, None)
    rows = batch.num_rows
    values: list[str] = []
    blobs: list[Any] = []
    for column in batch.columns if rows else ():
        if pc.count_distinct(column, mode="all").as_py() == 1:
            literal = _sqlite_literal(column[0].as_py())
            if literal is not None:
                values.append(literal)
                continue
        if column.null_count:
            return declined
        integer = pa.types.is_integer(column.type)
        if integer:
            text = pc.cast(column, pa.string())
        elif pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            text = column.cast(pa.string())
            if not pc.all(pc.string_is_ascii(text)).as_py():
                return declined
            if (
                pc.any(pc.ends_with(text, " ")).as_py()
                or pc.any(pc.match_substring(text, "\x00")).as_py()
            ):
                return declined
        else:
            return declined
        lengths = pc.min_max(pc.binary_length(text)).as_py()
        width = int(lengths["max"])
        if lengths["min"] != width:
            text = pc.utf8_rpad(text, width=width, padding=" ")
        # The first value's start in the string buffer (a sliced array starts past 0).
        offsets = pa.Array.from_buffers(pa.int32(), 1, [None, text.buffers()[1]], text.offset)
        start = offsets[0].as_py()
        blobs.append(text.buffers()[2][start : start + rows * width])
        cut = f"substr(?{len(blobs)}, i * {width} + 1, {width})"
        if integer:
            values.append(f"CAST({cut} AS INTEGER)")
        elif lengths["min"] != width:
            values.append(f"rtrim({cut}, ' ')")
        else:
            values.append(f"CAST({cut} AS TEXT)")
    return SqliteBatch(batch, tuple(values), tuple(blobs))


def _execute_packed(cursor: Any, table: str, packed: SqliteBatch) -> None:
    """Append a packed batch to `table` in ONE statement, its rows counted by a recursive CTE."""
    rows = packed.num_rows
    if not rows or packed.values is None:
        return
    names = packed.batch.schema.names
    # `table` and the column names are this module's constants; every literal is quoted by
    # `_sqlite_literal`, every other value is bound.
    cursor.execute(
        f"WITH RECURSIVE r(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM r WHERE i < {rows - 1}) "  # noqa: S608
        f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(packed.values)} FROM r",
        packed.blobs,
    )


def bulk_prepare(engine: Engine) -> Callable[[Any], Any]:
    """What `bulk_load` can be given instead of an Arrow batch, made from one on any thread:
    on SQLite the packed batch, so that the Arrow work (a third of the writer's time a batch)
    runs beside the writer instead of before it; PostgreSQL takes the batch as it is."""
    if bulk_postgres(engine):
        return lambda batch: batch
    return pack_sqlite


def _sqlite_literal(value: object) -> str | None:
    """`value` as an SQLite literal, or None when it must be bound (SQLite's string literals
    have no escapes but the doubled quote; a NUL cannot appear in a statement)."""
    if value is None:
        return "NULL"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    return None


def _copy_postgres(cursor: Any, table: str, batches: Iterable[Any]) -> int:
    """COPY the batches into `table` as CSV text, one COPY for all of them (PostgreSQL parses
    NUMERIC and timestamptz from text; Arrow writes the CSV in C++). Returns the rows sent."""
    import pyarrow.csv as pa_csv  # only here: the trace's commands need no Arrow

    sent = 0
    options = pa_csv.WriteOptions(include_header=False)
    columns = ", ".join(BULK_COLUMNS)
    # `table` and the columns are this module's constants, never input.
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)") as copy:
        for batch in batches:
            if batch.num_rows:
                buffer = io.BytesIO()
                pa_csv.write_csv(batch.select(list(BULK_COLUMNS)), buffer, options)
                copy.write(buffer.getbuffer())
                sent += batch.num_rows
    return sent


_STAGE = "transfers_stage"
# One row per key even when the file repeats a transfer (PostgreSQL refuses to touch a row
# twice in one INSERT … ON CONFLICT); in key order, which suits the primary key's B-tree.
_MOVE_POSTGRES = (
    "INSERT INTO transfers (chain, tx_hash, idx, ts, block, from_address, to_address, token, "
    "token_contract, amount) "
    "SELECT DISTINCT ON (chain, tx_hash, idx) chain, tx_hash, idx, ts, block, "
    "from_address, to_address, token, token_contract, amount "
    "FROM transfers_stage ORDER BY chain, tx_hash, idx ON CONFLICT DO NOTHING"
)
_MOVE_SQLITE = (
    "INSERT OR IGNORE INTO transfers (chain, tx_hash, idx, ts, block, from_address, to_address, "
    "token, token_contract, amount) "
    "SELECT chain, tx_hash, idx, ts, block, from_address, to_address, token, token_contract, "
    "amount FROM transfers_stage ORDER BY chain, tx_hash, idx"
)


_SECONDARY = (
    ("ix_transfers_chain_from_address_token_ts", "chain, from_address, token, ts"),
    ("ix_transfers_chain_to_address_token_ts", "chain, to_address, token, ts"),
)


def bulk_load(engine: Engine, batches: Iterable[Any], rows: int) -> StoreCounts:
    """Store Arrow record batches of `BULK_COLUMNS` — unique by (chain, tx_hash, idx) and in
    that order; ts: timestamp[us, UTC] on PostgreSQL, the SQLite text form on SQLite; amount:
    plain decimal text — in ONE transaction. Nothing is stored unless everything is. A batch
    may come already prepared by `bulk_prepare`'s function.

    Into an empty table the two secondary indexes are dropped and built again afterwards (a
    sort each, much cheaper than millions of random B-tree inserts; the table is locked
    meanwhile; on SQLite with the sorter's helper threads, `_build_secondary`) and the batches
    go straight in (PostgreSQL: one COPY; SQLite: one statement a batch, `pack_sqlite`).
    Otherwise they are staged in a temporary table and inserted from there with duplicates
    skipped. `rows` is the file's row count; duplicates = rows - stored.

    (An earlier measurement of `PRAGMA threads=2` counted 162 s of CPU for the two builds at 10M
    rows against 84 s without; measured again with a 128 MB cache (`INDEX_CACHE_KIB`) the
    threads cost about as much CPU in all and take more than half off the writer's thread.)"""
    postgres = bulk_postgres(engine)
    db = _bulk_connect(engine)
    try:
        cursor = db.cursor()
        try:
            if postgres:
                cursor.execute("LOCK TABLE transfers IN SHARE ROW EXCLUSIVE MODE")
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            else:
                cursor.execute(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
                cursor.execute("PRAGMA temp_store=FILE")
                cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("SELECT 1 FROM transfers LIMIT 1")
            empty = cursor.fetchone() is None
            if empty:
                for name, _columns in _SECONDARY:
                    cursor.execute("DROP INDEX " + name)
                stored = _straight_in(cursor, batches, postgres)
                _build_secondary(cursor, postgres)
            else:
                stored = _staged(cursor, batches, postgres)
            db.commit()
        finally:
            cursor.close()
    except BaseException:
        try:
            db.rollback()
        finally:
            db.close()
        raise
    db.close()
    return StoreCounts(stored=stored, duplicates=max(rows - stored, 0))


def _build_secondary(cursor: Any, postgres: bool) -> None:
    """The secondary indexes, built after an empty table was filled (one sort each)."""
    if not postgres:
        cursor.execute(f"PRAGMA cache_size=-{INDEX_CACHE_KIB}")
        cursor.execute(f"PRAGMA threads={INDEX_SORT_THREADS}")
    for name, columns in _SECONDARY:
        cursor.execute("CREATE INDEX " + name + " ON transfers (" + columns + ")")


def _straight_in(cursor: Any, batches: Iterable[Any], postgres: bool) -> int:
    """Empty table: the (unique, ordered) batches appended as they come."""
    if postgres:
        return _copy_postgres(cursor, "transfers", batches)
    stored = 0
    for batch in batches:
        if batch.num_rows:
            _append_sqlite(cursor, "transfers", batch)
            stored += batch.num_rows
    return stored


def _append_sqlite(cursor: Any, table: str, batch: Any) -> None:
    """Append an Arrow batch, or one `pack_sqlite` already prepared. The packed statement costs
    a quarter less CPU a row (1M rows: 3.1-3.3 s against 4.1-4.3 s); executemany takes the
    batches it declines."""
    packed = batch if isinstance(batch, SqliteBatch) else pack_sqlite(batch)
    if packed.values is None:
        _insert_sqlite(cursor, table, packed.batch)
    else:
        _execute_packed(cursor, table, packed)


def _staged(cursor: Any, batches: Iterable[Any], postgres: bool) -> int:
    """Filled table: into a temporary table first, then moved with duplicates skipped."""
    if postgres:
        cursor.execute(
            f"CREATE TEMP TABLE {_STAGE} (LIKE transfers INCLUDING DEFAULTS) ON COMMIT DROP"
        )
        staged = _copy_postgres(cursor, _STAGE, batches)
    else:
        cursor.execute(f"CREATE TEMP TABLE {_STAGE} ({', '.join(BULK_COLUMNS)})")
        staged = 0
        for batch in batches:
            if batch.num_rows:
                _append_sqlite(cursor, _STAGE, batch)
                staged += batch.num_rows
    if not staged:
        cursor.execute(f"DROP TABLE {_STAGE}")
        return 0
    cursor.execute(_MOVE_POSTGRES if postgres else _MOVE_SQLITE)
    if postgres:
        stored = int(cursor.rowcount)
    else:
        cursor.execute("SELECT changes()")
        stored = int(cursor.fetchone()[0])
    cursor.execute(f"DROP TABLE {_STAGE}")
    return max(stored, 0)
