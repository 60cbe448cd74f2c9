"""HTML routes of intake: the report form (with its "Check" step) and the bulk upload page.

The form posts the same fields as the JSON API and goes through the same parser
(`reports.intake`); indicator fields take one value per line. "Check" shows what the
narrative holds (type, canonical value, warninglist) with a box to tick for each; saving keeps
the ticked ones. Without JavaScript the same buttons post the whole page.
"""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from babel import Locale
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from scamlink.indicators.extract import Found
from scamlink.interop.encodings import EncodingProblem, named_encoding
from scamlink.reports.bulk import FileFormat
from scamlink.reports.intake import (
    LIST_FIELDS,
    TEXT_FIELDS,
    Outcome,
    Problem,
    Reporter,
    narrative_findings,
    needs_directory,
    new_external_id,
    parse_submission,
    submit,
)
from scamlink.reports.language import SUPPORTED
from scamlink.reports.model import Report, ReportSource, ScamType
from scamlink.reports.narrative import IndicatorKey
from scamlink.sharing.agencies import Agency
from scamlink.sharing.tlp import Tlp
from scamlink.store.markings import release_directory
from scamlink.store.users import UserRecord
from scamlink.web.auth import CurrentUser, SignedInViewer
from scamlink.web.body_limits import MULTIPART_OVERHEAD, body_limit, declared_over
from scamlink.web.i18n import N_, request_locale, translations
from scamlink.web.intake import reporter_of
from scamlink.web.labels import INDICATOR_TYPE_LABELS, SCAM_TYPE_LABELS, SIGHTING_ROLE_LABELS
from scamlink.web.problem_reasons import translate_reason
from scamlink.web.rendering import render
from scamlink.web.state import web_state
from scamlink.web.upload_jobs import UPLOADS, UploadJobs

CHOOSE_A_FILE = N_("Choose a file to upload.")
UNKNOWN_FORMAT = N_("Unknown file format “%(format)s”: choose CSV, XLSX or JSON Lines.")
UPLOAD_TOO_LARGE = N_(
    "The file is larger than the upload limit of %(limit)s MB. Import it on the server with "
    "“scamlink import reports”, or split it."
)

router = APIRouter(include_in_schema=False)
JOBS = UploadJobs()
HTMX_HEADER = "hx-request"
ENCODINGS = ("utf-8", "utf-16", "cp949", "tis-620")
_COPY_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Finding:
    found: Found
    checked: bool

    @property
    def key(self) -> str:
        return f"{self.found.type.value}:{self.found.value}"


def _user(user: CurrentUser) -> UserRecord:
    if user is None:  # SignedInViewer has refused anonymous callers already
        raise HTTPException(status_code=401)
    return user


SignedInUser = Annotated[UserRecord, Depends(_user)]


def _language_names(locale: str) -> list[tuple[str, str]]:
    names = Locale.parse(locale).languages
    return sorted(((code, str(names.get(code, code))) for code in SUPPORTED), key=lambda p: p[1])


def _form_page(
    request: Request,
    user: UserRecord,
    reporter: Reporter,
    values: Mapping[str, str],
    *,
    problems: list[Problem] | None = None,
    findings: list[Finding] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    errors: dict[str, list[str]] = {}
    for problem in problems or []:
        errors.setdefault(problem.field.split("[", 1)[0], []).append(problem.reason)
    return render(
        request,
        "report_new.html",
        user=user,
        status_code=status_code,
        values=values,
        errors=errors,
        findings=findings,
        scam_types=[(t.value, SCAM_TYPE_LABELS[t.value]) for t in ScamType],
        markings=[t.value for t in Tlp],
        narrative_languages=_language_names(request_locale(request)),
        list_fields=list(LIST_FIELDS),
        may_file_for_public=reporter.source is ReportSource.POLICE,
        type_labels=INDICATOR_TYPE_LABELS,
    )


def _defaults(reporter: Reporter) -> dict[str, str]:
    return {
        "external_id": new_external_id(reporter.agency.code, datetime.now(UTC)),
        "victim_country": reporter.agency.country,
        "tlp": Tlp.AMBER.value,
        "scam_type": "",
        "language": "",
    }


@router.get("/reports/new", name="report_form", response_class=HTMLResponse)
def report_form(request: Request, viewer: SignedInViewer, user: SignedInUser) -> HTMLResponse:
    reporter = reporter_of(request, viewer)
    return _form_page(request, user, reporter, _defaults(reporter))


def _values(form: FormData) -> dict[str, str]:
    values: dict[str, str] = {}
    for name in (*TEXT_FIELDS, *LIST_FIELDS):
        value = form.get(name)
        values[name] = value if isinstance(value, str) else ""
    return values


def _findings(values: Mapping[str, str], agency: Agency, ticked: set[str] | None) -> list[Finding]:
    found = narrative_findings(values.get("narrative", ""), agency.country)
    findings: list[Finding] = []
    seen: set[str] = set()
    for item in found:
        finding = Finding(item, checked=False)
        if finding.key in seen:
            continue
        seen.add(finding.key)
        # Values on a warninglist (platforms, hotlines) start unticked: they rarely matter.
        checked = item.warninglist is None if ticked is None else finding.key in ticked
        findings.append(Finding(item, checked))
    return findings


@router.post("/reports/new/check", name="report_check", response_class=HTMLResponse)
async def report_check(
    request: Request, viewer: SignedInViewer, user: SignedInUser
) -> HTMLResponse:
    """The indicators in the narrative, to confirm: a fragment for HTMX, else the whole page."""
    form = await request.form()
    values = _values(form)
    reporter = await run_in_threadpool(reporter_of, request, viewer)
    findings = _findings(values, reporter.agency, None)
    if request.headers.get(HTMX_HEADER):
        return render(
            request,
            "report_findings.html",
            user=user,
            findings=findings,
            type_labels=INDICATOR_TYPE_LABELS,
        )
    return _form_page(request, user, reporter, values, findings=findings)


@router.post("/reports/new", name="report_submit", response_class=HTMLResponse)
async def report_submit(
    request: Request, viewer: SignedInViewer, user: SignedInUser
) -> HTMLResponse:
    form = await request.form()
    values = _values(form)
    ticked = {v for v in form.getlist("confirm") if isinstance(v, str)}
    confirmed = _keys(ticked) if form.get("checked") else None
    reporter = await run_in_threadpool(reporter_of, request, viewer)
    outcome = await run_in_threadpool(_save, request, values, reporter, confirmed)
    if isinstance(outcome, list):
        findings = _findings(values, reporter.agency, ticked if confirmed is not None else None)
        return _form_page(
            request, user, reporter, values, problems=outcome, findings=findings, status_code=400
        )
    report, result = outcome
    [described] = result.body["reports"]
    return render(
        request,
        "report_stored.html",
        user=user,
        report=report,
        described=described,
        scam_label=SCAM_TYPE_LABELS[report.scam_type.value],
        language_name=dict(_language_names(request_locale(request))).get(
            report.language, report.language
        ),
        type_labels=INDICATOR_TYPE_LABELS,
        role_labels=SIGHTING_ROLE_LABELS,
        status_code=201 if described["status"] == "stored" else 200,
    )


def _keys(ticked: set[str]) -> frozenset[IndicatorKey]:
    keys: set[IndicatorKey] = set()
    for item in ticked:
        kind, _, value = item.partition(":")
        keys.add((kind, value))
    return frozenset(keys)


def _save(
    request: Request,
    values: dict[str, str],
    reporter: Reporter,
    confirmed: frozenset[IndicatorKey] | None,
) -> list[Problem] | tuple[Report, Outcome]:
    engine = web_state(request).engine
    submission: dict[str, Any] = {k: v for k, v in values.items() if v.strip()}
    directory = None
    if needs_directory(submission):
        with engine.connect() as conn:
            directory = release_directory(conn)
    parsed = parse_submission(submission, reporter, directory=directory, confirmed=confirmed)
    if parsed.report is None:
        return list(parsed.problems)
    outcome = submit(engine, [parsed.report], agency=reporter.agency.code)
    return parsed.report, outcome


# --- bulk upload -------------------------------------------------------------------------------


@router.get("/reports/upload", name="report_upload", response_class=HTMLResponse)
def report_upload(request: Request, viewer: SignedInViewer, user: SignedInUser) -> HTMLResponse:
    return _upload_page(request, user)


def _upload_page(
    request: Request, user: UserRecord, *, error: str | None = None, status_code: int = 200
) -> HTMLResponse:
    return render(
        request,
        "report_upload.html",
        user=user,
        error=error,
        formats=[f.value for f in FileFormat],
        encodings=ENCODINGS,
        status_code=status_code,
    )


def _upload_limit(request: Request) -> int:
    return int(web_state(request).settings.report_upload_max_mb * (1 << 20))


def _said(request: Request, message: str) -> str:
    """A message in the reader's language."""
    return translations(request_locale(request)).gettext(message)


def _too_large(request: Request, user: UserRecord) -> HTMLResponse:
    """413 with the limit, said before anything is imported."""
    limit_mb = web_state(request).settings.report_upload_max_mb
    text = _said(request, UPLOAD_TOO_LARGE) % {"limit": f"{limit_mb:g}"}
    return _upload_page(request, user, error=text, status_code=413)


@router.post("/reports/upload", name="report_upload_submit", response_class=HTMLResponse)
@body_limit(lambda request: web_state(request).settings.report_upload_max_mb, UPLOAD_TOO_LARGE)
async def report_upload_submit(
    request: Request, viewer: SignedInViewer, user: SignedInUser
) -> Response:
    """Start importing the file in the background, then 303 to the job's own page (which
    polls its progress and survives a reload: reloading never posts the file again)."""
    if declared_over(request, _upload_limit(request) + MULTIPART_OVERHEAD):
        return _too_large(request, user)  # the token came in a header: refused unread
    form = await request.form()
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return _upload_page(request, user, error=_said(request, CHOOSE_A_FILE), status_code=400)
        if upload.size is not None and upload.size > _upload_limit(request):  # no Content-Length
            return _too_large(request, user)
        try:
            file_format = _format(form.get("format"))
        except ValueError as exc:
            error = _said(request, UNKNOWN_FORMAT) % {"format": str(exc)}
            return _upload_page(request, user, error=error, status_code=400)
        try:
            encoding = _encoding(form.get("encoding"))
        except ValueError as exc:
            return _upload_page(request, user, error=str(exc), status_code=400)
        reporter = await run_in_threadpool(reporter_of, request, viewer)
        job_id = await run_in_threadpool(
            _start, request, upload, user, reporter, file_format, encoding
        )
    finally:
        await form.close()
    target = request.url_for("report_upload_progress", job_id=job_id).path
    return RedirectResponse(target, status_code=303)


def _format(value: object) -> FileFormat | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return FileFormat(value)
    except ValueError:
        raise ValueError(value) from None


def _encoding(value: object) -> Any:
    if not isinstance(value, str) or not value:
        return None
    try:
        return named_encoding(value)
    except EncodingProblem as exc:
        raise ValueError(str(exc)) from None


def _start(
    request: Request,
    upload: UploadFile,
    user: UserRecord,
    reporter: Reporter,
    file_format: FileFormat | None,
    encoding: Any,
) -> str:
    state = web_state(request)
    folder = state.settings.data_dir / UPLOADS
    folder.mkdir(parents=True, exist_ok=True)
    name = upload.filename or "upload"
    suffix = "".join(c for c in (name.rsplit(".", 1)[-1] if "." in name else "") if c.isalnum())
    path = folder / f"{secrets.token_hex(12)}.{suffix.lower() or 'bin'}"
    upload.file.seek(0)
    with path.open("xb") as out:
        shutil.copyfileobj(upload.file, out, _COPY_CHUNK)
    job = JOBS.start(
        state.engine,
        path,
        reporter.agency,
        user_id=user.id,
        filename=name,
        file_format=file_format,
        encoding=encoding,
        source=reporter.source,
    )
    return job.id


@router.get("/reports/upload/{job_id}", name="report_upload_progress", response_class=HTMLResponse)
def report_upload_progress(
    request: Request, job_id: str, viewer: SignedInViewer, user: SignedInUser
) -> HTMLResponse:
    """The job's page: its progress (HTMX asks for the fragment every second), or its
    summary at the end, with the rejected rows' reasons in the reader's language."""
    job = JOBS.get(job_id, user.id)
    if job is None:
        raise HTTPException(status_code=404)
    gettext = translations(request_locale(request)).gettext

    def reason(text: str) -> str:
        return translate_reason(text, gettext)

    if request.headers.get(HTMX_HEADER):
        return render(request, "report_upload_progress.html", user=user, job=job, reason=reason)
    return render(
        request,
        "report_upload.html",
        user=user,
        error=None,
        job=job,
        formats=[],
        encodings=(),
        reason=reason,
    )
