"""The blocklist's queries: values of one type that a viewer may see reported.

A value is on a viewer's blocklist when a report the viewer may see (the sharing policy as SQL,
`store/visibility.py`) and that counts as verified (`store.lookup.verified`) names it, or a
listing the viewer may see names it (`indicator_listings`, same marking rules). A watermark (the
newest report, listing and `lookup_changes` ids) versions the answer; the values a delta may
have to add or remove (`touched_since`) are read from rows above the client's watermark: the
sightings' primary key starts with the report id, listings and changes are read by their id,
so finding them is a range scan, never a full one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, false, func, select, tuple_

from scamlink.sharing.policy import may_see
from scamlink.sharing.roles import Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store.lookup import verified
from scamlink.store.schema import (
    indicator_listings,
    indicators,
    lookup_changes,
    reports,
    sightings,
)
from scamlink.store.visibility import visible_reports

i = indicators
s = sightings
r = reports
lst = indicator_listings
lc = lookup_changes


@dataclass(frozen=True, slots=True)
class Watermark:
    report: int = 0
    listing: int = 0
    change: int = 0


def watermark(conn: Connection) -> Watermark:
    """The newest report, listing and change ids now."""
    report = conn.scalar(select(func.max(r.c.id)))
    listing = conn.scalar(select(func.max(lst.c.id)))
    change = conn.scalar(select(func.max(lc.c.id)))
    return Watermark(int(report or 0), int(listing or 0), int(change or 0))


def touched_since(conn: Connection, kind: str, since: Watermark, upto: Watermark) -> Iterator[str]:
    """The values of type `kind` whose place on a blocklist may have changed between the two
    watermarks: named by a report or listing stored in between, or by a change noted in
    between (a review decision, a withdrawn listing); a value may come more than once."""
    # `type || ''`: the type is checked on the rows the ranges find, never used to choose an
    # index (SQLite would otherwise walk every indicator of the type and probe the range for
    # each: the whole list's cost for a delta of nothing).
    of_kind = i.c.type.concat("") == kind
    queries = [
        select(i.c.value)
        .select_from(s.join(i, i.c.id == s.c.indicator_id))
        .where(of_kind, s.c.report_id > since.report, s.c.report_id <= upto.report),
        select(i.c.value)
        .select_from(lst.join(i, i.c.id == lst.c.indicator_id))
        .where(of_kind, lst.c.id > since.listing, lst.c.id <= upto.listing),
        select(i.c.value)
        .select_from(lc.join(i, i.c.id == lc.c.indicator_id))
        .where(of_kind, lc.c.id > since.change, lc.c.id <= upto.change),
    ]
    streaming = conn.execution_options(stream_results=True, yield_per=20_000)
    for query in queries:
        for (value,) in streaming.execute(query.distinct()):
            yield str(value)


def _visible_listing_pairs(conn: Connection, viewer: Viewer) -> list[tuple[str, str]]:
    """The (agency, marking) pairs of listings the viewer may see (a handful: the policy is
    applied per pair in Python, the same `may_see` every other listing read uses)."""
    pairs = conn.execute(select(lst.c.agency, lst.c.tlp).distinct()).all()
    return [
        (str(agency), str(tlp))
        for agency, tlp in pairs
        if _known_tlp(str(tlp)) is not None and may_see(viewer, str(agency), Tlp(str(tlp)))
    ]


def _known_tlp(text: str) -> Tlp | None:
    try:
        return Tlp(text)
    except ValueError:
        return None


def blocklisted(
    conn: Connection,
    viewer: Viewer,
    kind: str,
    upto: Watermark,
    among: Iterable[str] | None = None,
) -> Iterator[str]:
    """The values of type `kind` on the viewer's blocklist at `upto`, streamed; a value may
    come more than once. With `among`, only those values are asked about (by the indicators'
    unique key and the sightings' and listings' indexes, 500 a statement): what a delta costs."""
    if among is None:
        yield from _blocklisted(conn, viewer, kind, upto, None)
        return
    wanted = sorted(set(among))
    for start in range(0, len(wanted), _CHUNK):
        yield from _blocklisted(conn, viewer, kind, upto, wanted[start : start + _CHUNK])


_CHUNK = 500


def _blocklisted(
    conn: Connection, viewer: Viewer, kind: str, upto: Watermark, values: list[str] | None
) -> Iterator[str]:
    if values is not None and not values:
        return
    by_reports = (
        select(i.c.value)
        .select_from(s.join(r, r.c.id == s.c.report_id).join(i, i.c.id == s.c.indicator_id))
        .where(
            i.c.type == kind,
            r.c.id <= upto.report,
            verified(),
            visible_reports(viewer),
        )
    )
    pairs = _visible_listing_pairs(conn, viewer)
    listed = tuple_(lst.c.agency, lst.c.tlp).in_(pairs) if pairs else false()
    by_listings = (
        select(i.c.value)
        .select_from(lst.join(i, i.c.id == lst.c.indicator_id))
        .where(i.c.type == kind, lst.c.id <= upto.listing, listed)
    )
    if values is not None:
        by_reports = by_reports.where(i.c.value.in_(values))
        by_listings = by_listings.where(i.c.value.in_(values))
    streaming = conn.execution_options(stream_results=True, yield_per=20_000)
    for query in (by_reports.distinct(), by_listings.distinct()):
        for (value,) in streaming.execute(query):
            yield str(value)
