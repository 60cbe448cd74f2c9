"""The query log keeps what a batch hands it as it is and reads it when it writes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select

from scamlink.lookup.keys import range_prefix
from scamlink.lookup.query_log import QueryLog
from scamlink.store.schema import lookup_query_log


class _Counted:
    """A sized collection of (value, verdict) that counts how often it is read."""

    def __init__(self, entries: list[tuple[str | None, str | None]]) -> None:
        self.entries = entries
        self.reads = 0

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[tuple[str | None, str | None]]:
        self.reads += 1
        return iter(self.entries)


# This file's values and prefix, asked by no other test: an app another test left behind may
# still flush its own log into these tables (one database per test worker).
OURS = [range_prefix("+66819990001"), range_prefix("+66819990002"), "7e57f"]


def _logged(engine: Engine, since: datetime) -> list[tuple[str, str, str | None]]:
    table = lookup_query_log.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(table.channel, table.prefix, table.verdict).where(
                table.at >= since, table.prefix.in_(OURS)
            )
        ).all()
    return sorted((row.channel, row.prefix, row.verdict) for row in rows)


def test_a_batch_is_read_when_written_not_when_added(engine: Engine) -> None:
    since = datetime.now(UTC) - timedelta(seconds=1)
    log = QueryLog(engine, interval=60)
    batch = _Counted([("+66819990001", "unknown"), (None, "invalid"), ("+66819990002", None)])
    log.add_values("batch", batch)
    log.add("range", "7e57f")
    assert batch.reads == 0  # the request paid one append
    assert log.pending == 4  # the value without a key is dropped when written
    assert log.flush() == 3
    assert batch.reads == 1
    assert log.pending == 0
    assert _logged(engine, since) == sorted(
        [
            ("batch", range_prefix("+66819990001"), "unknown"),
            ("batch", range_prefix("+66819990002"), None),
            ("range", "7e57f", None),
        ]
    )
    assert log.flush() == 0


def test_an_iterator_is_read_at_once(engine: Engine) -> None:
    """Only a sized collection is kept: a generator may read what its caller changes next."""
    since = datetime.now(UTC) - timedelta(seconds=1)
    log = QueryLog(engine, interval=60)
    verdicts = ["unknown"]
    log.add_values("api", ((value, verdicts[0]) for value in ["+66819990001"]))
    verdicts[0] = "reported"
    assert log.flush() == 1
    assert _logged(engine, since) == [("api", range_prefix("+66819990001"), "unknown")]


def test_a_full_log_is_written_without_waiting(engine: Engine) -> None:
    since = datetime.now(UTC) - timedelta(seconds=1)
    log = QueryLog(engine, interval=3600, max_batch=3)
    log.add_values("batch", [("+66819990001", "unknown")] * 2)
    assert log.pending == 2
    log.add_values("batch", _Counted([("+66819990002", "unknown")] * 2))  # 4 ≥ 3: written now
    deadline = time.monotonic() + 10
    while len(_logged(engine, since)) < 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(_logged(engine, since)) == 4
    assert log.pending == 0
