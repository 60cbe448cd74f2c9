"""One report as a viewer sees it, its attachments, and an agency's review queue.

Every query takes the `Viewer` and filters with `visibility.visible_reports`, so a report the
viewer may not see is absent here exactly as it is on the campaign pages and the JSON API (the
same None for "hidden" and "does not exist"). A fixed number of statements per page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, func, literal, select, tuple_

from scamlink.reports.model import ReportSource, ReviewStatus
from scamlink.sharing.roles import Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store.attachments import AttachmentRow, attachments_of
from scamlink.store.campaign_views import BadCursor
from scamlink.store.campaigns import resolve_campaign
from scamlink.store.intake import ReportHead, visible_report_dated
from scamlink.store.schema import (
    attachments,
    indicators,
    report_attachments,
    report_campaigns,
    reports,
    sightings,
)
from scamlink.store.visibility import visible_reports

# The queue: public reports first (they count toward public verdicts only once verified), then
# partners'. Police reports are their agency's own and wait for nobody's review.
QUEUE_SOURCES = (ReportSource.PUBLIC, ReportSource.PARTNER)


@dataclass(frozen=True, slots=True)
class ReportSightingView:
    indicator_id: int
    type: str
    value: str
    display: str
    role: str


@dataclass(frozen=True, slots=True)
class ReportView:
    head: ReportHead
    incident_date: date | None
    sightings: list[ReportSightingView]
    campaign_id: int | None  # the surviving campaign, or None before linking
    attachments: list[AttachmentRow]


def report_view(conn: Connection, viewer: Viewer, report_id: int) -> ReportView | None:
    """Everything the viewer may see of one report, or None when it is hidden or absent."""
    found = visible_report_dated(conn, viewer, report_id)
    if found is None:
        return None
    head, incident_date = found
    query = (
        select(
            indicators.c.id,
            indicators.c.type,
            indicators.c.value,
            indicators.c.display,
            sightings.c.role,
        )
        .join(indicators, indicators.c.id == sightings.c.indicator_id)
        .where(sightings.c.report_id == report_id)
        .order_by(indicators.c.type, indicators.c.value)
    )
    seen = [
        ReportSightingView(r.id, r.type, r.value, r.display, r.role) for r in conn.execute(query)
    ]
    stored = conn.execute(
        select(report_campaigns.c.campaign_id).where(report_campaigns.c.report_id == report_id)
    ).scalar()
    campaign = None if stored is None else resolve_campaign(conn, int(stored))
    return ReportView(head, incident_date, seen, campaign, attachments_of(conn, report_id))


def visible_attachment(
    conn: Connection, viewer: Viewer, report_id: int, sha256: str
) -> AttachmentRow | None:
    """A file of a report the viewer may see (None when either is hidden or absent)."""
    query = (
        select(
            attachments.c.sha256,
            attachments.c.size,
            attachments.c.media_type,
            report_attachments.c.filename,
        )
        .join(attachments, attachments.c.sha256 == report_attachments.c.sha256)
        .join(reports, reports.c.id == report_attachments.c.report_id)
        .where(
            report_attachments.c.report_id == report_id,
            report_attachments.c.sha256 == sha256,
            visible_reports(viewer, per_row=True),
        )
    )
    row = conn.execute(query).first()
    return (
        None if row is None else AttachmentRow(row.sha256, row.size, row.media_type, row.filename)
    )


# --- the review queue -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueueItem:
    id: int
    external_id: str
    received_at: datetime
    victim_country: str
    scam_type: str
    source: str
    tlp: Tlp
    narrative: str  # the first characters only


@dataclass(frozen=True, slots=True)
class QueuePage:
    items: list[QueueItem]
    waiting: dict[str, int]  # source → unverified reports the viewer may see (≤ CAP + 1)
    after: str | None  # the cursor of the next page (source, last id); None on the last


EXCERPT = 200
WAITING_CAP = 1000  # waiting reports are counted up to this many, then shown as "1,000+"


def review_queue(
    conn: Connection,
    viewer: Viewer,
    *,
    limit: int = 25,
    after: str | None = None,
) -> QueuePage:
    """The viewer's agency's unverified public and partner reports it may see: public first,
    then partner, each newest first; `limit` at a time (keyset: source, received_at, id, on the
    index `reports(agency, review_status, source, received_at, id)`); BadCursor for an
    `after` this list never gave."""
    if viewer.agency is None:
        return QueuePage([], {}, None)
    position = None if after is None else decode_queue_cursor(after)
    items: list[QueueItem] = []
    more = False
    start = 0
    if position is not None:
        start = next(i for i, s in enumerate(QUEUE_SOURCES) if s.value == position[0])
    for index in range(start, len(QUEUE_SOURCES)):
        source = QUEUE_SOURCES[index].value
        wanted = limit + 1 - len(items)
        if wanted <= 0:
            break
        query = select(
            reports.c.id,
            reports.c.external_id,
            reports.c.received_at,
            reports.c.victim_country,
            reports.c.scam_type,
            reports.c.source,
            reports.c.tlp,
            reports.c.narrative,
        ).where(
            reports.c.agency == viewer.agency,
            reports.c.review_status == ReviewStatus.UNVERIFIED.value,
            reports.c.source == source,
            visible_reports(viewer, per_row=True),
        )
        if position is not None and index == start:
            # The last row's own received_at, read in SQL: the comparison never depends on
            # how a driver writes timestamps (SQLite compares them as text).
            anchor = reports.alias("anchor")
            when = select(anchor.c.received_at).where(anchor.c.id == position[1])
            query = query.where(
                tuple_(reports.c.received_at, reports.c.id)
                < tuple_(when.scalar_subquery(), literal(position[1], reports.c.id.type))
            )
        query = query.order_by(reports.c.received_at.desc(), reports.c.id.desc()).limit(wanted)
        for row in conn.execute(query):
            items.append(
                QueueItem(
                    row.id,
                    row.external_id,
                    row.received_at,
                    row.victim_country,
                    row.scam_type,
                    row.source,
                    Tlp(row.tlp),
                    row.narrative[:EXCERPT],
                )
            )
    if len(items) > limit:
        more = True
        items = items[:limit]
    last = items[-1] if items and more else None
    return QueuePage(
        items,
        _waiting(conn, viewer),
        None if last is None else f"{last.source}~{last.id}",
    )


def decode_queue_cursor(cursor: str) -> tuple[str, int]:
    """(source, id of the last report shown) from a cursor of `review_queue`; BadCursor
    otherwise."""
    parts = cursor.split("~")
    try:
        if len(parts) != 2 or parts[0] not in {s.value for s in QUEUE_SOURCES}:
            raise ValueError(cursor)
        return parts[0], int(parts[1])
    except ValueError:
        raise BadCursor(f"not a position in this list: {cursor!r}") from None


def _waiting(conn: Connection, viewer: Viewer) -> dict[str, int]:
    """Unverified reports per source, counted up to WAITING_CAP + 1 (shown as "1,000+"): a
    queue page costs the same with a thousand waiting or a million."""
    counts: dict[str, int] = {}
    for source in QUEUE_SOURCES:
        waiting = (
            select(reports.c.id)
            .where(
                reports.c.agency == viewer.agency,
                reports.c.review_status == ReviewStatus.UNVERIFIED.value,
                reports.c.source == source.value,
                visible_reports(viewer, per_row=True),
            )
            .limit(WAITING_CAP + 1)
            .subquery()
        )
        counts[source.value] = int(conn.scalar(select(func.count()).select_from(waiting)) or 0)
    return counts
