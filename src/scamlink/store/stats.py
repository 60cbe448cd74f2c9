"""Counts for the dashboard, filtered by the sharing policy inside the query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, not_, select

from scamlink.sharing.roles import Role, Viewer
from scamlink.store.schema import agencies, agency_settings, reports
from scamlink.store.visibility import visible_reports


@dataclass(frozen=True, slots=True)
class AgencyCount:
    code: str
    name: str
    country: str
    reports: int
    last_received: datetime | None
    # Reports of this agency the viewer may not see, when the agency discloses that number
    # (never their content); None when it does not.
    hidden: int | None = None


def report_counts_by_agency(conn: Connection, viewer: Viewer) -> list[AgencyCount]:
    """Every agency with the number of its reports the viewer may see (zero included), and
    for agencies that disclose hidden counts to the viewer, the number they may not see."""
    visible = (
        select(
            reports.c.agency,
            func.count().label("n"),
            func.max(reports.c.received_at).label("last"),
        )
        .where(visible_reports(viewer))
        .group_by(reports.c.agency)
        .subquery()
    )
    query = (
        select(agencies.c.code, agencies.c.name, agencies.c.country, visible.c.n, visible.c.last)
        .select_from(agencies.outerjoin(visible, visible.c.agency == agencies.c.code))
        .order_by(agencies.c.code)
    )
    hidden = hidden_report_counts(conn, viewer)
    return [
        AgencyCount(
            row.code, row.name, row.country, int(row.n or 0), row.last, hidden.get(row.code)
        )
        for row in conn.execute(query)
    ]


def hidden_report_counts(conn: Connection, viewer: Viewer) -> dict[str, int]:
    """Per agency that allows the disclosure, how many of its reports the viewer cannot see.

    Only staff of member agencies are told (never the public or partners), and an agency is
    never told about its own reports. Agencies that disclose but hide nothing map to 0.
    """
    if viewer.is_public or viewer.role is Role.PARTNER:
        return {}
    disclosing = (
        select(agency_settings.c.agency)
        .where(agency_settings.c.disclose_hidden_counts.is_(True))
        .where(agency_settings.c.agency != viewer.agency)
    )
    owners = list(conn.scalars(disclosing))
    if not owners:
        return {}
    query = (
        select(reports.c.agency, func.count().label("n"))
        .where(reports.c.agency.in_(owners), not_(visible_reports(viewer)))
        .group_by(reports.c.agency)
    )
    counts = dict.fromkeys(owners, 0)
    counts.update({row.agency: int(row.n) for row in conn.execute(query)})
    return counts


def total_reports(conn: Connection) -> int:
    """All reports regardless of marking: for operators' commands, never shown to users."""
    return int(conn.scalar(select(func.count()).select_from(reports)) or 0)
