"""`scamlink link rebuild`: recompute every campaign from the store, keeping ids stable.

The store's reports and sightings stream into a batch engine (`engine.py`) in chunks (Arrow
batches through a `ColumnReader` when the caller has one); the engine returns the connected
components and the indicator figures that differ from those the store holds; reports whose
campaign changed and changed figures are written back in one transaction, so a crash leaves
the old campaigns whole, and a rebuild of a store the incremental path kept current writes
nothing.

Stable identity: each component takes the existing campaign id held by most of its reports
(ties: the smaller id); an id wanted by several components goes to the one holding most of its
reports (ties: the component of the smaller report). A component holding no id it may keep
gets a new one. An id no component kept redirects to the component holding most of its
reports. So a rebuild of a store the incremental path kept current changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Connection

from scamlink.indicators.types import IndicatorType
from scamlink.indicators.warninglists import WARNINGLISTS, warninglist_of
from scamlink.linking.engine import (
    DuckDBEngine,
    Ints,
    LinkEngine,
    LinkResult,
    Listed,
    Phase,
    ReportChunk,
    SightingChunk,
    no_progress,
)
from scamlink.linking.rules import LinkPolicy, current_policy
from scamlink.store import campaigns as rows
from scamlink.store import partition
from scamlink.store.partition import ColumnReader, StoredFigures


class StoreSource:
    """The store's graph as chunks of arrays.

    With a `ColumnReader` the reports and sightings come as Arrow batches built by the
    database driver (no Python object per row); without one, through the caller's connection
    row by row. Either way only the candidates a warninglist could hold are read with their
    values (the exact entries probed on the index, domains, bare addresses), and types only
    for the indicators that have enough reports to be hubs.
    """

    def __init__(self, conn: Connection, reader: ColumnReader | None = None) -> None:
        self._conn = conn
        self._reader = reader
        self.totals = rows.table_sizes(conn)
        self.agency_codes: list[str] = partition.agency_codes(conn)
        self._agency_index = {code: i for i, code in enumerate(self.agency_codes)}
        self.type_names: list[str] = [t.value for t in IndicatorType]
        self.warninglist_names: list[str | None] = [None, *(w.name for w in WARNINGLISTS)]
        self._list_index = {name: i for i, name in enumerate(self.warninglist_names)}

    def _agency(self, code: str) -> int:
        index = self._agency_index.get(code)
        if index is None:  # a code missing from the agencies table: still counted
            index = self._agency_index[code] = len(self.agency_codes)
            self.agency_codes.append(code)
        return index

    def reports(self) -> Iterator[ReportChunk]:
        if self._reader is not None:
            for ids, codes, received in self._reader.reports():
                # Codes come dictionary-encoded: each distinct code is looked up once.
                known = np.array([self._agency(str(c)) for c in codes.dictionary.to_pylist()])
                yield ReportChunk(
                    ids=ids,
                    agencies=known[codes.indices.to_numpy(zero_copy_only=False)].astype(np.int64),
                    received_microseconds=received,
                )
            return
        for chunk in rows.stream_reports(self._conn):
            id_column, agency_column, received_column = zip(*chunk, strict=True)
            yield ReportChunk(
                ids=np.array(id_column, dtype=np.int64),
                agencies=np.fromiter(map(self._agency, agency_column), np.int64, len(chunk)),
                received_microseconds=np.array(received_column, dtype=np.int64),
            )

    def sightings(self) -> Iterator[SightingChunk]:
        if self._reader is not None:
            for report_ids, indicator_ids in self._reader.sightings():
                yield SightingChunk(report_ids, indicator_ids)
            return
        for chunk in rows.stream_sightings(self._conn):
            pairs = np.array(chunk, dtype=np.int64).reshape(-1, 2)
            yield SightingChunk(pairs[:, 0].copy(), pairs[:, 1].copy())

    def indicator_types(self, ids: Ints) -> Ints:
        types = {name: i for i, name in enumerate(self.type_names)}
        found = partition.indicator_types(self._conn, ids)
        return np.fromiter(map(types.__getitem__, found), np.int64, len(found))

    def held_figures(self) -> Iterator[Any]:
        if self._reader is not None:
            yield from self._reader.held_figures()
            return
        import pyarrow as pa

        for columns in partition.held_figures(self._conn):
            yield pa.table(columns)

    def warninglisted(self) -> Listed:
        hits: list[tuple[int, int]] = []
        for indicator_id, kind, value in partition.warninglist_candidates(
            self._conn, _EXACT_ENTRIES, (IndicatorType.DOMAIN.value,), (IndicatorType.URL.value,)
        ):
            hit = warninglist_of(kind, value)
            if hit is not None:
                hits.append((indicator_id, self._list_index[hit]))
        hits.sort()
        return Listed(
            ids=np.array([i for i, _ in hits], dtype=np.int64),
            warninglists=np.array([w for _, w in hits], dtype=np.int64),
        )


# Every (type, value) an exact warninglist holds: the candidates probed on the index.
_EXACT_ENTRIES = frozenset(
    (kind, value)
    for wl in WARNINGLISTS
    if wl.match != "subdomains"
    for kind in wl.types
    for value in wl.values
)


@dataclass(frozen=True, slots=True)
class Assignment:
    """Which existing id each component keeps, and where the ids no one kept redirect."""

    kept: dict[int, int]  # component label → existing campaign id
    redirected: dict[int, int]  # existing campaign id → component label


def assign_ids(labels: Ints, previous: Ints) -> Assignment:
    """Stable ids (module docstring). `previous` is each report's campaign, or -1 for none."""
    held = previous >= 0
    if not held.any():
        return Assignment({}, {})
    # (component, campaign) pairs counted through one int64 key each: a flat sort, not a
    # sort of rows.
    held_labels, held_campaigns = labels[held], previous[held]
    base = int(held_campaigns.max()) + 1
    keys, counts = np.unique(held_labels * base + held_campaigns, return_counts=True)
    pairs = np.stack([keys // base, keys % base])
    # Most reports first; then the smaller campaign id; then the smaller component.
    order = np.lexsort((pairs[0], pairs[1], -counts))
    kept: dict[int, int] = {}
    taken: set[int] = set()
    best_of: dict[int, int] = {}
    for label, campaign in zip(pairs[0][order].tolist(), pairs[1][order].tolist(), strict=True):
        best_of.setdefault(campaign, label)
        if label not in kept and campaign not in taken:
            kept[label] = campaign
            taken.add(campaign)
    redirected = {c: label for c, label in best_of.items() if c not in taken}
    return Assignment(kept, redirected)


@dataclass(frozen=True, slots=True)
class RebuildSummary:
    reports: int
    campaigns: int
    moved_reports: int  # reports whose campaign changed (or who had none)
    new_campaigns: int
    redirected: int
    hubs: int
    warninglisted: int
    changed_figures: int  # indicators whose stored figures were written or removed


def rebuild(
    conn: Connection,
    *,
    policy: LinkPolicy | None = None,
    engine: LinkEngine | None = None,
    phase: Phase = no_progress,
    reader: ColumnReader | None = None,
) -> RebuildSummary:
    """Recompute all campaigns and indicator figures inside the caller's transaction.

    With `reader` (a second connection to the same store, `ColumnReader.open`) the graph, the
    campaigns and the figures held are read in columns through it: the caller's transaction
    must not have written to the store before (the reader sees only what is committed).
    """
    policy = policy or current_policy()
    engine = engine or DuckDBEngine()
    rows.lock_for_rebuild(conn)
    source = StoreSource(conn, reader)
    with engine.components(source, policy, phase) as result:
        report_ids, labels = result.report_ids, result.labels
        advance = phase("reading campaigns", len(report_ids))
        previous = np.full(len(report_ids), -1, dtype=np.int64)
        for held_reports, held_campaigns in _held(conn, reader):
            previous[np.searchsorted(report_ids, held_reports)] = held_campaigns
            advance(len(held_reports))
        summary = _write_partition(conn, report_ids, labels, previous, phase)
        hubs, listed, changed = _write_figures(conn, source, result, phase)
    return RebuildSummary(**summary, hubs=hubs, warninglisted=listed, changed_figures=changed)


def _held(conn: Connection, reader: ColumnReader | None) -> Iterator[tuple[Ints, Ints]]:
    if reader is not None:
        yield from reader.report_campaigns()
        return
    for chunk in rows.stream_report_campaigns(conn):
        pairs = np.array(chunk, dtype=np.int64).reshape(-1, 2)
        yield pairs[:, 0], pairs[:, 1]


def _write_partition(
    conn: Connection, report_ids: Ints, labels: Ints, previous: Ints, phase: Phase
) -> dict[str, int]:
    assignment = assign_ids(labels, previous)
    sizes = np.bincount(labels) if len(labels) else np.zeros(0, dtype=np.int64)
    campaign_of = np.full(len(sizes), -1, dtype=np.int64)
    for label, campaign in assignment.kept.items():
        campaign_of[label] = campaign
    fresh = np.flatnonzero(campaign_of < 0)
    new_ids = rows.reserve_campaign_ids(conn, len(fresh))
    campaign_of[fresh] = np.array(new_ids, dtype=np.int64)
    rows.insert_campaigns(conn, dict(zip(new_ids, sizes[fresh].tolist(), strict=True)))
    wanted = campaign_of[labels] if len(labels) else np.zeros(0, dtype=np.int64)
    moved = np.flatnonzero(wanted != previous)
    advance = phase("writing campaigns", len(moved))

    def moves() -> Iterator[list[tuple[int, int]]]:
        step = rows.STREAM_CHUNK
        for start in range(0, len(moved), step):
            part = moved[start : start + step]
            yield list(zip(report_ids[part].tolist(), wanted[part].tolist(), strict=True))
            advance(len(part))

    rows.put_reports(conn, moves())
    held_before = previous[previous >= 0]
    old_ids, old_counts = np.unique(held_before, return_counts=True)
    old_size = dict(zip(old_ids.tolist(), old_counts.tolist(), strict=True))
    rows.set_campaign_sizes(
        conn,
        {
            campaign: int(sizes[label])
            for label, campaign in assignment.kept.items()
            if old_size.get(campaign) != int(sizes[label])
        },
    )
    rows.absorb_campaigns(
        conn, {c: int(campaign_of[label]) for c, label in assignment.redirected.items()}
    )
    return {
        "reports": len(report_ids),
        "campaigns": len(sizes),
        "moved_reports": len(moved),
        "new_campaigns": len(new_ids),
        "redirected": len(assignment.redirected),
    }


def _write_figures(
    conn: Connection, source: StoreSource, result: LinkResult, phase: Phase
) -> tuple[int, int, int]:
    """Write the figures that differ from what the store holds (the engine compares them)
    and remove those of indicators no report names any more."""
    advance = phase("writing indicator figures", None)
    names = source.warninglist_names
    changed = 0
    for f in result.figures():
        partition.put_figures(
            conn,
            StoredFigures(
                ids=f.ids,
                report_counts=f.report_counts,
                agencies=f.agencies,
                first_seen=f.first_seen,
                last_seen=f.last_seen,
                hubs=f.hubs,
                warninglists=[names[i] for i in f.warninglists.tolist()],
            ),
        )
        changed += len(f.ids)
        advance(len(f.ids))
    gone = result.removed_figures()
    partition.drop_figures(conn, gone)
    hubs, listed = result.counts()
    return hubs, listed, changed + len(gone)
