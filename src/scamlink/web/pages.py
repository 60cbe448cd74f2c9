"""HTML routes: the lookup page for the public, the dashboard (with the lookup box) for
signed-in users."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from scamlink.store.markings import resolve_viewer
from scamlink.store.stats import AgencyCount, report_counts_by_agency
from scamlink.web.auth import CurrentUser
from scamlink.web.lookup_pages import front_page, lookup_context
from scamlink.web.rendering import as_utc, render
from scamlink.web.state import web_state

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class Dashboard:
    rows: list[AgencyCount]
    total_reports: int
    agencies_with_reports: int
    last_received: datetime | None

    @classmethod
    def of(cls, rows: list[AgencyCount]) -> Dashboard:
        received = [as_utc(r.last_received) for r in rows if r.last_received is not None]
        return cls(
            rows=rows,
            total_reports=sum(r.reports for r in rows),
            agencies_with_reports=sum(1 for r in rows if r.reports),
            last_received=max(received, default=None),
        )


@router.get("/", name="home", response_class=HTMLResponse)
def home(request: Request, user: CurrentUser) -> HTMLResponse:
    if user is None:
        return front_page(request)  # the public's front page: the lookup box
    with web_state(request).engine.connect() as conn:
        viewer = resolve_viewer(conn, agency=user.agency, role=user.role, user_id=user.id)
        rows = report_counts_by_agency(conn, viewer)
    return render(
        request,
        "dashboard.html",
        user=user,
        dashboard=Dashboard.of(rows),
        q="",
        country="",
        **lookup_context(request),
    )
