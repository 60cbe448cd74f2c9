"""The public's report form, `/report`: no account needed, English and Korean.

The form posts to the same page with its CSRF token (the anonymous visitor's session holds it)
and a honeypot field that people never see: a form that fills it is answered like a stored
one and nothing is kept. Problems come back field by field in the reader's language; a stored
report is answered with its reference number. Everything else is `reports.public_intake`.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from scamlink.reports.model import ScamType
from scamlink.reports.public_intake import (
    CURRENCIES,
    FIELDS,
    POLICE_OF_COUNTRY,
    ProblemKind,
    PublicProblem,
    PublicReceipt,
    submit_public,
)
from scamlink.store.users import UserRecord
from scamlink.web.auth import CurrentUser
from scamlink.web.i18n import N_, request_locale, translations
from scamlink.web.labels import SCAM_TYPE_LABELS
from scamlink.web.ratelimit import rate_limit
from scamlink.web.rendering import render
from scamlink.web.state import web_state

router = APIRouter(include_in_schema=False)

HONEYPOT = "website"  # hidden from people by the stylesheet; bots fill every field

# What to tell the reader, by field and kind of problem.
MESSAGES: dict[tuple[str, ProblemKind], str] = {
    ("country", ProblemKind.REQUIRED): N_("Choose the country you live in."),
    ("country", ProblemKind.UNKNOWN): N_("Choose one of the countries in the list."),
    ("scam_type", ProblemKind.REQUIRED): N_("Choose what kind of scam it was."),
    ("scam_type", ProblemKind.UNKNOWN): N_("Choose one of the kinds of scam in the list."),
    ("narrative", ProblemKind.REQUIRED): N_("Tell us what happened."),
    ("narrative", ProblemKind.TOO_LONG): N_("This text is too long (at most 100,000 characters)."),
    ("narrative", ProblemKind.INVALID): N_(
        "This text cannot be stored; remove unusual characters."
    ),
    ("details", ProblemKind.TOO_MANY): N_("Give at most 200 lines."),
    ("details", ProblemKind.TOO_LONG): N_("Line %(line)s is too long (at most 1,000 characters)."),
    ("details", ProblemKind.UNREADABLE): N_(
        "Line %(line)s: we could not find a phone number, link, e-mail address, wallet, bank "
        "account or messaging ID in “%(value)s”. Write one per line, for example "
        "010-1234-5678, https://example.com or Telegram @name."
    ),
    ("details", ProblemKind.INVALID): N_(
        "One of these values is not valid; check the numbers and addresses."
    ),
    ("loss_amount", ProblemKind.INVALID): N_("Write the amount as a number, for example 150000."),
    ("loss_amount", ProblemKind.TOO_LONG): N_("Write the amount as a number, for example 150000."),
    ("loss_currency", ProblemKind.REQUIRED): N_("Choose the currency of the amount."),
    ("loss_currency", ProblemKind.UNKNOWN): N_("Choose one of the currencies in the list."),
    ("loss_currency", ProblemKind.INVALID): N_("Choose one of the currencies in the list."),
}
FALLBACK = N_("Check this field.")

COUNTRY_ORDER = tuple(POLICE_OF_COUNTRY)


def _values(form: Mapping[str, object]) -> dict[str, str]:
    return {name: v if isinstance(v := form.get(name), str) else "" for name in FIELDS}


def _errors(request: Request, problems: list[PublicProblem]) -> dict[str, list[str]]:
    gettext = translations(request_locale(request)).gettext
    errors: dict[str, list[str]] = {}
    for problem in problems:
        message = gettext(MESSAGES.get((problem.field, problem.kind), FALLBACK))
        if "%(" in message:
            message = message % {"line": problem.line or "", "value": problem.value}
        errors.setdefault(problem.field, []).append(message)
    return errors


def _form(
    request: Request,
    user: UserRecord | None,
    values: Mapping[str, str],
    *,
    errors: dict[str, list[str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "public_report.html",
        user=user,
        values=values,
        errors=errors or {},
        countries=COUNTRY_ORDER,
        scam_types=[(t.value, SCAM_TYPE_LABELS[t.value]) for t in ScamType],
        currencies=CURRENCIES,
        honeypot=HONEYPOT,
        status_code=status_code,
    )


@router.get("/report", name="public_report", response_class=HTMLResponse)
def public_report(request: Request, user: CurrentUser) -> HTMLResponse:
    return _form(request, user, {name: "" for name in FIELDS})


# The public's reports are limited per address (H6's token buckets, `SCAMLINK_RATELIMIT_REPORT`).
@router.post(
    "/report",
    name="public_report_submit",
    response_class=HTMLResponse,
    dependencies=[Depends(rate_limit("report"))],
)
async def public_report_submit(request: Request, user: CurrentUser) -> HTMLResponse:
    form = await request.form()
    values = _values(form)
    trap = form.get(HONEYPOT)
    if isinstance(trap, str) and trap.strip():
        # A bot: thank it like a person and keep nothing.
        police = POLICE_OF_COUNTRY.get(values["country"].strip().upper(), "KNPA")
        made_up = f"{police}-{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(6)}"
        return _thanks(request, user, made_up, status_code=201)  # the same answer
    engine = web_state(request).engine
    outcome = await run_in_threadpool(submit_public, engine, values)
    if isinstance(outcome, PublicReceipt):
        return _thanks(request, user, outcome.reference, status_code=201)
    return _form(request, user, values, errors=_errors(request, outcome), status_code=400)


def _thanks(
    request: Request, user: UserRecord | None, reference: str, *, status_code: int = 200
) -> HTMLResponse:
    return render(
        request,
        "public_report_thanks.html",
        user=user,
        reference=reference,
        status_code=status_code,
    )
