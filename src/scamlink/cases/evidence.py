"""Evidence on a case, with its chain of custody (issue 7, item 6).

A file is stored once per content under the data dir's `evidence/` folder, named by its SHA-256
(`store.attachments.BlobStore`: written to a temporary name, hashed as it is written, fsynced,
renamed), and never altered: its row is written once, and every read checks the bytes against
the hash before serving them. The type is read from the bytes and must agree with the type the
sender declared; the size is limited (`MAX_BYTES`). Nothing is stored when a file is refused.

Every upload, view, download, hand-over and export is an entry of the custody log (who, which
agency, when, what, to whom, a note), append-only in the database, written in the same
transaction as the audit entry (`sharing/audit.py`) and, for uploads and hand-overs, the case's
timeline event (for the holding agency's eyes).

Who sees a piece of evidence is `cases.policy.may_see_evidence`: its holder; beyond it only
evidence marked CLEAR, GREEN or AMBER — the owning agency sees what a recipient added, a
recipient what was handed over with the referral it accepted, desk officers the owner's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from sqlalchemy import Connection, Engine

from scamlink.cases.model import CaseError, CaseHead, ReferralStatus
from scamlink.cases.policy import (
    EVIDENCE_SHAREABLE,
    Access,
    Seen,
    may_see_evidence,
    seen,
)
from scamlink.cases.service import timeline_event
from scamlink.cases.workflow import OFFICERS
from scamlink.reports.attachments import agrees, clean_filename
from scamlink.reports.attachments import sniff as sniff_attachment
from scamlink.sharing.audit import actor_of, record
from scamlink.sharing.roles import Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store import cases as case_rows
from scamlink.store import evidence as rows
from scamlink.store.agencies import get_agency
from scamlink.store.attachments import BlobStore, TooLarge

EVIDENCE_FOLDER = "evidence"  # of the data dir: `ab/cdef…` files named by SHA-256
MAX_BYTES = 100 * 1024 * 1024
MAX_DESCRIPTION = 2_000
MAX_NOTE = 2_000
MAX_PERSON = 200
NOT_FOUND = "no such evidence"
_READ_CHUNK = 1 << 20

# Beyond the report attachments' types: voice-phishing calls and screen recordings.
_EXTRA_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"ID3", "audio/mpeg"),
    (0, b"\xff\xfb", "audio/mpeg"),
    (0, b"\xff\xf3", "audio/mpeg"),
    (0, b"OggS", "audio/ogg"),
    (4, b"ftyp", "video/mp4"),
)
_EXTRA_ALIASES: dict[str, frozenset[str]] = {
    "audio/mpeg": frozenset({"audio/mp3", "audio/mpeg3"}),
    "audio/wav": frozenset({"audio/x-wav", "audio/wave", "audio/vnd.wave"}),
    "audio/ogg": frozenset({"application/ogg", "video/ogg", "audio/opus"}),
    "video/mp4": frozenset({"audio/mp4", "audio/x-m4a", "audio/m4a", "video/quicktime"}),
}
ACCEPTED = "PNG, JPEG, GIF, WebP, PDF, ZIP, UTF-8 text, MP3, WAV, Ogg or MP4"


class Action(StrEnum):
    UPLOADED = "uploaded"
    VIEWED = "viewed"
    DOWNLOADED = "downloaded"
    HANDED_OVER = "handed_over"
    EXPORTED = "exported"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One piece of evidence as a viewer sees it, with its custody log."""

    row: rows.EvidenceRow
    custody: list[rows.CustodyEntry]


def evidence_dir(data_dir: Path) -> Path:
    """Where evidence files live (apart from report attachments: kept for courts)."""
    return data_dir / EVIDENCE_FOLDER


def sniff(path: Path) -> str | None:
    """The type the bytes say (report attachments' types, audio and video), None otherwise."""
    with path.open("rb") as stream:
        head = stream.read(16)
    for offset, magic, media_type in _EXTRA_MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return media_type
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    return sniff_attachment(path)


def agrees_with(declared: str | None, sniffed: str) -> bool:
    said = (declared or "").split(";", 1)[0].strip().lower()
    if said in _EXTRA_ALIASES.get(sniffed, frozenset()):
        return True
    return agrees(declared, sniffed)


def file_matches(path: Path, sha256: str) -> bool:
    """Whether the stored file is still the bytes its name promises."""
    if not path.is_file():
        return False
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_READ_CHUNK):
            digest.update(chunk)
    return digest.hexdigest() == sha256


# --- who may do what ----------------------------------------------------------------------------


def _not_found(what: str = "no such case") -> CaseError:
    return CaseError(what, None, 404)


def _seen_case(conn: Connection, viewer: Viewer, case_id: int) -> tuple[CaseHead, Seen]:
    head = case_rows.case_head(conn, case_id)
    if head is None:
        raise _not_found()
    view = seen(viewer, head, case_rows.accepted_to(conn, case_id, viewer.agency))
    if view is None:
        raise _not_found()
    return head, view


def check_may_add(conn: Connection, viewer: Viewer, case_id: int) -> CaseHead:
    """Officers of the owning agency and of agencies that accepted a referral add evidence."""
    if viewer.agency is None:
        raise CaseError("sign in to work on cases", None, 401)
    if viewer.role not in OFFICERS:
        raise CaseError(
            "only officers (analysts, investigators, desk officers) work on cases", None, 403
        )
    head, view = _seen_case(conn, viewer, case_id)
    if view.access is Access.DESK:
        raise CaseError(
            "only the owning agency and agencies that accepted a referral add evidence",
            "file",
            403,
        )
    return head


def checked_marking(marking: Tlp) -> Tlp:
    if marking is Tlp.RED:
        raise CaseError(
            "evidence reaches agencies, not named people: mark it AMBER+STRICT at most", "tlp"
        )
    return marking


def _visible(
    conn: Connection, viewer: Viewer, head: CaseHead, view: Seen, found: Iterable[rows.EvidenceRow]
) -> list[rows.EvidenceRow]:
    handed = rows.handed_to(conn, head.id, viewer.agency)
    return [
        e
        for e in found
        if may_see_evidence(viewer, view, head.owner_agency, e.agency, e.tlp, e.id in handed)
    ]


def list_evidence(conn: Connection, viewer: Viewer, case_id: int) -> list[Evidence]:
    """The evidence of a case the viewer sees, each with its custody log (404 for a case it
    does not see)."""
    head, view = _seen_case(conn, viewer, case_id)
    visible = _visible(conn, viewer, head, view, rows.evidence_of_case(conn, case_id))
    custody = rows.custody_of(conn, [e.id for e in visible])
    return [Evidence(e, custody[e.id]) for e in visible]


def visible_evidence(
    conn: Connection, viewer: Viewer, case_id: int, evidence_id: int
) -> rows.EvidenceRow:
    head, view = _seen_case(conn, viewer, case_id)
    found = rows.evidence(conn, evidence_id)
    if found is None or found.case_id != case_id or not _visible(conn, viewer, head, view, [found]):
        raise _not_found(NOT_FOUND)
    return found


# --- adding -------------------------------------------------------------------------------------


def _text(value: str, field: str, limit: int, *, required: bool = False) -> str:
    cleaned = value.strip()
    if required and not cleaned:
        raise CaseError(f"{field} is required", field)
    if len(cleaned) > limit:
        raise CaseError(f"{field} is longer than {limit} characters", field)
    return cleaned


def add_evidence(
    engine: Engine,
    blobs: BlobStore,
    viewer: Viewer,
    case_id: int,
    *,
    filename: str | None,
    declared: str | None,
    description: str,
    marking: Tlp,
    chunks: Iterable[bytes],
    now: datetime,
    max_bytes: int = MAX_BYTES,
) -> Evidence:
    """Store a file as evidence of the case, with its `uploaded` custody entry, audit entry and
    timeline event in one transaction. Refused (CaseError naming `file`, `tlp` or
    `description`, nothing stored): too large (413), empty, of a type we do not take or not of
    the declared type (422), the same bytes already on the case (409)."""
    marking = checked_marking(marking)
    description = _text(description, "description", MAX_DESCRIPTION)
    with engine.connect() as conn:
        check_may_add(conn, viewer, case_id)
    try:
        blob = blobs.write_temp(chunks, max_bytes)
    except TooLarge:
        raise CaseError(
            f"the file is larger than the limit of {max_bytes} bytes", "file", 413
        ) from None
    try:
        if blob.size == 0:
            raise CaseError("the file is empty", "file")
        media_type = sniff(blob.path)
        if media_type is None:
            raise CaseError(f"not a type we accept as evidence ({ACCEPTED})", "file")
        if not agrees_with(declared, media_type):
            raise CaseError(f"declared as {declared!r} but the content is {media_type}", "file")
    except BaseException:
        blobs.discard(blob)
        raise
    name = clean_filename(filename)
    with engine.begin() as conn:
        head = check_may_add(conn, viewer, case_id)
        assert viewer.agency is not None
        existing = rows.evidence_by_sha(conn, case_id, blob.sha256)
        if existing is not None:
            blobs.discard(blob)
            raise CaseError(
                f"these bytes are already evidence #{existing.id} of the case", "file", 409
            )
        blobs.commit(blob).chmod(0o444)  # read-only on disk too: evidence is never altered
        evidence_id = rows.insert_evidence(
            conn,
            case_id=case_id,
            sha256=blob.sha256,
            size=blob.size,
            media_type=media_type,
            filename=name,
            description=description,
            tlp=marking,
            agency=viewer.agency,
            added_by=viewer.user_id,
            now=now,
        )
        if evidence_id is None:  # the same bytes, added at the same moment by someone else
            raise CaseError("these bytes were just added to the case", "file", 409)
        rows.add_custody(
            conn,
            [
                rows.NewCustody(
                    evidence_id,
                    Action.UPLOADED.value,
                    viewer.user_id,
                    viewer.agency,
                    f"{name}, {blob.size} bytes, {media_type}",
                )
            ],
            now,
        )
        timeline_event(
            conn,
            viewer,
            case_id,
            now,
            "evidence",
            f"#{evidence_id} {name} (SHA-256 {blob.sha256[:16]}…)",
            audience=viewer.agency,
        )
        record(
            conn,
            actor_of(viewer),
            "case.evidence.add",
            f"case:{case_id}",
            {
                "evidence": evidence_id,
                "sha256": blob.sha256,
                "size": blob.size,
                "media_type": media_type,
                "tlp": marking.value,
            },
            subject_agency=head.owner_agency,
        )
        stored = rows.evidence(conn, evidence_id)
        assert stored is not None
        custody = rows.custody_of(conn, [evidence_id])[evidence_id]
    return Evidence(stored, custody)


# --- reading the bytes --------------------------------------------------------------------------


def open_evidence(
    engine: Engine,
    blobs: BlobStore,
    viewer: Viewer,
    case_id: int,
    evidence_id: int,
    action: Action,
    now: datetime,
) -> tuple[rows.EvidenceRow, Path]:
    """The row and file of evidence the viewer may see, after checking the bytes against their
    SHA-256 and writing the `viewed`/`downloaded` custody and audit entries. A file that no
    longer matches is never served: CaseError 500 naming `evidence`, and an audit entry."""
    with engine.connect() as conn:
        found = visible_evidence(conn, viewer, case_id, evidence_id)
    path = blobs.path_of(found.sha256)
    intact = file_matches(path, found.sha256)
    with engine.begin() as conn:
        if not intact:
            record(
                conn,
                actor_of(viewer),
                "case.evidence.corrupt",
                f"case:{case_id}",
                {"evidence": evidence_id, "sha256": found.sha256},
                subject_agency=found.agency,
            )
        else:
            rows.add_custody(
                conn,
                [rows.NewCustody(evidence_id, action.value, viewer.user_id, viewer.agency)],
                now,
            )
            record(
                conn,
                actor_of(viewer),
                f"case.evidence.{action.value}",
                f"case:{case_id}",
                {"evidence": evidence_id, "sha256": found.sha256},
                subject_agency=found.agency,
            )
    if not intact:
        raise CaseError(
            "the stored file no longer matches its SHA-256 and was not served; "
            "the operators were told through the audit log",
            "evidence",
            500,
        )
    return found, path


# --- handing over -------------------------------------------------------------------------------


def hand_over(
    conn: Connection,
    viewer: Viewer,
    case_id: int,
    evidence_id: int,
    *,
    referral_id: int | None,
    to_agency: str | None,
    to_person: str | None,
    note: str,
    now: datetime,
) -> rows.CustodyEntry:
    """Hand evidence over, by its holding agency: with a referral of the case (pending or
    accepted; the receiving agency then sees it once it accepts), or to an agency or person
    outside the system (a prosecutor, a court: recorded, nothing shared). Evidence marked
    AMBER+STRICT stays in its agency."""
    if viewer.role not in OFFICERS or viewer.agency is None:
        raise CaseError("only officers hand evidence over", None, 403)
    found = visible_evidence(conn, viewer, case_id, evidence_id)
    if found.agency != viewer.agency:
        raise CaseError("only the agency holding the evidence hands it over", "evidence", 403)
    note = _text(note, "note", MAX_NOTE, required=referral_id is None)
    person = _text(to_person or "", "to_person", MAX_PERSON) or None
    agency = (to_agency or "").strip().upper() or None
    if referral_id is not None:
        referral = case_rows.referral(conn, referral_id)
        if referral is None or referral.case_id != case_id:
            raise CaseError(f"no referral {referral_id} of this case", "referral_id")
        if referral.from_agency != viewer.agency:
            raise CaseError("only the referring agency adds evidence to a referral", "referral_id")
        if referral.status is ReferralStatus.DECLINED:
            raise CaseError("the referral was declined", "referral_id", 409)
        if found.tlp not in EVIDENCE_SHAREABLE:
            raise CaseError(
                f"evidence marked {found.tlp.value} stays in its agency", "referral_id", 409
            )
        if agency is not None and agency != referral.to_agency:
            raise CaseError(f"the referral goes to {referral.to_agency}", "to_agency")
        agency = referral.to_agency
        if not rows.add_to_referral(conn, referral_id, evidence_id):
            raise CaseError("the evidence is already part of this referral", "referral_id", 409)
    else:
        if agency is None and person is None:
            raise CaseError("name the agency or the person receiving it", "to_agency")
        if agency is not None and get_agency(conn, agency) is None:
            raise CaseError(f"unknown agency {agency!r}", "to_agency")
    rows.add_custody(
        conn,
        [
            rows.NewCustody(
                evidence_id,
                Action.HANDED_OVER.value,
                viewer.user_id,
                viewer.agency,
                note,
                to_agency=agency,
                to_person=person,
                referral_id=referral_id,
            )
        ],
        now,
    )
    receiver = " · ".join(x for x in (agency, person) if x)
    timeline_event(
        conn,
        viewer,
        case_id,
        now,
        "evidence_handover",
        f"#{evidence_id} → {receiver}",
        audience=viewer.agency,
    )
    record(
        conn,
        actor_of(viewer),
        "case.evidence.handover",
        f"case:{case_id}",
        {
            "evidence": evidence_id,
            "sha256": found.sha256,
            "referral": referral_id,
            "to_agency": agency,
            "to_person": person,
        },
        subject_agency=agency,
    )
    return rows.custody_of(conn, [evidence_id])[evidence_id][-1]


def record_export(
    conn: Connection,
    viewer: Viewer,
    case_id: int,
    evidence: Iterable[rows.EvidenceRow],
    fmt: str,
    now: datetime,
) -> None:
    """A dossier of the case left the system: one `exported` custody entry per piece of
    evidence it lists, a timeline event for the exporting agency, an audit entry."""
    listed = list(evidence)
    rows.add_custody(
        conn,
        [
            rows.NewCustody(
                e.id, Action.EXPORTED.value, viewer.user_id, viewer.agency, f"dossier ({fmt})"
            )
            for e in listed
        ],
        now,
    )
    timeline_event(
        conn,
        viewer,
        case_id,
        now,
        "dossier",
        fmt,
        audience=viewer.agency,
    )
    record(
        conn,
        actor_of(viewer),
        "case.dossier.export",
        f"case:{case_id}",
        {"format": fmt, "evidence": [e.id for e in listed]},
    )
