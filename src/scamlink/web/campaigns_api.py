"""JSON routes for campaigns and indicators (`/api/v1/campaigns…`, `/api/v1/indicators/…`,
`/api/v1/search`): the same figures as the pages, for signed-in sessions and API keys with the
`read` scope. A merged campaign's id answers 308 to the surviving one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel

from scamlink.indicators.types import Indicator, IndicatorType
from scamlink.indicators.warninglists import warninglist_hit
from scamlink.linking.query import InvalidQuery
from scamlink.linking.reference_rates import RATES_DATE
from scamlink.linking.views import MAX_GRAPH_REPORTS, graph_json
from scamlink.store.campaign_views import (
    CampaignFilters,
    campaign_graph,
    indicator_detail,
    resolve_campaign,
)
from scamlink.web.api import API_V1
from scamlink.web.campaigns import (
    PAGE_SIZE,
    QUERY_TOO_LONG,
    SEARCH_EMPTY,
    campaign_page,
    load_campaign,
    moved_to,
    parse_sort,
    search_matches,
)
from scamlink.web.rendering import as_utc
from scamlink.web.scopes import ReadingViewer
from scamlink.web.state import web_state

router = APIRouter(tags=["campaigns"])

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    404: {"description": "No campaign or indicator the caller may see"},
}


class Count(BaseModel):
    value: str
    reports: int


class CampaignSummaryOut(BaseModel):
    id: int
    reports: int
    countries: list[str]
    scam_types: list[str]
    agencies: list[str]
    first_seen: datetime
    last_seen: datetime
    losses: dict[str, str]  # currency → exact decimal amount
    loss_usd_approx: int


class CampaignListOut(BaseModel):
    campaigns: list[CampaignSummaryOut]
    next: str | None  # pass as `after` for the next page
    usd_rates_date: str


class CampaignReportOut(BaseModel):
    id: int
    agency: str
    external_id: str
    received_at: datetime
    victim_country: str
    language: str
    scam_type: str
    loss_amount: str | None
    loss_currency: str | None
    tlp: str


class CampaignIndicatorOut(BaseModel):
    id: int
    type: str
    value: str
    display: str
    reports: int
    roles: list[str]
    hub: bool


class CampaignOut(BaseModel):
    id: int
    reports: int
    first_seen: datetime
    last_seen: datetime
    countries: list[Count]
    agencies: list[Count]
    languages: list[Count]
    scam_types: list[Count]
    losses: dict[str, str]
    loss_usd_approx: int
    usd_rates_date: str
    hidden_reports: dict[str, int]  # owner agencies that disclose how many you cannot see
    indicators: list[CampaignIndicatorOut]
    indicators_total: int
    report_page: list[CampaignReportOut]
    next: str | None  # `after` for the next page of reports


class IndicatorCampaignOut(BaseModel):
    id: int
    reports: int


class IndicatorOut(BaseModel):
    id: int
    type: str
    value: str
    display: str
    reports: int
    agencies: list[Count]
    first_seen: datetime
    last_seen: datetime
    roles: list[Count]
    campaigns: list[IndicatorCampaignOut]
    hub: bool
    warninglist: str | None


class SearchMatchOut(BaseModel):
    id: int
    type: str
    value: str
    display: str
    reports: int
    agencies: int
    first_seen: datetime


class SearchOut(BaseModel):
    query: str
    matches: list[SearchMatchOut]


def _counts(pairs: list[tuple[str, int]]) -> list[Count]:
    return [Count(value=value, reports=n) for value, n in pairs]


@router.get(f"{API_V1}/campaigns", name="api_campaigns", responses=NOT_FOUND)
def campaigns(
    request: Request,
    viewer: ReadingViewer,
    sort: str = "size",
    country: Annotated[str, Query(max_length=2)] = "",
    scam_type: Annotated[str, Query(max_length=32)] = "",
    agency: Annotated[str, Query(max_length=16)] = "",
    after: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = PAGE_SIZE,
) -> CampaignListOut:
    """Campaigns with at least one report the caller may see, every figure computed over
    those reports; sort by `size`, `loss` (USD at the reference rates), `recent`, `countries`."""
    filters = CampaignFilters(country or None, scam_type or None, agency or None)
    with web_state(request).engine.connect() as conn:
        page = campaign_page(
            conn, viewer, sort=parse_sort(sort), filters=filters, after=after, limit=limit
        )
    return CampaignListOut(
        campaigns=[
            CampaignSummaryOut(
                id=c.id,
                reports=c.reports,
                countries=c.country_codes,
                scam_types=c.scam_types,
                agencies=c.agencies,
                first_seen=as_utc(c.first_seen),
                last_seen=as_utc(c.last_seen),
                losses={k: str(v) for k, v in c.losses.items()},
                loss_usd_approx=c.loss_usd,
            )
            for c in page.items
        ],
        next=page.after,
        usd_rates_date=RATES_DATE,
    )


@router.get(
    f"{API_V1}/campaigns/{{campaign_id}}",
    name="api_campaign",
    response_model=CampaignOut,
    responses=NOT_FOUND,
)
def campaign(
    request: Request,
    campaign_id: int,
    viewer: ReadingViewer,
    after: Annotated[str | None, Query(max_length=200)] = None,
) -> CampaignOut | RedirectResponse:
    """One campaign over the caller's visible reports: figures, indicators, a page of reports."""
    with web_state(request).engine.connect() as conn:
        loaded = load_campaign(conn, viewer, campaign_id, after)
    if isinstance(loaded, int):
        return moved_to(request, "api_campaign", loaded)
    detail, page, found = loaded.detail, loaded.reports, loaded.indicators
    return CampaignOut(
        id=detail.id,
        reports=detail.reports,
        first_seen=as_utc(detail.first_seen),
        last_seen=as_utc(detail.last_seen),
        countries=_counts(detail.countries),
        agencies=_counts(detail.agencies),
        languages=_counts(detail.languages),
        scam_types=_counts(detail.scam_types),
        losses={k: str(v) for k, v in detail.losses.items()},
        loss_usd_approx=detail.loss_usd,
        usd_rates_date=RATES_DATE,
        hidden_reports=detail.hidden,
        indicators=[
            CampaignIndicatorOut(
                id=x.id,
                type=x.type,
                value=x.value,
                display=x.display,
                reports=x.reports,
                roles=x.roles,
                hub=x.hub,
            )
            for x in found.items
        ],
        indicators_total=found.total,
        report_page=[
            CampaignReportOut(
                id=x.id,
                agency=x.agency,
                external_id=x.external_id,
                received_at=as_utc(x.received_at),
                victim_country=x.victim_country,
                language=x.language,
                scam_type=x.scam_type,
                loss_amount=None if x.loss_amount is None else str(x.loss_amount),
                loss_currency=x.loss_currency,
                tlp=x.tlp.value,
            )
            for x in page.items
        ],
        next=page.after,
    )


@router.get(
    f"{API_V1}/campaigns/{{campaign_id}}/graph", name="api_campaign_graph", responses=NOT_FOUND
)
def graph(request: Request, campaign_id: int, viewer: ReadingViewer) -> Response:
    """The campaign's newest visible reports and their indicators as Cytoscape.js elements,
    with `shown_reports` of `total_reports` (the graph is cut when large)."""
    with web_state(request).engine.connect() as conn:
        surviving = resolve_campaign(conn, campaign_id)
        if surviving is None:
            raise HTTPException(status_code=404)
        data = campaign_graph(conn, viewer, surviving, max_reports=MAX_GRAPH_REPORTS)
    if not data.reports:
        raise HTTPException(status_code=404)
    if surviving != campaign_id:
        return moved_to(request, "api_campaign_graph", surviving)
    return JSONResponse(
        graph_json(
            data,
            report_href=lambda report_id: request.url_for("report_page", report_id=report_id).path,
            indicator_href=lambda indicator_id: (
                request.url_for("indicator", indicator_id=indicator_id).path
            ),
        )
    )


@router.get(f"{API_V1}/indicators/{{indicator_id}}", name="api_indicator", responses=NOT_FOUND)
def indicator(request: Request, indicator_id: int, viewer: ReadingViewer) -> IndicatorOut:
    """What the caller's visible reports say of one indicator, and whether a warninglist holds
    it; 404 when none of them carries it."""
    with web_state(request).engine.connect() as conn:
        detail = indicator_detail(conn, viewer, indicator_id)
    if detail is None:
        raise HTTPException(status_code=404)
    listed = warninglist_hit(Indicator(IndicatorType(detail.type), detail.value, detail.display))
    return IndicatorOut(
        id=detail.id,
        type=detail.type,
        value=detail.value,
        display=detail.display,
        reports=detail.reports,
        agencies=_counts(detail.agencies),
        first_seen=as_utc(detail.first_seen),
        last_seen=as_utc(detail.last_seen),
        roles=_counts(detail.roles),
        campaigns=[IndicatorCampaignOut(id=c.id, reports=c.reports) for c in detail.campaigns],
        hub=detail.hub,
        warninglist=listed,
    )


@router.get(f"{API_V1}/search", name="api_search", responses=NOT_FOUND)
def search(
    request: Request, viewer: ReadingViewer, q: Annotated[str, Query(min_length=1, max_length=4096)]
) -> SearchOut:
    """The stored indicators a pasted value can be read as (any format: defanged links, local
    phone numbers, bank names with account numbers, handles with or without their platform)
    that at least one of the caller's visible reports carries."""
    if not q.strip():
        raise HTTPException(status_code=400, detail=SEARCH_EMPTY)
    with web_state(request).engine.connect() as conn:
        try:
            _, matches = search_matches(conn, viewer, q)
        except InvalidQuery:
            raise HTTPException(status_code=400, detail=QUERY_TOO_LONG) from None
    return SearchOut(
        query=q,
        matches=[
            SearchMatchOut(
                id=m.id,
                type=m.type,
                value=m.value,
                display=m.display,
                reports=m.reports,
                agencies=m.agencies,
                first_seen=as_utc(m.first_seen),
            )
            for m in matches
        ],
    )
