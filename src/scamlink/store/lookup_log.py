"""The public query log's rows: when, through which channel, which 5-hex hash prefix, which
verdict. Never the value: rows carry the prefix only (`lookup/query_log.py` batches them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, delete, func, select

from scamlink.store.schema import lookup_query_log

_INSERT_QMARK = "INSERT INTO lookup_query_log (at, channel, prefix, verdict) VALUES (?, ?, ?, ?)"
_INSERT_FORMAT = (
    "INSERT INTO lookup_query_log (at, channel, prefix, verdict) VALUES (%s, %s, %s, %s)"
)
CHANNELS = frozenset({"public", "range", "api", "batch", "cli"})


@dataclass(frozen=True, slots=True)
class QueryEntry:
    at: datetime
    channel: str
    prefix: str
    verdict: str | None


def insert_entries(conn: Connection, entries: Sequence[QueryEntry]) -> None:
    """One driver-level executemany (no per-row statement building: the log is written in
    bulk in the background, and its cost is CPU the lookups share)."""
    if any(len(e.prefix) != 5 for e in entries):
        raise ValueError("the query log keeps a 5-character hash prefix, nothing longer")
    if not entries:
        return
    dialect = conn.dialect
    column = lookup_query_log.c.at.type
    processor = column.dialect_impl(dialect).bind_processor(dialect)
    converted: dict[datetime, object] = {}  # a batch shares a few timestamps

    def convert(at: datetime) -> object:
        found = converted.get(at)
        if found is None:
            found = converted[at] = processor(at) if processor else at
        return found

    # Placeholders only (the driver's own style): no value is ever part of the statement.
    statement = _INSERT_QMARK if dialect.paramstyle == "qmark" else _INSERT_FORMAT
    conn.exec_driver_sql(
        statement,
        [(convert(e.at), e.channel, e.prefix, e.verdict) for e in entries],
    )


def count_since(conn: Connection, since: datetime, channel: str | None = None) -> int:
    """Queries logged at or after `since` (an indexed range on `at`)."""
    query = select(func.count()).select_from(lookup_query_log).where(lookup_query_log.c.at >= since)
    if channel is not None:
        query = query.where(lookup_query_log.c.channel == channel)
    return int(conn.execute(query).scalar_one())


def prune_before(conn: Connection, before: datetime) -> int:
    """Drop entries older than `before`; the number dropped."""
    result = conn.execute(delete(lookup_query_log).where(lookup_query_log.c.at < before))
    return int(result.rowcount or 0)


def retention_cutoff(days: int, now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)) - timedelta(days=days)
