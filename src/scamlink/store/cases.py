"""Rows of cases: the case, its timeline, links, referrals, notes, tasks and deadlines.

SQL only: the workflow, deadlines and who sees what are decided in `scamlink.cases`; every
function here runs in the caller's transaction, so a change and its timeline event commit
together. The board's lists and counts are in `store/case_board.py`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from scamlink.cases.deadlines import Deadline, Due
from scamlink.cases.model import (
    CaseHead,
    CaseKind,
    LinkKind,
    LinkRole,
    NewCase,
    NewReferral,
    PersonAtRisk,
    Priority,
    ReferralStatus,
    Status,
)
from scamlink.cases.policy import AcceptedReferral
from scamlink.sharing.roles import Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store.campaigns import resolve_campaign
from scamlink.store.schema import (
    case_deadlines,
    case_events,
    case_links,
    case_notes,
    case_tasks,
    cases,
    indicators,
    referral_links,
    referrals,
    reports,
    users,
    victims,
)
from scamlink.store.visibility import visible_reports

HEAD_COLUMNS = (
    cases.c.id,
    cases.c.kind,
    cases.c.title,
    cases.c.owner_agency,
    cases.c.priority,
    cases.c.status,
    cases.c.tlp,
    cases.c.nationality,
    cases.c.country,
    cases.c.next_due,
    cases.c.updated_at,
)


def head_of(row: Any) -> CaseHead:
    return CaseHead(
        id=row.id,
        kind=CaseKind(row.kind),
        title=row.title,
        owner_agency=row.owner_agency,
        priority=Priority(row.priority),
        status=Status(row.status),
        tlp=Tlp(row.tlp),
        nationality=row.nationality,
        country=row.country,
        next_due=row.next_due,
        updated_at=row.updated_at,
    )


@dataclass(frozen=True, slots=True)
class CaseRecord:
    head: CaseHead
    summary: str
    assignee_user_id: int | None
    created_by: int | None
    created_at: datetime
    first_response_due: datetime
    first_response_at: datetime | None
    next_update_due: datetime | None
    person: PersonAtRisk
    target: str | None


def insert_case(
    conn: Connection,
    *,
    owner: str,
    created_by: int | None,
    new: NewCase,
    priority: Priority,
    due: Due,
    now: datetime,
) -> int:
    p = new.person
    return int(
        conn.execute(
            insert(cases)
            .values(
                kind=new.kind.value,
                title=new.title,
                summary=new.summary,
                owner_agency=owner,
                assignee_user_id=new.assignee_user_id,
                created_by=created_by,
                priority=priority.value,
                status=Status.NEW.value,
                tlp=new.tlp.value,
                nationality=new.nationality,
                country=new.country,
                province=p.province,
                compound=p.compound,
                latitude=p.latitude,
                longitude=p.longitude,
                last_contact_at=p.last_contact_at,
                recruitment=p.recruitment,
                target=new.target,
                created_at=now,
                updated_at=now,
                first_response_due=due.first_response_due,
                next_update_due=due.next_update_due,
                next_due=due.next_due,
            )
            .returning(cases.c.id)
        ).scalar_one()
    )


def case_head(conn: Connection, case_id: int, *, for_update: bool = False) -> CaseHead | None:
    query = select(*HEAD_COLUMNS).where(cases.c.id == case_id)
    if for_update and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    return None if row is None else head_of(row)


def case_record(conn: Connection, case_id: int) -> CaseRecord | None:
    row = conn.execute(select(cases).where(cases.c.id == case_id)).first()
    if row is None:
        return None
    return CaseRecord(
        head=head_of(row),
        summary=row.summary,
        assignee_user_id=row.assignee_user_id,
        created_by=row.created_by,
        created_at=row.created_at,
        first_response_due=row.first_response_due,
        first_response_at=row.first_response_at,
        next_update_due=row.next_update_due,
        person=PersonAtRisk(
            province=row.province,
            compound=row.compound,
            latitude=None if row.latitude is None else Decimal(row.latitude),
            longitude=None if row.longitude is None else Decimal(row.longitude),
            last_contact_at=row.last_contact_at,
            recruitment=row.recruitment,
        ),
        target=row.target,
    )


def first_response_at(conn: Connection, case_id: int) -> tuple[datetime, datetime | None]:
    """(first_response_due, first_response_at) of a case."""
    row = conn.execute(
        select(cases.c.first_response_due, cases.c.first_response_at).where(cases.c.id == case_id)
    ).one()
    return row[0], row[1]


def set_status(
    conn: Connection,
    case_id: int,
    status: Status,
    due: Due,
    now: datetime,
    *,
    responded: bool,
    priority: Priority | None = None,
) -> None:
    values: dict[str, Any] = {
        "status": status.value,
        "updated_at": now,
        "first_response_due": due.first_response_due,
        "next_update_due": due.next_update_due,
        "next_due": due.next_due,
    }
    if priority is not None:
        values["priority"] = priority.value
    query = update(cases).where(cases.c.id == case_id).values(**values)
    conn.execute(query)
    if responded:
        conn.execute(
            update(cases)
            .where(cases.c.id == case_id, cases.c.first_response_at.is_(None))
            .values(first_response_at=now)
        )


def set_assignee(conn: Connection, case_id: int, user_id: int | None, now: datetime) -> None:
    conn.execute(
        update(cases).where(cases.c.id == case_id).values(assignee_user_id=user_id, updated_at=now)
    )


def user_agency(conn: Connection, user_id: int) -> str | None:
    return conn.execute(select(users.c.agency).where(users.c.id == user_id)).scalar()


# --- the timeline -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    at: datetime
    actor_user_id: int | None
    actor_agency: str | None
    action: str
    from_status: str | None
    to_status: str | None
    message: str
    audience: str | None


def add_event(
    conn: Connection,
    case_id: int,
    *,
    at: datetime,
    actor_user_id: int | None,
    actor_agency: str | None,
    action: str,
    message: str = "",
    from_status: Status | None = None,
    to_status: Status | None = None,
    audience: str | None = None,
) -> None:
    conn.execute(
        insert(case_events).values(
            case_id=case_id,
            at=at,
            actor_user_id=actor_user_id,
            actor_agency=actor_agency,
            action=action,
            from_status=None if from_status is None else from_status.value,
            to_status=None if to_status is None else to_status.value,
            message=message,
            audience=audience,
        )
    )


def events_of(conn: Connection, case_id: int, agency: str | None) -> list[Event]:
    """The timeline, oldest first: events for everyone and those for `agency`."""
    e = case_events
    rows = conn.execute(
        select(e)
        .where(e.c.case_id == case_id, (e.c.audience.is_(None)) | (e.c.audience == agency))
        .order_by(e.c.id)
    ).all()
    return [
        Event(
            r.id,
            r.at,
            r.actor_user_id,
            r.actor_agency,
            r.action,
            r.from_status,
            r.to_status,
            r.message,
            r.audience,
        )
        for r in rows
    ]


# --- links --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Link:
    id: int
    kind: LinkKind
    target_id: int
    role: LinkRole
    label: str  # the report's external id, the indicator's value, the victim's reference


def link_target(conn: Connection, kind: LinkKind, target_id: int) -> int | None:
    """The id to store for a link (a campaign's current id), None when the target is absent."""
    if kind is LinkKind.CAMPAIGN:
        return resolve_campaign(conn, target_id)
    table = {LinkKind.REPORT: reports, LinkKind.INDICATOR: indicators, LinkKind.VICTIM: victims}
    found = conn.execute(select(table[kind].c.id).where(table[kind].c.id == target_id)).scalar()
    return None if found is None else int(found)


def add_link(
    conn: Connection,
    case_id: int,
    kind: LinkKind,
    target_id: int,
    role: LinkRole,
    by: int | None,
    at: datetime,
) -> tuple[int, bool]:
    """(link id, True when new); linking the same thing twice keeps the first link."""
    existing = conn.execute(
        select(case_links.c.id).where(
            case_links.c.case_id == case_id,
            case_links.c.kind == kind.value,
            case_links.c.target_id == target_id,
        )
    ).scalar()
    if existing is not None:
        return int(existing), False
    new_id = conn.execute(
        insert(case_links)
        .values(
            case_id=case_id,
            kind=kind.value,
            target_id=target_id,
            role=role.value,
            added_by=by,
            added_at=at,
        )
        .returning(case_links.c.id)
    ).scalar_one()
    return int(new_id), True


def links_of(conn: Connection, case_id: int) -> list[Link]:
    """The case's links, campaigns followed to their current id (a merge never dangles)."""
    rows = conn.execute(
        select(case_links.c.id, case_links.c.kind, case_links.c.target_id, case_links.c.role)
        .where(case_links.c.case_id == case_id)
        .order_by(case_links.c.id)
    ).all()
    by_kind: dict[LinkKind, list[int]] = {}
    for r in rows:
        by_kind.setdefault(LinkKind(r.kind), []).append(r.target_id)
    labels: dict[tuple[LinkKind, int], str] = {}
    if LinkKind.REPORT in by_kind:
        for rid, agency, ext in conn.execute(
            select(reports.c.id, reports.c.agency, reports.c.external_id).where(
                reports.c.id.in_(by_kind[LinkKind.REPORT])
            )
        ):
            labels[(LinkKind.REPORT, rid)] = f"{agency} {ext}"
    if LinkKind.INDICATOR in by_kind:
        for iid, itype, display in conn.execute(
            select(indicators.c.id, indicators.c.type, indicators.c.display).where(
                indicators.c.id.in_(by_kind[LinkKind.INDICATOR])
            )
        ):
            labels[(LinkKind.INDICATOR, iid)] = f"{itype}: {display}"
    if LinkKind.VICTIM in by_kind:
        for vid, ref in conn.execute(
            select(victims.c.id, victims.c.ref).where(victims.c.id.in_(by_kind[LinkKind.VICTIM]))
        ):
            labels[(LinkKind.VICTIM, vid)] = ref
    out = []
    for r in rows:
        kind = LinkKind(r.kind)
        target = r.target_id
        if kind is LinkKind.CAMPAIGN:
            target = resolve_campaign(conn, target) or target
            labels[(kind, target)] = f"#{target}"
        out.append(Link(r.id, kind, target, LinkRole(r.role), labels.get((kind, target), "")))
    return out


def link_ids_of(conn: Connection, case_id: int) -> set[int]:
    return set(
        conn.execute(select(case_links.c.id).where(case_links.c.case_id == case_id)).scalars()
    )


# --- referrals ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Referral:
    id: int
    case_id: int
    from_agency: str
    to_agency: str
    message: str
    language: str
    translation: str | None
    translation_language: str | None
    tlp: Tlp
    include_details: bool
    status: ReferralStatus
    reason: str | None
    created_by: int | None
    created_at: datetime
    respond_by: datetime
    responded_at: datetime | None
    link_ids: frozenset[int]


def insert_referral(
    conn: Connection,
    case_id: int,
    from_agency: str,
    new: NewReferral,
    *,
    by: int | None,
    now: datetime,
    respond_within: timedelta,
) -> int:
    referral_id = int(
        conn.execute(
            insert(referrals)
            .values(
                case_id=case_id,
                from_agency=from_agency,
                to_agency=new.to_agency,
                message=new.message,
                language=new.language,
                tlp=new.tlp.value,
                include_details=new.include_details,
                status=ReferralStatus.PENDING.value,
                created_by=by,
                created_at=now,
                respond_by=now + respond_within,
            )
            .returning(referrals.c.id)
        ).scalar_one()
    )
    if new.link_ids:
        conn.execute(
            insert(referral_links),
            [{"referral_id": referral_id, "link_id": link} for link in sorted(new.link_ids)],
        )
    return referral_id


def _referrals(conn: Connection, *conditions: Any) -> list[Referral]:
    rows = conn.execute(select(referrals).where(*conditions).order_by(referrals.c.id)).all()
    links: dict[int, set[int]] = {}
    if rows:
        for rid, link in conn.execute(
            select(referral_links.c.referral_id, referral_links.c.link_id).where(
                referral_links.c.referral_id.in_([r.id for r in rows])
            )
        ):
            links.setdefault(rid, set()).add(link)
    return [
        Referral(
            r.id,
            r.case_id,
            r.from_agency,
            r.to_agency,
            r.message,
            r.language,
            r.translation,
            r.translation_language,
            Tlp(r.tlp),
            bool(r.include_details),
            ReferralStatus(r.status),
            r.reason,
            r.created_by,
            r.created_at,
            r.respond_by,
            r.responded_at,
            frozenset(links.get(r.id, ())),
        )
        for r in rows
    ]


def referral(conn: Connection, referral_id: int) -> Referral | None:
    found = _referrals(conn, referrals.c.id == referral_id)
    return found[0] if found else None


def referrals_of_case(conn: Connection, case_id: int) -> list[Referral]:
    return _referrals(conn, referrals.c.case_id == case_id)


def accepted_to(conn: Connection, case_id: int, agency: str | None) -> list[AcceptedReferral]:
    if agency is None:
        return []
    return [
        AcceptedReferral(r.include_details, r.link_ids)
        for r in _referrals(
            conn,
            referrals.c.case_id == case_id,
            referrals.c.to_agency == agency,
            referrals.c.status == ReferralStatus.ACCEPTED.value,
        )
    ]


def participants(conn: Connection, case_id: int, owner: str) -> frozenset[str]:
    """The owner and the agencies that accepted a referral of the case."""
    accepted = conn.execute(
        select(referrals.c.to_agency).where(
            referrals.c.case_id == case_id,
            referrals.c.status == ReferralStatus.ACCEPTED.value,
        )
    ).scalars()
    return frozenset({owner, *accepted})


def respond_referral(
    conn: Connection,
    referral_id: int,
    status: ReferralStatus,
    *,
    reason: str | None,
    by: int | None,
    now: datetime,
) -> bool:
    """Answer a pending referral; False when it was answered meanwhile."""
    done = conn.execute(
        update(referrals)
        .where(
            referrals.c.id == referral_id,
            referrals.c.status == ReferralStatus.PENDING.value,
        )
        .values(status=status.value, reason=reason, responded_by=by, responded_at=now)
    )
    return done.rowcount == 1


def open_referrals(conn: Connection, case_id: int) -> list[Referral]:
    """Pending and accepted referrals of a case."""
    return _referrals(
        conn,
        referrals.c.case_id == case_id,
        referrals.c.status.in_([ReferralStatus.PENDING.value, ReferralStatus.ACCEPTED.value]),
    )


# --- notes and tasks ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Note:
    id: int
    agency: str
    author_user_id: int | None
    tlp: Tlp
    body: str
    created_at: datetime


def insert_note(
    conn: Connection,
    case_id: int,
    agency: str,
    author: int | None,
    marking: Tlp,
    body: str,
    now: datetime,
) -> int:
    return int(
        conn.execute(
            insert(case_notes)
            .values(
                case_id=case_id,
                agency=agency,
                author_user_id=author,
                tlp=marking.value,
                body=body,
                created_at=now,
            )
            .returning(case_notes.c.id)
        ).scalar_one()
    )


def notes_of(conn: Connection, case_id: int) -> list[Note]:
    n = case_notes
    rows = conn.execute(select(n).where(n.c.case_id == case_id).order_by(n.c.id)).all()
    return [Note(r.id, r.agency, r.author_user_id, Tlp(r.tlp), r.body, r.created_at) for r in rows]


@dataclass(frozen=True, slots=True)
class Task:
    id: int
    case_id: int
    agency: str
    title: str
    due_at: datetime | None
    done_at: datetime | None
    created_at: datetime


def _task(r: Row[Any]) -> Task:
    return Task(r.id, r.case_id, r.agency, r.title, r.due_at, r.done_at, r.created_at)


def insert_task(
    conn: Connection,
    case_id: int,
    agency: str,
    title: str,
    due_at: datetime | None,
    by: int | None,
    now: datetime,
) -> int:
    return int(
        conn.execute(
            insert(case_tasks)
            .values(
                case_id=case_id,
                agency=agency,
                title=title,
                due_at=due_at,
                created_by=by,
                created_at=now,
            )
            .returning(case_tasks.c.id)
        ).scalar_one()
    )


def tasks_of(conn: Connection, case_id: int, agency: str) -> list[Task]:
    t = case_tasks
    rows = conn.execute(
        select(t).where(t.c.case_id == case_id, t.c.agency == agency).order_by(t.c.id)
    ).all()
    return [_task(r) for r in rows]


def task(conn: Connection, task_id: int) -> Task | None:
    row = conn.execute(select(case_tasks).where(case_tasks.c.id == task_id)).first()
    return None if row is None else _task(row)


def complete_task(conn: Connection, task_id: int, now: datetime) -> bool:
    done = conn.execute(
        update(case_tasks)
        .where(case_tasks.c.id == task_id, case_tasks.c.done_at.is_(None))
        .values(done_at=now)
    )
    return done.rowcount == 1


# --- deadlines ----------------------------------------------------------------------------


def agency_deadlines(conn: Connection, agency: str) -> dict[Priority, Deadline]:
    d = case_deadlines
    rows = conn.execute(
        select(d.c.priority, d.c.first_response_minutes, d.c.update_minutes).where(
            d.c.agency == agency
        )
    ).all()
    return {
        Priority(p): Deadline(timedelta(minutes=first), timedelta(minutes=every))
        for p, first, every in rows
    }


def set_agency_deadline(
    conn: Connection, agency: str, priority: Priority, first_minutes: int, update_minutes: int
) -> None:
    d = case_deadlines
    done = conn.execute(
        update(d)
        .where(d.c.agency == agency, d.c.priority == priority.value)
        .values(first_response_minutes=first_minutes, update_minutes=update_minutes)
    )
    if done.rowcount == 0:
        conn.execute(
            insert(d).values(
                agency=agency,
                priority=priority.value,
                first_response_minutes=first_minutes,
                update_minutes=update_minutes,
            )
        )


def cases_by_ids(conn: Connection, ids: Iterable[int]) -> dict[int, CaseHead]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = conn.execute(select(*HEAD_COLUMNS).where(cases.c.id.in_(wanted))).all()
    return {r.id: head_of(r) for r in rows}


def visible_report_ids(conn: Connection, viewer: Viewer, ids: Iterable[int]) -> set[int]:
    """Which of these reports the viewer may see under the reports' own markings."""
    wanted = sorted(set(ids))
    if not wanted:
        return set()
    return set(
        conn.execute(
            select(reports.c.id).where(reports.c.id.in_(wanted), visible_reports(viewer))
        ).scalars()
    )


def victim_agency(conn: Connection, victim_id: int) -> str | None:
    return conn.execute(select(victims.c.agency).where(victims.c.id == victim_id)).scalar()


def as_utc(at: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if at is None:
        return None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at
