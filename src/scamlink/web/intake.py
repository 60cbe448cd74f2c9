"""JSON routes of one-by-one intake: reports in, attachments, an officer's review and language.

`POST /api/v1/reports` takes one report object or {"reports": [...]} (up to 1,000) from an API
key with the `report` scope or a signed-in session (with its CSRF token); the reporter's agency
owns the reports, and a partner's reports are marked as coming from a partner. The public has
no access here. A report the caller may not see is a 404 on every route that names one (as if
it did not exist); one they may see but not change is a 403. Problems come back as 422 with
`{"error": {…, "problems": [{"field", "reason"}, …]}}`, never as a 500.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from scamlink.reports import review as reviewing
from scamlink.reports.attachments import (
    DEFAULT_MAX_BYTES,
    Attached,
    AttachmentRefused,
    attach,
)
from scamlink.reports.intake import (
    LIST_FIELDS,
    MAX_BATCH,
    TEXT_FIELDS,
    IdempotencyConflict,
    Problem,
    Reporter,
    needs_directory,
    parse_batch,
    submit,
)
from scamlink.reports.model import ReportSource, ReviewStatus
from scamlink.reports.review import REVIEWABLE, language_code, may_review, reviewable_status
from scamlink.sharing.api_keys import Scope
from scamlink.sharing.roles import Role, Viewer
from scamlink.store.agencies import get_agency
from scamlink.store.attachments import BlobStore
from scamlink.store.intake import ReportHead, visible_report
from scamlink.store.markings import release_directory
from scamlink.web.body_limits import MIB, MULTIPART_OVERHEAD, body_limit, declared_over
from scamlink.web.errors import error_body, error_code
from scamlink.web.i18n import N_, request_locale, translations
from scamlink.web.scopes import require_scope
from scamlink.web.state import web_state

API_V1 = "/api/v1"
MAX_BODY = 64 * 1024 * 1024  # a full batch of long narratives fits well within it
IDEMPOTENCY_HEADER = "Idempotency-Key"
_KEY_SHAPE = re.compile(r"[\x21-\x7e]{1,255}")  # printable ASCII, as the header draft says

INVALID = N_("The request is not valid.")
NOT_OWNER = N_("Only the agency that owns this report may change it, through its officers.")
TOO_LARGE = N_("The request is too large.")

router = APIRouter(tags=["intake"])

ReportingViewer = Annotated[Viewer, Depends(require_scope(Scope.REPORT))]

RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in, or the API key was refused"},
    403: {"description": "Not allowed (API key scope, role or agency)"},
    404: {"description": "No such report, or one the caller may not see"},
    422: {"description": "Problems, each with its field and reason"},
}


def problems_response(request: Request, problems: list[Problem]) -> JSONResponse:
    message = translations(request_locale(request)).gettext(INVALID)
    body = error_body(error_code(422), message, problems=[p.as_json() for p in problems])
    return JSONResponse(body, status_code=422)


async def _json_body(request: Request) -> tuple[Any, bytes]:
    """The parsed JSON body and its bytes; ValueError with the place of a syntax error."""
    content_type = request.headers.get("content-type", "application/json")
    if content_type.split(";", 1)[0].strip().lower() != "application/json":
        # A form body may have been read already (for its CSRF token): say what is expected.
        raise ValueError(
            f"expected a JSON body (Content-Type: application/json), got {content_type!r}"
        )
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BODY:
        raise HTTPException(status_code=413, detail=TOO_LARGE)
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise HTTPException(status_code=413, detail=TOO_LARGE)
    try:
        return json.loads(raw), raw
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except UnicodeDecodeError:
        raise ValueError("not valid JSON: the body is not UTF-8") from None


def reporter_of(request: Request, viewer: Viewer) -> Reporter:
    assert viewer.agency is not None
    with web_state(request).engine.connect() as conn:
        agency = get_agency(conn, viewer.agency)
    if agency is None:  # an account's agency always exists (foreign key)
        raise HTTPException(status_code=403)
    partner = viewer.role is Role.PARTNER
    return Reporter(agency, ReportSource.PARTNER if partner else ReportSource.POLICE)


def _text_or_list(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}],
    }


_REPORT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["victim_country", "scam_type", "tlp"],
    "properties": {
        **{name: {"type": "string"} for name in TEXT_FIELDS},
        "loss_amount": {"oneOf": [{"type": "string"}, {"type": "number"}]},
        "received_at": {"type": "string", "format": "date-time", "description": "default: now"},
        "external_id": {"type": "string", "description": "generated when absent"},
        "language": {"type": "string", "description": "ISO 639; detected when absent"},
        "source": {"type": "string", "enum": [s.value for s in ReportSource]},
        **{name: _text_or_list("one value per item (or per line)") for name in LIST_FIELDS},
    },
    "additionalProperties": False,
}
_REPORTS_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        _REPORT_SCHEMA,
                        {
                            "type": "object",
                            "required": ["reports"],
                            "properties": {
                                "reports": {
                                    "type": "array",
                                    "items": _REPORT_SCHEMA,
                                    "maxItems": MAX_BATCH,
                                }
                            },
                        },
                    ]
                }
            }
        },
    }
}


@router.post(f"{API_V1}/reports", status_code=201, responses=RESPONSES, openapi_extra=_REPORTS_BODY)
async def post_reports(request: Request, viewer: ReportingViewer) -> JSONResponse:
    """Store one report or a batch; each comes back with its id, `stored` or `duplicate`, and
    the indicators found. With an `Idempotency-Key` header, a retry gets the same answer."""
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is not None and not _KEY_SHAPE.fullmatch(key):
        reason = "must be 1 to 255 printable ASCII characters"
        return problems_response(request, [Problem(IDEMPOTENCY_HEADER, reason)])
    try:
        body, raw = await _json_body(request)
    except ValueError as exc:
        return problems_response(request, [Problem("", str(exc))])
    return await run_in_threadpool(_store, request, viewer, body, raw, key)


def _store(
    request: Request, viewer: Viewer, body: Any, raw: bytes, key: str | None
) -> JSONResponse:
    """Parse and store in one trip to the thread pool (each trip costs latency)."""
    engine = web_state(request).engine
    reporter = reporter_of(request, viewer)
    directory = None
    if _names_people_or_groups(body):
        with engine.connect() as conn:
            directory = release_directory(conn)
    reports, problems = parse_batch(body, reporter, directory=directory)
    if problems:
        return problems_response(request, problems)
    try:
        outcome = submit(
            engine,
            reports,
            agency=reporter.agency.code,
            idempotency_key=key,
            request_sha256=hashlib.sha256(raw).hexdigest(),
        )
    except IdempotencyConflict as exc:
        return problems_response(request, [Problem(IDEMPOTENCY_HEADER, str(exc))])
    headers = {"Idempotent-Replayed": "true"} if outcome.replayed else None
    return JSONResponse(outcome.body, status_code=outcome.status_code, headers=headers)


def _names_people_or_groups(body: Any) -> bool:
    items = body.get("reports") if isinstance(body, dict) else None
    candidates = items if isinstance(items, list) else [body]
    return any(isinstance(item, dict) and needs_directory(item) for item in candidates)


def changeable_report(request: Request, viewer: Viewer, report_id: int) -> ReportHead:
    """The report an officer of its agency may change: 404 unseen, 403 seen but not theirs."""
    with web_state(request).engine.connect() as conn:
        head = visible_report(conn, viewer, report_id)
    if head is None:
        raise HTTPException(status_code=404)
    if not may_review(viewer, head.agency):
        raise HTTPException(status_code=403, detail=NOT_OWNER)
    return head


async def _object_body(request: Request) -> dict[str, Any]:
    try:
        body, _ = await _json_body(request)
    except ValueError as exc:
        raise _Invalid([Problem("", str(exc))]) from None
    if not isinstance(body, dict):
        raise _Invalid([Problem("", "must be a JSON object")])
    return body


class _Invalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems


@router.post(f"{API_V1}/reports/{{report_id}}/review", responses=RESPONSES)
async def review_report(request: Request, report_id: int, viewer: ReportingViewer) -> JSONResponse:
    """An officer of the owner agency marks the report `verified` or `rejected` (audited);
    public reports count toward public verdicts only once verified."""
    head = await run_in_threadpool(changeable_report, request, viewer, report_id)
    try:
        body = await _object_body(request)
        status = _review_status(body)
    except _Invalid as exc:
        return problems_response(request, exc.problems)
    note = body.get("note")
    await run_in_threadpool(_review, request, viewer, head, status, note)
    return JSONResponse({"id": head.id, "review_status": status.value})


def _review_status(body: dict[str, Any]) -> ReviewStatus:
    allowed = ", ".join(s.value for s in REVIEWABLE)
    unknown = sorted(k for k in body if k not in {"status", "note"})
    if unknown:
        raise _Invalid([Problem(k, "unknown field") for k in unknown])
    if not isinstance(body.get("note", ""), str | None):
        raise _Invalid([Problem("note", "must be text")])
    value = body.get("status")
    status = reviewable_status(value)
    if status is None:
        raise _Invalid([Problem("status", f"must be one of {allowed}, got {value!r}")])
    return status


def _review(
    request: Request, viewer: Viewer, head: ReportHead, status: ReviewStatus, note: Any
) -> None:
    reviewing.review(web_state(request).engine, viewer, head, status, note)


@router.patch(f"{API_V1}/reports/{{report_id}}/language", responses=RESPONSES)
async def correct_language(
    request: Request, report_id: int, viewer: ReportingViewer
) -> JSONResponse:
    """An officer of the owner agency corrects the detected language (audited)."""
    head = await run_in_threadpool(changeable_report, request, viewer, report_id)
    try:
        body = await _object_body(request)
        language = _language(body)
    except _Invalid as exc:
        return problems_response(request, exc.problems)
    await run_in_threadpool(_set_language, request, viewer, head, language)
    return JSONResponse({"id": head.id, "language": language})


def _language(body: dict[str, Any]) -> str:
    unknown = sorted(k for k in body if k != "language")
    if unknown:
        raise _Invalid([Problem(k, "unknown field") for k in unknown])
    value = body.get("language")
    code = language_code(value)
    if code is None:
        raise _Invalid([Problem("language", f"not an ISO 639 language code: {value!r}")])
    return code


def _set_language(request: Request, viewer: Viewer, head: ReportHead, language: str) -> None:
    reviewing.correct_language(web_state(request).engine, viewer, head, language)


ATTACH_CHUNK = 1 << 20


def _attachment_limit_mb(_: Request) -> float:
    return DEFAULT_MAX_BYTES / MIB


def _too_large() -> str:
    return f"larger than the limit of {DEFAULT_MAX_BYTES} bytes"


@router.post(f"{API_V1}/reports/{{report_id}}/attachments", status_code=201, responses=RESPONSES)
@body_limit(_attachment_limit_mb)
async def add_attachment(request: Request, report_id: int, viewer: ReportingViewer) -> JSONResponse:
    """Attach a file (multipart field `file`) to a report of the caller's agency: stored once
    per content (SHA-256), at most 20 MB, its type read from the bytes."""
    head = await run_in_threadpool(_attachable_report, request, viewer, report_id)
    if declared_over(request, DEFAULT_MAX_BYTES + MULTIPART_OVERHEAD):
        # Refused before the body is read: a 2 GB upload never reaches the disk.
        return problems_response(request, [Problem("file", _too_large())])
    form = await request.form()
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            reason = "a multipart field `file` is needed"
            return problems_response(request, [Problem("file", reason)])
        attached = await _attach(request, head, upload)
    except AttachmentRefused as exc:
        return problems_response(request, [Problem("file", str(exc))])
    finally:
        await form.close()
    body = {
        "report": head.id,
        "sha256": attached.sha256,
        "size": attached.size,
        "media_type": attached.media_type,
        "filename": attached.filename,
        "status": "stored" if attached.new_link else "duplicate",
    }
    return JSONResponse(body, status_code=201 if attached.new_link else 200)


async def _attach(request: Request, head: ReportHead, upload: UploadFile) -> Attached:
    state = web_state(request)
    await upload.seek(0)

    def chunks() -> Iterator[bytes]:
        while chunk := upload.file.read(ATTACH_CHUNK):
            yield chunk

    return await run_in_threadpool(
        attach,
        state.engine,
        BlobStore(state.settings.attachments_dir),
        head.id,
        filename=upload.filename,
        declared=upload.content_type,
        chunks=chunks(),
        max_bytes=DEFAULT_MAX_BYTES,
        now=datetime.now(UTC),
    )


def _attachable_report(request: Request, viewer: Viewer, report_id: int) -> ReportHead:
    """Anyone of the owner agency who may send reports (partners included) may add files."""
    with web_state(request).engine.connect() as conn:
        head = visible_report(conn, viewer, report_id)
    if head is None:
        raise HTTPException(status_code=404)
    if viewer.agency != head.agency or viewer.role is Role.ADMIN:
        raise HTTPException(status_code=403, detail=NOT_OWNER)
    return head
