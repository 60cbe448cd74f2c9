"""The lookup's queries: standings for the in-memory index, and the facts a viewer may see.

Standings (what the index keeps per indicator, `lookup/verdict.py`) count, per indicator:
- for members, every report of any marking and every listing (`indicator_listings`);
- for the public, TLP:CLEAR reports received before the embargo's cutoff, and TLP:CLEAR
  listings listed before it.
A report is VERIFIED when an officer verified it, or when police filed it and nobody rejected it
(officers' own reports need no second officer; partners' and the public's do); a rejected
report counts nowhere; any other report is UNVERIFIED. A listing counts as a verified report.

Only the full build (`stream_standings`) reads every row; everything the index does while it
serves goes through an index: new reports by the sightings' primary key (report id first),
new listings by their id, review decisions and withdrawn listings by the id of their
`lookup_changes` rows (`record_report_changes`, `record_changes`: written in the change's own
transaction), reports crossing the embargo by `received_at`, the standings of a few
indicators by `sightings.indicator_id`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Select,
    and_,
    bindparam,
    case,
    func,
    insert,
    literal,
    or_,
    select,
)

from scamlink.reports.model import ReportSource, ReviewStatus
from scamlink.sharing.policy import may_see
from scamlink.sharing.roles import Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store.partition import ColumnReader
from scamlink.store.schema import (
    indicator_listings,
    indicators,
    lookup_changes,
    report_campaigns,
    reports,
    sightings,
)
from scamlink.store.visibility import visible_reports

r = reports
s = sightings
i = indicators
lst = indicator_listings
rc = report_campaigns
lc = lookup_changes
# review: a report verified or rejected; withdrawn: a listing deleted; listed: a listing added
# (also seen by its id, but SQLite may give a new listing the id of a deleted newest one).
CHANGE_CAUSES = frozenset({"review", "withdrawn", "listed"})
_CHUNK = 500  # ids (or key pairs) per statement


@dataclass(frozen=True, slots=True)
class Counts:
    """An indicator's counts for the index (see the module's docstring)."""

    indicator_id: int
    value: str
    verified: int = 0
    unverified: int = 0
    public_verified: int = 0
    public_unverified: int = 0

    def plus(self, other: Counts) -> Counts:
        return Counts(
            self.indicator_id,
            self.value,
            self.verified + other.verified,
            self.unverified + other.unverified,
            self.public_verified + other.public_verified,
            self.public_unverified + other.public_unverified,
        )


def verified() -> ColumnElement[bool]:
    """A report that counts as verified (the one rule; see the module's docstring)."""
    return or_(
        r.c.review_status == ReviewStatus.VERIFIED.value,
        and_(
            r.c.source == ReportSource.POLICE.value,
            r.c.review_status == ReviewStatus.UNVERIFIED.value,
        ),
    )


def _unverified() -> ColumnElement[bool]:
    return and_(
        r.c.review_status == ReviewStatus.UNVERIFIED.value,
        r.c.source != ReportSource.POLICE.value,
    )


Cutoff = datetime | ColumnElement[Any]  # a time, or the bound parameter of a cached statement


def _public(cutoff: Cutoff) -> ColumnElement[bool]:
    # The public's unverified reports never count toward a public verdict until verified.
    return and_(
        r.c.tlp == Tlp.CLEAR.value,
        r.c.received_at <= cutoff,
    )


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _report_counts(cutoff: Cutoff) -> list[ColumnElement[int]]:
    return [
        _count(verified()).label("verified"),
        _count(_unverified()).label("unverified"),
        _count(and_(_public(cutoff), verified())).label("public_verified"),
        _count(and_(_public(cutoff), _unverified(), r.c.source != ReportSource.PUBLIC.value)).label(
            "public_unverified"
        ),
    ]


def _listing_counts(cutoff: Cutoff) -> list[ColumnElement[int]]:
    public = and_(lst.c.tlp == Tlp.CLEAR.value, lst.c.listed_at <= cutoff)
    return [
        func.count().label("verified"),
        literal(0).label("unverified"),
        _count(public).label("public_verified"),
        literal(0).label("public_unverified"),
    ]


def _rows(rows: Iterable[object]) -> Iterator[Counts]:
    for row in rows:
        yield Counts(
            int(row.indicator_id),  # type: ignore[attr-defined]
            str(row.value),  # type: ignore[attr-defined]
            int(row.verified),  # type: ignore[attr-defined]
            int(row.unverified),  # type: ignore[attr-defined]
            int(row.public_verified),  # type: ignore[attr-defined]
            int(row.public_unverified),  # type: ignore[attr-defined]
        )


def stream_standings(conn: Connection, cutoff: datetime) -> Iterator[Counts]:
    """Every indicator with a report or a listing, with its counts (the full build: one pass
    over the sightings and one over the listings; an indicator may come twice, once from
    each, and the caller merges). Streamed, so memory stays flat."""
    by_reports = (
        select(s.c.indicator_id, i.c.value, *_report_counts(cutoff))
        .select_from(s.join(r, r.c.id == s.c.report_id).join(i, i.c.id == s.c.indicator_id))
        .group_by(s.c.indicator_id, i.c.value)
    )
    yield from _rows(
        conn.execution_options(stream_results=True, yield_per=20_000).execute(by_reports)
    )
    by_listings = (
        select(lst.c.indicator_id, i.c.value, *_listing_counts(cutoff))
        .select_from(lst.join(i, i.c.id == lst.c.indicator_id))
        .group_by(lst.c.indicator_id, i.c.value)
    )
    yield from _rows(
        conn.execution_options(stream_results=True, yield_per=20_000).execute(by_listings)
    )


@dataclass(frozen=True, slots=True)
class CountColumns:
    """A batch of `stream_standings` as columns (the full build's fast path)."""

    values: list[str]
    verified: NDArray[np.int64]
    unverified: NDArray[np.int64]
    public_verified: NDArray[np.int64]
    public_unverified: NDArray[np.int64]


def standing_columns(conn: Connection, cutoff: datetime) -> Iterator[CountColumns]:
    """The rows of `stream_standings` as column batches, without a SQLAlchemy row per
    indicator (a fifth of the CPU): on PostgreSQL as Arrow batches through a second, read-only
    ADBC connection (it reads what is committed); on SQLite through this connection's own
    driver cursor, as tuples. (Not ADBC's SQLite: a second copy of the SQLite library in the
    process shares its POSIX locks with the first, and was seen reading stale pages.)"""
    queries = [
        select(s.c.indicator_id, i.c.value, *_report_counts(cutoff))
        .select_from(s.join(r, r.c.id == s.c.report_id).join(i, i.c.id == s.c.indicator_id))
        .group_by(s.c.indicator_id, i.c.value),
        select(lst.c.indicator_id, i.c.value, *_listing_counts(cutoff))
        .select_from(lst.join(i, i.c.id == lst.c.indicator_id))
        .group_by(lst.c.indicator_id, i.c.value),
    ]
    # The one parameter is the cutoff, a time this code made: rendered inline, as the drivers'
    # own parameter styles differ.
    statements = [
        str(q.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        for q in queries
    ]
    if conn.dialect.name == "postgresql":
        reader = _Reader.open(conn.engine)
        if isinstance(reader, _Reader):
            return _column_batches(reader, statements)
    return _cursor_batches(conn, statements)


def _cursor_batches(conn: Connection, statements: list[str]) -> Iterator[CountColumns]:
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        for sql in statements:
            cursor.execute(sql)
            while rows := cursor.fetchmany(50_000):
                _, values, *counts = zip(*rows, strict=True)
                columns = [np.array(c, dtype=np.int64) for c in counts]
                yield CountColumns([str(v) for v in values], *columns)
    finally:
        cursor.close()


class _Reader(ColumnReader):
    def record_batches(self, sql: str) -> Iterator[Any]:
        yield from self._batches(sql)


def _column_batches(reader: _Reader, statements: list[str]) -> Iterator[CountColumns]:
    def ints(column: Any) -> NDArray[np.int64]:
        return np.asarray(column.to_numpy(zero_copy_only=False), dtype=np.int64)

    with reader:
        for sql in statements:
            for batch in reader.record_batches(sql):
                yield CountColumns(
                    [str(v) for v in batch.column(1).to_pylist()],
                    ints(batch.column(2)),
                    ints(batch.column(3)),
                    ints(batch.column(4)),
                    ints(batch.column(5)),
                )


@cache
def _standings_queries() -> tuple[Select[Any], Select[Any]]:
    """`standings_of`'s two statements, built once with bound parameters (`ids`, expanding,
    and `cutoff`): SQLAlchemy then reuses their compiled form (building them per call was
    most of a lookup's CPU while the index is built)."""
    ids: BindParameter[Any] = bindparam("ids", expanding=True)
    cutoff: BindParameter[Any] = bindparam("cutoff")
    by_reports = (
        select(s.c.indicator_id, i.c.value, *_report_counts(cutoff))
        .select_from(s.join(r, r.c.id == s.c.report_id).join(i, i.c.id == s.c.indicator_id))
        .where(s.c.indicator_id.in_(ids))
        .group_by(s.c.indicator_id, i.c.value)
    )
    by_listings = (
        select(lst.c.indicator_id, i.c.value, *_listing_counts(cutoff))
        .select_from(lst.join(i, i.c.id == lst.c.indicator_id))
        .where(lst.c.indicator_id.in_(ids))
        .group_by(lst.c.indicator_id, i.c.value)
    )
    return by_reports, by_listings


def standings_of(
    conn: Connection, indicator_ids: Iterable[int], cutoff: datetime
) -> dict[int, Counts]:
    """The counts of these indicators (absent: no report and no listing any more)."""
    ids = sorted(set(indicator_ids))
    found: dict[int, Counts] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        for query in _standings_queries():
            rows = conn.execute(query, {"ids": chunk, "cutoff": cutoff})
            for counts in _rows(rows):
                known = found.get(counts.indicator_id)
                found[counts.indicator_id] = counts if known is None else known.plus(counts)
    return found


def values_of(conn: Connection, indicator_ids: Iterable[int]) -> dict[int, str]:
    """The canonical values of these indicators (those that exist)."""
    ids = sorted(set(indicator_ids))
    found: dict[int, str] = {}
    for start in range(0, len(ids), _CHUNK):
        query = select(i.c.id, i.c.value).where(i.c.id.in_(ids[start : start + _CHUNK]))
        found.update((int(row.id), str(row.value)) for row in conn.execute(query))
    return found


@dataclass(frozen=True, slots=True)
class Watermarks:
    """The newest report, listing and change the index has taken in (ids only grow)."""

    report: int = 0
    listing: int = 0
    change: int = 0


def watermarks(conn: Connection) -> Watermarks:
    report = conn.scalar(select(func.max(r.c.id)))
    listing = conn.scalar(select(func.max(lst.c.id)))
    change = conn.scalar(select(func.max(lc.c.id)))
    return Watermarks(int(report or 0), int(listing or 0), int(change or 0))


def indicator_estimate(conn: Connection) -> int:
    """About how many indicators there are (the newest id: no scan), for a build's progress."""
    return int(conn.scalar(select(func.max(i.c.id))) or 0)


def oldest_change(conn: Connection) -> int | None:
    """The id of the oldest `lookup_changes` row kept (rows are pruned: `prune_changes`)."""
    found = conn.scalar(select(func.min(lc.c.id)))
    return None if found is None else int(found)


def prune_changes(conn: Connection, upto: int, before: datetime) -> int:
    """Delete the `lookup_changes` rows with an id up to `upto` noted before `before`, never
    the newest row (SQLite gives a new row the newest id + 1: keeping it keeps ids growing);
    the number deleted. Ids first, then the time (index on `at`)."""
    newest = conn.scalar(select(func.max(lc.c.id)))
    if newest is None:
        return 0
    limit = min(upto, int(newest) - 1)
    if limit <= 0:
        return 0
    result = conn.execute(lc.delete().where(lc.c.id <= limit, lc.c.at < before))
    return int(result.rowcount or 0)


def record_changes(conn: Connection, indicator_ids: Iterable[int], cause: str) -> int:
    """Note that these indicators' standing may have changed (in the caller's transaction);
    the number of rows written."""
    if cause not in CHANGE_CAUSES:
        raise ValueError(f"unknown lookup change cause {cause!r}")
    ids = sorted(set(indicator_ids))
    at = datetime.now(UTC)
    for start in range(0, len(ids), _CHUNK):
        conn.execute(
            insert(lc),
            [{"indicator_id": x, "at": at, "cause": cause} for x in ids[start : start + _CHUNK]],
        )
    return len(ids)


def record_report_changes(conn: Connection, report_ids: Iterable[int], cause: str) -> int:
    """`record_changes` for every indicator these reports name (a review decision)."""
    wanted = sorted(set(report_ids))
    found: set[int] = set()
    for start in range(0, len(wanted), _CHUNK):
        found.update(
            int(x)
            for x in conn.scalars(
                select(s.c.indicator_id).where(s.c.report_id.in_(wanted[start : start + _CHUNK]))
            )
        )
    return record_changes(conn, found, cause)


def changed_since(conn: Connection, since: Watermarks) -> tuple[set[int], Watermarks]:
    """The indicators of reports, listings and changes stored after `since`, and the new
    watermarks (range scans of the sightings' primary key, the listings' and changes' ids)."""
    now = watermarks(conn)
    changed: set[int] = set()
    if now.report > since.report:
        changed.update(
            int(x)
            for x in conn.scalars(
                select(s.c.indicator_id).where(
                    s.c.report_id > since.report, s.c.report_id <= now.report
                )
            )
        )
    if now.listing > since.listing:
        changed.update(
            int(x)
            for x in conn.scalars(
                select(lst.c.indicator_id).where(lst.c.id > since.listing, lst.c.id <= now.listing)
            )
        )
    if now.change > since.change:
        changed.update(
            int(x)
            for x in conn.scalars(
                select(lc.c.indicator_id).where(lc.c.id > since.change, lc.c.id <= now.change)
            )
        )
    return changed, Watermarks(
        max(now.report, since.report),
        max(now.listing, since.listing),
        max(now.change, since.change),
    )


def crossing_embargo(conn: Connection, after: datetime, until: datetime) -> set[int]:
    """The indicators of CLEAR reports and listings whose time passed the embargo's cutoff in
    (after, until]: their public standing may change (by `received_at` / `listed_at`)."""
    if until <= after:
        return set()
    by_reports = (
        select(s.c.indicator_id)
        .select_from(r.join(s, s.c.report_id == r.c.id))
        .where(r.c.received_at > after, r.c.received_at <= until, r.c.tlp == Tlp.CLEAR.value)
    )
    by_listings = select(lst.c.indicator_id).where(
        lst.c.listed_at > after, lst.c.listed_at <= until, lst.c.tlp == Tlp.CLEAR.value
    )
    found = {int(x) for x in conn.scalars(by_reports)}
    found.update(int(x) for x in conn.scalars(by_listings))
    return found


def indicator_ids(conn: Connection, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The stored ids of these (type, canonical value) keys (the unique index on both): one
    type at a time, `type = ? AND value IN (…)`, a search of the index per value. (A row-value
    `(type, value) IN (VALUES …)` is read by SQLite as a scan of the whole index: seconds at
    10 M indicators.)"""
    by_type: dict[str, list[str]] = {}
    for kind, value in dict.fromkeys(keys):
        by_type.setdefault(kind, []).append(value)
    found: dict[tuple[str, str], int] = {}
    query = _ids_query()
    for kind, values in by_type.items():
        for start in range(0, len(values), _CHUNK):
            rows = conn.execute(query, {"type": kind, "values": values[start : start + _CHUNK]})
            found.update(((kind, row.value), int(row.id)) for row in rows)
    return found


@cache
def _ids_query() -> Select[Any]:
    """`indicator_ids`' statement, built once (its compiled form is then reused)."""
    values: BindParameter[Any] = bindparam("values", expanding=True)
    return select(i.c.id, i.c.value).where(i.c.type == bindparam("type"), i.c.value.in_(values))


# --- what one viewer may learn of indicators ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CampaignShare:
    id: int
    reports: int  # visible reports of the campaign carrying the indicator
    size: int  # visible reports of the campaign


@dataclass(slots=True)
class Facts:
    """An indicator as the viewer's visible reports (and visible listings) tell it."""

    reports: int = 0
    verified: int = 0
    agencies: Counter[str] = field(default_factory=Counter)
    countries: Counter[str] = field(default_factory=Counter)
    scam_types: Counter[str] = field(default_factory=Counter)
    roles: Counter[str] = field(default_factory=Counter)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    campaigns: list[CampaignShare] = field(default_factory=list)
    listings: list[str] = field(default_factory=list)  # "<source> (<agency>)"

    def seen(self, first: datetime, last: datetime) -> None:
        self.first_seen = first if self.first_seen is None else min(self.first_seen, first)
        self.last_seen = last if self.last_seen is None else max(self.last_seen, last)


def facts_for(
    conn: Connection, viewer: Viewer, indicator_ids: Iterable[int], *, campaigns_shown: int = 5
) -> dict[int, Facts]:
    """What the viewer may see of these indicators: a fixed number of set-based statements
    whatever their number (per chunk of ids), over visible reports only (the sharing policy,
    `store/visibility.py`); listings filtered by the same policy (`may_see`). Indicators with
    nothing visible are absent."""
    ids = sorted(set(indicator_ids))
    found: dict[int, Facts] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        _report_facts(conn, viewer, chunk, found)
        _campaign_facts(conn, viewer, chunk, found, campaigns_shown)
        _listing_facts(conn, viewer, chunk, found)
    return found


def _report_facts(
    conn: Connection, viewer: Viewer, ids: list[int], found: dict[int, Facts]
) -> None:
    query = (
        select(
            s.c.indicator_id,
            r.c.agency,
            r.c.victim_country,
            r.c.scam_type,
            s.c.role,
            func.count().label("n"),
            _count(verified()).label("verified"),
            func.min(r.c.received_at).label("first_seen"),
            func.max(r.c.received_at).label("last_seen"),
        )
        .select_from(s.join(r, r.c.id == s.c.report_id))
        .where(
            s.c.indicator_id.in_(ids),
            visible_reports(viewer),
            r.c.review_status != ReviewStatus.REJECTED.value,
        )
        .group_by(s.c.indicator_id, r.c.agency, r.c.victim_country, r.c.scam_type, s.c.role)
    )
    for row in conn.execute(query):
        facts = found.setdefault(int(row.indicator_id), Facts())
        n = int(row.n)
        facts.reports += n
        facts.verified += int(row.verified)
        facts.agencies[row.agency] += n
        facts.countries[row.victim_country] += n
        facts.scam_types[row.scam_type] += n
        facts.roles[row.role] += n
        facts.seen(row.first_seen, row.last_seen)


def _campaign_facts(
    conn: Connection, viewer: Viewer, ids: list[int], found: dict[int, Facts], shown: int
) -> None:
    if not found:
        return
    per_indicator = (
        select(s.c.indicator_id, rc.c.campaign_id, func.count().label("n"))
        .select_from(s.join(r, r.c.id == s.c.report_id).join(rc, rc.c.report_id == r.c.id))
        .where(
            s.c.indicator_id.in_([x for x in ids if x in found]),
            visible_reports(viewer),
            r.c.review_status != ReviewStatus.REJECTED.value,
        )
        .group_by(s.c.indicator_id, rc.c.campaign_id)
    )
    pairs: dict[int, list[tuple[int, int]]] = {}
    for row in conn.execute(per_indicator):
        pairs.setdefault(int(row.indicator_id), []).append((int(row.campaign_id), int(row.n)))
    kept = {
        indicator: sorted(found_pairs, key=lambda p: (-p[1], p[0]))[:shown]
        for indicator, found_pairs in pairs.items()
    }
    campaign_ids = sorted({c for found_pairs in kept.values() for c, _ in found_pairs})
    sizes: dict[int, int] = {}
    for start in range(0, len(campaign_ids), _CHUNK):
        size_query = (
            select(rc.c.campaign_id, func.count().label("n"))
            .select_from(rc.join(r, r.c.id == rc.c.report_id))
            .where(
                rc.c.campaign_id.in_(campaign_ids[start : start + _CHUNK]), visible_reports(viewer)
            )
            .group_by(rc.c.campaign_id)
        )
        sizes.update((int(row.campaign_id), int(row.n)) for row in conn.execute(size_query))
    for indicator, found_pairs in kept.items():
        found[indicator].campaigns = [CampaignShare(c, n, sizes.get(c, n)) for c, n in found_pairs]


def _listing_facts(
    conn: Connection, viewer: Viewer, ids: list[int], found: dict[int, Facts]
) -> None:
    if viewer.is_public:
        query = select(lst.c.indicator_id, lst.c.list_source, lst.c.agency, lst.c.tlp).where(
            lst.c.indicator_id.in_(ids), lst.c.tlp == Tlp.CLEAR.value
        )
    else:
        query = select(lst.c.indicator_id, lst.c.list_source, lst.c.agency, lst.c.tlp).where(
            lst.c.indicator_id.in_(ids)
        )
    for row in conn.execute(query):
        # A listing has no releases or recipients: the policy decides on owner and marking.
        if not may_see(viewer, row.agency, Tlp(row.tlp)):
            continue
        facts = found.setdefault(int(row.indicator_id), Facts())
        facts.listings.append(f"{row.list_source} ({row.agency})")
