"""Rows of one-by-one intake: idempotency keys, a visible report's head and indicators, and the
officer's changes to a report (review status, language)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, delete, select, tuple_, update

from scamlink.reports.model import ReviewStatus
from scamlink.sharing.roles import Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store.schema import idempotency_keys, indicators, reports, sightings
from scamlink.store.visibility import visible_reports

IDEMPOTENCY_TTL = timedelta(hours=24)
_LOOKUP_CHUNK = 400  # (agency, external id) pairs per statement: two parameters each


@dataclass(frozen=True, slots=True)
class StoredResponse:
    request_sha256: str
    status_code: int
    body: str  # JSON


def find_idempotent(
    conn: Connection, agency: str, key: str, now: datetime
) -> StoredResponse | None:
    """The answer given to this key within the last 24 hours, if any."""
    t = idempotency_keys
    row = conn.execute(
        select(t.c.request_sha256, t.c.status_code, t.c.response).where(
            t.c.agency == agency, t.c.key == key, t.c.created_at > now - IDEMPOTENCY_TTL
        )
    ).first()
    return None if row is None else StoredResponse(row[0], row[1], row[2])


def save_idempotent(
    conn: Connection, agency: str, key: str, response: StoredResponse, now: datetime
) -> None:
    """Keep the answer (in the transaction that stored what it describes); expired keys of the
    agency go. A concurrent call with the same key fails here on the primary key, and rolls
    back everything it stored."""
    t = idempotency_keys
    conn.execute(delete(t).where(t.c.agency == agency, t.c.created_at <= now - IDEMPOTENCY_TTL))
    conn.execute(
        t.insert().values(
            agency=agency,
            key=key,
            request_sha256=response.request_sha256,
            status_code=response.status_code,
            response=response.body,
            created_at=now,
        )
    )


def report_ids(conn: Connection, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The ids of reports by (agency, external id); absent ones are left out."""
    found: dict[tuple[str, str], int] = {}
    unique = sorted(set(keys))
    for start in range(0, len(unique), _LOOKUP_CHUNK):
        chunk = unique[start : start + _LOOKUP_CHUNK]
        query = select(reports.c.id, reports.c.agency, reports.c.external_id).where(
            tuple_(reports.c.agency, reports.c.external_id).in_(chunk)
        )
        found.update({(row.agency, row.external_id): row.id for row in conn.execute(query)})
    return found


@dataclass(frozen=True, slots=True)
class ReportHead:
    id: int
    agency: str
    external_id: str
    received_at: datetime
    victim_country: str
    language: str
    scam_type: str
    loss_amount: str | None
    loss_currency: str | None
    narrative: str
    tlp: Tlp
    source: str
    review_status: ReviewStatus


@dataclass(frozen=True, slots=True)
class SightingRow:
    type: str
    value: str
    display: str
    role: str


def visible_report(conn: Connection, viewer: Viewer, report_id: int) -> ReportHead | None:
    """The report if the viewer may see it; None when absent or hidden (the same answer)."""
    found = visible_report_dated(conn, viewer, report_id)
    return None if found is None else found[0]


def visible_report_dated(
    conn: Connection, viewer: Viewer, report_id: int
) -> tuple[ReportHead, date | None] | None:
    """`visible_report` with the incident's date (the report page shows it)."""
    r = reports
    row = conn.execute(
        select(
            r.c.id,
            r.c.agency,
            r.c.external_id,
            r.c.received_at,
            r.c.incident_date,
            r.c.victim_country,
            r.c.language,
            r.c.scam_type,
            r.c.loss_amount,
            r.c.loss_currency,
            r.c.narrative,
            r.c.tlp,
            r.c.source,
            r.c.review_status,
        ).where(r.c.id == report_id, visible_reports(viewer, per_row=True))
    ).first()
    if row is None:
        return None
    return (
        ReportHead(
            id=row.id,
            agency=row.agency,
            external_id=row.external_id,
            received_at=row.received_at,
            victim_country=row.victim_country,
            language=row.language,
            scam_type=row.scam_type,
            loss_amount=None if row.loss_amount is None else str(row.loss_amount),
            loss_currency=row.loss_currency,
            narrative=row.narrative,
            tlp=Tlp(row.tlp),
            source=row.source,
            review_status=ReviewStatus(row.review_status),
        ),
        row.incident_date,
    )


def report_sightings(conn: Connection, report_id: int) -> list[SightingRow]:
    """The indicators of a report the caller has already been allowed to see."""
    query = (
        select(indicators.c.type, indicators.c.value, indicators.c.display, sightings.c.role)
        .join(indicators, indicators.c.id == sightings.c.indicator_id)
        .where(sightings.c.report_id == report_id)
        .order_by(indicators.c.type, indicators.c.value)
    )
    return [SightingRow(row.type, row.value, row.display, row.role) for row in conn.execute(query)]


def set_review_status(conn: Connection, report_id: int, status: ReviewStatus) -> None:
    conn.execute(update(reports).where(reports.c.id == report_id).values(review_status=status))


def set_language(conn: Connection, report_id: int, language: str) -> None:
    conn.execute(update(reports).where(reports.c.id == report_id).values(language=language))
