"""The lookup page: one box, a clear verdict in the reader's language, a "report it" link.

It is the front page for the public (`/`, served by `pages.home`) and `/lookup` for everyone,
answering a GET form so that the public's page sets no cookie. Signed-in users get the same box
on their dashboard, and with the answer the facts their role and the markings allow. The
browser-side private check (`lookup_private.html`) plugs into the page where it is included.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from scamlink.lookup.query import InvalidQuery
from scamlink.lookup.service import Answer
from scamlink.sharing.roles import PUBLIC
from scamlink.store.markings import resolve_viewer
from scamlink.store.users import UserRecord
from scamlink.web.auth import CurrentUser
from scamlink.web.campaigns import Labels, viewer_country
from scamlink.web.i18n import N_, request_locale, translations
from scamlink.web.lookup_api import lookup_service
from scamlink.web.ratelimit import log_lookup, rate_limit
from scamlink.web.rendering import render
from scamlink.web.state import web_state

router = APIRouter(include_in_schema=False)
MAX_SHOWN_QUERY = 2048
# Countries offered for numbers written without their country code: Korea and ASEAN.
COUNTRIES = ("KR", "BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN")


LINE_TYPES = {
    "mobile": N_("mobile"),
    "fixed_line": N_("landline"),
    "fixed_line_or_mobile": N_("landline or mobile"),
    "voip": N_("internet telephony (VoIP)"),
    "toll_free": N_("toll-free"),
    "premium_rate": N_("premium rate"),
    "shared_cost": N_("shared cost"),
    "personal_number": N_("personal number"),
    "pager": N_("pager"),
    "uan": N_("company number"),
    "voicemail": N_("voicemail"),
    "unknown": N_("unknown"),
}
PARTS = {
    "domain": N_("the link's domain"),
    "registered_domain": N_("the link's registered domain"),
    "platform": N_("the same name on another messaging app"),
    "host": N_("the link's host"),
}


@dataclass(frozen=True, slots=True)
class LookupLabels:
    """Translated line types and related parts for one request."""

    gettext: Callable[[str], str]

    def line_type(self, value: str) -> str:
        found = LINE_TYPES.get(value)
        return value if found is None else self.gettext(found)

    def part(self, value: str) -> str:
        found = PARTS.get(value)
        return value if found is None else self.gettext(found)


def lookup_context(request: Request) -> dict[str, Any]:
    """What every page with the lookup box needs."""
    locale = request_locale(request)
    settings = web_state(request).settings
    return {
        "labels": Labels(translations(locale).gettext, locale),
        "lookup_labels": LookupLabels(translations(locale).gettext),
        "countries": COUNTRIES,
        "embargo_hours": int(settings.lookup_embargo_hours),
    }


def front_page(request: Request) -> HTMLResponse:
    """The public's front page: the empty box."""
    return render(
        request,
        "lookup.html",
        q="",
        country="",
        answer=None,
        problem=None,
        **lookup_context(request),
    )


@router.get(
    "/lookup",
    name="lookup",
    response_class=HTMLResponse,
    dependencies=[Depends(rate_limit("lookup"))],
)
def lookup_page(
    request: Request, user: CurrentUser, q: str = "", country: str = ""
) -> HTMLResponse:
    answer: Answer | None = None
    problem: str | None = None
    code = country.upper() if len(country) == 2 and country.isalpha() else ""
    status = 200
    if q:
        try:
            answer = _answer(request, user, q, code)
            log_lookup(request, "public", answer.canonical, answer.verdict.value)
        except InvalidQuery as e:
            problem, status = str(e), 400
    shown = q if len(q) <= MAX_SHOWN_QUERY else q[:MAX_SHOWN_QUERY]
    return render(
        request,
        "lookup.html",
        user=user,
        status_code=status,
        q=shown,
        country=code,
        answer=answer,
        problem=problem,
        **lookup_context(request),
    )


def _answer(request: Request, user: UserRecord | None, q: str, country: str) -> Answer:
    service = lookup_service(request)
    if user is None:
        return service.lookup(q, PUBLIC, country or None)
    with web_state(request).engine.connect() as conn:
        viewer = resolve_viewer(conn, agency=user.agency, role=user.role, user_id=user.id)
        country = country or viewer_country(conn, viewer)
    return service.lookup(q, viewer, country)
