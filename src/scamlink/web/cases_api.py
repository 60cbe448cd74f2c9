"""JSON routes of cases and referrals (`/api/v1/cases…`, `/api/v1/referrals…`, `/api/v1/tasks…`).

For member agencies' staff: partners and the public have no case (403 and 401). A case the
caller may not see is the same 404 as an absent one; a refused move is 409 and a role or agency
not allowed is 403, each as `{"error": {"code", "message", "field"}}` naming the field; bad
bodies are 422 with the field of each problem. Reading needs an API key's `read` scope, changing
its `report` scope (sessions are not limited by scopes). Time comes from `app.state.clock`
when a test sets one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from scamlink.cases import service
from scamlink.cases.deadlines import is_overdue, system_clock
from scamlink.cases.model import (
    CaseError,
    CaseKind,
    LinkKind,
    LinkRole,
    NewCase,
    NewReferral,
    PersonAtRisk,
    Priority,
    Status,
)
from scamlink.cases.records import case_json, head_json, referral_json, time_json
from scamlink.sharing.api_keys import Scope
from scamlink.sharing.roles import Role, Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store import case_board
from scamlink.web.case_errors import translate_case_error
from scamlink.web.errors import error_body, error_code
from scamlink.web.i18n import N_, request_locale, translations
from scamlink.web.scopes import require_scope
from scamlink.web.state import web_state

API_V1 = "/api/v1"
PARTNERS_REFUSED = N_("Cases are for the staff of member agencies.")

router = APIRouter(tags=["cases"])

RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in, or the API key was refused"},
    403: {"description": "Not allowed (API key scope, role or agency)"},
    404: {"description": "No such case, or one the caller may not see"},
    409: {"description": "The workflow does not allow this from the case's status"},
    422: {"description": "Bad input, with its field"},
}


def _staff(viewer: Viewer) -> Viewer:
    if viewer.role is Role.PARTNER:
        raise HTTPException(status_code=403, detail=PARTNERS_REFUSED)
    return viewer


def _reading(viewer: Annotated[Viewer, Depends(require_scope(Scope.READ))]) -> Viewer:
    return _staff(viewer)


def _writing(viewer: Annotated[Viewer, Depends(require_scope(Scope.REPORT))]) -> Viewer:
    return _staff(viewer)


Reading = Annotated[Viewer, Depends(_reading)]
Writing = Annotated[Viewer, Depends(_writing)]


def now_of(request: Request) -> datetime:
    clock: Callable[[], datetime] = getattr(request.app.state, "clock", system_clock)
    return clock()


def case_error(request: Request, error: CaseError) -> JSONResponse:
    """The error in the request's language (web/case_errors.py), its field as named."""
    message = translate_case_error(error.message, translations(request_locale(request)).gettext)
    body = error_body(error_code(error.status), message, field=error.field)
    return JSONResponse(body, status_code=error.status)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CaseIn(_Body):
    kind: CaseKind
    title: str = Field(max_length=300)
    summary: str = ""
    priority: Priority | None = None
    tlp: Tlp = Tlp.AMBER
    nationality: str | None = Field(default=None, max_length=2)
    country: str | None = Field(default=None, max_length=2)
    province: str | None = None
    compound: str | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    last_contact_at: datetime | None = None
    recruitment: str | None = None
    target: str | None = Field(default=None, max_length=2048)
    assignee_user_id: int | None = None

    def new_case(self) -> NewCase:
        return NewCase(
            kind=self.kind,
            title=self.title,
            summary=self.summary,
            priority=self.priority,
            tlp=self.tlp,
            nationality=self.nationality,
            country=self.country,
            person=PersonAtRisk(
                province=self.province,
                compound=self.compound,
                latitude=self.latitude,
                longitude=self.longitude,
                last_contact_at=_aware(self.last_contact_at),
                recruitment=self.recruitment,
            ),
            target=self.target,
            assignee_user_id=self.assignee_user_id,
        )


def _aware(at: datetime | None) -> datetime | None:
    if at is None:
        return None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


class TransitionIn(_Body):
    status: Status
    reason: str = ""


class ReferralIn(_Body):
    to_agency: str = Field(max_length=16)
    message: str
    language: str = Field(max_length=12)
    tlp: Tlp = Tlp.AMBER
    include_details: bool = True
    link_ids: list[int] = Field(default_factory=list)


class DeclineIn(_Body):
    reason: str


class NoteIn(_Body):
    body: str
    tlp: Tlp = Tlp.AMBER_STRICT


class TaskIn(_Body):
    title: str
    due_at: datetime | None = None


class LinkIn(_Body):
    kind: LinkKind
    target_id: int
    role: LinkRole = LinkRole.RELATED


def filters_of(
    now: datetime,
    kind: CaseKind | None,
    priority: Priority | None,
    agency: str | None,
    nationality: str | None,
    overdue: bool,
) -> case_board.Filters:
    return case_board.Filters(
        kind=kind,
        priority=priority,
        agency=agency.upper() if agency else None,
        nationality=nationality.upper() if nationality else None,
        overdue_at=now if overdue else None,
    )


@router.get(f"{API_V1}/cases", responses=RESPONSES)
def board_json(
    request: Request,
    viewer: Reading,
    kind: CaseKind | None = None,
    priority: Priority | None = None,
    agency: Annotated[str | None, Query(max_length=16)] = None,
    nationality: Annotated[str | None, Query(max_length=2)] = None,
    overdue: bool = False,
    per_column: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    """The board: counts per status and each column's first cards (P1 first, then oldest)."""
    now = now_of(request)
    filters = filters_of(now, kind, priority, agency, nationality, overdue)
    with web_state(request).engine.connect() as conn:
        found = case_board.board(conn, viewer, filters, per_column=per_column)
    return {
        "counts": {s.value: n for s, n in found.counts.items()},
        "columns": {
            s.value: [head_json(h, now) for h in cards] for s, cards in found.columns.items()
        },
    }


@router.get(f"{API_V1}/cases/inbox", responses=RESPONSES)
def inbox_json(request: Request, viewer: Reading) -> dict[str, Any]:
    """Incoming referrals (pending), the agency's overdue cases and its open tasks by due date."""
    now = now_of(request)
    with web_state(request).engine.connect() as conn:
        found = case_board.inbox(conn, viewer, now)
    return {
        "referrals": [
            {
                "id": r.referral_id,
                "case": head_json(r.case, now),
                "from_agency": r.from_agency,
                "message": r.message,
                "language": r.language,
                "tlp": r.tlp,
                "created_at": time_json(r.created_at),
                "respond_by": time_json(r.respond_by),
                "overdue": is_overdue(r.respond_by, now),
            }
            for r in found.referrals
        ],
        "overdue": [head_json(h, now) for h in found.overdue],
        "tasks": [
            {"id": t.id, "case_id": t.case_id, "title": t.title, "due_at": time_json(t.due_at)}
            for t in found.tasks
        ],
    }


@router.post(f"{API_V1}/cases", status_code=201, responses=RESPONSES, response_model=None)
def create_json(request: Request, viewer: Writing, body: CaseIn) -> dict[str, Any] | JSONResponse:
    now = now_of(request)
    try:
        with web_state(request).engine.begin() as conn:
            case_id = service.create_case(conn, viewer, body.new_case(), now)
            view = service.view_case(conn, viewer, case_id, now)
    except CaseError as error:
        return case_error(request, error)
    return case_json(view, now)


@router.get(f"{API_V1}/cases/{{case_id}}", responses=RESPONSES, response_model=None)
def case_detail_json(
    request: Request, viewer: Reading, case_id: int
) -> dict[str, Any] | JSONResponse:
    now = now_of(request)
    try:
        with web_state(request).engine.connect() as conn:
            view = service.view_case(conn, viewer, case_id, now)
    except CaseError as error:
        return case_error(request, error)
    return case_json(view, now)


def _then_view(
    request: Request, viewer: Viewer, case_id: int, act: Callable[[Any, datetime], object]
) -> dict[str, Any] | JSONResponse:
    now = now_of(request)
    try:
        with web_state(request).engine.begin() as conn:
            act(conn, now)
            view = service.view_case(conn, viewer, case_id, now)
    except CaseError as error:
        return case_error(request, error)
    return case_json(view, now)


@router.post(f"{API_V1}/cases/{{case_id}}/transition", responses=RESPONSES, response_model=None)
def transition_json(
    request: Request, viewer: Writing, case_id: int, body: TransitionIn
) -> dict[str, Any] | JSONResponse:
    """Move the case to `status` (the workflow decides; `reason` is required to decline)."""
    return _then_view(
        request,
        viewer,
        case_id,
        lambda conn, now: service.transition(conn, viewer, case_id, body.status, now, body.reason),
    )


@router.post(
    f"{API_V1}/cases/{{case_id}}/referrals",
    status_code=201,
    responses=RESPONSES,
    response_model=None,
)
def refer_json(
    request: Request, viewer: Writing, case_id: int, body: ReferralIn
) -> dict[str, Any] | JSONResponse:
    """Refer the case, or the chosen links and details, to another agency (audited)."""
    new = NewReferral(
        to_agency=body.to_agency.upper(),
        message=body.message,
        language=body.language,
        tlp=body.tlp,
        include_details=body.include_details,
        link_ids=frozenset(body.link_ids),
    )
    return _then_view(
        request, viewer, case_id, lambda conn, now: service.refer(conn, viewer, case_id, new, now)
    )


def _answer(
    request: Request, viewer: Viewer, referral_id: int, *, accept: bool, reason: str
) -> dict[str, Any] | JSONResponse:
    now = now_of(request)
    try:
        with web_state(request).engine.begin() as conn:
            answered = service.respond(
                conn, viewer, referral_id, accept=accept, now=now, reason=reason
            )
    except CaseError as error:
        return case_error(request, error)
    return referral_json(answered)


@router.post(f"{API_V1}/referrals/{{referral_id}}/accept", responses=RESPONSES, response_model=None)
def accept_json(
    request: Request, viewer: Writing, referral_id: int
) -> dict[str, Any] | JSONResponse:
    """Accept a referral to the caller's agency: the referred part joins its board."""
    return _answer(request, viewer, referral_id, accept=True, reason="")


@router.post(
    f"{API_V1}/referrals/{{referral_id}}/decline", responses=RESPONSES, response_model=None
)
def decline_json(
    request: Request, viewer: Writing, referral_id: int, body: DeclineIn
) -> dict[str, Any] | JSONResponse:
    """Decline a referral to the caller's agency, with a reason."""
    return _answer(request, viewer, referral_id, accept=False, reason=body.reason)


@router.post(
    f"{API_V1}/cases/{{case_id}}/notes", status_code=201, responses=RESPONSES, response_model=None
)
def note_json(
    request: Request, viewer: Writing, case_id: int, body: NoteIn
) -> dict[str, Any] | JSONResponse:
    """Add a note of the caller's agency, marked (AMBER+STRICT by default: the agency only)."""
    return _then_view(
        request,
        viewer,
        case_id,
        lambda conn, now: service.add_note(conn, viewer, case_id, body.body, body.tlp, now),
    )


@router.post(
    f"{API_V1}/cases/{{case_id}}/tasks", status_code=201, responses=RESPONSES, response_model=None
)
def task_json(
    request: Request, viewer: Writing, case_id: int, body: TaskIn
) -> dict[str, Any] | JSONResponse:
    """Add a task of the caller's agency, with an optional due date."""
    due = _aware(body.due_at)
    return _then_view(
        request,
        viewer,
        case_id,
        lambda conn, now: service.add_task(conn, viewer, case_id, body.title, due, now),
    )


@router.post(f"{API_V1}/tasks/{{task_id}}/done", responses=RESPONSES, response_model=None)
def task_done_json(
    request: Request, viewer: Writing, task_id: int
) -> dict[str, Any] | JSONResponse:
    now = now_of(request)
    try:
        with web_state(request).engine.begin() as conn:
            service.complete_task(conn, viewer, task_id, now)
    except CaseError as error:
        return case_error(request, error)
    return {"id": task_id, "done": True}


@router.post(
    f"{API_V1}/cases/{{case_id}}/links", status_code=201, responses=RESPONSES, response_model=None
)
def link_json(
    request: Request, viewer: Writing, case_id: int, body: LinkIn
) -> dict[str, Any] | JSONResponse:
    """Link a report, campaign (a merged id is followed), indicator or victim to the case."""
    return _then_view(
        request,
        viewer,
        case_id,
        lambda conn, now: service.add_link(
            conn, viewer, case_id, body.kind, body.target_id, body.role, now
        ),
    )
