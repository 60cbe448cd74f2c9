"""HTML routes of cases: the board by status, the inbox, the new-case form and a case's page.

Pages read through the same functions as the JSON API (`cases.service`, `store.case_board`),
so they show exactly what the viewer may see; every change on them (a card dragged to another
column, a referral, a note, a task, a link, accepting or declining) is sent by
`static/case_board.js` to the JSON API, which enforces the workflow: a refused move leaves the
card where it was and shows the server's error. Partners have no cases (403).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection

from scamlink.cases import service
from scamlink.cases.deadlines import is_overdue
from scamlink.cases.evidence import list_evidence
from scamlink.cases.model import (
    BOARD_ORDER,
    CaseError,
    CaseKind,
    LinkKind,
    LinkRole,
    Priority,
    ReferralStatus,
    Status,
)
from scamlink.cases.workflow import TRANSITIONS
from scamlink.sharing.roles import Role, Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store import case_board
from scamlink.store.agencies import list_agencies
from scamlink.store.markings import resolve_viewer
from scamlink.store.users import UserRecord
from scamlink.web.auth import SIGN_IN_REQUIRED, CurrentUser
from scamlink.web.cases_api import PARTNERS_REFUSED, filters_of, now_of
from scamlink.web.i18n import N_, request_locale, translations
from scamlink.web.rendering import render
from scamlink.web.state import web_state

router = APIRouter(include_in_schema=False)

KIND_LABELS: dict[str, str] = {
    "financial_loss": N_("Financial loss"),
    "person_at_risk": N_("Person at risk"),
    "repatriation": N_("Repatriation"),
    "takedown_request": N_("Takedown request"),
    "freeze_request": N_("Freeze request"),
}
STATUS_LABELS: dict[str, str] = {
    "new": N_("New"),
    "triaged": N_("Triaged"),
    "referred": N_("Referred"),
    "accepted": N_("Accepted"),
    "in_progress": N_("In progress"),
    "resolved": N_("Resolved"),
    "closed": N_("Closed"),
    "declined": N_("Declined"),
    "reopened": N_("Reopened"),
}
PRIORITY_LABELS: dict[str, str] = {
    "P1": N_("P1 — first"),
    "P2": N_("P2 — high"),
    "P3": N_("P3 — normal"),
    "P4": N_("P4 — low"),
}
LINK_LABELS: dict[str, str] = {
    "report": N_("Report"),
    "campaign": N_("Campaign"),
    "indicator": N_("Indicator"),
    "victim": N_("Victim"),
    "victim_role": N_("Victim"),
    "suspect": N_("Suspect"),
    "related": N_("Related"),
}
REFERRAL_LABELS: dict[str, str] = {
    "pending": N_("Waiting for an answer"),
    "accepted": N_("Accepted"),
    "declined": N_("Declined"),
}
ACTION_LABELS: dict[str, str] = {
    "created": N_("Case opened"),
    "status": N_("Status changed"),
    "priority": N_("Priority changed"),
    "referred": N_("Referred"),
    "referral_accepted": N_("Referral accepted"),
    "referral_declined": N_("Referral declined"),
    "note": N_("Note added"),
    "task": N_("Task added"),
    "task_done": N_("Task done"),
    "link": N_("Item linked"),
    "evidence": N_("Evidence added"),
    "evidence_handover": N_("Evidence handed over"),
    "dossier": N_("Dossier exported"),
}
# Moves that need a reason (the board asks for one before sending).
NEEDS_REASON = sorted({to.value for (_, to), rule in TRANSITIONS.items() if rule.needs_reason})


@dataclass(frozen=True, slots=True)
class CaseLabels:
    gettext: Callable[[str], str]

    def _of(self, table: dict[str, str], value: str) -> str:
        found = table.get(value)
        return value if found is None else self.gettext(found)

    def kind(self, value: str) -> str:
        return self._of(KIND_LABELS, value)

    def status(self, value: str) -> str:
        return self._of(STATUS_LABELS, value)

    def priority(self, value: str) -> str:
        return self._of(PRIORITY_LABELS, value)

    def link(self, value: str) -> str:
        return self._of(LINK_LABELS, value)

    def link_role(self, value: str) -> str:
        return self._of(LINK_LABELS, "victim_role" if value == "victim" else value)

    def referral(self, value: str) -> str:
        return self._of(REFERRAL_LABELS, value)

    def action(self, value: str) -> str:
        return self._of(ACTION_LABELS, value)


def _labels(request: Request) -> CaseLabels:
    return CaseLabels(translations(request_locale(request)).gettext)


def _staff(conn: Connection, user: UserRecord | None) -> tuple[UserRecord, Viewer]:
    if user is None:
        raise HTTPException(status_code=401, detail=SIGN_IN_REQUIRED)
    if user.role is Role.PARTNER:
        raise HTTPException(status_code=403, detail=PARTNERS_REFUSED)
    return user, resolve_viewer(conn, agency=user.agency, role=user.role, user_id=user.id)


def _choices() -> dict[str, Any]:
    return {
        "kinds": [k.value for k in CaseKind],
        "priorities": [p.value for p in Priority],
        "markings": [m.value for m in Tlp],
        "statuses": [s.value for s in BOARD_ORDER],
        "link_kinds": [k.value for k in LinkKind],
        "link_roles": [r.value for r in LinkRole],
        "needs_reason": NEEDS_REASON,
    }


@router.get("/cases", name="cases_board", response_class=HTMLResponse)
def board_page(
    request: Request,
    user: CurrentUser,
    kind: CaseKind | None = None,
    priority: Priority | None = None,
    agency: Annotated[str | None, Query(max_length=16)] = None,
    nationality: Annotated[str | None, Query(max_length=2)] = None,
    overdue: bool = False,
) -> HTMLResponse:
    """Cases by status in columns, P1 first; drag a card to move it."""
    now = now_of(request)
    filters = filters_of(now, kind, priority, agency or None, nationality or None, overdue)
    with web_state(request).engine.connect() as conn:
        user, viewer = _staff(conn, user)
        found = case_board.board(conn, viewer, filters)
        agencies = [a.code for a in list_agencies(conn)]
        cards = [card for column in found.columns.values() for card in column]
        moves = service.board_moves(conn, viewer, cards)  # the keyboard's "move to" menus
    return render(
        request,
        "cases_board.html",
        user=user,
        board=found,
        moves=moves,
        order=[s.value for s in BOARD_ORDER],
        filters=filters,
        overdue=overdue,
        now=now,
        is_overdue=is_overdue,
        agencies=agencies,
        labels=_labels(request),
        **_choices(),
    )


@router.get("/cases/inbox", name="cases_inbox", response_class=HTMLResponse)
def inbox_page(request: Request, user: CurrentUser) -> HTMLResponse:
    """Referrals waiting for the agency's answer, its overdue cases and its tasks by due date."""
    now = now_of(request)
    with web_state(request).engine.connect() as conn:
        user, viewer = _staff(conn, user)
        found = case_board.inbox(conn, viewer, now)
    return render(
        request,
        "cases_inbox.html",
        user=user,
        inbox=found,
        now=now,
        is_overdue=is_overdue,
        labels=_labels(request),
        **_choices(),
    )


@router.get("/cases/new", name="case_new", response_class=HTMLResponse)
def new_case_page(request: Request, user: CurrentUser) -> HTMLResponse:
    with web_state(request).engine.connect() as conn:
        user, _ = _staff(conn, user)
    return render(request, "case_new.html", user=user, labels=_labels(request), **_choices())


@router.get("/cases/{case_id:int}", name="case_page", response_class=HTMLResponse)
def case_page(request: Request, user: CurrentUser, case_id: int) -> HTMLResponse:
    """A case as the viewer sees it: timeline, notes, tasks, links and referrals."""
    now = now_of(request)
    with web_state(request).engine.connect() as conn:
        user, viewer = _staff(conn, user)
        try:
            view = service.view_case(conn, viewer, case_id, now)
        except CaseError as error:
            raise HTTPException(status_code=error.status) from None
        agencies = [a for a in list_agencies(conn) if a.code != viewer.agency]
        evidence = list_evidence(conn, viewer, case_id)
    return render(
        request,
        "case.html",
        user=user,
        view=view,
        evidence=evidence,
        case=view.record.head,
        now=now,
        agencies=agencies,
        pending=ReferralStatus.PENDING.value,
        finished=[s.value for s in (Status.RESOLVED, Status.CLOSED, Status.DECLINED)],
        labels=_labels(request),
        **_choices(),
    )
