"""HTML routes of case evidence and the dossier: the case page's upload and hand-over forms
(plain multipart/urlencoded forms with the CSRF token, answered with a redirect back to the
case's evidence), a piece of evidence shown in the browser or downloaded, and the dossier PDF.

They call the same functions as the JSON API (`web/evidence_api.py`), so the same checks,
custody entries and audit entries apply; a refusal is an error page naming the field.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool

from scamlink.cases import dossier
from scamlink.cases import evidence as ev
from scamlink.cases.model import CaseError
from scamlink.interop.pdf import PdfError
from scamlink.sharing.roles import Role, Viewer
from scamlink.store.markings import resolve_viewer
from scamlink.store.users import UserRecord
from scamlink.web.auth import SIGN_IN_REQUIRED, CurrentUser
from scamlink.web.body_limits import body_limit
from scamlink.web.cases_api import PARTNERS_REFUSED, now_of
from scamlink.web.evidence_api import evidence_file, store_upload, upload_limit_mb
from scamlink.web.i18n import N_, request_locale, translations
from scamlink.web.state import web_state

router = APIRouter(include_in_schema=False)

# The dossier's labels (cases/templates/dossier.html, rendered with the reader's catalog), marked
# here so that `pybabel extract` over web/ puts them in the catalogs.
DOSSIER_MESSAGES = (
    N_("Action"),
    N_("Added"),
    N_("Campaign"),
    N_("Case dossier"),
    N_("Chain of custody"),
    N_("Compound"),
    N_("Coordinates"),
    N_("Country"),
    N_("Evidence"),
    N_("File"),
    N_("From → to"),
    N_("Generated"),
    N_("How they were recruited"),
    N_("Indicator"),
    N_("Kind"),
    N_("Label"),
    N_("Last contact"),
    N_("Linked campaigns and reports"),
    N_("Linked indicators"),
    N_("Message"),
    N_("Nationality"),
    N_("No evidence you may see."),
    N_("No notes you may see."),
    N_("None linked."),
    N_("Not referred."),
    N_("Note"),
    N_("Notes"),
    N_("Opened"),
    N_("Owner"),
    N_("People"),
    N_("Personal data is never part of a dossier; the owning agency answers requests for it."),
    N_("Priority"),
    N_("Province"),
    N_("Reference"),
    N_("Referrals"),
    N_("Report"),
    N_("Role"),
    N_("Status"),
    N_("Summary"),
    N_("The details of this case were not referred to your agency."),
    N_("Timeline"),
    N_("To"),
    N_("Type and size"),
    N_("What to take down or freeze"),
    N_("When"),
    N_("Who"),
    N_("by"),
    N_("bytes"),
    N_("referral"),
    N_("user"),
    N_("what this agency may see of the case"),
)


def _viewer(conn: Connection, user: UserRecord | None) -> Viewer:
    if user is None:
        raise HTTPException(status_code=401, detail=SIGN_IN_REQUIRED)
    if user.role is Role.PARTNER:
        raise HTTPException(status_code=403, detail=PARTNERS_REFUSED)
    return resolve_viewer(conn, agency=user.agency, role=user.role, user_id=user.id)


def _staff_viewer(request: Request, user: UserRecord | None) -> Viewer:
    with web_state(request).engine.connect() as conn:
        return _viewer(conn, user)


def _refused(request: Request, error: CaseError) -> HTTPException:
    message = translations(request_locale(request)).gettext(error.message)
    detail = f"{error.field}: {message}" if error.field else message
    return HTTPException(status_code=error.status, detail=detail)


def _back(case_id: int) -> RedirectResponse:
    return RedirectResponse(f"/cases/{case_id}#evidence", status_code=303)


@router.post("/cases/{case_id:int}/evidence", name="case_evidence_upload")
@body_limit(upload_limit_mb)
async def upload_form(request: Request, user: CurrentUser, case_id: int) -> Response:
    """The case page's upload form (multipart: file, description, tlp)."""
    viewer = await run_in_threadpool(_staff_viewer, request, user)
    try:
        await store_upload(request, viewer, case_id)
    except CaseError as error:
        raise _refused(request, error) from None
    return _back(case_id)


@router.get("/cases/{case_id:int}/evidence/{evidence_id:int}", name="case_evidence")
def evidence_page(
    request: Request, user: CurrentUser, case_id: int, evidence_id: int, download: bool = False
) -> FileResponse:
    """A piece of evidence shown in the browser (`viewed`) or, with `?download=1`, downloaded
    (`downloaded`); either way checked against its SHA-256 first."""
    viewer = _staff_viewer(request, user)
    action = ev.Action.DOWNLOADED if download else ev.Action.VIEWED
    try:
        return evidence_file(request, viewer, case_id, evidence_id, action)
    except CaseError as error:
        raise _refused(request, error) from None


@router.post(
    "/cases/{case_id:int}/evidence/{evidence_id:int}/handover", name="case_evidence_handover"
)
async def handover_form(
    request: Request, user: CurrentUser, case_id: int, evidence_id: int
) -> Response:
    """The case page's hand-over form: a referral of the case, or an agency or person."""
    viewer = await run_in_threadpool(_staff_viewer, request, user)
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    await form.close()
    referral = fields.get("referral_id", "").strip()
    if referral and not referral.isdigit():
        raise _refused(request, CaseError("choose a referral of the case", "referral_id"))

    def act() -> None:
        with web_state(request).engine.begin() as conn:
            ev.hand_over(
                conn,
                viewer,
                case_id,
                evidence_id,
                referral_id=int(referral) if referral else None,
                to_agency=fields.get("to_agency") or None,
                to_person=fields.get("to_person") or None,
                note=fields.get("note", ""),
                now=now_of(request),
            )

    try:
        await run_in_threadpool(act)
    except CaseError as error:
        raise _refused(request, error) from None
    return _back(case_id)


def _pdf_name(case_id: int, now: datetime) -> str:
    return f"scamlink-case-{case_id}-{now.strftime('%Y%m%d-%H%M')}.pdf"


@router.get("/cases/{case_id:int}/dossier.pdf", name="case_dossier_pdf")
def dossier_pdf(request: Request, user: CurrentUser, case_id: int) -> Response:
    """The dossier as a PDF in the reader's language (the export is recorded and audited)."""
    viewer = _staff_viewer(request, user)
    now = now_of(request)
    locale = request_locale(request)
    # Read and typeset first (no lock held), then recorded in a short transaction: a PDF that
    # fails leaves no `exported` entry behind, and the PDF lists its own export.
    engine = web_state(request).engine
    try:
        with engine.connect() as conn:
            content = dossier.pending_export(conn, viewer, case_id, "pdf", now)
        pdf = dossier.dossier_pdf(content, translations(locale).gettext, locale)
        with engine.begin() as conn:
            dossier.record(conn, viewer, content, "pdf")
    except CaseError as error:
        raise _refused(request, error) from None
    except PdfError as error:
        raise HTTPException(status_code=500, detail=str(error)) from None
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{_pdf_name(case_id, now)}"'},
    )
