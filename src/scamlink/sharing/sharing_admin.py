"""What an operator changes about sharing: groups and their members, partner caps, and whether
an agency discloses how many of its reports others cannot see. Each change is written to the
audit log in the same transaction (a change that rolls back leaves no entry)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import Connection

from scamlink.sharing.audit import Actor, record
from scamlink.sharing.groups import SharingGroup
from scamlink.sharing.roles import Role
from scamlink.sharing.tlp import Tlp
from scamlink.store import markings
from scamlink.store import users as user_rows
from scamlink.store.agencies import get_agency


class SharingError(ValueError):
    """A sharing change cannot be done as asked; the message says why."""


def _agency(conn: Connection, code: str) -> str:
    code = code.strip().upper()
    if get_agency(conn, code) is None:
        raise SharingError(f"no agency {code}: see 'scamlink agencies'")
    return code


def _group(conn: Connection, name: str) -> SharingGroup:
    group = markings.group_by_name(conn, name)
    if group is None:
        raise SharingError(f"no sharing group {name.strip()!r}: see 'scamlink sharing groups'")
    return group


def group_id_for(name: str) -> str:
    """A stable lower-case id from a group's name: `KR-TH desk` → `kr-th-desk`."""
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:40]


def create_group(conn: Connection, actor: Actor, name: str, members: Iterable[str]) -> SharingGroup:
    name = name.strip()
    group_id = group_id_for(name)
    if not group_id or len(name) > 100:
        raise SharingError(f"not a usable group name: {name!r}")
    if markings.group_by_name(conn, name) is not None or markings.group_by_name(conn, group_id):
        raise SharingError(f"a sharing group {name!r} exists already")
    codes = frozenset(_agency(conn, m) for m in members)
    group = SharingGroup(group_id, name, codes)
    markings.add_group(conn, group)
    record(
        conn, actor, "group.create", f"group:{group_id}", {"name": name, "members": sorted(codes)}
    )
    return group


def add_member(conn: Connection, actor: Actor, group_name: str, agency: str) -> SharingGroup:
    group = _group(conn, group_name)
    code = _agency(conn, agency)
    if code in group.members:
        raise SharingError(f"{code} is already a member of {group.name!r}")
    markings.add_group_member(conn, group.id, code)
    record(
        conn, actor, "group.add_member", f"group:{group.id}", {"agency": code}, subject_agency=code
    )
    return _group(conn, group.id)


def remove_member(conn: Connection, actor: Actor, group_name: str, agency: str) -> SharingGroup:
    group = _group(conn, group_name)
    code = _agency(conn, agency)
    if not markings.remove_group_member(conn, group.id, code):
        raise SharingError(f"{code} is not a member of {group.name!r}")
    record(
        conn,
        actor,
        "group.remove_member",
        f"group:{group.id}",
        {"agency": code},
        subject_agency=code,
    )
    return _group(conn, group.id)


def set_cap(conn: Connection, actor: Actor, *, owner: str, partner_email: str, cap: Tlp) -> None:
    code = _agency(conn, owner)
    user = user_rows.user_by_email(conn, partner_email)
    if user is None:
        raise SharingError(f"no user with e-mail {partner_email.strip().lower()}")
    if user.role is not Role.PARTNER:
        raise SharingError(
            f"{user.email} is not a partner ({user.role.value}): caps are for partners"
        )
    markings.set_partner_cap(conn, code, user.id, cap)
    record(
        conn,
        actor,
        "partner_cap.set",
        f"user:{user.id}",
        {"owner": code, "partner": user.email, "max_tlp": cap.value},
        subject_agency=code,
    )


def set_disclose_hidden_counts(conn: Connection, actor: Actor, agency: str, *, on: bool) -> None:
    code = _agency(conn, agency)
    markings.set_disclose_hidden_counts(conn, code, disclose=on)
    record(
        conn,
        actor,
        "agency.disclose_hidden_counts",
        f"agency:{code}",
        {"disclose": on},
        subject_agency=code,
    )
