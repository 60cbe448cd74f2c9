"""Linking each stored batch at once: the persisted union-find, kept equal to the batch answer.

`link_reports(conn, report_ids)` runs inside the batch's transaction (`ReportWriter`'s
`on_stored` hook), so campaigns never lag behind the reports. For one batch it

1. updates the figures of every indicator the batch names (`indicator_stats`), deciding which
   became hubs (`rules.py`);
2. unites the new reports with each other and with the campaigns already holding a specific
   indicator they name; the largest campaign of a group keeps its id (ties: the smallest id),
   the others' reports move to it and their ids redirect; a report linked to nothing gets a
   campaign of its own;
3. splits again every campaign that an indicator turning into a hub had held together: its
   reports' connected components are recomputed locally; the largest part keeps the id (ties:
   the part holding the smallest report id) and the others get new ids.

After each batch the campaigns are exactly the connected components of the reports through
their specific indicators, the same partition `scamlink link rebuild` computes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection

from scamlink.indicators.types import Indicator, IndicatorType
from scamlink.indicators.warninglists import warninglist_hit
from scamlink.linking.rules import LinkPolicy, current_policy
from scamlink.linking.stats import IndicatorStats
from scamlink.store import campaigns as rows
from scamlink.store.reports import StoredIds


class UnionFind:
    """Disjoint sets over any hashable keys (path halving, union by size)."""

    def __init__(self) -> None:
        self._parent: dict[Hashable, Hashable] = {}
        self._size: dict[Hashable, int] = {}

    def add(self, key: Hashable) -> None:
        if key not in self._parent:
            self._parent[key] = key
            self._size[key] = 1

    def find(self, key: Hashable) -> Hashable:
        self.add(key)
        parent = self._parent
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def union(self, a: Hashable, b: Hashable) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self._size[ra] < self._size[rb]:
            ra, rb = rb, ra
        self._parent[rb] = ra
        self._size[ra] += self._size[rb]

    def groups(self) -> dict[Hashable, list[Hashable]]:
        found: dict[Hashable, list[Hashable]] = defaultdict(list)
        for key in self._parent:
            found[self.find(key)].append(key)
        return found


def link_reports(
    conn: Connection, report_ids: Sequence[int], policy: LinkPolicy | None = None
) -> None:
    """Link newly stored reports into campaigns (see the module docstring)."""
    if not report_ids:
        return
    policy = policy or current_policy()
    rows.lock_linking(conn)
    # A batch just stored carries its sightings, indicators and origins (`StoredIds`): read
    # them from there rather than back from the tables they were written to.
    facts = report_ids if isinstance(report_ids, StoredIds) else None
    pairs = facts.pairs if facts is not None else rows.sightings_of_reports(conn, report_ids)
    after, became_hubs = _update_figures(conn, report_ids, pairs, policy, facts)
    specific = {i for i, stats in after.items() if stats.specific}
    # Campaigns to split are found before the batch's reports get theirs, so that the probe
    # lands on a report linked through the indicator when it was still specific.
    to_split = set(rows.campaign_of_indicators(conn, sorted(became_hubs)).values())
    survivor_of = _unite(conn, report_ids, pairs, specific)
    for campaign_id in sorted({survivor_of.get(c, c) for c in to_split}):
        split_campaign(conn, campaign_id)


def _update_figures(
    conn: Connection,
    report_ids: Sequence[int],
    pairs: Sequence[tuple[int, int]],
    policy: LinkPolicy,
    facts: StoredIds | None = None,
) -> tuple[dict[int, IndicatorStats], set[int]]:
    if facts is not None and facts.origins is not None:
        origins = facts.origins
    else:
        origins = rows.report_origins(conn, report_ids)
    # Plain lists while counting ([reports, agencies, first, last]): this loop runs for every
    # sighting of the batch, and a method call per sighting cost more than the counting.
    counted: dict[int, list[Any]] = {}
    for report_id, indicator_id in pairs:
        agency, received = origins[report_id]
        seen = counted.get(indicator_id)
        if seen is None:
            counted[indicator_id] = [1, {agency}, received, received]
        else:
            seen[0] += 1
            seen[1].add(agency)
            if received < seen[2]:
                seen[2] = received
            if received > seen[3]:
                seen[3] = received
    before = rows.indicator_stats_of(conn, list(counted))
    if facts is not None:
        unseen: Mapping[int, tuple[str, str]] = facts.indicators
    else:
        unseen = rows.indicator_values(conn, [i for i in counted if i not in before])
    # The figures after the batch, written out (a call per indicator cost more than the rule):
    # every figure only grows, and a hub stays a hub.
    is_hub = policy.is_hub
    after: dict[int, IndicatorStats] = {}
    became_hubs: set[int] = set()
    for indicator_id, (count, met, first, last) in counted.items():
        previous = before.get(indicator_id)
        if previous is None:
            kind, value = unseen[indicator_id]
            listed = warninglist_hit(Indicator(IndicatorType(kind), value, value))
            agencies, was_hub = frozenset(met), False
        else:
            kind, listed = previous.indicator_type, previous.warninglist
            count += previous.report_count
            agencies = previous.agencies | met
            first = min(previous.first_seen, first)
            last = max(previous.last_seen, last)
            was_hub = previous.is_hub
        hub = was_hub or is_hub(kind, count, len(agencies), last - first)
        after[indicator_id] = IndicatorStats(
            indicator_id, kind, count, agencies, first, last, hub, listed
        )
        if hub and previous is not None and previous.specific:
            became_hubs.add(indicator_id)
    rows.save_indicator_stats(conn, list(after.values()))
    return after, became_hubs


def _unite(
    conn: Connection,
    report_ids: Sequence[int],
    pairs: Iterable[tuple[int, int]],
    specific: set[int],
) -> dict[int, int]:
    """Give every new report its campaign; returns absorbed campaign id → survivor id."""
    links = [(r, i) for r, i in pairs if i in specific]
    held_by = rows.campaign_of_indicators(conn, sorted({i for _, i in links}))
    # Nodes as integers: reports 3·id, indicators 3·id + 1, campaigns 3·id + 2.
    find = _components(
        [(3 * r, 3 * i + 1) for r, i in links]
        + [(3 * i + 1, 3 * c + 2) for i, c in held_by.items()]
    )
    new_of: dict[int, list[int]] = defaultdict(list)
    for report_id in report_ids:
        new_of[find(3 * report_id)].append(report_id)
    held_of: dict[int, set[int]] = defaultdict(set)
    for campaign_id in held_by.values():
        held_of[find(3 * campaign_id + 2)].add(campaign_id)
    # Every campaign met hangs on an indicator of a new report, so it shares a root with one.
    groups = [(new, sorted(held_of.get(root, ()))) for root, new in new_of.items()]
    sizes = rows.campaign_sizes(conn, sorted({c for _, cs in groups for c in cs}))
    fresh = [new for new, held in groups if not held]
    fresh_ids = rows.create_campaigns(conn, [len(new) for new in fresh])
    campaign_by_report = {r: c for new, c in zip(fresh, fresh_ids, strict=True) for r in new}
    survivor_of: dict[int, int] = {}
    grown_sizes: dict[int, int] = {}
    for new, held in groups:
        if not held:
            continue
        survivor = min(held, key=lambda c: (-sizes[c], c))
        grown_sizes[survivor] = len(new) + sum(sizes[c] for c in held)
        survivor_of.update({c: survivor for c in held if c != survivor})
        campaign_by_report.update({r: survivor for r in new})
    rows.absorb_campaigns(conn, survivor_of)
    rows.assign_reports(conn, campaign_by_report)
    rows.set_campaign_sizes(conn, grown_sizes)
    return survivor_of


def _components(edges: Iterable[tuple[int, int]]) -> Callable[[int], int]:
    """Union-find over integer nodes, written out inline (a batch unites a few thousand
    edges, and `UnionFind`'s method calls were most of the time); returns `find`, which gives
    a node's root (a node on no edge is its own root)."""
    parent: dict[int, int] = {}
    size: dict[int, int] = {}
    for a, b in edges:
        if a not in parent:
            parent[a] = a
            size[a] = 1
        if b not in parent:
            parent[b] = b
            size[b] = 1
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        while parent[b] != b:
            parent[b] = parent[parent[b]]
            b = parent[b]
        if a == b:
            continue
        if size[a] < size[b]:
            a, b = b, a
        parent[b] = a
        size[a] += size[b]

    def find(node: int) -> int:
        while (up := parent.get(node, node)) != node:
            parent[node] = parent[up]
            node = parent[node]
        return node

    return find


def split_campaign(conn: Connection, campaign_id: int) -> list[int]:
    """Recompute a campaign's connected components; returns the ids of the new parts."""
    members = rows.campaign_report_ids(conn, campaign_id)
    sets = UnionFind()
    for report_id in members:
        sets.add(("r", report_id))
    for report_id, indicator_id in rows.specific_links_of_campaign(conn, campaign_id):
        sets.union(("r", report_id), ("i", indicator_id))
    parts = [
        sorted(k[1] for k in group if isinstance(k, tuple) and k[0] == "r")
        for group in sets.groups().values()
    ]
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return []
    parts.sort(key=lambda p: (-len(p), p[0]))
    kept, *others = parts
    new_ids = rows.create_campaigns(conn, [len(p) for p in others])
    rows.move_reports(conn, {r: c for p, c in zip(others, new_ids, strict=True) for r in p})
    rows.set_campaign_sizes(conn, {campaign_id: len(kept)})
    return new_ids
