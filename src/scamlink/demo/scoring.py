"""How well the store's campaigns match a generated world's truth (B-cubed, `linking.quality`).

`score_world(engine, world_dir)` reads the world's truth.csv and the store's partition of
reports into campaigns, and scores the campaigns against the truth twice: against the campaigns
that produced the reports, and against their compounds (a compound's campaigns may share a mule
account or a SIM card, which no linker could tell apart). For the predicted campaigns that
merged true campaigns, it names the indicators seen in more than one of those campaigns: what
joined them, and so what the linking engine should have refused. For the reports linked to no
other (where recall goes), it tells why: nothing written in the structured columns, every value
left out by the parser, only warninglisted or hub values, or values no other report shares.

Reports of the truth that the store does not hold (rows the import rejected) and reports the
store holds but the truth does not know are counted; the missing ones score as reports alone.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine

from scamlink.demo.generator import TRUTH_COLUMNS
from scamlink.demo.load import NotAWorld, world_files
from scamlink.interop.report_csv import INDICATOR_COLUMNS, VALUE_SEPARATOR
from scamlink.linking.quality import BCubed, Merge, bcubed
from scamlink.store.partition import (
    LoneReport,
    campaign_sightings,
    lone_reports,
    report_partition,
)

Key = tuple[str, str]  # (agency, external id)
PROGRESS_EVERY = 10_000  # stored reports read between two calls of `progress`


class NotATruthFile(NotAWorld):
    """truth.csv is missing or not in the generator's format (says where)."""


@dataclass(frozen=True, slots=True)
class Bridge:
    """An indicator seen in reports of several true campaigns inside one predicted campaign."""

    type: str
    value: str
    true_campaigns: int  # of the merge's true campaigns that have a report naming it
    reports: int  # of the merge's reports naming it
    links: bool | None  # does linking count it (not a hub, not warninglisted); None: unknown


@dataclass(frozen=True, slots=True)
class JoinedMerge:
    merge: Merge
    bridges: tuple[Bridge, ...]  # linking ones first, then by how many true campaigns


@dataclass(frozen=True, slots=True)
class WhyAlone:
    """Why stored reports of the truth are linked to no other report (each counted once, by
    the first reason that holds)."""

    narrative_only: int  # nothing in the structured columns (values only in the narrative)
    unreadable: int  # values written, every one left out by the parser (garbled or broken)
    not_linking: int  # stored with warninglisted or hub indicators only
    unshared: int  # linking indicators that no other report names (a typo, a rare value)


@dataclass(frozen=True, slots=True)
class WorldScore:
    campaigns: BCubed  # against the true campaigns
    compounds: BCubed  # against the true compounds
    truth_reports: int
    missing: int  # truth reports the store does not hold
    unknown: int  # stored reports the truth does not know
    unlinked: int  # truth reports the store holds outside any campaign
    # Truth reports whose campaign holds no other report of the truth (linked to nothing):
    # where recall goes when values were unreadable, broken or only in the narrative.
    alone: int
    why_alone: WhyAlone
    worst_merges: tuple[JoinedMerge, ...]


def read_truth(world_dir: Path) -> Iterator[tuple[Key, str, str]]:
    """((agency, external id), campaign, compound) of every report of the world's truth.csv."""
    path = world_dir / "truth.csv"
    if not path.is_file():
        raise NotATruthFile(f"{path} does not exist (write a world with 'scamlink demo generate')")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        header = next(rows, None)
        if header is None or tuple(header[: len(TRUTH_COLUMNS)]) != TRUTH_COLUMNS:
            raise NotATruthFile(
                f"{path}, line 1: expected the columns {','.join(TRUTH_COLUMNS)}, "
                f"found {','.join(header or [])!r}"
            )
        for line, row in enumerate(rows, start=2):
            if len(row) < len(TRUTH_COLUMNS) or not all(row[:4]):
                raise NotATruthFile(
                    f"{path}, line {line}: expected agency, external_id, compound, campaign"
                )
            agency, external_id, compound, campaign = row[:4]
            yield (agency, external_id), campaign, compound


def score_world(
    engine: Engine,
    world_dir: Path,
    *,
    worst: int = 10,
    bridges: int = 5,
    progress: Callable[[int], None] | None = None,
) -> WorldScore:
    """Score the store's campaigns against the world's truth (see the module docstring)."""
    truth: dict[Key, tuple[str, str]] = {
        key: (campaign, compound) for key, campaign, compound in read_truth(world_dir)
    }
    campaign_labels: list[tuple[object, str]] = []
    compound_labels: list[tuple[object, str]] = []
    placed: set[Key] = set()
    unknown = unlinked = read = 0
    with engine.connect() as conn:
        for read, placement in enumerate(report_partition(conn), start=1):
            key = (placement.agency, placement.external_id)
            known = truth.get(key)
            if progress is not None and read % PROGRESS_EVERY == 0:
                progress(PROGRESS_EVERY)
            if known is None:
                unknown += 1
                continue
            placed.add(key)
            predicted: object = placement.campaign_id
            if predicted is None:
                unlinked += 1
                predicted = key  # a report alone is a campaign of its own
            campaign_labels.append((predicted, known[0]))
            compound_labels.append((predicted, known[1]))
    if progress is not None and read % PROGRESS_EVERY:
        progress(read % PROGRESS_EVERY)
    missing = 0
    for key, (campaign, compound) in truth.items():
        if key not in placed:
            missing += 1
            campaign_labels.append((key, campaign))
            compound_labels.append((key, compound))
    sizes = Counter(predicted for predicted, _ in campaign_labels)
    alone = sum(1 for predicted, _ in campaign_labels if sizes[predicted] == 1)
    by_campaign = bcubed(campaign_labels, worst=worst)
    by_compound = bcubed(compound_labels, worst=0)
    with engine.connect() as conn:
        joined = _bridges(conn, by_campaign.worst_merges, truth, bridges)
        lone = {key: r for r in lone_reports(conn) if (key := (r.agency, r.external_id)) in truth}
    return WorldScore(
        campaigns=by_campaign,
        compounds=by_compound,
        truth_reports=len(truth),
        missing=missing,
        unknown=unknown,
        unlinked=unlinked,
        alone=alone,
        why_alone=_why_alone(world_dir, lone),
        worst_merges=joined,
    )


def _why_alone(world_dir: Path, lone: dict[Key, LoneReport]) -> WhyAlone:
    written: dict[Key, int] = {}
    for agency, path in world_files(world_dir):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                key = (agency.code, row.get("external_id") or "")
                if key in lone:
                    written[key] = sum(
                        1
                        for column in INDICATOR_COLUMNS
                        for value in (row.get(column) or "").split(VALUE_SEPARATOR)
                        if value.strip()
                    )
    narrative_only = unreadable = not_linking = unshared = 0
    for key, report in lone.items():
        if not written.get(key):
            narrative_only += 1
        elif not report.indicators:
            unreadable += 1
        elif not report.linking:
            not_linking += 1
        else:
            unshared += 1
    return WhyAlone(narrative_only, unreadable, not_linking, unshared)


# Per indicator of a merge: its true campaigns, its reports, whether it links.
_Seen = dict[tuple[str, str], tuple[set[str], set[Key], bool | None]]


def _bridges(
    conn: Connection, merges: tuple[Merge, ...], truth: dict[Key, tuple[str, str]], keep: int
) -> tuple[JoinedMerge, ...]:
    ids = [m.predicted for m in merges if isinstance(m.predicted, int)]
    seen: defaultdict[int, _Seen] = defaultdict(dict)
    for s in campaign_sightings(conn, ids):
        key = (s.agency, s.external_id)
        known = truth.get(key)
        if known is None:
            continue
        campaigns, reports, _ = seen[s.campaign_id].setdefault(
            (s.type, s.value), (set(), set(), s.links)
        )
        campaigns.add(known[0])
        reports.add(key)
    joined: list[JoinedMerge] = []
    for merge in merges:
        found = seen.get(merge.predicted, {}) if isinstance(merge.predicted, int) else {}
        shared = [
            Bridge(kind, value, len(campaigns), len(reports), links)
            for (kind, value), (campaigns, reports, links) in found.items()
            if len(campaigns) > 1
        ]
        shared.sort(key=lambda b: (b.links is False, -b.true_campaigns, -b.reports, b.value))
        joined.append(JoinedMerge(merge, tuple(shared[:keep])))
    return tuple(joined)
