"""Cases applied to the store: every change checked here, stored with its timeline event in the
caller's transaction, referrals audited (`sharing/audit.py`).

Functions take the connection of one transaction, the `Viewer` acting and the time (`now`,
from an injectable clock). Refusals are `CaseError`s naming the field; a case the viewer may
not see is the same 404 as an absent one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Connection

from scamlink.cases import notifications, notify
from scamlink.cases.deadlines import (
    deadline_for,
    default_priority,
    is_overdue,
    on_create,
    on_response,
)
from scamlink.cases.model import (
    CaseError,
    CaseHead,
    LinkKind,
    LinkRole,
    NewCase,
    NewReferral,
    PersonAtRisk,
    Priority,
    ReferralStatus,
    Status,
)
from scamlink.cases.policy import Access, Seen, check_referral, may_see_note, seen
from scamlink.cases.workflow import OFFICERS, Side, Via, check_transition, next_statuses
from scamlink.sharing.audit import actor_of, record
from scamlink.sharing.roles import Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store import case_board
from scamlink.store import cases as rows
from scamlink.store.agencies import get_agency

NOT_FOUND = "no such case"
MAX_TITLE = 300
MAX_TEXT = 20_000
_COUNTRY = re.compile(r"[A-Z]{2}")
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*")


def _not_found(what: str = NOT_FOUND, field: str | None = None) -> CaseError:
    return CaseError(what, field, 404)


def timeline_event(
    conn: Connection,
    viewer: Viewer,
    case_id: int,
    now: datetime,
    action: str,
    message: str = "",
    *,
    from_status: Status | None = None,
    to_status: Status | None = None,
    audience: str | None = None,
) -> None:
    """One entry on the case's timeline: `viewer` did `action` at `now`."""
    rows.add_event(
        conn,
        case_id,
        at=now,
        actor_user_id=viewer.user_id,
        actor_agency=viewer.agency,
        action=action,
        message=message,
        from_status=from_status,
        to_status=to_status,
        audience=audience,
    )


def _officer(viewer: Viewer) -> None:
    if viewer.agency is None:
        raise CaseError("sign in to work on cases", None, 401)
    if viewer.role not in OFFICERS:
        raise CaseError(
            "only officers (analysts, investigators, desk officers) work on cases", None, 403
        )


def _text(value: str, field: str, *, required: bool, limit: int = MAX_TEXT) -> str:
    cleaned = value.strip()
    if required and not cleaned:
        raise CaseError(f"{field} is required", field)
    if len(cleaned) > limit:
        raise CaseError(f"{field} is longer than {limit} characters", field)
    return cleaned


def _country(value: str | None, field: str) -> str | None:
    if value is None or not value.strip():
        return None
    code = value.strip().upper()
    if not _COUNTRY.fullmatch(code):
        raise CaseError(f"{field} must be a two-letter country code (ISO 3166-1)", field)
    return code


def _checked(new: NewCase) -> NewCase:
    p = new.person
    if p.latitude is not None and not -90 <= p.latitude <= 90:
        raise CaseError("latitude must be between -90 and 90", "latitude")
    if p.longitude is not None and not -180 <= p.longitude <= 180:
        raise CaseError("longitude must be between -180 and 180", "longitude")
    target = (new.target or "").strip() or None
    if new.kind.value in ("takedown_request", "freeze_request") and target is None:
        raise CaseError(f"a {new.kind.value} names what to act on", "target")
    return replace(
        new,
        title=_text(new.title, "title", required=True, limit=MAX_TITLE),
        summary=_text(new.summary, "summary", required=False),
        nationality=_country(new.nationality, "nationality"),
        country=_country(new.country, "country"),
        target=target,
        person=PersonAtRisk(
            province=_text(p.province or "", "province", required=False, limit=100) or None,
            compound=_text(p.compound or "", "compound", required=False, limit=200) or None,
            latitude=p.latitude,
            longitude=p.longitude,
            last_contact_at=p.last_contact_at,
            recruitment=_text(p.recruitment or "", "recruitment", required=False) or None,
        ),
    )


def create_case(conn: Connection, viewer: Viewer, new: NewCase, now: datetime) -> int:
    _officer(viewer)
    assert viewer.agency is not None
    new = _checked(new)
    if new.assignee_user_id is not None and (
        rows.user_agency(conn, new.assignee_user_id) != viewer.agency
    ):
        raise CaseError("the assignee must be a user of the owning agency", "assignee_user_id")
    priority = new.priority or default_priority(new.kind)
    deadline = deadline_for(priority, rows.agency_deadlines(conn, viewer.agency))
    case_id = rows.insert_case(
        conn,
        owner=viewer.agency,
        created_by=viewer.user_id,
        new=new,
        priority=priority,
        due=on_create(now, deadline),
        now=now,
    )
    timeline_event(
        conn,
        viewer,
        case_id,
        now,
        "created",
        f"{new.kind.value}, {priority.value}",
        to_status=Status.NEW,
    )
    return case_id


def _load(
    conn: Connection, viewer: Viewer, case_id: int, *, lock: bool = False
) -> tuple[CaseHead, Seen]:
    head = rows.case_head(conn, case_id, for_update=lock)
    if head is None:
        raise _not_found()
    view = seen(viewer, head, rows.accepted_to(conn, case_id, viewer.agency))
    if view is None:
        raise _not_found()
    return head, view


def _responded(
    conn: Connection,
    head: CaseHead,
    status: Status,
    now: datetime,
    priority: Priority | None = None,
) -> None:
    """Store the new status and deadlines after someone acted on the case."""
    first_due, _ = rows.first_response_at(conn, head.id)
    deadline = deadline_for(
        priority or head.priority, rows.agency_deadlines(conn, head.owner_agency)
    )
    due = on_response(now, status, deadline, first_due)
    rows.set_status(conn, head.id, status, due, now, responded=True, priority=priority)


def transition(
    conn: Connection, viewer: Viewer, case_id: int, target: Status, now: datetime, reason: str = ""
) -> CaseHead:
    """Move a case on the board; the workflow table decides."""
    head, view = _load(conn, viewer, case_id, lock=True)
    check_transition(
        head.status, target, side=view.side, role=viewer.role, via=Via.MOVE, reason=reason
    )
    _responded(conn, head, target, now)
    timeline_event(
        conn,
        viewer,
        case_id,
        now,
        "status",
        _text(reason, "reason", required=False),
        from_status=head.status,
        to_status=target,
    )
    moved = rows.case_head(conn, case_id)
    assert moved is not None
    return moved


def set_priority(
    conn: Connection, viewer: Viewer, case_id: int, priority: Priority, now: datetime
) -> None:
    head, view = _load(conn, viewer, case_id, lock=True)
    _officer(viewer)
    if view.access is not Access.OWNER:
        raise CaseError("only the owning agency sets a case's priority", "priority", 403)
    if priority is head.priority:
        return
    _responded(conn, head, head.status, now, priority)
    timeline_event(
        conn, viewer, case_id, now, "priority", f"{head.priority.value} → {priority.value}"
    )


# --- referrals ------------------------------------------------------------------------------

# Statuses from which one more referral leaves the status as it is.
_ALREADY_REFERRED = frozenset({Status.REFERRED, Status.ACCEPTED})


def refer(conn: Connection, viewer: Viewer, case_id: int, new: NewReferral, now: datetime) -> int:
    _officer(viewer)
    head, view = _load(conn, viewer, case_id, lock=True)
    check_referral(viewer, head, new.to_agency, new.tlp)
    if get_agency(conn, new.to_agency) is None:
        raise CaseError(f"unknown agency {new.to_agency!r}", "to_agency")
    message = _text(new.message, "message", required=True)
    if not _LANGUAGE.fullmatch(new.language):
        raise CaseError("language must be a BCP 47 code such as ko, km or en", "language")
    unknown = set(new.link_ids) - rows.link_ids_of(conn, case_id)
    if unknown:
        raise CaseError(f"these links are not on the case: {sorted(unknown)}", "link_ids")
    if any(r.to_agency == new.to_agency for r in rows.open_referrals(conn, case_id)):
        raise CaseError(
            f"the case is already referred to {new.to_agency} (pending or accepted)",
            "to_agency",
            409,
        )
    moves = head.status not in _ALREADY_REFERRED
    if moves:
        check_transition(
            head.status, Status.REFERRED, side=view.side, role=viewer.role, via=Via.REFERRAL
        )
    respond_within = deadline_for(
        head.priority, rows.agency_deadlines(conn, new.to_agency)
    ).first_response
    referral_id = rows.insert_referral(
        conn,
        case_id,
        head.owner_agency,
        replace(new, message=message),
        by=viewer.user_id,
        now=now,
        respond_within=respond_within,
    )
    status = Status.REFERRED if moves else head.status
    _responded(conn, head, status, now)
    told = rows.case_head(conn, case_id)
    assert told is not None
    notify.tell(
        conn,
        [
            notifications.on_referral(
                told,
                referral_id=referral_id,
                to_agency=new.to_agency,
                message=message,
                language=new.language,
                tlp=new.tlp.value,
                respond_by=now + respond_within,
            )
        ],
        now,
    )
    timeline_event(
        conn,
        viewer,
        case_id,
        now,
        "referred",
        f"{new.to_agency} ({new.tlp.value})",
        from_status=head.status if moves else None,
        to_status=Status.REFERRED if moves else None,
    )
    record(
        conn,
        actor_of(viewer),
        "case.refer",
        f"case:{case_id}",
        {
            "referral": referral_id,
            "to": new.to_agency,
            "tlp": new.tlp.value,
            "details": new.include_details,
            "links": sorted(new.link_ids),
        },
        subject_agency=new.to_agency,
    )
    return referral_id


def respond(
    conn: Connection,
    viewer: Viewer,
    referral_id: int,
    *,
    accept: bool,
    now: datetime,
    reason: str = "",
) -> rows.Referral:
    """Accept or decline a referral to the viewer's agency (a reason is required to decline)."""
    _officer(viewer)
    found = rows.referral(conn, referral_id)
    if found is None or found.to_agency != viewer.agency:
        raise _not_found("no such referral")
    if found.status is not ReferralStatus.PENDING:
        raise CaseError(f"the referral was already {found.status.value}", "referral", 409)
    reason = _text(reason, "reason", required=not accept)
    head = rows.case_head(conn, found.case_id, for_update=True)
    assert head is not None
    status = ReferralStatus.ACCEPTED if accept else ReferralStatus.DECLINED
    if not rows.respond_referral(
        conn, referral_id, status, reason=reason or None, by=viewer.user_id, now=now
    ):
        raise CaseError("the referral was answered meanwhile", "referral", 409)
    moved: Status | None = None
    if head.status is Status.REFERRED:
        if accept:
            moved = Status.ACCEPTED
        elif not rows.open_referrals(conn, found.case_id):
            moved = Status.DECLINED
    if moved is not None:
        check_transition(
            head.status,
            moved,
            side=Side.RECIPIENT,
            role=viewer.role,
            via=Via.REFERRAL,
            reason=reason,
        )
        _responded(conn, head, moved, now)
    timeline_event(
        conn,
        viewer,
        found.case_id,
        now,
        "referral_accepted" if accept else "referral_declined",
        reason,
        from_status=head.status if moved else None,
        to_status=moved,
    )
    record(
        conn,
        actor_of(viewer),
        "case.referral.accept" if accept else "case.referral.decline",
        f"case:{found.case_id}",
        {"referral": referral_id, "from": found.from_agency, "reason": reason},
        subject_agency=found.from_agency,
    )
    answered = rows.referral(conn, referral_id)
    assert answered is not None
    told = rows.case_head(conn, found.case_id)
    assert told is not None
    notice = notifications.on_response(
        told, referral_id=referral_id, to_agency=found.to_agency, accepted=accept, reason=reason
    )
    notify.tell(conn, [notice], now)
    return answered


# --- notes, tasks, links --------------------------------------------------------------------


def add_note(
    conn: Connection, viewer: Viewer, case_id: int, body: str, marking: Tlp, now: datetime
) -> int:
    _officer(viewer)
    head, view = _load(conn, viewer, case_id, lock=True)
    assert viewer.agency is not None
    body = _text(body, "body", required=True)
    note_id = rows.insert_note(conn, case_id, viewer.agency, viewer.user_id, marking, body, now)
    if view.access is Access.OWNER:
        _responded(conn, head, head.status, now)
    timeline_event(
        conn, viewer, case_id, now, "note", f"TLP:{marking.value}", audience=viewer.agency
    )
    return note_id


def add_task(
    conn: Connection,
    viewer: Viewer,
    case_id: int,
    title: str,
    due_at: datetime | None,
    now: datetime,
) -> int:
    _officer(viewer)
    _load(conn, viewer, case_id)
    assert viewer.agency is not None
    title = _text(title, "title", required=True, limit=MAX_TITLE)
    task_id = rows.insert_task(conn, case_id, viewer.agency, title, due_at, viewer.user_id, now)
    timeline_event(conn, viewer, case_id, now, "task", title, audience=viewer.agency)
    return task_id


def complete_task(conn: Connection, viewer: Viewer, task_id: int, now: datetime) -> None:
    _officer(viewer)
    found = rows.task(conn, task_id)
    if found is None or found.agency != viewer.agency:
        raise _not_found("no such task")
    if not rows.complete_task(conn, task_id, now):
        raise CaseError("the task is already done", "task", 409)
    timeline_event(
        conn, viewer, found.case_id, now, "task_done", found.title, audience=viewer.agency
    )


def add_link(
    conn: Connection,
    viewer: Viewer,
    case_id: int,
    kind: LinkKind,
    target_id: int,
    role: LinkRole,
    now: datetime,
) -> int:
    """Link a report, campaign, indicator or victim (the owning agency only). A report must be
    one the viewer sees, a victim one of its agency's: hidden and absent are the same error."""
    _officer(viewer)
    head, view = _load(conn, viewer, case_id, lock=True)
    if view.access is not Access.OWNER:
        raise CaseError("only the owning agency links items to a case", "kind", 403)
    stored = rows.link_target(conn, kind, target_id)
    if kind is LinkKind.REPORT and stored is not None:
        stored = stored if rows.visible_report_ids(conn, viewer, [stored]) else None
    if kind is LinkKind.VICTIM and stored is not None:
        stored = stored if rows.victim_agency(conn, stored) == viewer.agency else None
    if stored is None:
        raise CaseError(f"no such {kind.value} {target_id}", "target_id", 422)
    link_id, new = rows.add_link(conn, case_id, kind, stored, role, viewer.user_id, now)
    if new:
        timeline_event(
            conn,
            viewer,
            case_id,
            now,
            "link",
            f"{kind.value} {stored} ({role.value})",
            audience=head.owner_agency,
        )
    return link_id


# --- reading --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseView:
    """One case as one viewer sees it."""

    record: rows.CaseRecord
    access: Access
    details: bool
    overdue: bool
    links: list[rows.Link]
    events: list[rows.Event]
    referrals: list[rows.Referral]
    notes: list[rows.Note]
    tasks: list[rows.Task]
    moves: list[Status]  # where the viewer may move it on the board


def view_case(conn: Connection, viewer: Viewer, case_id: int, now: datetime) -> CaseView:
    head, view = _load(conn, viewer, case_id)
    record_ = rows.case_record(conn, case_id)
    assert record_ is not None
    assert viewer.agency is not None
    if not view.details:
        record_ = replace(record_, summary="", person=PersonAtRisk(), target=None)
    links = rows.links_of(conn, case_id)
    if view.link_ids is not None:
        links = [link for link in links if link.id in view.link_ids]
    reports = rows.visible_report_ids(
        conn, viewer, [link.target_id for link in links if link.kind is LinkKind.REPORT]
    )
    links = [
        link for link in links if link.kind is not LinkKind.REPORT or link.target_id in reports
    ]
    referrals = rows.referrals_of_case(conn, case_id)
    if view.access is not Access.OWNER:
        referrals = [r for r in referrals if r.to_agency == viewer.agency]
    who = rows.participants(conn, case_id, head.owner_agency)
    notes = [n for n in rows.notes_of(conn, case_id) if may_see_note(viewer, n.agency, n.tlp, who)]
    side = view.side
    moves = [] if side is None else next_statuses(head.status, side, viewer.role)
    return CaseView(
        record=record_,
        access=view.access,
        details=view.details,
        overdue=is_overdue(head.next_due, now),
        links=links,
        events=rows.events_of(conn, case_id, viewer.agency),
        referrals=referrals,
        notes=notes,
        tasks=rows.tasks_of(conn, case_id, viewer.agency),
        moves=moves,
    )


def board_moves(
    conn: Connection, viewer: Viewer, heads: Iterable[CaseHead]
) -> dict[int, list[Status]]:
    """Where the viewer may move each card of the board (the keyboard's "move to" menu): the
    owner's moves for its own cases, the recipient's for cases referred to it and accepted,
    none for a desk officer's view of its nationals' cases. The server checks each move again."""
    cards = list(heads)
    received = case_board.accepted_among(
        conn, viewer, [h.id for h in cards if h.owner_agency != viewer.agency]
    )
    out: dict[int, list[Status]] = {}
    for head in cards:
        if head.owner_agency == viewer.agency:
            side: Side | None = Side.OWNER
        elif head.id in received:
            side = Side.RECIPIENT
        else:
            side = None
        out[head.id] = [] if side is None else next_statuses(head.status, side, viewer.role)
    return out
