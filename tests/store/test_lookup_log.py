"""The query log's rows: written in one statement, read back as they were given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from scamlink.store.lookup_log import QueryEntry, insert_entries
from scamlink.store.schema import lookup_query_log


def test_entries_are_stored_as_given_in_order(engine: Engine) -> None:
    start = datetime(2020, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)  # no other test's time
    entries = [
        QueryEntry(
            start + timedelta(seconds=i // 3), ("batch", "api", "public")[i % 3], f"{i:05x}", v
        )
        for i, v in enumerate(["unknown", None, "reported", "safe-listed", "unknown", None] * 50)
    ]
    with engine.begin() as conn:
        insert_entries(conn, entries)
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                lookup_query_log.c.at,
                lookup_query_log.c.channel,
                lookup_query_log.c.prefix,
                lookup_query_log.c.verdict,
            )
            .where(
                lookup_query_log.c.at >= start, lookup_query_log.c.at < start + timedelta(days=1)
            )
            .order_by(lookup_query_log.c.id)
        ).all()
        # Times compare as times (the index's range): the last 3 entries share the last second.
        last = select(lookup_query_log.c.id).where(
            lookup_query_log.c.at >= start + timedelta(seconds=99),
            lookup_query_log.c.at < start + timedelta(days=1),
        )
        assert len(conn.execute(last).all()) == 3
    got = [
        QueryEntry(at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC), *rest)
        for at, *rest in rows
    ]
    assert got == entries


def test_a_longer_prefix_is_refused(engine: Engine) -> None:
    with engine.begin() as conn, pytest.raises(ValueError, match="5-character"):
        insert_entries(conn, [QueryEntry(datetime.now(UTC), "api", "+66812345678", None)])
