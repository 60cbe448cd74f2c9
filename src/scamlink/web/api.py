"""JSON routes: `/healthz` and `/api/v1/…`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError

from scamlink.store.agencies import list_agencies
from scamlink.store.migrate import current_revision
from scamlink.store.stats import report_counts_by_agency
from scamlink.web.rendering import as_utc
from scamlink.web.scopes import ReadingViewer
from scamlink.web.state import web_state

API_V1 = "/api/v1"

router = APIRouter()


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


class Health(BaseModel):
    status: str
    database: str


class AgencyOut(BaseModel):
    code: str
    name: str
    country: str
    languages: list[str]


class AgencyList(BaseModel):
    agencies: list[AgencyOut]


class AgencyReportCount(BaseModel):
    code: str
    name: str
    country: str
    reports: int
    last_received: datetime | None
    # Present only where the owning agency discloses how many of its reports the caller
    # cannot see (the number only, never their content).
    hidden_reports: int | None = Field(default=None, exclude_if=lambda value: value is None)


class AgencyStats(BaseModel):
    agencies: list[AgencyReportCount]
    total_reports: int


UNAUTHENTICATED: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Not signed in"}
}


@router.get(
    "/healthz",
    tags=["service"],
    response_model=Health,
    responses={503: {"model": Health, "description": "The database cannot be used"}},
)
def healthz(request: Request) -> JSONResponse:
    """The service and its database answer; 503 when the database fails or is not migrated."""
    state = web_state(request)
    try:
        with state.engine.connect() as conn:
            revision = current_revision(conn)
    except SQLAlchemyError:
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
    if revision != state.schema_revision:
        return JSONResponse({"status": "unavailable", "database": "schema not current"}, 503)
    return JSONResponse({"status": "ok", "database": "ok"})


@router.get(f"{API_V1}/agencies", tags=["reference"])
def agencies(request: Request) -> AgencyList:
    """The member agencies (public reference data)."""
    with web_state(request).engine.connect() as conn:
        rows = list_agencies(conn)
    return AgencyList(
        agencies=[
            AgencyOut(code=a.code, name=a.name, country=a.country, languages=list(a.languages))
            for a in rows
        ]
    )


@router.get(f"{API_V1}/stats/agencies", tags=["statistics"], responses=UNAUTHENTICATED)
def agency_stats(request: Request, viewer: ReadingViewer) -> AgencyStats:
    """Per agency, the number of its reports the caller may see under the sharing policy, and
    `hidden_reports` (how many they may not) where that agency discloses it."""
    with web_state(request).engine.connect() as conn:
        counts = report_counts_by_agency(conn, viewer)
    return AgencyStats(
        agencies=[
            AgencyReportCount(
                code=c.code,
                name=c.name,
                country=c.country,
                reports=c.reports,
                last_received=None if c.last_received is None else as_utc(c.last_received),
                hidden_reports=c.hidden,
            )
            for c in counts
        ],
        total_reports=sum(c.reports for c in counts),
    )
