"""The sharing policy as a SQL condition on the reports table, and the visible list of reports.

Everything is decided by `sharing.policy.visibility`; this module only translates it. Releases
and recipients are checked with EXISTS subqueries whose tables are keyed by report id, so the
database filters while it walks the reports in order and never hands back a hidden row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Connection,
    Exists,
    Table,
    and_,
    exists,
    false,
    literal,
    or_,
    select,
    tuple_,
)

from scamlink.sharing.policy import Caps, allowed_under, visibility
from scamlink.sharing.roles import Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store.schema import (
    report_agency_releases,
    report_group_releases,
    report_recipients,
    reports,
)


def _markings(markings: frozenset[Tlp]) -> ColumnElement[bool]:
    return reports.c.tlp.in_(sorted(markings)) if markings else false()


def _caps(caps: Caps) -> ColumnElement[bool]:
    owners = sorted({owner for owner, _ in caps.per_owner})
    each = [
        and_(reports.c.agency == owner, _markings(allowed_under(caps.of(owner))))
        for owner in owners
    ]
    others = _markings(allowed_under(caps.default))
    if owners:
        others = and_(reports.c.agency.not_in(owners), others)
    return or_(*each, others)


def _exists(table: Table, *conditions: ColumnElement[bool], per_row: bool) -> Exists:
    query = select(literal(1)).select_from(table).where(*conditions)
    # OFFSET 0 keeps PostgreSQL from turning the EXISTS into a hashed subplan, which reads the
    # whole release table before the first row: right for counts over every report, wrong for
    # a page of 50 taken while walking the newest reports. SQLite ignores it.
    return exists(query.offset(0) if per_row else query)


def visible_reports(viewer: Viewer, *, per_row: bool = False) -> ColumnElement[bool]:
    """The policy as a condition on `reports`. `per_row=True` when few rows will be tested
    (a page in index order): each release is then an index probe per report."""
    rule = visibility(viewer)
    allowed: list[ColumnElement[bool]] = [_markings(rule.any_owner)]
    if rule.own_agency is not None and rule.own_markings:
        allowed.append(and_(reports.c.agency == rule.own_agency, _markings(rule.own_markings)))
    released: list[ColumnElement[bool]] = []
    if rule.release_agency is not None:
        a = report_agency_releases
        released.append(
            _exists(
                a,
                a.c.report_id == reports.c.id,
                a.c.agency == rule.release_agency,
                per_row=per_row,
            )
        )
    if rule.release_groups:
        g = report_group_releases
        released.append(
            _exists(
                g,
                g.c.report_id == reports.c.id,
                g.c.group_id.in_(sorted(rule.release_groups)),
                per_row=per_row,
            )
        )
    if released:
        allowed.append(and_(reports.c.tlp == Tlp.AMBER.value, or_(*released)))
    if rule.recipient is not None:
        r = report_recipients
        named = _exists(
            r, r.c.report_id == reports.c.id, r.c.user_id == rule.recipient, per_row=per_row
        )
        allowed.append(and_(reports.c.tlp == Tlp.RED.value, named))
    condition = or_(*allowed)
    if rule.caps is not None:
        condition = and_(_caps(rule.caps), condition)
    return condition


@dataclass(frozen=True, slots=True)
class ReportListItem:
    id: int
    agency: str
    external_id: str
    received_at: datetime
    scam_type: str
    tlp: Tlp


@dataclass(frozen=True, slots=True)
class Page:
    items: list[ReportListItem]
    after: tuple[datetime, int] | None  # the keyset for the next page; None on the last


def list_visible_reports(
    conn: Connection,
    viewer: Viewer,
    *,
    limit: int = 50,
    after: tuple[datetime, int] | None = None,
) -> Page:
    """The newest reports the viewer may see, `limit` at a time (keyset: received_at, id)."""
    query = select(
        reports.c.id,
        reports.c.agency,
        reports.c.external_id,
        reports.c.received_at,
        reports.c.scam_type,
        reports.c.tlp,
    ).where(visible_reports(viewer, per_row=True))
    if after is not None:
        query = query.where(tuple_(reports.c.received_at, reports.c.id) < tuple_(*after))
    query = query.order_by(reports.c.received_at.desc(), reports.c.id.desc()).limit(limit + 1)
    rows = conn.execute(query).all()
    items = [
        ReportListItem(r.id, r.agency, r.external_id, r.received_at, r.scam_type, Tlp(r.tlp))
        for r in rows[:limit]
    ]
    more = len(rows) > limit
    return Page(items, (items[-1].received_at, items[-1].id) if more and items else None)
