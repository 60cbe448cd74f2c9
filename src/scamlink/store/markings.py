"""Rows behind the markings: sharing groups, AMBER releases, RED recipients, partner caps,
agency sharing settings, and the viewer's groups and caps resolved from them."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, select

from scamlink.sharing.groups import REFERENCE_GROUPS, ReleaseDirectory, SharingGroup
from scamlink.sharing.policy import Releases
from scamlink.sharing.roles import Role, Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store.schema import (
    agencies,
    agency_settings,
    partner_caps,
    report_agency_releases,
    report_group_releases,
    report_recipients,
    sharing_group_members,
    sharing_groups,
    users,
)


def ensure_reference_groups(conn: Connection) -> int:
    """Insert the reference groups and members that are missing; returns rows added."""
    present_groups = set(conn.scalars(select(sharing_groups.c.id)))
    present_members = {
        (row.group_id, row.agency) for row in conn.execute(select(sharing_group_members))
    }
    known_agencies = set(conn.scalars(select(agencies.c.code)))
    new_groups = [
        {"id": g.id, "name": g.name} for g in REFERENCE_GROUPS if g.id not in present_groups
    ]
    new_members = [
        {"group_id": g.id, "agency": code}
        for g in REFERENCE_GROUPS
        for code in sorted(g.members)
        if (g.id, code) not in present_members and code in known_agencies
    ]
    if new_groups:
        conn.execute(sharing_groups.insert(), new_groups)
    if new_members:
        conn.execute(sharing_group_members.insert(), new_members)
    return len(new_groups) + len(new_members)


def add_group(conn: Connection, group: SharingGroup) -> None:
    conn.execute(sharing_groups.insert(), [{"id": group.id, "name": group.name}])
    if group.members:
        conn.execute(
            sharing_group_members.insert(),
            [{"group_id": group.id, "agency": code} for code in sorted(group.members)],
        )


def list_groups(conn: Connection) -> list[SharingGroup]:
    members: dict[str, set[str]] = {}
    for row in conn.execute(select(sharing_group_members)):
        members.setdefault(row.group_id, set()).add(row.agency)
    return [
        SharingGroup(row.id, row.name, frozenset(members.get(row.id, ())))
        for row in conn.execute(select(sharing_groups).order_by(sharing_groups.c.id))
    ]


def release_directory(conn: Connection) -> ReleaseDirectory:
    groups: dict[str, str] = {}
    for row in conn.execute(select(sharing_groups.c.id, sharing_groups.c.name)):
        groups[row.name.casefold()] = row.id
        groups[row.id.casefold()] = row.id
    people = {row.email.lower(): row.id for row in conn.execute(select(users.c.id, users.c.email))}
    return ReleaseDirectory(frozenset(conn.scalars(select(agencies.c.code))), groups, people)


def add_releases(conn: Connection, rows: Iterable[tuple[int, Releases]]) -> None:
    """Store the releases of reports (report id → agencies and groups)."""
    to_agencies: list[dict[str, object]] = []
    to_groups: list[dict[str, object]] = []
    for report_id, releases in rows:
        to_agencies.extend({"report_id": report_id, "agency": a} for a in sorted(releases.agencies))
        to_groups.extend({"report_id": report_id, "group_id": g} for g in sorted(releases.groups))
    if to_agencies:
        conn.execute(report_agency_releases.insert(), to_agencies)
    if to_groups:
        conn.execute(report_group_releases.insert(), to_groups)


def add_recipients(conn: Connection, report_id: int, user_ids: Iterable[int]) -> None:
    add_many_recipients(conn, [(report_id, frozenset(user_ids))])


def add_many_recipients(conn: Connection, rows: Iterable[tuple[int, frozenset[int]]]) -> None:
    """Store the named people of RED reports (report id → user ids) in one statement."""
    values = [{"report_id": r, "user_id": u} for r, people in rows for u in sorted(people)]
    if values:
        conn.execute(report_recipients.insert(), values)


def recipients_of(conn: Connection, report_id: int) -> frozenset[int]:
    r = report_recipients
    return frozenset(conn.scalars(select(r.c.user_id).where(r.c.report_id == report_id)))


def releases_of(conn: Connection, report_id: int) -> Releases:
    a = report_agency_releases
    g = report_group_releases
    return Releases(
        frozenset(conn.scalars(select(a.c.agency).where(a.c.report_id == report_id))),
        frozenset(conn.scalars(select(g.c.group_id).where(g.c.report_id == report_id))),
    )


def set_partner_cap(conn: Connection, owner: str, user_id: int, cap: Tlp) -> None:
    """The widest marking `owner` lets partner `user_id` see of its reports."""
    conn.execute(
        partner_caps.delete().where(
            (partner_caps.c.owner == owner) & (partner_caps.c.user_id == user_id)
        )
    )
    conn.execute(partner_caps.insert(), [{"owner": owner, "user_id": user_id, "max_tlp": cap}])


def set_disclose_hidden_counts(conn: Connection, agency: str, *, disclose: bool) -> None:
    """Let (or stop letting) other agencies' staff see how many of our reports they cannot."""
    conn.execute(agency_settings.delete().where(agency_settings.c.agency == agency))
    conn.execute(agency_settings.insert(), [{"agency": agency, "disclose_hidden_counts": disclose}])


def groups_of_agency(conn: Connection, agency: str) -> frozenset[str]:
    m = sharing_group_members
    return frozenset(conn.scalars(select(m.c.group_id).where(m.c.agency == agency)))


def resolve_viewer(
    conn: Connection, *, agency: str | None, role: Role | None, user_id: int | None
) -> Viewer:
    """The viewer with its agency's sharing groups and, for partners, the owners' caps."""
    if agency is None:
        return Viewer(agency=None, role=None)
    caps: frozenset[tuple[str, Tlp]] = frozenset()
    if role is Role.PARTNER and user_id is not None:
        query = select(partner_caps.c.owner, partner_caps.c.max_tlp).where(
            partner_caps.c.user_id == user_id
        )
        caps = frozenset((row.owner, Tlp(row.max_tlp)) for row in conn.execute(query))
    return Viewer(
        agency=agency,
        role=role,
        user_id=user_id,
        groups=groups_of_agency(conn, agency),
        partner_caps=caps,
    )


def group_by_name(conn: Connection, name: str) -> SharingGroup | None:
    """The group whose name or id is `name` (case-insensitive), with its members."""
    wanted = name.strip().casefold()
    for group in list_groups(conn):
        if wanted in (group.name.casefold(), group.id.casefold()):
            return group
    return None


def add_group_member(conn: Connection, group_id: str, agency: str) -> None:
    conn.execute(sharing_group_members.insert(), [{"group_id": group_id, "agency": agency}])


def remove_group_member(conn: Connection, group_id: str, agency: str) -> bool:
    m = sharing_group_members
    done = conn.execute(m.delete().where((m.c.group_id == group_id) & (m.c.agency == agency)))
    return done.rowcount > 0


def list_partner_caps(conn: Connection, *, owner: str | None = None) -> list[tuple[str, int, Tlp]]:
    """(owner, partner user id, widest marking) rows, by owner then user."""
    query = select(partner_caps).order_by(partner_caps.c.owner, partner_caps.c.user_id)
    if owner is not None:
        query = query.where(partner_caps.c.owner == owner)
    return [(row.owner, row.user_id, Tlp(row.max_tlp)) for row in conn.execute(query)]


def discloses_hidden_counts(conn: Connection, agency: str) -> bool:
    query = select(agency_settings.c.disclose_hidden_counts).where(
        agency_settings.c.agency == agency
    )
    return bool(conn.scalar(query))
