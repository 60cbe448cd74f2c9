"""JSON routes of case evidence and the dossier (`/api/v1/cases/{id}/evidence…`, `…/dossier`).

Same rules as the cases API (`web/cases_api.py`): staff of member agencies, reading needs an
API key's `read` scope and changing its `report` scope; a case or piece of evidence the caller
may not see is the same 404 as an absent one; refusals are `{"error": {"code", "message",
"field"}}` — 413 for a file over the limit (refused from its Content-Length before the body is
read when it says so), 422 for a bad file, type or marking, 409 for the same bytes twice.
Every read of the bytes, hand-over and export writes its custody and audit entries
(`cases/evidence.py`, `cases/dossier.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse
from pydantic import Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from scamlink.cases import dossier
from scamlink.cases import evidence as ev
from scamlink.cases.model import CaseError
from scamlink.sharing.roles import Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store.attachments import BlobStore
from scamlink.web.body_limits import MIB, MULTIPART_OVERHEAD, body_limit, declared_over
from scamlink.web.cases_api import (
    API_V1,
    RESPONSES,
    Reading,
    Writing,
    _Body,
    case_error,
    now_of,
)
from scamlink.web.state import web_state

router = APIRouter(tags=["cases"])

EVIDENCE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **RESPONSES,
    413: {"description": "The file is larger than the limit"},
    500: {"description": "The stored file no longer matches its SHA-256 (not served)"},
}
UPLOAD_CHUNK = 1 << 20


def blobs_of(request: Request) -> BlobStore:
    return BlobStore(ev.evidence_dir(web_state(request).settings.data_dir))


def too_large(max_bytes: int) -> CaseError:
    return CaseError(f"the file is larger than the limit of {max_bytes} bytes", "file", 413)


def _may_add(request: Request, viewer: Viewer, case_id: int) -> None:
    with web_state(request).engine.connect() as conn:
        ev.check_may_add(conn, viewer, case_id)


def upload_limit_mb(_: Request) -> float:
    return ev.MAX_BYTES / MIB


async def store_upload(request: Request, viewer: Viewer, case_id: int) -> ev.Evidence:
    """Read a multipart upload (`file`, `description`, `tlp`) and store it as evidence; the
    caller's right to add is checked before the body is read. Raises CaseError."""
    max_bytes = ev.MAX_BYTES
    await run_in_threadpool(_may_add, request, viewer, case_id)
    if declared_over(request, max_bytes + MULTIPART_OVERHEAD):
        raise too_large(max_bytes)
    form = await request.form()
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise CaseError("a multipart field `file` is needed", "file")
        description = form.get("description") or ""
        marking_text = form.get("tlp") or Tlp.AMBER_STRICT.value
        if not isinstance(description, str) or not isinstance(marking_text, str):
            raise CaseError("description and tlp are text fields", "description")
        try:
            marking = Tlp.parse(marking_text)
        except ValueError as error:
            raise CaseError(str(error), "tlp") from None
        await upload.seek(0)

        def chunks() -> Iterator[bytes]:
            while chunk := upload.file.read(UPLOAD_CHUNK):
                yield chunk

        return await run_in_threadpool(
            ev.add_evidence,
            web_state(request).engine,
            blobs_of(request),
            viewer,
            case_id,
            filename=upload.filename,
            declared=upload.content_type,
            description=description,
            marking=marking,
            chunks=chunks(),
            now=now_of(request),
            max_bytes=max_bytes,
        )
    finally:
        await form.close()


@router.post(
    f"{API_V1}/cases/{{case_id}}/evidence",
    status_code=201,
    responses=EVIDENCE_RESPONSES,
    response_model=None,
)
@body_limit(upload_limit_mb)
async def add_evidence_json(
    request: Request, viewer: Writing, case_id: int
) -> dict[str, Any] | JSONResponse:
    """Add a file as evidence (multipart: `file`, optional `description`, `tlp` — AMBER+STRICT
    by default): stored by SHA-256, never altered, its type read from the bytes."""
    try:
        added = await store_upload(request, viewer, case_id)
    except CaseError as error:
        return case_error(request, error)
    return dossier.evidence_json(added)


@router.get(
    f"{API_V1}/cases/{{case_id}}/evidence", responses=EVIDENCE_RESPONSES, response_model=None
)
def list_evidence_json(
    request: Request, viewer: Reading, case_id: int
) -> dict[str, Any] | JSONResponse:
    """The case's evidence the caller may see, with hashes and custody logs."""
    try:
        with web_state(request).engine.connect() as conn:
            found = ev.list_evidence(conn, viewer, case_id)
    except CaseError as error:
        return case_error(request, error)
    return {"evidence": [dossier.evidence_json(e) for e in found]}


def evidence_file(
    request: Request, viewer: Viewer, case_id: int, evidence_id: int, action: ev.Action
) -> FileResponse:
    """The checked file with its custody entry written; raises CaseError."""
    row, path = ev.open_evidence(
        web_state(request).engine,
        blobs_of(request),
        viewer,
        case_id,
        evidence_id,
        action,
        now_of(request),
    )
    ascii_name = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in row.filename
    )
    inline = action is ev.Action.VIEWED and row.media_type != "application/zip"
    disposition = "inline" if inline else "attachment"
    media_type = "text/plain; charset=utf-8" if row.media_type == "text/plain" else row.media_type
    return FileResponse(
        path,
        media_type=media_type,
        headers={
            "Content-Disposition": (
                f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(row.filename)}"
            ),
            # Shown in the browser, the file runs nothing and reaches nothing.
            "Content-Security-Policy": "sandbox; default-src 'none'; img-src 'self'; "
            "media-src 'self'; style-src 'unsafe-inline'",
            "X-Evidence-SHA256": row.sha256,
        },
    )


@router.get(
    f"{API_V1}/cases/{{case_id}}/evidence/{{evidence_id}}/content",
    responses=EVIDENCE_RESPONSES,
    response_model=None,
)
def evidence_content(
    request: Request, viewer: Reading, case_id: int, evidence_id: int
) -> FileResponse | JSONResponse:
    """The file's bytes (a download; a `downloaded` custody entry), checked against its hash."""
    try:
        return evidence_file(request, viewer, case_id, evidence_id, ev.Action.DOWNLOADED)
    except CaseError as error:
        return case_error(request, error)


class HandoverIn(_Body):
    referral_id: int | None = None
    to_agency: str | None = Field(default=None, max_length=16)
    to_person: str | None = Field(default=None, max_length=200)
    note: str = Field(default="", max_length=2000)


def custody_json(c: Any) -> dict[str, Any]:
    return {
        "id": c.id,
        "evidence_id": c.evidence_id,
        "action": c.action,
        "actor_agency": c.actor_agency,
        "to_agency": c.to_agency,
        "to_person": c.to_person,
        "referral_id": c.referral_id,
        "note": c.note,
    }


@router.post(
    f"{API_V1}/cases/{{case_id}}/evidence/{{evidence_id}}/handover",
    status_code=201,
    responses=EVIDENCE_RESPONSES,
    response_model=None,
)
def handover_json(
    request: Request, viewer: Writing, case_id: int, evidence_id: int, body: HandoverIn
) -> dict[str, Any] | JSONResponse:
    """Hand evidence over: with a referral of the case (`referral_id`: the receiving agency
    sees it once it accepts), or to an agency or person outside (recorded, nothing shared)."""
    try:
        with web_state(request).engine.begin() as conn:
            entry = ev.hand_over(
                conn,
                viewer,
                case_id,
                evidence_id,
                referral_id=body.referral_id,
                to_agency=body.to_agency,
                to_person=body.to_person,
                note=body.note,
                now=now_of(request),
            )
    except CaseError as error:
        return case_error(request, error)
    return custody_json(entry)


@router.get(f"{API_V1}/cases/{{case_id}}/dossier", responses=RESPONSES, response_model=None)
def dossier_json(request: Request, viewer: Reading, case_id: int) -> dict[str, Any] | JSONResponse:
    """The case's dossier as JSON: what the caller sees of the case, its evidence with hashes
    and custody logs (the export is recorded in each custody log and audited)."""
    try:
        with web_state(request).engine.begin() as conn:
            content = dossier.export(conn, viewer, case_id, "json", now_of(request))
    except CaseError as error:
        return case_error(request, error)
    return dossier.dossier_json(content)
