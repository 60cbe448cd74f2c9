"""HTML routes for one report and for an agency's review queue.

`/reports/{id}` shows what the signed-in viewer may see of a report (the sharing policy in
`store.report_views`, exactly as on the campaign pages and in the API: hidden and absent are
the same 404): its marking, facts, narrative, indicators (each linking to its page), campaign,
attachments (downloaded through the same policy), source, review status and language. The
officers of the owning agency verify or reject it and correct its language with forms posting
to the routes below, which call the same domain functions as the JSON API
(`reports.review`). `/reports/review` lists the agency's unverified public and partner reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, timedelta
from decimal import Decimal
from typing import Annotated
from urllib.parse import quote, urlencode

from babel import Locale
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool

from scamlink.reports.language import SUPPORTED
from scamlink.reports.review import correct_language as correct_report_language
from scamlink.reports.review import (
    language_code,
    may_review,
    reviewable_status,
)
from scamlink.reports.review import review as review_report
from scamlink.sharing.roles import Role, Viewer
from scamlink.store.attachments import BlobStore
from scamlink.store.campaign_views import BadCursor
from scamlink.store.intake import ReportHead, visible_report
from scamlink.store.markings import resolve_viewer
from scamlink.store.report_views import (
    WAITING_CAP,
    QueuePage,
    ReportView,
    report_view,
    review_queue,
    visible_attachment,
)
from scamlink.store.users import UserRecord
from scamlink.web.auth import SIGN_IN_REQUIRED, CurrentUser
from scamlink.web.campaigns import BAD_CURSOR, Labels
from scamlink.web.i18n import N_, request_locale, translations
from scamlink.web.intake import NOT_OWNER
from scamlink.web.rendering import render
from scamlink.web.state import web_state

router = APIRouter(include_in_schema=False)

QUEUE_PAGE_SIZE = 25
HTMX_HEADER = "hx-request"
_SHA256 = re.compile(r"[0-9a-f]{64}")

REVIEW_LABELS: dict[str, str] = {
    "unverified": N_("Not checked yet"),
    "verified": N_("Verified"),
    "rejected": N_("Rejected"),
}
SOURCE_LABELS: dict[str, str] = {
    "police": N_("Police"),
    "partner": N_("Partner (bank, telco or exchange)"),
    "public": N_("The public"),
}
BAD_STATUS = N_("Choose “Verify” or “Reject”.")
BAD_LANGUAGE = N_("Choose a language from the list.")
REVIEWERS_ONLY = N_(
    "Only officers (analysts, investigators and desk officers) review their agency's reports."
)


@dataclass(frozen=True, slots=True)
class PageLabels:
    """Translated labels for the report pages (scam types, roles and types from `Labels`)."""

    base: Labels

    def review(self, value: str) -> str:
        return self.base.gettext(REVIEW_LABELS.get(value, value))

    def source(self, value: str) -> str:
        return self.base.gettext(SOURCE_LABELS.get(value, value))

    def loss(self, amount: str, currency: str | None) -> str:
        return self.base.money(Decimal(amount).normalize(), currency or "")


def _labels(request: Request) -> PageLabels:
    locale = request_locale(request)
    return PageLabels(Labels(translations(locale).gettext, locale))


def _language_names(locale: str) -> list[tuple[str, str]]:
    names = Locale.parse(locale).languages
    return sorted(((code, str(names.get(code, code))) for code in SUPPORTED), key=lambda p: p[1])


def _signed_in(conn: Connection, user: UserRecord | None) -> tuple[UserRecord, Viewer]:
    if user is None:
        raise HTTPException(status_code=401, detail=SIGN_IN_REQUIRED)
    return user, resolve_viewer(conn, agency=user.agency, role=user.role, user_id=user.id)


# --- the review queue ---------------------------------------------------------------------------


@router.get("/reports/review", name="review_queue", response_class=HTMLResponse)
def review_queue_page(
    request: Request,
    user: CurrentUser,
    after: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    """The viewer's agency's unverified public reports, then partner reports, newest first."""
    with web_state(request).engine.connect() as conn:
        user, viewer = _signed_in(conn, user)
        if viewer.agency is None or not may_review(viewer, viewer.agency):
            raise HTTPException(status_code=403, detail=REVIEWERS_ONLY)
        try:
            page = review_queue(conn, viewer, limit=QUEUE_PAGE_SIZE, after=after)
        except BadCursor:
            raise HTTPException(status_code=400, detail=BAD_CURSOR) from None
    return _queue(request, user, page)


def _queue(request: Request, user: UserRecord, page: QueuePage) -> HTMLResponse:
    return render(
        request,
        "review_queue.html",
        user=user,
        page=page,
        cap=WAITING_CAP,
        labels=_labels(request),
    )


# --- one report ---------------------------------------------------------------------------------


@router.get("/reports/{report_id:int}", name="report_page", response_class=HTMLResponse)
def report_page(request: Request, report_id: int, user: CurrentUser) -> HTMLResponse:
    with web_state(request).engine.connect() as conn:
        user, viewer = _signed_in(conn, user)
        view = report_view(conn, viewer, report_id)
    if view is None:
        raise HTTPException(status_code=404)
    return _report(request, user, viewer, view)


def _report(
    request: Request,
    user: UserRecord,
    viewer: Viewer,
    view: ReportView,
    *,
    problems: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    locale = request_locale(request)
    languages = _language_names(locale)
    names = Locale.parse(locale).languages
    return render(
        request,
        "report.html",
        user=user,
        view=view,
        report=view.head,
        labels=_labels(request),
        may_review=may_review(viewer, view.head.agency),
        narrative_languages=languages,
        language_name=str(names.get(view.head.language, view.head.language)),
        problems=problems or {},
        trace_links=_trace_links(request, user, view),
        status_code=status_code,
    )


_TRACEABLE = frozenset({"tron", "eth", "btc"})  # indicator types that are trace chains


def _trace_links(request: Request, user: UserRecord, view: ReportView) -> dict[int, str]:
    """Indicator id → the trace page with the wallet as its starting point, named by the report
    and limited to its receipts from the day before the incident (or a week before the report)
    until the report arrived. Staff only, as the trace page."""
    if user.role is Role.PARTNER:
        return {}
    head = view.head
    start = view.incident_date or (head.received_at - timedelta(days=7)).date()
    received = head.received_at
    received = received if received.tzinfo is None else received.astimezone(UTC)
    window = {
        "since": (start - timedelta(days=1)).isoformat(),
        "until": (received + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M"),
    }
    base = request.url_for("trace_page").path
    return {
        x.indicator_id: base
        + "?"
        + urlencode(
            {"chain": x.type, "seeds": f"{x.value} {head.agency}:{head.external_id}", **window}
        )
        for x in view.sightings
        if x.type in _TRACEABLE
    }


def _changeable(conn: Connection, viewer: Viewer, report_id: int) -> ReportHead:
    """As the API: 404 when unseen, 403 when seen but not the viewer's to change."""
    head = visible_report(conn, viewer, report_id)
    if head is None:
        raise HTTPException(status_code=404)
    if not may_review(viewer, head.agency):
        raise HTTPException(status_code=403, detail=NOT_OWNER)
    return head


def _back(request: Request, report_id: int, target: object) -> RedirectResponse:
    if target == "queue":
        return RedirectResponse(request.url_for("review_queue").path, status_code=303)
    path = request.url_for("report_page", report_id=report_id).path
    return RedirectResponse(path, status_code=303)


@router.post("/reports/{report_id:int}/review", name="report_review", response_class=HTMLResponse)
async def report_review(request: Request, report_id: int, user: CurrentUser) -> Response:
    """Verify or reject (form field `status`, optional `note`); back to the page it came from,
    or, for HTMX, the queue's row with the new status."""
    form = await request.form()
    status, note, target = form.get("status"), form.get("note"), form.get("next")
    return await run_in_threadpool(_do_review, request, report_id, user, status, note, target)


def _do_review(
    request: Request,
    report_id: int,
    user: UserRecord | None,
    status_value: object,
    note: object,
    target: object,
) -> Response:
    engine = web_state(request).engine
    with engine.connect() as conn:
        user, viewer = _signed_in(conn, user)
        head = _changeable(conn, viewer, report_id)
    status = reviewable_status(status_value)
    if status is None:
        return _refused(request, user, viewer, report_id, "review", BAD_STATUS)
    review_report(engine, viewer, head, status, note if isinstance(note, str) else None)
    if request.headers.get(HTMX_HEADER):
        return render(
            request,
            "review_queue_done.html",
            user=user,
            report_id=report_id,
            external_id=head.external_id,
            status=status.value,
            labels=_labels(request),
        )
    return _back(request, report_id, target)


@router.post(
    "/reports/{report_id:int}/language", name="report_language", response_class=HTMLResponse
)
async def report_language(request: Request, report_id: int, user: CurrentUser) -> Response:
    """Correct the narrative's language (form field `language`, an ISO 639 code)."""
    form = await request.form()
    value = form.get("language")
    return await run_in_threadpool(_do_language, request, report_id, user, value)


def _do_language(
    request: Request, report_id: int, user: UserRecord | None, value: object
) -> Response:
    engine = web_state(request).engine
    with engine.connect() as conn:
        user, viewer = _signed_in(conn, user)
        head = _changeable(conn, viewer, report_id)
    code = language_code(value)
    if code is None:
        return _refused(request, user, viewer, report_id, "language", BAD_LANGUAGE)
    correct_report_language(engine, viewer, head, code)
    return _back(request, report_id, None)


def _refused(
    request: Request, user: UserRecord, viewer: Viewer, report_id: int, form: str, message: str
) -> HTMLResponse:
    with web_state(request).engine.connect() as conn:
        view = report_view(conn, viewer, report_id)
    if view is None:  # changed hands between the two reads
        raise HTTPException(status_code=404)
    text = translations(request_locale(request)).gettext(message)
    return _report(request, user, viewer, view, problems={form: text}, status_code=400)


# --- attachments --------------------------------------------------------------------------------


@router.get("/reports/{report_id:int}/attachments/{sha256}", name="report_attachment")
def report_attachment(
    request: Request, report_id: int, sha256: str, user: CurrentUser
) -> FileResponse:
    """A file of a report the viewer may see, as a download (never shown inline)."""
    if not _SHA256.fullmatch(sha256):
        raise HTTPException(status_code=404)
    state = web_state(request)
    with state.engine.connect() as conn:
        _, viewer = _signed_in(conn, user)
        row = visible_attachment(conn, viewer, report_id, sha256)
    path = BlobStore(state.settings.attachments_dir).path_of(sha256)
    if row is None or not path.is_file():
        raise HTTPException(status_code=404)
    ascii_name = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in row.filename
    )
    return FileResponse(
        path,
        media_type=row.media_type,
        headers={
            "Content-Disposition": (
                f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(row.filename)}"
            ),
        },
    )
