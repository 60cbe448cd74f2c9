"""Audit append throughput: hash-chained entries beside plain INSERTs of the same rows.

Both write into a migrated store through the same engine (SQLite WAL with synchronous=FULL,
and PostgreSQL in a database the benchmark creates and drops on the server of
`BENCH_POSTGRES_URL`, default postgresql://postgres@127.0.0.1:5432/test). Three shapes: a batch of
1,000 entries per call and commit (`record_many`: an import or export recording each record it
touched), 1,000 single `record` calls per commit, and one commit per entry (a request that
records one action; here the commit's fsync dominates both sides).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine

from benchmarks.databases import scratch_postgres, scratch_sqlite
from scamlink.sharing.audit import Actor, Event, record, record_many
from scamlink.store.audit import ensure_head
from scamlink.store.schema import audit_head, audit_log

ENTRIES = int(os.environ.get("BENCH_AUDIT_ENTRIES", "50000"))
SINGLE = int(os.environ.get("BENCH_AUDIT_SINGLE", "2000"))
BATCH = 1_000
ACTOR = Actor("analyst@knpa.demo", 17, "KNPA")
DETAILS = {"report": 123456, "fields": ["name", "passport"], "reason": "case KR-2026-0042"}
PEER_INSERT = audit_log.insert()

Writer = Callable[[Connection, range], None]


def _event(number: int) -> Event:
    return Event(ACTOR, "personal_data.read", f"report:{number}", DETAILS, "KNPA")


def _ours(conn: Connection, numbers: range) -> None:
    for number in numbers:
        record(
            conn, ACTOR, "personal_data.read", f"report:{number}", DETAILS, subject_agency="KNPA"
        )


def _ours_batched(conn: Connection, numbers: range) -> None:
    record_many(conn, [_event(number) for number in numbers])


def _row(number: int) -> dict[str, object]:
    """The same row with no chain: no lock row, no hash, the sequence from a counter."""
    return {
        "seq": number + 1,
        "at": datetime.now(UTC),
        "actor": ACTOR.label,
        "actor_user_id": ACTOR.user_id,
        "actor_agency": ACTOR.agency,
        "subject_agency": "KNPA",
        "action": "personal_data.read",
        "target": f"report:{number}",
        "details": json.dumps(DETAILS, sort_keys=True),
        "hash": "",
    }


def _peer(conn: Connection, numbers: range) -> None:
    for number in numbers:
        conn.execute(PEER_INSERT, _row(number))


def _peer_batched(conn: Connection, numbers: range) -> None:
    conn.execute(PEER_INSERT, [_row(number) for number in numbers])


def _rate(engine: Engine, write: Writer, n: int, per_commit: int) -> float:
    with engine.begin() as conn:
        conn.execute(audit_log.delete())
        conn.execute(audit_head.delete())
        ensure_head(conn)
    start = time.perf_counter()
    for first in range(0, n, per_commit):
        with engine.begin() as conn:
            write(conn, range(first, min(n, first + per_commit)))
    return n / (time.perf_counter() - start)


def _rows(name: str, engine: Engine) -> list[str]:
    shapes: list[tuple[str, int, int, Writer, Writer]] = [
        (f"`record_many`, 1,000 per call and commit, {ENTRIES:,} entries", ENTRIES, BATCH,
         _ours_batched, _peer_batched),
        (f"`record` one by one, 1,000 per commit, {ENTRIES:,} entries", ENTRIES, BATCH,
         _ours, _peer),
        (f"`record`, one commit each, {SINGLE:,} entries", SINGLE, 1, _ours, _peer),
    ]  # fmt: skip
    lines = []
    for shape, n, per_commit, ours_writer, peer_writer in shapes:
        ours = _rate(engine, ours_writer, n, per_commit)
        peer = _rate(engine, peer_writer, n, per_commit)
        lines.append(
            f"| audit append, {name}, {shape} | {ours:,.0f} entries/s | — | "
            f"plain INSERT of the same rows (no chain, no lock row): {peer:,.0f} rows/s | "
            f"×{ours / peer:.2f} |"
        )
    return lines


def run() -> list[str]:
    with scratch_sqlite("scamlink-bench-audit-") as engine:
        lines = _rows("SQLite", engine)
    with scratch_postgres("scamlink_bench_audit_") as engine:
        return lines + _rows("PostgreSQL", engine)


if __name__ == "__main__":
    for line in run():
        print(line)
