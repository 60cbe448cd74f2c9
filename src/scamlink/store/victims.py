"""Victim rows: ciphertexts in, ciphertexts out; the store never sees a key or plaintext.

Encryption and decryption happen in `sharing/victims.py`. Pseudonym tokens are stored per
sharing group; `matching_victims` compares them across agencies without touching a personal
field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, and_, func, select

from scamlink.sharing.personal_data import PERSONAL_FIELDS
from scamlink.sharing.policy import may_read_personal_data
from scamlink.sharing.pseudonyms import Pseudonym
from scamlink.sharing.roles import Viewer
from scamlink.store.schema import report_victims, reports, victim_pseudonyms, victims

Ciphertexts = Mapping[str, bytes | None]


class UnknownReport(LookupError):
    pass


@dataclass(frozen=True, slots=True)
class VictimRow:
    id: int
    ref: str
    agency: str
    key_version: int
    ciphertexts: Mapping[str, bytes | None]


@dataclass(frozen=True, slots=True)
class VictimMatch:
    """Another agency's victim whose token equals one of ours; no personal data."""

    agency: str
    kind: str
    sharing_group: str
    victim_ref: str


def insert_victim(
    conn: Connection, *, ref: str, agency: str, key_version: int, ciphertexts: Ciphertexts
) -> int:
    values = {field: ciphertexts.get(field) for field in PERSONAL_FIELDS}
    result = conn.execute(
        victims.insert().returning(victims.c.id),
        {
            "ref": ref,
            "agency": agency,
            "key_version": key_version,
            "created_at": datetime.now(UTC),
            **values,
        },
    )
    return int(result.scalar_one())


def link_report(conn: Connection, victim_id: int, agency: str, external_id: str) -> int:
    """Link the victim to the agency's report `external_id`; returns the report's id."""
    report_id = conn.scalar(
        select(reports.c.id).where(reports.c.agency == agency, reports.c.external_id == external_id)
    )
    if report_id is None:
        raise UnknownReport(f"agency {agency} has no report {external_id}")
    conn.execute(report_victims.insert(), {"report_id": report_id, "victim_id": victim_id})
    return int(report_id)


def report_ids(conn: Connection, victim_id: int) -> list[int]:
    return list(
        conn.scalars(
            select(report_victims.c.report_id)
            .where(report_victims.c.victim_id == victim_id)
            .order_by(report_victims.c.report_id)
        )
    )


def _row(row: Row[Any]) -> VictimRow:
    return VictimRow(
        id=int(row.id),
        ref=str(row.ref),
        agency=str(row.agency),
        key_version=int(row.key_version),
        ciphertexts={
            field: None if getattr(row, field) is None else bytes(getattr(row, field))
            for field in PERSONAL_FIELDS
        },
    )


def victim_by_ref(conn: Connection, agency: str, ref: str) -> VictimRow | None:
    """The agency's victim `ref`; None when absent or owned by another agency."""
    row = conn.execute(select(victims).where(victims.c.ref == ref, victims.c.agency == agency))
    found = row.first()
    return _row(found) if found else None


def victim_by_id(conn: Connection, victim_id: int) -> VictimRow | None:
    found = conn.execute(select(victims).where(victims.c.id == victim_id)).first()
    return _row(found) if found else None


def rows_not_under(
    conn: Connection, agency: str, key_version: int, *, limit: int
) -> list[VictimRow]:
    """Up to `limit` of the agency's rows encrypted under another key version, locked for
    update on PostgreSQL (SQLite's write transaction already excludes other writers)."""
    query = (
        select(victims)
        .where(victims.c.agency == agency, victims.c.key_version != key_version)
        .order_by(victims.c.id)
        .limit(limit)
    )
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return [_row(r) for r in conn.execute(query)]


def replace_ciphertexts(
    conn: Connection, row: VictimRow, *, key_version: int, ciphertexts: Ciphertexts
) -> bool:
    """Swap in ciphertexts under `key_version` unless the row changed since it was read."""
    result = conn.execute(
        victims.update()
        .where(victims.c.id == row.id, victims.c.key_version == row.key_version)
        .values(key_version=key_version, **{f: ciphertexts.get(f) for f in PERSONAL_FIELDS})
    )
    return result.rowcount == 1


def key_versions_in_use(conn: Connection, agency: str) -> dict[int, int]:
    """Rows per data key version of the agency."""
    rows = conn.execute(
        select(victims.c.key_version, func.count())
        .where(victims.c.agency == agency)
        .group_by(victims.c.key_version)
    )
    return {int(version): int(count) for version, count in rows}


def replace_pseudonyms(
    conn: Connection, victim_id: int, agency: str, pseudonyms: Sequence[Pseudonym]
) -> None:
    conn.execute(victim_pseudonyms.delete().where(victim_pseudonyms.c.victim_id == victim_id))
    unique = {(p.sharing_group, p.kind.value, p.token) for p in pseudonyms}
    if unique:
        conn.execute(
            victim_pseudonyms.insert(),
            [
                {
                    "victim_id": victim_id,
                    "sharing_group": group,
                    "kind": kind,
                    "token": token,
                    "agency": agency,
                }
                for group, kind, token in sorted(unique)
            ],
        )


def matching_victims(conn: Connection, viewer: Viewer, victim_id: int) -> list[VictimMatch]:
    """Victims of other agencies sharing a token (same group, same kind) with `victim_id`,
    in the sharing groups of the viewer's agency (`viewer.groups`) only.

    Only the owning agency's members with access to personal data may ask; anyone else, and
    a victim that does not exist, get an empty list (the answer never tells which).
    """
    owner = conn.scalar(select(victims.c.agency).where(victims.c.id == victim_id))
    if owner is None or not may_read_personal_data(viewer, owner):
        return []
    ours = victim_pseudonyms.alias("ours")
    theirs = victim_pseudonyms.alias("theirs")
    rows = conn.execute(
        select(theirs.c.agency, theirs.c.kind, theirs.c.sharing_group, victims.c.ref)
        .distinct()
        .select_from(
            ours.join(
                theirs,
                and_(
                    theirs.c.token == ours.c.token,
                    theirs.c.kind == ours.c.kind,
                    theirs.c.sharing_group == ours.c.sharing_group,
                ),
            ).join(victims, victims.c.id == theirs.c.victim_id)
        )
        .where(
            ours.c.victim_id == victim_id,
            ours.c.sharing_group.in_(sorted(viewer.groups)),
            theirs.c.agency != owner,
        )
        .order_by(theirs.c.agency, victims.c.ref, theirs.c.kind, theirs.c.sharing_group)
    )
    return [VictimMatch(r.agency, r.kind, r.sharing_group, r.ref) for r in rows]
