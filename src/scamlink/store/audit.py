"""Audit log rows: the head (lock) row, entries, checkpoints. The chain's logic is in
`sharing.audit`; this module only reads and writes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Row, event, or_, select

from scamlink.store.schema import audit_checkpoints, audit_head, audit_log

HEAD_ID = 1  # also written into the statements below
GENESIS = "0" * 64


class AuditHeadMissing(RuntimeError):
    """The lock row is gone: the schema was tampered with or not migrated."""


@dataclass(frozen=True, slots=True)
class Entry:
    seq: int
    at: datetime
    actor: str
    actor_user_id: int | None
    actor_agency: str | None
    subject_agency: str | None
    action: str
    target: str
    details: str  # canonical JSON text, as stored
    hash: str


@dataclass(frozen=True, slots=True)
class Checkpoint:
    seq: int
    hash: str
    verified_at: datetime
    public_key: str
    signature: str


def ensure_head(conn: Connection) -> None:
    """Create the head row of an empty log (migrations do; test databases emptied do too)."""
    if conn.execute(select(audit_head.c.id)).first() is None:
        conn.execute(audit_head.insert().values(id=HEAD_ID, seq=0))


# Appends go straight to the driver: SQLAlchemy's per-statement work costs about three times
# the statement itself, and appends must keep up with every read of personal data. They run in
# the connection's transaction like any other statement.
#
# SQLite: one statement takes the write lock, reserves the numbers and reads the hash to chain
# to (the entry before the first reserved number), so an append is this and one INSERT.
_SQLITE_RESERVE = (
    "UPDATE audit_head SET seq = seq + ? WHERE id = 1 RETURNING seq,"
    " (SELECT hash FROM audit_log WHERE audit_log.seq = audit_head.seq - ?)"
)
# PostgreSQL: a statement that waited for the row lock still reads with the snapshot it
# started with, so it would miss the entry the lock holder just committed (and fork the
# chain); the hash is read by a second statement, whose snapshot is taken after the lock.
_PG_RESERVE = "UPDATE audit_head SET seq = seq + %s WHERE id = 1 RETURNING seq"
_PG_PREVIOUS = "SELECT hash FROM audit_log WHERE seq = %s"
_SQLITE_INSERT = (
    "INSERT INTO audit_log (seq, at, actor, actor_user_id, actor_agency, subject_agency,"
    " action, target, details, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_PG_INSERT = _SQLITE_INSERT.replace("?", "%s")
# PostgreSQL, later appends of a transaction that already holds the head row's lock: the head
# moves and the entry goes in with one statement. The head must still be where this
# transaction left it (otherwise nothing is inserted and the append starts over from the lock).
_PG_APPEND_HELD = (
    "WITH moved AS (UPDATE audit_head SET seq = %s WHERE id = 1 AND seq = %s RETURNING seq)"
    " INSERT INTO audit_log (seq, at, actor, actor_user_id, actor_agency, subject_agency,"
    " action, target, details, hash) SELECT %s::bigint, %s::timestamptz, %s::text, %s::bigint,"
    " %s::text, %s::text, %s::text, %s::text, %s::text, %s::text FROM moved"
)
_PG_MOVE_HELD = "UPDATE audit_head SET seq = %s WHERE id = 1 AND seq = %s"
# Where a transaction keeps the head it holds (Connection.info lives as long as the driver
# connection; the entry names the transaction and savepoint it is valid in).
_HELD = "scamlink.audit.held_head"


def _driver_cursor(conn: Connection) -> Any:
    return conn.connection.driver_connection.cursor()  # type: ignore[union-attr]


def _row(entry: Entry, sqlite: bool) -> tuple[object, ...]:
    at: object = entry.at
    if sqlite:
        # SQLAlchemy's SQLite DateTime text form (UTC, without the offset), so reads parse it.
        at = entry.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return (
        entry.seq,
        at,
        entry.actor,
        entry.actor_user_id,
        entry.actor_agency,
        entry.subject_agency,
        entry.action,
        entry.target,
        entry.details,
        entry.hash,
    )


def lock_head(conn: Connection, count: int = 1) -> tuple[int, str]:
    """Reserve `count` sequence numbers: (the first of them, hash of the entry before it).

    The UPDATE comes first so the lock is taken before anything is read.
    """
    cursor = _driver_cursor(conn)
    try:
        if conn.dialect.name == "sqlite":
            row = cursor.execute(_SQLITE_RESERVE, (count, count)).fetchall()
            last, previous = row[0] if row else (None, None)
        else:
            cursor.execute(_PG_RESERVE, (count,))
            row = cursor.fetchone()
            last = None if row is None else row[0]
            previous = None
            if last is not None:
                cursor.execute(_PG_PREVIOUS, (last - count,))
                found = cursor.fetchone()
                previous = None if found is None else found[0]
    finally:
        cursor.close()
    if last is None:
        raise AuditHeadMissing("the audit log's head row is missing")
    return int(last) - count + 1, GENESIS if previous is None else str(previous)


@dataclass(frozen=True, slots=True)
class _Held:
    transaction: object
    savepoint: object | None
    seq: int
    hash: str


def held_head(conn: Connection) -> tuple[int, str] | None:
    """PostgreSQL: (last seq, its hash) when this very transaction already holds the head row's
    lock (an earlier append), so the next append need not lock and read again; else None.

    Valid only in the transaction and savepoint that took it: a commit, a rollback, or a
    savepoint begun, released or rolled back since, make it stale, and the append takes the
    lock again (always correct, only slower).
    """
    held = conn.info.get(_HELD)
    if not isinstance(held, _Held):
        return None
    if (
        not conn.in_transaction()
        or held.transaction is not conn.get_transaction()
        or held.savepoint is not conn.get_nested_transaction()
    ):
        conn.info.pop(_HELD, None)
        return None
    return held.seq, held.hash


def hold_head(conn: Connection, seq: int, entry_hash: str) -> None:
    """Remember the head this transaction holds locked (PostgreSQL only: on SQLite an append
    is two statements either way)."""
    if conn.dialect.name != "sqlite":
        conn.info[_HELD] = _Held(
            conn.get_transaction(), conn.get_nested_transaction(), seq, entry_hash
        )


def _forget_head(conn: Connection, *_: object) -> None:
    conn.info.pop(_HELD, None)


# Belt and braces beside the identity checks above: whatever ends a transaction or a savepoint
# drops the remembered head at once (registered on the Engine class: every engine).
for _name in ("commit", "rollback", "rollback_savepoint", "release_savepoint", "savepoint"):
    event.listen(Engine, _name, _forget_head)


def append_held(conn: Connection, entries: list[Entry], held_seq: int) -> bool:
    """Append entries chained from the held head (`held_head`); False, with nothing written,
    when the head is not where this transaction left it."""
    cursor = _driver_cursor(conn)
    try:
        if len(entries) == 1:
            cursor.execute(_PG_APPEND_HELD, (entries[0].seq, held_seq, *_row(entries[0], False)))
            if cursor.rowcount != 1:
                return False
        else:
            cursor.execute(_PG_MOVE_HELD, (entries[-1].seq, held_seq))
            if cursor.rowcount != 1:
                return False
            cursor.executemany(_PG_INSERT, [_row(e, False) for e in entries])
    finally:
        cursor.close()
    return True


def head(conn: Connection) -> int | None:
    """The last sequence number handed out (None when the lock row is gone)."""
    seq = conn.execute(select(audit_head.c.seq)).scalar()
    return None if seq is None else int(seq)


def insert_entries(conn: Connection, entries: list[Entry]) -> None:
    sqlite = conn.dialect.name == "sqlite"
    cursor = _driver_cursor(conn)
    try:
        cursor.executemany(
            _SQLITE_INSERT if sqlite else _PG_INSERT, [_row(e, sqlite) for e in entries]
        )
    finally:
        cursor.close()


def _entry(row: Row[tuple[object, ...]]) -> Entry:
    return Entry(
        seq=int(row.seq),
        at=row.at,
        actor=row.actor,
        actor_user_id=None if row.actor_user_id is None else int(row.actor_user_id),
        actor_agency=row.actor_agency,
        subject_agency=row.subject_agency,
        action=row.action,
        target=row.target,
        details=row.details,
        hash=row.hash,
    )


def iter_entries(
    conn: Connection, *, batch: int = 5_000, up_to: int | None = None
) -> Iterator[Entry]:
    """Every entry (up to seq `up_to`) in sequence order, fetched by key ranges (bounded memory
    on any backend)."""
    after = 0
    while True:
        query = select(audit_log).where(audit_log.c.seq > after)
        if up_to is not None:
            query = query.where(audit_log.c.seq <= up_to)
        rows = conn.execute(query.order_by(audit_log.c.seq).limit(batch)).all()
        if not rows:
            return
        for row in rows:
            yield _entry(row)
        after = int(rows[-1].seq)


def latest_entries(conn: Connection, *, limit: int, agency: str | None = None) -> list[Entry]:
    """The newest entries first; with `agency`, only those whose actor belongs to it or which
    touched its data or accounts."""
    query = select(audit_log).order_by(audit_log.c.seq.desc()).limit(limit)
    if agency is not None:
        query = query.where(
            or_(audit_log.c.actor_agency == agency, audit_log.c.subject_agency == agency)
        )
    return [_entry(row) for row in conn.execute(query)]


def add_checkpoint(conn: Connection, checkpoint: Checkpoint) -> None:
    conn.execute(
        audit_checkpoints.insert(),
        {
            "seq": checkpoint.seq,
            "hash": checkpoint.hash,
            "verified_at": checkpoint.verified_at,
            "public_key": checkpoint.public_key,
            "signature": checkpoint.signature,
        },
    )


def checkpoints(conn: Connection) -> list[Checkpoint]:
    rows = conn.execute(select(audit_checkpoints).order_by(audit_checkpoints.c.id))
    return [Checkpoint(r.seq, r.hash, r.verified_at, r.public_key, r.signature) for r in rows]


def latest_checkpoint(conn: Connection) -> Checkpoint | None:
    row = conn.execute(
        select(audit_checkpoints).order_by(audit_checkpoints.c.id.desc()).limit(1)
    ).first()
    if row is None:
        return None
    return Checkpoint(row.seq, row.hash, row.verified_at, row.public_key, row.signature)


def entry_hash_at(conn: Connection, seq: int) -> str | None:
    return conn.execute(select(audit_log.c.hash).where(audit_log.c.seq == seq)).scalar()
