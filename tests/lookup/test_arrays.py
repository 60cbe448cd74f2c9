"""The index's arrays: from rows and from column batches, the same codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from scamlink.lookup.arrays import build_arrays, build_from_columns
from scamlink.lookup.keys import key_hash
from scamlink.lookup.verdict import Standing, pack
from scamlink.reports.model import ReportSource, ReviewStatus
from scamlink.store.listings import ListingBatch, store_listings
from scamlink.store.lookup import Counts, standing_columns, stream_standings
from tests.lookup.support import add, phone, recent

A, B = "+821011112222", "+821033334444"
DAY = timedelta(hours=24)


def test_build_arrays_keeps_the_highest_standing_nibble_by_nibble() -> None:
    rows = [
        Counts(1, A, verified=0, unverified=3, public_verified=0, public_unverified=1),
        Counts(1, A, verified=1),  # the same indicator, from a listing
        Counts(2, B, unverified=1),
    ]
    hashes, codes = build_arrays(rows)
    found = dict(zip(hashes.tolist(), codes.tolist(), strict=True))
    assert found[key_hash(A)] == pack(Standing.REPORTED, Standing.SUSPICIOUS)
    assert found[key_hash(B)] == pack(Standing.SUSPICIOUS, Standing.UNKNOWN)


def test_the_column_build_equals_the_row_build(engine: Engine) -> None:
    add(engine, "police", (phone(A),))
    add(engine, "public", (phone(B),), source=ReportSource.PUBLIC, received_at=recent())
    add(engine, "rejected", (phone("+821055556666"),), review=ReviewStatus.REJECTED)
    with engine.begin() as conn:
        store_listings(
            conn,
            [phone(B), phone("+66811112222")],
            ListingBatch("Telco", "RTP", "CLEAR", datetime.now(UTC) - 2 * DAY),
        )
    cutoff = datetime.now(UTC) - DAY
    with engine.connect() as conn:
        fast = build_from_columns(standing_columns(conn, cutoff))
        slow = build_arrays(stream_standings(conn, cutoff))
    assert fast[0].tolist() == slow[0].tolist()
    assert fast[1].tolist() == slow[1].tolist()
    found = dict(zip(*(a.tolist() for a in fast), strict=True))
    assert found[key_hash(B)] == pack(Standing.REPORTED, Standing.REPORTED)  # the listing
    assert found[key_hash("+821055556666")] == 0  # rejected: counts nowhere
