"""The board, the lists and the inbox: cases one viewer sees, counted and paged in the database.

The visible cases are three disjoint sets (`cases/policy.py` says why), each read along its own
index: the agency's own cases (`owner_agency, status, priority, id`; overdue ones counted from
`owner_agency, next_due, status` alone), a desk officer's nationals in the host country
(`nationality, country, status, priority, id`), both counted with GROUP BY and paged per
column with one index range each; and the cases referred to the agency and accepted
(`referrals.to_agency, status, case_id`), few enough to be read whole. An agency with a
hundred thousand cases reads index ranges, never the whole table.

Counts of the agency's own cases, unfiltered or filtered by kind, priority or owner, come from
`case_status_counts` (a row per owner, status, priority and kind, kept by triggers in the
transaction of each case change), a few dozen rows instead of an index range of tens of
thousands of entries; a desk's nationals in its host country, unfiltered or by owner, from
`case_desk_counts` (nationality, country, marking, owner, status) less the few of them
referred to the desk's agency and accepted (counted with the referred cases). The referred
cases are read through their primary key from the ids the referrals index gives (PostgreSQL:
`id = ANY(ARRAY(…))`, one index probe each; its planner would otherwise hash-join a scan of
every other agency's cases).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    tuple_,
)

from scamlink.cases.model import BOARD_ORDER, CaseHead, CaseKind, Priority, ReferralStatus, Status
from scamlink.cases.policy import DESK_MARKINGS, Posting, is_staff, posting_of
from scamlink.sharing.roles import Viewer
from scamlink.store.cases import HEAD_COLUMNS, head_of
from scamlink.store.schema import (
    case_desk_counts,
    case_status_counts,
    case_tasks,
    cases,
    referrals,
)


@dataclass(frozen=True, slots=True)
class Filters:
    kind: CaseKind | None = None
    priority: Priority | None = None
    agency: str | None = None  # the owning agency
    nationality: str | None = None
    overdue_at: datetime | None = None  # set: only cases overdue at this time

    @property
    def counted(self) -> bool:
        """True when the counts table answers: no filter on nationality or deadline."""
        return self.nationality is None and self.overdue_at is None

    def conditions(self) -> list[ColumnElement[bool]]:
        out: list[ColumnElement[bool]] = []
        if self.kind is not None:
            out.append(cases.c.kind == self.kind.value)
        if self.priority is not None:
            out.append(cases.c.priority == self.priority.value)
        if self.agency is not None:
            out.append(cases.c.owner_agency == self.agency)
        if self.nationality is not None:
            out.append(cases.c.nationality == self.nationality)
        if self.overdue_at is not None:
            out.append(cases.c.next_due < self.overdue_at)
        return out


NO_FILTERS = Filters()


def _referred(viewer: Viewer, dialect: str) -> Select[Any]:
    """(id, status, priority) of other agencies' cases referred to the viewer's agency and
    accepted: few, read whole through `referrals (to_agency, status, case_id)`."""
    c = cases.c
    if dialect == "postgresql":
        ids = (
            select(referrals.c.case_id)
            .where(
                referrals.c.to_agency == viewer.agency,
                referrals.c.status == ReferralStatus.ACCEPTED.value,
            )
            .scalar_subquery()
        )
        return select(c.id, c.status, c.priority).where(
            c.id == func.any(func.array(ids)), c.owner_agency != viewer.agency
        )
    return (
        select(c.id, c.status, c.priority)
        .select_from(referrals.join(cases, c.id == referrals.c.case_id))
        .where(
            referrals.c.to_agency == viewer.agency,
            referrals.c.status == ReferralStatus.ACCEPTED.value,
            c.owner_agency != viewer.agency,
        )
    )


def _sql_branches(viewer: Viewer) -> list[ColumnElement[bool]]:
    """Disjoint conditions counted and paged in the database, each along its own index: the
    agency's own cases; a desk officer's nationals in the host country (not owned, not
    already referred to the agency)."""
    branches: list[ColumnElement[bool]] = [cases.c.owner_agency == viewer.agency]
    posting = posting_of(viewer)
    if posting is not None:
        referred = (
            select(literal(1))
            .select_from(referrals)
            .where(
                referrals.c.case_id == cases.c.id,
                referrals.c.to_agency == viewer.agency,
                referrals.c.status == ReferralStatus.ACCEPTED.value,
            )
        )
        branches.append(
            and_(
                cases.c.nationality == posting.nationality,
                cases.c.country == posting.host,
                cases.c.tlp.in_(sorted(DESK_MARKINGS)),
                cases.c.owner_agency != viewer.agency,
                ~exists(referred),
            )
        )
    return branches


def visible_cases(viewer: Viewer) -> ColumnElement[bool]:
    """The whole rule as one condition on `cases` (single cases and short lists)."""
    if not is_staff(viewer):
        return false()
    others: list[Select[Any]] = [
        select(referrals.c.case_id).where(
            referrals.c.to_agency == viewer.agency,
            referrals.c.status == ReferralStatus.ACCEPTED.value,
        )
    ]
    posting = posting_of(viewer)
    if posting is not None:
        others.append(
            select(cases.c.id).where(
                cases.c.nationality == posting.nationality,
                cases.c.country == posting.host,
                cases.c.tlp.in_(sorted(DESK_MARKINGS)),
            )
        )
    return or_(cases.c.owner_agency == viewer.agency, *(cases.c.id.in_(o) for o in others))


Key = tuple[str, int]  # (priority, id): the order of cards in a column


def _others(conn: Connection, viewer: Viewer, filters: Filters) -> dict[Status, list[Key]]:
    """Cases referred to the viewer's agency per status, in card order."""
    out: dict[Status, list[Key]] = {}
    query = _referred(viewer, conn.dialect.name).where(*filters.conditions())
    rows = conn.execute(query).all()
    for case_id, status, priority in rows:
        out.setdefault(Status(status), []).append((priority, case_id))
    for keys in out.values():
        keys.sort()
    return out


def _own_counts(conn: Connection, viewer: Viewer, filters: Filters) -> dict[Status, int]:
    """The agency's own cases per status from the counts table (filters.counted)."""
    n = case_status_counts.c
    query = select(n.status, func.sum(n.cases)).where(n.owner_agency == viewer.agency)
    if filters.kind is not None:
        query = query.where(n.kind == filters.kind.value)
    if filters.priority is not None:
        query = query.where(n.priority == filters.priority.value)
    if filters.agency is not None:
        query = query.where(n.owner_agency == filters.agency)
    rows = conn.execute(query.group_by(n.status)).all()
    return {Status(status): int(count) for status, count in rows if count}


def _desk_counts(
    conn: Connection, viewer: Viewer, posting: Posting, filters: Filters
) -> dict[Status, int]:
    """A desk officer's nationals in the host country per status from `case_desk_counts`
    (unfiltered, or by owner), less those referred to the desk's agency and accepted: those
    are counted with the referred cases."""
    d = case_desk_counts.c
    query = select(d.status, func.sum(d.cases)).where(
        d.nationality == posting.nationality,
        d.country == posting.host,
        d.tlp.in_(sorted(DESK_MARKINGS)),
        d.owner_agency != viewer.agency,
    )
    if filters.agency is not None:
        query = query.where(d.owner_agency == filters.agency)
    counts = {Status(status): int(n) for status, n in conn.execute(query.group_by(d.status)) if n}
    referred = _referred(viewer, conn.dialect.name).where(
        cases.c.nationality == posting.nationality,
        cases.c.country == posting.host,
        cases.c.tlp.in_(sorted(DESK_MARKINGS)),
        *filters.conditions(),
    )
    for _, status in {(case_id, status) for case_id, status, _ in conn.execute(referred)}:
        counts[Status(status)] = max(counts.get(Status(status), 0) - 1, 0)
    return counts


def _sql_counts(conn: Connection, viewer: Viewer, filters: Filters) -> dict[Status, int]:
    counts: dict[Status, int] = {}
    branches = _sql_branches(viewer)
    if filters.counted:
        counts = _own_counts(conn, viewer, filters)
        branches = branches[1:]
        posting = posting_of(viewer)
        if posting is not None and filters.kind is None and filters.priority is None:
            for status, n in _desk_counts(conn, viewer, posting, filters).items():
                counts[status] = counts.get(status, 0) + n
            branches = []
    # Overdue only: grouped by an expression, so that SQLite does not walk the status index
    # for its order (reading every row's next_due from the table) but counts from the
    # overdue index (owner_agency, next_due, status) alone.
    grouped = cases.c.status if filters.overdue_at is None else cases.c.status.concat("")
    for branch in branches:
        query = select(grouped, func.count()).where(branch, *filters.conditions()).group_by(grouped)
        rows = conn.execute(query).all()
        for status, count in rows:
            counts[Status(status)] = counts.get(Status(status), 0) + int(count)
    return counts


def _sql_keys(
    conn: Connection,
    viewer: Viewer,
    status: Status,
    filters: Filters,
    limit: int,
    after: Key | None,
) -> list[Key]:
    """One column of the SQL branches: an index range per branch (… status, priority, id)."""
    keys: list[Key] = []
    for branch in _sql_branches(viewer):
        query = select(cases.c.priority, cases.c.id).where(
            branch, cases.c.status == status.value, *filters.conditions()
        )
        if after is not None:
            query = query.where(tuple_(cases.c.priority, cases.c.id) > tuple_(*after))
        rows = conn.execute(query.order_by(cases.c.priority, cases.c.id).limit(limit)).all()
        keys.extend((p, i) for p, i in rows)
    return sorted(keys)[:limit]


def _heads(conn: Connection, keys: list[Key]) -> list[CaseHead]:
    if not keys:
        return []
    rows = conn.execute(select(*HEAD_COLUMNS).where(cases.c.id.in_([i for _, i in keys]))).all()
    by_id = {r.id: head_of(r) for r in rows}
    return [by_id[i] for _, i in keys if i in by_id]


def board_counts(
    conn: Connection, viewer: Viewer, filters: Filters = NO_FILTERS
) -> dict[Status, int]:
    counts = dict.fromkeys(BOARD_ORDER, 0)
    if not is_staff(viewer):
        return counts
    for status, count in _sql_counts(conn, viewer, filters).items():
        counts[status] += count
    for status, keys in _others(conn, viewer, filters).items():
        counts[status] += len(keys)
    return counts


def _column(
    conn: Connection,
    viewer: Viewer,
    status: Status,
    filters: Filters,
    others: list[Key],
    limit: int,
    after: Key | None,
) -> tuple[list[Key], Key | None]:
    mine = _sql_keys(conn, viewer, status, filters, limit + 1, after)
    theirs = [k for k in others if after is None or k > after][: limit + 1]
    merged = sorted(mine + theirs)
    page = merged[:limit]
    return page, (page[-1] if len(merged) > limit and page else None)


def column_page(
    conn: Connection,
    viewer: Viewer,
    status: Status,
    filters: Filters = NO_FILTERS,
    *,
    limit: int = 20,
    after: Key | None = None,
) -> tuple[list[CaseHead], Key | None]:
    """One column's cards, first priority first, then oldest (keyset: priority, id)."""
    if not is_staff(viewer):
        return [], None
    others = _others(conn, viewer, filters).get(status, [])
    keys, more = _column(conn, viewer, status, filters, others, limit, after)
    return _heads(conn, keys), more


@dataclass(frozen=True, slots=True)
class Board:
    counts: dict[Status, int]
    columns: dict[Status, list[CaseHead]]
    more: dict[Status, Key | None]


def board(
    conn: Connection, viewer: Viewer, filters: Filters = NO_FILTERS, *, per_column: int = 20
) -> Board:
    """Counts per status and every column's first cards, in a fixed number of statements: the
    own counts, the other agencies' visible cases, one index range per non-empty column and
    one read of the cards' heads."""
    counts = dict.fromkeys(BOARD_ORDER, 0)
    columns: dict[Status, list[CaseHead]] = {s: [] for s in BOARD_ORDER}
    more: dict[Status, Key | None] = dict.fromkeys(BOARD_ORDER)
    if not is_staff(viewer):
        return Board(counts, columns, more)
    own = _sql_counts(conn, viewer, filters)
    others = _others(conn, viewer, filters)
    keys: dict[Status, list[Key]] = {}
    for status in BOARD_ORDER:
        counts[status] = own.get(status, 0) + len(others.get(status, []))
        if counts[status] == 0:
            continue
        theirs = others.get(status, [])
        if own.get(status, 0) == 0:
            keys[status] = theirs[:per_column]
            more[status] = keys[status][-1] if len(theirs) > per_column else None
            continue
        keys[status], more[status] = _column(
            conn, viewer, status, filters, theirs, per_column, None
        )
    heads = {h.id: h for h in _heads(conn, [k for ks in keys.values() for k in ks])}
    for status, ks in keys.items():
        columns[status] = [heads[i] for _, i in ks if i in heads]
    return Board(counts, columns, more)


def sees_case(conn: Connection, viewer: Viewer, case_id: int) -> bool:
    return (
        conn.execute(select(cases.c.id).where(cases.c.id == case_id, visible_cases(viewer))).first()
        is not None
    )


# --- the inbox ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IncomingReferral:
    referral_id: int
    case: CaseHead
    from_agency: str
    message: str
    language: str
    tlp: str
    created_at: datetime
    respond_by: datetime


@dataclass(frozen=True, slots=True)
class DueTask:
    id: int
    case_id: int
    title: str
    due_at: datetime


@dataclass(frozen=True, slots=True)
class Inbox:
    referrals: list[IncomingReferral]
    overdue: list[CaseHead]
    tasks: list[DueTask]


def inbox(conn: Connection, viewer: Viewer, now: datetime, *, limit: int = 50) -> Inbox:
    if not is_staff(viewer):
        return Inbox([], [], [])
    r = referrals
    rows = conn.execute(
        select(
            r.c.id.label("referral_id"),
            r.c.from_agency,
            r.c.message,
            r.c.language,
            r.c.tlp.label("referral_tlp"),
            r.c.created_at.label("referred_at"),
            r.c.respond_by,
            *HEAD_COLUMNS,
        )
        .join(cases, cases.c.id == r.c.case_id)
        .where(r.c.to_agency == viewer.agency, r.c.status == ReferralStatus.PENDING.value)
        .order_by(r.c.respond_by, r.c.id)
        .limit(limit)
    ).all()
    incoming = [
        IncomingReferral(
            row.referral_id,
            head_of(row),
            row.from_agency,
            row.message,
            row.language,
            row.referral_tlp,
            row.referred_at,
            row.respond_by,
        )
        for row in rows
    ]
    overdue = [
        head_of(row)
        for row in conn.execute(
            select(*HEAD_COLUMNS)
            .where(cases.c.owner_agency == viewer.agency, cases.c.next_due < now)
            .order_by(cases.c.next_due, cases.c.id)
            .limit(limit)
        )
    ]
    t = case_tasks
    tasks = [
        DueTask(row.id, row.case_id, row.title, row.due_at)
        for row in conn.execute(
            select(t.c.id, t.c.case_id, t.c.title, t.c.due_at)
            .where(t.c.agency == viewer.agency, t.c.done_at.is_(None), t.c.due_at.is_not(None))
            .order_by(t.c.due_at, t.c.id)
            .limit(limit)
        )
    ]
    return Inbox(incoming, overdue, tasks)


def list_cases(
    conn: Connection,
    viewer: Viewer,
    filters: Filters = NO_FILTERS,
    *,
    status: Status | None = None,
    limit: int = 50,
) -> list[CaseHead]:
    """Visible cases, newest first (the CLI's list)."""
    query = select(*HEAD_COLUMNS).where(visible_cases(viewer), *filters.conditions())
    if status is not None:
        query = query.where(cases.c.status == status.value)
    rows = conn.execute(query.order_by(cases.c.id.desc()).limit(limit)).all()
    return [head_of(r) for r in rows]


def accepted_among(conn: Connection, viewer: Viewer, ids: list[int]) -> set[int]:
    """Which of these cases were referred to the viewer's agency and accepted (one query along
    `referrals (to_agency, status, case_id)`): the board's cards the agency moves as recipient."""
    if not ids or viewer.agency is None:
        return set()
    return set(
        conn.execute(
            select(referrals.c.case_id).where(
                referrals.c.to_agency == viewer.agency,
                referrals.c.status == ReferralStatus.ACCEPTED.value,
                referrals.c.case_id.in_(sorted(set(ids))),
            )
        ).scalars()
    )
