"""Listings: values a partner's or agency's list names (`scamlink import indicators`).

`store_listings` upserts the indicators on their unique (type, value) and adds one listing per
(indicator, list source, agency), the unique key that makes a re-import add nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from scamlink.indicators import Indicator
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
        added += len(result.all())
    return added


def count_listings(conn: Connection, source: str | None = None) -> int:
    query = select(func.count()).select_from(indicator_listings)
    if source is not None:
        query = query.where(indicator_listings.c.list_source == source)
    return int(conn.scalar(query) or 0)
