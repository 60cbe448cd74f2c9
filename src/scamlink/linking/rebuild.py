"""`scamlink link rebuild`: recompute every campaign from the store, keeping ids stable.

The store's reports, sightings and indicators stream into a batch engine (`engine.py`) in
chunks; the engine returns the connected components and every indicator's figures; the
partition is written back in one transaction, so a crash leaves the old campaigns whole.

Stable identity: each component takes the existing campaign id held by most of its reports
(ties: the smaller id); an id wanted by several components goes to the one holding most of its
reports (ties: the component of the smaller report). A component holding no id it may keep
gets a new one. An id no component kept redirects to the component holding most of its
reports. So a rebuild of a store the incremental path kept current changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Connection

from scamlink.indicators.types import Indicator, IndicatorType
from scamlink.indicators.warninglists import WARNINGLISTS, warninglist_hit
from scamlink.linking.engine import (
    DuckDBEngine,
    FigureChunk,
    IndicatorChunk,
    Ints,
    LinkEngine,
    Phase,
    ReportChunk,
    SightingChunk,
    no_progress,
)
from scamlink.linking.rules import LinkPolicy, current_policy
from scamlink.store import campaigns as rows


class StoreSource:
    """The store's graph as chunks of arrays; indicators' warninglists decided on the way."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self.totals = rows.table_sizes(conn)
        self.agency_codes: list[str] = []
        self._agency_index: dict[str, int] = {}
        self.type_names: list[str] = [t.value for t in IndicatorType]
        self.warninglist_names: list[str | None] = [None, *(w.name for w in WARNINGLISTS)]
        self._list_index = {name: i for i, name in enumerate(self.warninglist_names)}

    def reports(self) -> Iterator[ReportChunk]:
        index = self._agency_index
        for chunk in rows.stream_reports(self._conn):
            ids, agencies, received = zip(*chunk, strict=True)  # columns, at C speed
            for agency in set(agencies) - index.keys():
                index[agency] = len(self.agency_codes)
                self.agency_codes.append(agency)
            yield ReportChunk(
                ids=np.array(ids, dtype=np.int64),
                agencies=np.fromiter(map(index.__getitem__, agencies), np.int64, len(ids)),
                received_microseconds=np.array(received, dtype=np.int64),
            )

    def sightings(self) -> Iterator[SightingChunk]:
        for chunk in rows.stream_sightings(self._conn):
            pairs = np.array(chunk, dtype=np.int64).reshape(-1, 2)
            yield SightingChunk(pairs[:, 0].copy(), pairs[:, 1].copy())

    def indicators(self) -> Iterator[IndicatorChunk]:
        types = {name: i for i, name in enumerate(self.type_names)}
        lists = self._list_index
        for chunk in rows.stream_indicators(self._conn):
            ids, kinds, values = zip(*chunk, strict=True)
            listed = [
                lists[hit] if (hit := _listed(kind, value)) else 0
                for kind, value in zip(kinds, values, strict=True)
            ]
            yield IndicatorChunk(
                ids=np.array(ids, dtype=np.int64),
                types=np.fromiter(map(types.__getitem__, kinds), np.int64, len(ids)),
                warninglists=np.array(listed, dtype=np.int64),
            )


_TYPES = {t.value: t for t in IndicatorType}


def _listed(kind: str, value: str) -> str | None:
    return warninglist_hit(Indicator(_TYPES[kind], value, value))


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
    pairs, counts = np.unique(np.stack([labels[held], previous[held]]), axis=1, return_counts=True)
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


def rebuild(
    conn: Connection,
    *,
    policy: LinkPolicy | None = None,
    engine: LinkEngine | None = None,
    phase: Phase = no_progress,
) -> RebuildSummary:
    """Recompute all campaigns and indicator figures inside the caller's transaction."""
    policy = policy or current_policy()
    engine = engine or DuckDBEngine()
    rows.lock_for_rebuild(conn)
    source = StoreSource(conn)
    with engine.components(source, policy, phase) as result:
        report_ids, labels = result.report_ids, result.labels
        advance = phase("reading campaigns", len(report_ids))
        previous = np.full(len(report_ids), -1, dtype=np.int64)
        for chunk in rows.stream_report_campaigns(conn):
            pairs = np.array(chunk, dtype=np.int64).reshape(-1, 2)
            previous[np.searchsorted(report_ids, pairs[:, 0])] = pairs[:, 1]
            advance(len(pairs))
        summary = _write_partition(conn, report_ids, labels, previous, phase)
        hubs, listed = _write_figures(conn, source, result.figures(), phase)
    return RebuildSummary(**summary, hubs=hubs, warninglisted=listed)


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
    conn: Connection, source: StoreSource, figures: Iterator[FigureChunk], phase: Phase
) -> tuple[int, int]:
    advance = phase("writing indicator figures", source.totals[2])
    counted = {"hubs": 0, "listed": 0}
    names = source.warninglist_names

    def columns() -> Iterator[rows.FigureColumns]:
        for f in figures:
            counted["hubs"] += int(f.hubs.sum())
            counted["listed"] += int((f.warninglists > 0).sum())
            yield rows.FigureColumns(
                ids=f.ids,
                report_counts=f.report_counts,
                agencies=f.agencies,
                first_seen=f.first_seen,
                last_seen=f.last_seen,
                hubs=f.hubs,
                warninglists=[names[i] for i in f.warninglists.tolist()],
            )
            advance(len(f.ids))

    rows.replace_all_indicator_stats(conn, columns())
    return counted["hubs"], counted["listed"]
