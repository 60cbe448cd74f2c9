"""HTML routes for importing on-chain transfers: `/tracing/transfers/upload`.

For the staff of member agencies (analysts, investigators, desk officers, admins; partners
403, the public 401). The file is saved under the data dir's `uploads/`, imported in a
background thread (`tracing.importing.import_transfers`: checked whole, then stored all or
nothing) and deleted; the job's page polls its progress with HTMX and shows the summary, with
every rejected row (line or record, field, reason) when the file was refused. Every import is
audited (`transfers.import`, `transfers.import.refused`: who, when, file name and SHA-256).
Jobs live in this process's memory for an hour after they end, visible to their starter only.
A file over `Settings.transfer_upload_max_mb` (SCAMLINK_TRANSFER_UPLOAD_MAX_MB) is refused with
413 and the limit: from its Content-Length, or from its size once received when the request
had none. (The body is read before the route runs — the app's CSRF check parses the form —;
the route only decides that nothing is kept and no import starts.)
"""

from __future__ import annotations

import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from scamlink.interop.transfers.common import TransferFileError
from scamlink.sharing.audit import Actor
from scamlink.sharing.roles import Role
from scamlink.store.users import UserRecord
from scamlink.tracing.importing import TransferImportSummary, import_transfers
from scamlink.tracing.model import Chain
from scamlink.web.auth import SIGN_IN_REQUIRED, CurrentUser
from scamlink.web.background_jobs import JobBoard
from scamlink.web.body_limits import MULTIPART_OVERHEAD, body_limit, declared_over
from scamlink.web.i18n import N_, request_locale, translations
from scamlink.web.rendering import render
from scamlink.web.state import web_state

router = APIRouter(include_in_schema=False)

UPLOADS = "uploads"
HTMX_HEADER = "hx-request"
LISTED = 500  # rejected rows shown on the page
_COPY_CHUNK = 1 << 20
STAFF_ONLY = N_("Importing transfers is for the staff of member agencies.")
TOO_LARGE = N_(
    "The file is larger than the upload limit of %(limit)s MB. Import it on the server with "
    "“scamlink import transfers”, or split it."
)
CHAIN_NAMES = {
    Chain.TRON: "TRON (TRC-20)",
    Chain.ETH: "Ethereum (ERC-20)",
    Chain.BTC: "Bitcoin",
}


@dataclass(slots=True)
class TransferJob:
    id: str
    user_id: int
    filename: str
    chain: Chain
    rows_stored: int = 0
    finished_at: float | None = None
    summary: TransferImportSummary | None = None
    error: str | None = None  # why the file could not be read at all

    @property
    def done(self) -> bool:
        return self.finished_at is not None


class TransferJobs(JobBoard[TransferJob]):
    def start(
        self, engine: Engine, path: Path, chain: Chain, *, user: UserRecord, filename: str
    ) -> TransferJob:
        job = TransferJob(secrets.token_urlsafe(16), user.id, filename, chain)
        actor = Actor(f"user:{user.id}", user.id, user.agency)

        def advance(rows: int) -> None:
            job.rows_stored += rows

        def work() -> None:
            job.summary = import_transfers(
                engine, path, chain, actor=actor, filename=filename, progress=advance
            )

        self.run(
            job,
            path,
            work,
            expected=(TransferFileError,),
            unexpected="the import stopped on an unexpected error; nothing was stored",
        )
        return job


JOBS = TransferJobs()


def _staff(user: UserRecord | None) -> UserRecord:
    if user is None:
        raise HTTPException(status_code=401, detail=SIGN_IN_REQUIRED)
    if user.role is Role.PARTNER:
        raise HTTPException(status_code=403, detail=STAFF_ONLY)
    return user


def _page(
    request: Request,
    user: UserRecord,
    *,
    error: str | None = None,
    chain: str = "tron",
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "transfer_upload.html",
        user=user,
        error=error,
        chains=[(c.value, CHAIN_NAMES[c]) for c in Chain],
        chosen=chain,
        status_code=status_code,
    )


@router.get("/tracing/transfers/upload", name="transfer_upload", response_class=HTMLResponse)
def transfer_upload(request: Request, user: CurrentUser) -> HTMLResponse:
    return _page(request, _staff(user))


@router.post(
    "/tracing/transfers/upload", name="transfer_upload_submit", response_class=HTMLResponse
)
@body_limit(lambda request: web_state(request).settings.transfer_upload_max_mb, TOO_LARGE)
async def transfer_upload_submit(request: Request, user: CurrentUser) -> Response:
    """Save the file and import it in the background, then 303 to the job's page."""
    staff = _staff(user)
    limit = _limit_bytes(request)
    if declared_over(request, limit + MULTIPART_OVERHEAD):
        return _too_large(request, staff, "tron")
    form = await request.form()
    try:
        chain_value = str(form.get("chain") or "")
        try:
            chain = Chain(chain_value)
        except ValueError:
            error = N_("Choose the chain: TRON, Ethereum or Bitcoin.")
            return _page(request, staff, error=error, status_code=400)
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            error = N_("Choose a file to upload.")
            return _page(request, staff, error=error, chain=chain.value, status_code=400)
        if upload.size is not None and upload.size > limit:  # sent without a Content-Length
            return _too_large(request, staff, chain.value)
        job_id = await run_in_threadpool(_start, request, upload, staff, chain)
    finally:
        await form.close()
    target = request.url_for("transfer_upload_progress", job_id=job_id).path
    return RedirectResponse(target, status_code=303)


def _limit_bytes(request: Request) -> int:
    return int(web_state(request).settings.transfer_upload_max_mb * (1 << 20))


def _too_large(request: Request, user: UserRecord, chain: str) -> HTMLResponse:
    """413 with the limit: said before the import starts, nothing kept."""
    limit_mb = web_state(request).settings.transfer_upload_max_mb
    text = translations(request_locale(request)).gettext(TOO_LARGE) % {"limit": f"{limit_mb:g}"}
    return _page(request, user, error=text, chain=chain, status_code=413)


def _start(request: Request, upload: UploadFile, user: UserRecord, chain: Chain) -> str:
    state = web_state(request)
    folder = state.settings.data_dir / UPLOADS
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"transfers-{secrets.token_hex(12)}.upload"
    upload.file.seek(0)
    with path.open("xb") as out:
        shutil.copyfileobj(upload.file, out, _COPY_CHUNK)
    name = upload.filename or "upload"
    return JOBS.start(state.engine, path, chain, user=user, filename=name).id


@router.get(
    "/tracing/transfers/upload/{job_id}",
    name="transfer_upload_progress",
    response_class=HTMLResponse,
)
def transfer_upload_progress(request: Request, job_id: str, user: CurrentUser) -> HTMLResponse:
    """The job's page: progress while it runs (HTMX asks for the fragment every second), the
    summary at the end."""
    staff = _staff(user)
    job = JOBS.get(job_id, staff.id)
    if job is None:
        raise HTTPException(status_code=404)
    name = CHAIN_NAMES[job.chain]
    if request.headers.get(HTMX_HEADER):
        return render(
            request,
            "transfer_upload_progress.html",
            user=staff,
            job=job,
            listed=LISTED,
            chain_name=name,
        )
    return render(
        request,
        "transfer_upload.html",
        user=staff,
        job=job,
        listed=LISTED,
        chain_name=name,
        error=None,
        chains=[],
        chosen="",
    )
