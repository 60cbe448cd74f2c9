"""HTML pages for campaigns and indicators: the list, a campaign with its graph, an indicator,
and search by any indicator in any format. Their JSON twins are in `campaigns_api.py`.

Every figure comes from `store.campaign_views`, which computes it over the reports the signed-in
viewer may see; a campaign or indicator none of whose reports is visible is a 404, the same as
one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from babel.numbers import format_decimal
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection

from scamlink.indicators.types import Indicator, IndicatorType
from scamlink.indicators.warninglists import warninglist_hit
from scamlink.linking.query import InvalidQuery, candidates
from scamlink.linking.reference_rates import RATES_DATE, usd_per_unit
from scamlink.linking.rules import current_policy
from scamlink.reports.model import ScamType
from scamlink.sharing.agencies import REFERENCE_AGENCIES
from scamlink.sharing.roles import Viewer
from scamlink.store.agencies import get_agency
from scamlink.store.campaign_views import (
    CAMPAIGN_SORTS,
    BadCursor,
    CampaignDetail,
    CampaignFilters,
    CampaignIndicators,
    CampaignPage,
    CampaignReportPage,
    CampaignSort,
    IndicatorMatch,
    campaign_detail,
    campaign_indicators,
    campaign_reports,
    find_indicators,
    indicator_detail,
    list_campaigns,
    resolve_campaign,
)
from scamlink.store.markings import resolve_viewer
from scamlink.store.users import UserRecord
from scamlink.web.auth import SIGN_IN_REQUIRED, CurrentUser
from scamlink.web.i18n import N_, request_locale, translations
from scamlink.web.labels import INDICATOR_TYPE_LABELS, SCAM_TYPE_LABELS, SIGHTING_ROLE_LABELS
from scamlink.web.rendering import render
from scamlink.web.state import web_state

PAGE_SIZE = 25
REPORTS_SHOWN = 50
INDICATORS_SHOWN = 100

SORT_LABELS: dict[str, str] = {
    "size": N_("Most reports"),
    "loss": N_("Largest loss (USD, reference rates)"),
    "recent": N_("Most recent report"),
    "countries": N_("Most countries"),
}
BAD_SORT = N_("Unknown sort order.")
BAD_CURSOR = N_("This page position is not valid; start again from the first page.")
QUERY_TOO_LONG = N_("The search text is too long.")
SEARCH_EMPTY = N_(
    "Type a phone number, link, e-mail, wallet, bank account or handle to search for."
)

router = APIRouter(include_in_schema=False)


# --- shared with the JSON routes ---------------------------------------------------------------


def usd_rates() -> dict[str, Decimal]:
    return usd_per_unit()


def viewer_country(conn: Connection, viewer: Viewer) -> str:
    """The viewer's agency's country: it completes numbers searched without a country code."""
    agency = get_agency(conn, viewer.agency) if viewer.agency else None
    return agency.country if agency is not None else "KR"


def parse_sort(sort: str) -> CampaignSort:
    for known in CAMPAIGN_SORTS:
        if sort == known:
            return known
    raise HTTPException(status_code=400, detail=BAD_SORT)


def campaign_page(
    conn: Connection,
    viewer: Viewer,
    *,
    sort: CampaignSort,
    filters: CampaignFilters,
    after: str | None,
    limit: int = PAGE_SIZE,
) -> CampaignPage:
    try:
        return list_campaigns(
            conn,
            viewer,
            usd_per_unit=usd_rates(),
            sort=sort,
            filters=filters,
            limit=limit,
            after=after,
        )
    except BadCursor:
        raise HTTPException(status_code=400, detail=BAD_CURSOR) from None


def search_matches(
    conn: Connection, viewer: Viewer, q: str
) -> tuple[list[Indicator], list[IndicatorMatch]]:
    """What `q` can be read as, and the stored indicators among those readings that the
    viewer's reports carry. Raises InvalidQuery for empty or oversized text."""
    found = candidates(q, viewer_country(conn, viewer))
    return found, find_indicators(conn, viewer, [(x.type.value, x.value) for x in found])


def moved_to(request: Request, route: str, surviving: int) -> RedirectResponse:
    """308 to the same page of the campaign that absorbed the requested one (a merged
    campaign's id redirects for good, so analysts' references never dangle)."""
    target = request.url_for(route, campaign_id=surviving).path
    query = request.url.query
    return RedirectResponse(f"{target}?{query}" if query else target, status_code=308)


@dataclass(frozen=True, slots=True)
class CampaignView:
    detail: CampaignDetail
    reports: CampaignReportPage
    indicators: CampaignIndicators


def load_campaign(
    conn: Connection, viewer: Viewer, campaign_id: int, after: str | None
) -> CampaignView | int:
    """What the viewer sees of a campaign (its page and its JSON twin), or the id of the
    campaign that absorbed it, for the caller to redirect to. Nothing visible is a 404, exactly
    like an unknown id; a bad page position is a 400."""
    surviving = resolve_campaign(conn, campaign_id)
    detail = (
        None
        if surviving is None
        else campaign_detail(conn, viewer, surviving, usd_per_unit=usd_rates())
    )
    if surviving is None or detail is None:
        raise HTTPException(status_code=404)
    if surviving != campaign_id:
        return surviving
    try:
        reports = campaign_reports(conn, viewer, campaign_id, limit=REPORTS_SHOWN, after=after)
    except BadCursor:
        raise HTTPException(status_code=400, detail=BAD_CURSOR) from None
    found = campaign_indicators(conn, viewer, campaign_id, limit=INDICATORS_SHOWN)
    return CampaignView(detail, reports, found)


# --- helpers for templates ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Labels:
    """Translated names of scam types, sighting roles and indicator types for one request."""

    gettext: Callable[[str], str]
    locale: str

    def scam_type(self, value: str) -> str:
        return self._of(SCAM_TYPE_LABELS, value)

    def role(self, value: str) -> str:
        return self._of(SIGHTING_ROLE_LABELS, value)

    def indicator_type(self, value: str) -> str:
        return self._of(INDICATOR_TYPE_LABELS, value)

    def sort(self, value: str) -> str:
        return self._of(SORT_LABELS, value)

    def money(self, amount: Decimal | int, currency: str) -> str:
        return (
            f"{format_decimal(amount, locale=self.locale, decimal_quantization=False)} {currency}"
        )

    def _of(self, table: dict[str, str], value: str) -> str:
        found = table.get(value)
        return value if found is None else self.gettext(found)


def _labels(request: Request) -> Labels:
    locale = request_locale(request)
    return Labels(translations(locale).gettext, locale)


def _signed_in(conn: Connection, user: UserRecord | None) -> tuple[UserRecord, Viewer]:
    if user is None:
        raise HTTPException(status_code=401, detail=SIGN_IN_REQUIRED)
    return user, resolve_viewer(conn, agency=user.agency, role=user.role, user_id=user.id)


def _choices() -> dict[str, Any]:
    return {
        "sorts": CAMPAIGN_SORTS,
        "scam_types": [t.value for t in ScamType],
        "agency_codes": [a.code for a in REFERENCE_AGENCIES],
        "rates_date": RATES_DATE,
    }


# --- pages --------------------------------------------------------------------------------------


@router.get("/campaigns", name="campaigns", response_class=HTMLResponse)
def campaigns_page(
    request: Request,
    user: CurrentUser,
    sort: str = "size",
    country: Annotated[str, Query(max_length=2)] = "",
    scam_type: Annotated[str, Query(max_length=32)] = "",
    agency: Annotated[str, Query(max_length=16)] = "",
    after: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    chosen = parse_sort(sort)
    filters = CampaignFilters(country or None, scam_type or None, agency or None)
    with web_state(request).engine.connect() as conn:
        user, viewer = _signed_in(conn, user)
        page = campaign_page(conn, viewer, sort=chosen, filters=filters, after=after)
    values: dict[str, Any] = {
        "page": page,
        "sort": chosen,
        "filters": filters,
        "labels": _labels(request),
        "query": {"sort": chosen, "country": country, "scam_type": scam_type, "agency": agency},
        **_choices(),
    }
    # htmx asks for the next rows only.
    template = "campaign_rows.html" if request.headers.get("HX-Request") else "campaigns.html"
    return render(request, template, user=user, **values)


@router.get("/campaigns/{campaign_id}", name="campaign", response_class=HTMLResponse)
def campaign(
    request: Request,
    campaign_id: int,
    user: CurrentUser,
    after: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    with web_state(request).engine.connect() as conn:
        user, viewer = _signed_in(conn, user)
        loaded = load_campaign(conn, viewer, campaign_id, after)
    if isinstance(loaded, int):
        return moved_to(request, "campaign", loaded)
    detail, reports, found = loaded.detail, loaded.reports, loaded.indicators
    locale = request_locale(request)
    return render(
        request,
        "campaign.html",
        user=user,
        campaign=detail,
        reports=reports,
        indicators=found,
        labels=_labels(request),
        hub_rule=current_policy().describe().get(locale, ""),
        rates_date=RATES_DATE,
    )


@router.get("/indicators/{indicator_id}", name="indicator", response_class=HTMLResponse)
def indicator(request: Request, indicator_id: int, user: CurrentUser) -> HTMLResponse:
    with web_state(request).engine.connect() as conn:
        user, viewer = _signed_in(conn, user)
        detail = indicator_detail(conn, viewer, indicator_id)
    if detail is None:
        raise HTTPException(status_code=404)
    listed = warninglist_hit(Indicator(IndicatorType(detail.type), detail.value, detail.display))
    return render(
        request,
        "indicator.html",
        user=user,
        indicator=detail,
        warninglist=listed,
        labels=_labels(request),
        hub_rule=current_policy().describe().get(request_locale(request), ""),
    )


@router.get("/search", name="search", response_class=HTMLResponse)
def search(
    request: Request,
    user: CurrentUser,
    q: Annotated[str, Query(max_length=4096)] = "",
) -> HTMLResponse:
    problem: str | None = None
    matches: list[IndicatorMatch] = []
    read_as: list[Indicator] = []
    with web_state(request).engine.connect() as conn:
        user, viewer = _signed_in(conn, user)
        if q.strip():
            try:
                read_as, matches = search_matches(conn, viewer, q)
            except InvalidQuery:
                problem = translations(request_locale(request)).gettext(QUERY_TOO_LONG)
    return render(
        request,
        "search.html",
        user=user,
        q=q,
        matches=matches,
        read_as=read_as,
        problem=problem,
        labels=_labels(request),
        status_code=400 if problem else 200,
    )
