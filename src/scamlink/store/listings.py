"""Listings: values a partner's or agency's list names (`scamlink import indicators`).

`store_listings` upserts the indicators on their unique (type, value) and adds one listing per
(indicator, list source, agency), the unique key that makes a re-import add nothing.
`withdraw_listings` deletes a source's listings (all, or of some values) and notes their
indicators in `lookup_changes`, so the lookup and the blocklist's deltas take the removal in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, func, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from scamlink.indicators import Indicator
from scamlink.store.lookup import record_changes
from scamlink.store.schema import indicator_listings, indicators

_CHUNK = 500


@dataclass(frozen=True, slots=True)
class ListingBatch:
    source: str
    agency: str
    tlp: str
    listed_at: datetime


def _insert(conn: Connection, table: object) -> object:
    return (pg_insert if conn.dialect.name == "postgresql" else sqlite_insert)(table)  # type: ignore[arg-type]


def store_listings(conn: Connection, found: Sequence[Indicator], batch: ListingBatch) -> int:
    """Store listings of `found` (in the caller's transaction); the number that were new."""
    unique = sorted({(x.type.value, x.value): x for x in found}.items())
    added = 0
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start : start + _CHUNK]
        ins = _insert(conn, indicators)
        conn.execute(
            ins.on_conflict_do_nothing(index_elements=["type", "value"]),  # type: ignore[attr-defined]
            [{"type": t, "value": v, "display": x.display} for (t, v), x in chunk],
        )
        keys = [key for key, _ in chunk]
        ids = [
            int(row.id)
            for row in conn.execute(
                select(indicators.c.id).where(
                    tuple_(indicators.c.type, indicators.c.value).in_(keys)
                )
            )
        ]
        listing = _insert(conn, indicator_listings)
        result = conn.execute(
            listing.on_conflict_do_nothing(  # type: ignore[attr-defined]
                index_elements=["indicator_id", "list_source", "agency"]
            ).returning(indicator_listings.c.id),
            [
                {
                    "indicator_id": indicator_id,
                    "list_source": batch.source,
                    "agency": batch.agency,
                    "tlp": batch.tlp,
                    "listed_at": batch.listed_at,
                }
                for indicator_id in ids
            ],
        )
        new = [int(row.id) for row in result]
        added += len(new)
        if new:
            listed = select(indicator_listings.c.indicator_id).where(
                indicator_listings.c.id.in_(new)
            )
            record_changes(conn, conn.scalars(listed), "listed")
    return added


def count_listings(conn: Connection, source: str | None = None) -> int:
    query = select(func.count()).select_from(indicator_listings)
    if source is not None:
        query = query.where(indicator_listings.c.list_source == source)
    return int(conn.scalar(query) or 0)


def withdraw_listings(
    conn: Connection,
    source: str,
    agency: str,
    keys: Sequence[tuple[str, str]] | None = None,
) -> int:
    """Delete the listings of (`source`, `agency`) — all of them, or those of these
    (type, value) keys — in the caller's transaction, noting each indicator as changed; the
    number deleted."""
    lst = indicator_listings
    query = (
        select(lst.c.id, lst.c.indicator_id)
        .select_from(lst.join(indicators, indicators.c.id == lst.c.indicator_id))
        .where(lst.c.list_source == source, lst.c.agency == agency)
    )
    rows: list[tuple[int, int]] = []
    if keys is None:
        rows = [(int(a), int(b)) for a, b in conn.execute(query)]
    else:
        wanted = sorted(set(keys))
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            pairs = tuple_(indicators.c.type, indicators.c.value).in_(chunk)
            rows += [(int(a), int(b)) for a, b in conn.execute(query.where(pairs))]
    ids = [listing for listing, _ in rows]
    for start in range(0, len(ids), _CHUNK):
        conn.execute(delete(lst).where(lst.c.id.in_(ids[start : start + _CHUNK])))
    record_changes(conn, (indicator for _, indicator in rows), "withdrawn")
    return len(ids)
