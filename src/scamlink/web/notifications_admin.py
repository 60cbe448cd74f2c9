"""Notifications of cases for an agency's administrators: its webhook and e-mail subscriptions
and their delivery log, as JSON (`/api/v1/notifications/…`) and as a page
(`/admin/notifications`). Only the administrators of the agency manage its subscriptions;
everyone else gets 403 (401 without a sign-in), another agency's subscription is the same 404
as an absent one. A webhook's secret is shown once, when it is created.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from pydantic import BaseModel, ConfigDict, Field

from scamlink.cases import notify
from scamlink.cases.model import CaseError
from scamlink.cases.notifications import LANGUAGES, Channel, Event
from scamlink.cases.notify import log_json, subscription_json
from scamlink.sharing.api_keys import Scope
from scamlink.sharing.roles import Role, Viewer
from scamlink.store.markings import resolve_viewer
from scamlink.web.admin import ADMINS_ONLY
from scamlink.web.auth import SIGN_IN_REQUIRED, CurrentUser
from scamlink.web.case_errors import translate_case_error
from scamlink.web.cases_api import case_error
from scamlink.web.i18n import N_, request_locale, translations
from scamlink.web.rendering import render
from scamlink.web.scopes import require_scope
from scamlink.web.state import web_state

API = "/api/v1/notifications"
PAGE = "/admin/notifications"
SHOWN = 50

router = APIRouter(tags=["notifications"])
pages = APIRouter(include_in_schema=False)

EVENT_LABELS: dict[str, str] = {
    Event.REFERRAL.value: N_("A case is referred to your agency"),
    Event.ACCEPTED.value: N_("Your agency's referral is accepted"),
    Event.DECLINED.value: N_("Your agency's referral is declined"),
    Event.DEADLINE.value: N_("One of your agency's cases is overdue"),
    Event.MATCH.value: N_("A new report matches a case's indicator"),
}
STATUS_LABELS: dict[str, str] = {
    "pending": N_("waiting"),
    "delivered": N_("delivered"),
    "failed": N_("failed"),
    "cancelled": N_("cancelled"),
}
CHANNEL_LABELS: dict[str, str] = {"webhook": N_("Webhook"), "email": N_("E-mail")}

RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in, or the API key was refused"},
    403: {"description": "Not one of the agency's administrators (or the key lacks the scope)"},
    404: {"description": "No such subscription of the caller's agency"},
    409: {"description": "The subscription is already removed"},
    422: {"description": "Bad input, with its field"},
}


def _admins(viewer: Viewer) -> Viewer:
    """Refused before the body is read: only the agency's administrators go further."""
    if viewer.role is not Role.ADMIN:
        raise HTTPException(status_code=403, detail=ADMINS_ONLY)
    return viewer


def _reading(viewer: Annotated[Viewer, Depends(require_scope(Scope.READ))]) -> Viewer:
    return _admins(viewer)


def _writing(viewer: Annotated[Viewer, Depends(require_scope(Scope.REPORT))]) -> Viewer:
    return _admins(viewer)


Reading = Annotated[Viewer, Depends(_reading)]
Writing = Annotated[Viewer, Depends(_writing)]


def _now() -> datetime:
    return datetime.now(UTC)


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: str = Field(max_length=16)
    target: str = Field(max_length=2048)
    events: list[str] = Field(default_factory=list, max_length=len(Event))
    language: str | None = Field(default=None, max_length=8)


@router.get(f"{API}/subscriptions", responses=RESPONSES, response_model=None)
def list_json(request: Request, viewer: Reading) -> list[dict[str, Any]] | JSONResponse:
    """The agency's subscriptions (secrets are never shown again)."""
    try:
        with web_state(request).engine.connect() as conn:
            found = notify.subscriptions(conn, viewer)
    except CaseError as error:
        return case_error(request, error)
    return [subscription_json(s) for s in found]


@router.post(f"{API}/subscriptions", status_code=201, responses=RESPONSES, response_model=None)
def create_json(
    request: Request, viewer: Writing, body: SubscriptionIn
) -> dict[str, Any] | JSONResponse:
    """Subscribe a webhook (https URL; its signing secret is in this answer only) or an
    e-mail address to events (all when none are named), in English or Korean."""
    try:
        with web_state(request).engine.begin() as conn:
            made = notify.subscribe(
                conn,
                viewer,
                channel=body.channel,
                target=body.target,
                events=body.events,
                language=body.language,
                now=_now(),
            )
            created = next(s for s in notify.subscriptions(conn, viewer) if s.id == made.id)
    except CaseError as error:
        return case_error(request, error)
    return {**subscription_json(created), "secret": made.secret}


@router.delete(f"{API}/subscriptions/{{subscription_id}}", responses=RESPONSES, response_model=None)
def remove_json(
    request: Request, viewer: Writing, subscription_id: int
) -> dict[str, Any] | JSONResponse:
    """Disable a subscription: waiting deliveries are cancelled, the log is kept."""
    try:
        with web_state(request).engine.begin() as conn:
            notify.unsubscribe(conn, viewer, subscription_id, _now())
    except CaseError as error:
        return case_error(request, error)
    return {"id": subscription_id, "active": False}


@router.get(f"{API}/deliveries", responses=RESPONSES, response_model=None)
def deliveries_json(
    request: Request,
    viewer: Reading,
    subscription_id: int | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict[str, Any]] | JSONResponse:
    """The delivery log, newest first: status, attempts, next attempt, last error."""
    try:
        with web_state(request).engine.connect() as conn:
            entries = notify.delivery_log(conn, viewer, subscription_id, limit)
    except CaseError as error:
        return case_error(request, error)
    return [log_json(e) for e in entries]


# --- the page -------------------------------------------------------------------------------


def _admin(request: Request, user: Any) -> Viewer:
    if user is None:
        raise HTTPException(status_code=401, detail=SIGN_IN_REQUIRED)
    if user.role is not Role.ADMIN:
        raise HTTPException(status_code=403, detail=ADMINS_ONLY)
    with web_state(request).engine.connect() as conn:
        return resolve_viewer(conn, agency=user.agency, role=user.role, user_id=user.id)


def _page(
    request: Request,
    user: Any,
    viewer: Viewer,
    *,
    status_code: int = 200,
    error: CaseError | None = None,
    secret: str | None = None,
    form: dict[str, Any] | None = None,
) -> HTMLResponse:
    with web_state(request).engine.connect() as conn:
        subscriptions = notify.subscriptions(conn, viewer)
        log = notify.delivery_log(conn, viewer, None, SHOWN)
    gettext = translations(request_locale(request)).gettext
    return render(
        request,
        "admin_notifications.html",
        user=user,
        status_code=status_code,
        subscriptions=subscriptions,
        log=log,
        error=None if error is None else translate_case_error(error.message, gettext),
        error_field=None if error is None else error.field,
        secret=secret,
        form=form or {"channel": "webhook", "target": "", "events": [], "language": ""},
        events=EVENT_LABELS,
        statuses=STATUS_LABELS,
        channels=CHANNEL_LABELS,
        channel_values=[c.value for c in Channel],
        message_languages=LANGUAGES,
    )


@pages.get(PAGE, name="admin_notifications", response_class=HTMLResponse)
def notifications_page(request: Request, user: CurrentUser) -> HTMLResponse:
    viewer = _admin(request, user)
    return _page(request, user, viewer)


@pages.post(PAGE, response_class=HTMLResponse)
def subscribe_form(
    request: Request,
    user: CurrentUser,
    channel: Annotated[str, Form(max_length=16)] = "",
    target: Annotated[str, Form(max_length=2048)] = "",
    events: Annotated[list[str] | None, Form()] = None,
    language: Annotated[str, Form(max_length=8)] = "",
) -> HTMLResponse:
    viewer = _admin(request, user)
    form = {"channel": channel, "target": target, "events": events or [], "language": language}
    try:
        with web_state(request).engine.begin() as conn:
            made = notify.subscribe(
                conn,
                viewer,
                channel=channel,
                target=target,
                events=events or [],
                language=language or None,
                now=_now(),
            )
    except CaseError as error:
        return _page(request, user, viewer, status_code=422, error=error, form=form)
    return _page(request, user, viewer, status_code=201, secret=made.secret)


@pages.post(f"{PAGE}/{{subscription_id:int}}/remove", response_model=None)
def remove_form(
    request: Request, user: CurrentUser, subscription_id: int
) -> RedirectResponse | HTMLResponse:
    viewer = _admin(request, user)
    try:
        with web_state(request).engine.begin() as conn:
            notify.unsubscribe(conn, viewer, subscription_id, _now())
    except CaseError as error:
        if error.status == 404:
            raise HTTPException(status_code=404) from None
        return _page(request, user, viewer, status_code=error.status, error=error)
    return RedirectResponse(str(request.url_for("admin_notifications")), status_code=303)
