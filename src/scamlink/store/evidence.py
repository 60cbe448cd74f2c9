"""Rows of case evidence: the files' metadata, the evidence handed over with referrals and the
chain of custody.

SQL only; who may add, see, hand over or export is decided in `cases/evidence.py`. The files
themselves are written by `store.attachments.BlobStore` under the evidence folder. Nothing here
updates or deletes: an evidence row is written once and the custody log is append-only (the
database's triggers refuse both, migration 0010_evidence).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from scamlink.sharing.tlp import Tlp
from scamlink.store.schema import case_evidence, evidence_custody, referral_evidence, referrals


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    id: int
    case_id: int
    sha256: str
    size: int
    media_type: str
    filename: str
    description: str
    tlp: Tlp
    agency: str
    added_by: int | None
    added_at: datetime


@dataclass(frozen=True, slots=True)
class CustodyEntry:
    id: int
    evidence_id: int
    at: datetime
    actor_user_id: int | None
    actor_agency: str | None
    action: str
    to_agency: str | None
    to_person: str | None
    referral_id: int | None
    note: str


@dataclass(frozen=True, slots=True)
class NewCustody:
    evidence_id: int
    action: str
    actor_user_id: int | None
    actor_agency: str | None
    note: str = ""
    to_agency: str | None = None
    to_person: str | None = None
    referral_id: int | None = None


def _row(r: Any) -> EvidenceRow:
    return EvidenceRow(
        r.id,
        r.case_id,
        r.sha256,
        r.size,
        r.media_type,
        r.filename,
        r.description,
        Tlp(r.tlp),
        r.agency,
        r.added_by,
        r.added_at,
    )


def insert_evidence(
    conn: Connection,
    *,
    case_id: int,
    sha256: str,
    size: int,
    media_type: str,
    filename: str,
    description: str,
    tlp: Tlp,
    agency: str,
    added_by: int | None,
    now: datetime,
) -> int | None:
    """The new row's id; None when the case already holds these bytes."""
    dialect: Any = postgresql if conn.dialect.name == "postgresql" else sqlite
    found = conn.execute(
        dialect.insert(case_evidence)
        .values(
            case_id=case_id,
            sha256=sha256,
            size=size,
            media_type=media_type,
            filename=filename,
            description=description,
            tlp=tlp.value,
            agency=agency,
            added_by=added_by,
            added_at=now,
        )
        .on_conflict_do_nothing(index_elements=["case_id", "sha256"])
        .returning(case_evidence.c.id)
    ).first()
    return None if found is None else int(found[0])


def evidence_by_sha(conn: Connection, case_id: int, sha256: str) -> EvidenceRow | None:
    row = conn.execute(
        select(case_evidence).where(
            case_evidence.c.case_id == case_id, case_evidence.c.sha256 == sha256
        )
    ).first()
    return None if row is None else _row(row)


def evidence(conn: Connection, evidence_id: int) -> EvidenceRow | None:
    row = conn.execute(select(case_evidence).where(case_evidence.c.id == evidence_id)).first()
    return None if row is None else _row(row)


def evidence_of_case(conn: Connection, case_id: int) -> list[EvidenceRow]:
    rows = conn.execute(
        select(case_evidence).where(case_evidence.c.case_id == case_id).order_by(case_evidence.c.id)
    ).all()
    return [_row(r) for r in rows]


def handed_to(conn: Connection, case_id: int, agency: str | None) -> set[int]:
    """Evidence of the case handed over with a referral `agency` accepted."""
    if agency is None:
        return set()
    return set(
        conn.execute(
            select(referral_evidence.c.evidence_id)
            .join(referrals, referrals.c.id == referral_evidence.c.referral_id)
            .where(
                referrals.c.case_id == case_id,
                referrals.c.to_agency == agency,
                referrals.c.status == "accepted",
            )
        ).scalars()
    )


def add_to_referral(conn: Connection, referral_id: int, evidence_id: int) -> bool:
    """Hand evidence over with a referral; False when it already was."""
    dialect: Any = postgresql if conn.dialect.name == "postgresql" else sqlite
    done = conn.execute(
        dialect.insert(referral_evidence)
        .values(referral_id=referral_id, evidence_id=evidence_id)
        .on_conflict_do_nothing(index_elements=["referral_id", "evidence_id"])
        .returning(referral_evidence.c.evidence_id)
    ).first()
    return done is not None


def add_custody(conn: Connection, entries: Iterable[NewCustody], now: datetime) -> None:
    values = [
        {
            "evidence_id": e.evidence_id,
            "at": now,
            "actor_user_id": e.actor_user_id,
            "actor_agency": e.actor_agency,
            "action": e.action,
            "to_agency": e.to_agency,
            "to_person": e.to_person,
            "referral_id": e.referral_id,
            "note": e.note,
        }
        for e in entries
    ]
    if values:
        conn.execute(insert(evidence_custody), values)


def custody_of(conn: Connection, evidence_ids: Iterable[int]) -> dict[int, list[CustodyEntry]]:
    """Each evidence's custody log, oldest first."""
    wanted = sorted(set(evidence_ids))
    out: dict[int, list[CustodyEntry]] = {i: [] for i in wanted}
    if not wanted:
        return out
    c = evidence_custody
    for r in conn.execute(
        select(c).where(c.c.evidence_id.in_(wanted)).order_by(c.c.evidence_id, c.c.id)
    ):
        out[r.evidence_id].append(
            CustodyEntry(
                r.id,
                r.evidence_id,
                r.at,
                r.actor_user_id,
                r.actor_agency,
                r.action,
                r.to_agency,
                r.to_person,
                r.referral_id,
                r.note,
            )
        )
    return out
