"""Address labels: one row per (chain, address) in `address_labels`.

`upsert_labels` adds new labels and updates the ones the same agency created (another agency's
label is left alone and reported, unless the caller — the operator's CLI — says to replace it).
`StoreLabelSource` answers the trace engine's `LabelSource` from the table, memoised per source.
Audit entries are written by the callers (`tracing/labelling.py`) in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, Row, delete, insert, select, tuple_, update

from scamlink.store.schema import address_labels
from scamlink.tracing.model import Category, Chain, Label

_CHUNK = 500


@dataclass(frozen=True, slots=True)
class LabelRow:
    id: int
    label: Label
    created_by: str
    created_at: datetime
    updated_at: datetime


@dataclass(slots=True)
class UpsertCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[tuple[Chain, str, str]] = field(default_factory=list)  # chain, address, owner


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _row(row: Row[tuple[object, ...]]) -> LabelRow:
    m = row._mapping
    return LabelRow(
        id=int(m["id"]),
        label=Label(
            chain=Chain(m["chain"]),
            address=str(m["address"]),
            label=str(m["label"]),
            category=Category(m["category"]),
            source=str(m["source"]),
            confidence=int(m["confidence"]),
            verified=bool(m["verified"]),
        ),
        created_by=str(m["created_by"]),
        created_at=_utc(m["created_at"]),
        updated_at=_utc(m["updated_at"]),
    )


def _values(label: Label) -> dict[str, object]:
    return {
        "label": label.label,
        "category": label.category.value,
        "source": label.source,
        "confidence": label.confidence,
        "verified": label.verified,
    }


def upsert_labels(
    conn: Connection,
    labels: Sequence[Label],
    agency: str,
    now: datetime | None = None,
    *,
    replace_others: bool = False,
) -> UpsertCounts:
    """Add or update `labels` for `agency` in the caller's transaction."""
    at = now or datetime.now(UTC)
    counts = UpsertCounts()
    unique = list({(x.chain, x.address): x for x in labels}.values())
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start : start + _CHUNK]
        keys = [(x.chain.value, x.address) for x in chunk]
        existing = {
            (r.label.chain, r.label.address): r
            for r in map(
                _row,
                conn.execute(
                    select(address_labels).where(
                        tuple_(address_labels.c.chain, address_labels.c.address).in_(keys)
                    )
                ),
            )
        }
        new_rows = []
        for label in chunk:
            old = existing.get((label.chain, label.address))
            if old is None:
                new_rows.append(
                    {
                        "chain": label.chain.value,
                        "address": label.address,
                        **_values(label),
                        "created_by": agency,
                        "created_at": at,
                        "updated_at": at,
                    }
                )
            elif old.created_by != agency and not replace_others:
                counts.refused.append((label.chain, label.address, old.created_by))
            elif old.label == label:
                counts.unchanged += 1
            else:
                conn.execute(
                    update(address_labels)
                    .where(address_labels.c.id == old.id)
                    .values(**_values(label), updated_at=at)
                )
                counts.updated += 1
        if new_rows:
            conn.execute(insert(address_labels), new_rows)
            counts.added += len(new_rows)
    return counts


def get_label(conn: Connection, chain: Chain, address: str) -> LabelRow | None:
    row = conn.execute(
        select(address_labels).where(
            address_labels.c.chain == chain.value, address_labels.c.address == address
        )
    ).first()
    return None if row is None else _row(row)


def list_labels(
    conn: Connection,
    chain: Chain | None = None,
    *,
    category: Category | None = None,
    limit: int = 1000,
    after_id: int = 0,
) -> list[LabelRow]:
    """Labels in id order (keyset pages: pass the last id as `after_id`)."""
    query = select(address_labels).where(address_labels.c.id > after_id)
    if chain is not None:
        query = query.where(address_labels.c.chain == chain.value)
    if category is not None:
        query = query.where(address_labels.c.category == category.value)
    query = query.order_by(address_labels.c.id).limit(limit)
    return [_row(r) for r in conn.execute(query)]


def delete_label(conn: Connection, chain: Chain, address: str) -> LabelRow | None:
    """Delete one label; the row as it was, or None if there was none."""
    old = get_label(conn, chain, address)
    if old is not None:
        conn.execute(delete(address_labels).where(address_labels.c.id == old.id))
    return old


class StoreLabelSource:
    """The engine's `LabelSource` over `address_labels`, one query per address, memoised."""

    def __init__(self, bind: Engine | Connection) -> None:
        self._bind = bind
        self._memo: dict[tuple[Chain, str], Label | None] = {}
        self._complete: set[Chain] = set()

    def preload(self, chain: Chain) -> int:
        """Read every label of `chain` at once (a trace meeting many addresses); the count."""
        query = select(address_labels).where(address_labels.c.chain == chain.value)
        rows = self._rows(query)
        for row in rows:
            self._memo[(row.label.chain, row.label.address)] = row.label
        self._complete.add(chain)
        return len(rows)

    def _rows(self, query: object) -> list[LabelRow]:
        if isinstance(self._bind, Connection):
            return [_row(r) for r in self._bind.execute(query)]  # type: ignore[call-overload]
        with self._bind.connect() as conn:
            return [_row(r) for r in conn.execute(query)]  # type: ignore[call-overload]

    def label(self, chain: Chain, address: str) -> Label | None:
        key = (chain, address)
        if chain in self._complete:
            return self._memo.get(key)
        if key not in self._memo:
            query = select(address_labels).where(
                address_labels.c.chain == chain.value, address_labels.c.address == address
            )
            rows = self._rows(query)
            self._memo[key] = rows[0].label if rows else None
        return self._memo[key]


def labels_of(rows: Iterable[LabelRow]) -> list[Label]:
    return [r.label for r in rows]
