"""Counts for the dashboard, filtered by the sharing policy inside the query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select

from scamlink.sharing.roles import Viewer
from scamlink.store.schema import agencies, reports
from scamlink.store.visibility import visible_reports


@dataclass(frozen=True, slots=True)
class AgencyCount:
    code: str
    name: str
    country: str
    reports: int
    last_received: datetime | None


def report_counts_by_agency(conn: Connection, viewer: Viewer) -> list[AgencyCount]:
    """Every agency with the number of its reports the viewer may see (zero included)."""
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
    return [
        AgencyCount(row.code, row.name, row.country, int(row.n or 0), row.last)
        for row in conn.execute(query)
    ]


def total_reports(conn: Connection) -> int:
    """All reports regardless of marking: for operators' commands, never shown to users."""
    return int(conn.scalar(select(func.count()).select_from(reports)) or 0)
