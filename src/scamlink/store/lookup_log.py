"""The public query log's rows: when, through which channel, which 5-hex hash prefix, which
verdict. Never the value: rows carry the prefix only (`lookup/query_log.py` batches them)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import orjson
from sqlalchemy import Connection, delete, func, select

from scamlink.store.schema import lookup_query_log

_INSERT_SQLITE = (
    "INSERT INTO lookup_query_log (at, channel, prefix, verdict) "
    "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), "
    "json_extract(value, '$[2]'), json_extract(value, '$[3]') FROM json_each(?) ORDER BY key"
)
_INSERT_POSTGRESQL = (
    "INSERT INTO lookup_query_log (at, channel, prefix, verdict) "
    "SELECT e.at, e.channel, e.prefix, e.verdict "
    "FROM unnest(%s::timestamptz[], %s::text[], %s::text[], %s::text[]) "
    "WITH ORDINALITY AS e(at, channel, prefix, verdict, n) ORDER BY n"
)
CHANNELS = frozenset({"public", "range", "api", "batch", "cli"})


class QueryEntry(NamedTuple):  # a tuple: a batch's flush makes 10,000 of them
    at: datetime
    channel: str
    prefix: str
    verdict: str | None


def insert_entries(conn: Connection, entries: Sequence[QueryEntry]) -> None:
    """All the entries in one statement: their values travel as one parameter (a JSON array
    on SQLite, arrays on PostgreSQL) and are unpacked by the database. A batch's 10,000
    entries are one step of the driver, which lets go of the interpreter meanwhile: the
    lookups answered in other threads do not wait on the log (an executemany binds and steps
    each row with the interpreter's lock, 10,000 times)."""
    if any(len(e.prefix) != 5 for e in entries):
        raise ValueError("the query log keeps a 5-character hash prefix, nothing longer")
    if not entries:
        return
    dialect = conn.dialect
    if dialect.name == "sqlite":
        processor = lookup_query_log.c.at.type.dialect_impl(dialect).bind_processor(dialect)
        stored: dict[datetime, object] = {}  # a batch shares a few timestamps
        rows = []
        for at, channel, prefix, verdict in entries:
            when = stored.get(at)
            if when is None:
                when = stored[at] = processor(at) if processor else at
            rows.append((when, channel, prefix, verdict))
        # Placeholders only: no value is ever part of the statement.
        conn.exec_driver_sql(_INSERT_SQLITE, (orjson.dumps(rows).decode(),))
        return
    columns = tuple(list(column) for column in zip(*entries, strict=True))
    conn.exec_driver_sql(_INSERT_POSTGRESQL, columns)


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
