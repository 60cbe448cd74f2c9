"""Evidence on cases (SQLite and PostgreSQL): stored by SHA-256 and never altered, refused files
leave nothing behind, every access is a custody entry, the custody log is append-only, and who
sees which piece follows the case's referrals and the evidence's marking."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from scamlink.cases import evidence as ev
from scamlink.cases import service
from scamlink.cases.model import CaseError, CaseKind, NewCase, NewReferral, Status
from scamlink.cases.policy import Access, Seen, may_see_evidence
from scamlink.sharing.roles import Role, Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store.attachments import BlobStore
from scamlink.store.audit import latest_entries
from scamlink.store.schema import case_events, case_evidence, evidence_custody

NOW = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)
KNPA = Viewer("KNPA", Role.ANALYST, 1)
CNP = Viewer("CNP", Role.INVESTIGATOR, 2)
RTP = Viewer("RTP", Role.ANALYST, 3)
DESK = Viewer("KDESK", Role.DESK_OFFICER, 4)
KNPA_ADMIN = Viewer("KNPA", Role.ADMIN, 5)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
CHAT = "보이스피싱 통화 기록\n검사: 계좌를 옮기세요\n".encode()

HELD = NewCase(
    kind=CaseKind.PERSON_AT_RISK,
    title="Held in a compound near Sihanoukville",
    summary="Lured by a job offer.",
    nationality="KR",
    country="KH",
)


@pytest.fixture
def blobs(tmp_path: Path) -> BlobStore:
    return BlobStore(ev.evidence_dir(tmp_path / "data"))


def _case(engine: Engine) -> int:
    with engine.begin() as conn:
        return service.create_case(conn, KNPA, HELD, NOW)


def _add(
    engine: Engine,
    blobs: BlobStore,
    case_id: int,
    data: bytes = PNG,
    *,
    viewer: Viewer = KNPA,
    declared: str | None = "image/png",
    marking: Tlp = Tlp.AMBER,
    max_bytes: int = ev.MAX_BYTES,
    name: str = "screenshot.png",
) -> ev.Evidence:
    return ev.add_evidence(
        engine,
        blobs,
        viewer,
        case_id,
        filename=name,
        declared=declared,
        description="Telegram chat",
        marking=marking,
        chunks=[data],
        now=NOW,
        max_bytes=max_bytes,
    )


def _stored_files(blobs: BlobStore) -> list[Path]:
    if not blobs.root.exists():
        return []
    return [p for p in blobs.root.rglob("*") if p.is_file()]


def _count(engine: Engine, table: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_a_file_is_stored_by_its_hash_with_an_upload_entry(
    engine: Engine, blobs: BlobStore
) -> None:
    case_id = _case(engine)
    added = _add(engine, blobs, case_id)
    sha = hashlib.sha256(PNG).hexdigest()
    assert added.row.sha256 == sha
    assert added.row.size == len(PNG)
    assert added.row.media_type == "image/png"
    assert added.row.agency == "KNPA"
    assert blobs.path_of(sha).read_bytes() == PNG
    assert [(c.action, c.actor_agency) for c in added.custody] == [("uploaded", "KNPA")]
    with engine.connect() as conn:
        assert latest_entries(conn, limit=1)[0].action == "case.evidence.add"
        actions = conn.execute(
            select(case_events.c.action).where(case_events.c.case_id == case_id)
        ).scalars()
        assert "evidence" in list(actions)
    # The same bytes again: refused, named, nothing more stored.
    with pytest.raises(CaseError) as again:
        _add(engine, blobs, case_id)
    assert (again.value.status, again.value.field) == (409, "file")
    assert _count(engine, case_evidence) == 1


@pytest.mark.parametrize(
    ("data", "declared", "limit", "status", "reason"),
    [
        (PNG, "image/png", 10, 413, "larger than the limit of 10 bytes"),
        (PNG, "application/pdf", ev.MAX_BYTES, 422, "declared as 'application/pdf'"),
        (b"#!/bin/sh\nrm -rf /\x00", "image/png", ev.MAX_BYTES, 422, "not a type we accept"),
        (b"", "text/plain", ev.MAX_BYTES, 422, "empty"),
    ],
)
def test_refused_files_name_the_field_and_leave_nothing(
    engine: Engine,
    blobs: BlobStore,
    data: bytes,
    declared: str,
    limit: int,
    status: int,
    reason: str,
) -> None:
    case_id = _case(engine)
    with pytest.raises(CaseError) as refused:
        _add(engine, blobs, case_id, data, declared=declared, max_bytes=limit)
    assert refused.value.field == "file"
    assert refused.value.status == status
    assert reason in refused.value.message
    assert _count(engine, case_evidence) == 0
    assert _count(engine, evidence_custody) == 0
    assert _stored_files(blobs) == []


def test_audio_and_text_are_taken_and_red_is_refused(engine: Engine, blobs: BlobStore) -> None:
    case_id = _case(engine)
    call = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 32
    assert _add(engine, blobs, case_id, call, declared="audio/mpeg").row.media_type == "audio/mpeg"
    chat = _add(engine, blobs, case_id, CHAT, declared="text/plain", name="chat.txt")
    assert chat.row.media_type == "text/plain"
    with pytest.raises(CaseError) as red:
        _add(engine, blobs, case_id, b"other bytes\n", declared=None, marking=Tlp.RED)
    assert red.value.field == "tlp"


def test_every_access_is_a_custody_entry_and_reads_check_the_hash(
    engine: Engine, blobs: BlobStore
) -> None:
    case_id = _case(engine)
    added = _add(engine, blobs, case_id)
    eid = added.row.id
    _, path = ev.open_evidence(engine, blobs, KNPA, case_id, eid, ev.Action.VIEWED, NOW)
    assert path.read_bytes() == PNG
    ev.open_evidence(engine, blobs, KNPA, case_id, eid, ev.Action.DOWNLOADED, NOW)
    with engine.begin() as conn:
        ev.hand_over(
            conn,
            KNPA,
            case_id,
            eid,
            referral_id=None,
            to_agency=None,
            to_person="Prosecutor Kim, Seoul Central District Prosecutors' Office",
            note="USB stick, sealed bag 41",
            now=NOW,
        )
    with engine.connect() as conn:
        (listed,) = ev.list_evidence(conn, KNPA, case_id)
        actions = [e.action for e in latest_entries(conn, limit=3)]
    assert [c.action for c in listed.custody] == ["uploaded", "viewed", "downloaded", "handed_over"]
    assert listed.custody[-1].to_person is not None
    assert actions == ["case.evidence.handover", "case.evidence.downloaded", "case.evidence.viewed"]
    # The bytes were altered behind our back: never served, audited, no custody entry.
    path.chmod(0o644)
    path.write_bytes(PNG + b"tampered")
    with pytest.raises(CaseError) as corrupt:
        ev.open_evidence(engine, blobs, KNPA, case_id, eid, ev.Action.DOWNLOADED, NOW)
    assert (corrupt.value.status, corrupt.value.field) == (500, "evidence")
    with engine.connect() as conn:
        assert latest_entries(conn, limit=1)[0].action == "case.evidence.corrupt"
        (again,) = ev.list_evidence(conn, KNPA, case_id)
    assert len(again.custody) == 4


def test_the_custody_log_and_evidence_rows_cannot_be_changed(
    engine: Engine, blobs: BlobStore
) -> None:
    case_id = _case(engine)
    _add(engine, blobs, case_id)
    for statement in (
        update(evidence_custody).values(note="rewritten"),
        delete(evidence_custody),
        update(case_evidence).values(sha256="0" * 64),
    ):
        with pytest.raises((DBAPIError, IntegrityError)), engine.begin() as conn:
            conn.execute(statement)
    with engine.connect() as conn:
        (kept,) = ev.list_evidence(conn, KNPA, case_id)
    assert kept.row.sha256 == hashlib.sha256(PNG).hexdigest()
    assert [c.note for c in kept.custody] == ["screenshot.png, 72 bytes, image/png"]


def _refer(engine: Engine, case_id: int) -> int:
    with engine.begin() as conn:
        service.transition(conn, KNPA, case_id, Status.TRIAGED, NOW)
        return service.refer(
            conn, KNPA, case_id, NewReferral("CNP", "구조 요청", "ko", Tlp.AMBER), NOW
        )


def _seen_ids(engine: Engine, viewer: Viewer, case_id: int) -> list[int]:
    with engine.connect() as conn:
        return [e.row.id for e in ev.list_evidence(conn, viewer, case_id)]


def test_a_referral_shares_only_the_evidence_handed_over_with_it(
    engine: Engine, blobs: BlobStore
) -> None:
    case_id = _case(engine)
    shared = _add(engine, blobs, case_id).row.id
    kept = _add(engine, blobs, case_id, CHAT, declared="text/plain").row.id
    strict = _add(
        engine, blobs, case_id, b"strict\n", declared="text/plain", marking=Tlp.AMBER_STRICT
    ).row.id
    referral_id = _refer(engine, case_id)
    with engine.begin() as conn:
        ev.hand_over(
            conn,
            KNPA,
            case_id,
            shared,
            referral_id=referral_id,
            to_agency=None,
            to_person=None,
            note="",
            now=NOW,
        )
    for bad, field, status in (
        (dict(evidence_id=strict, referral_id=referral_id), "referral_id", 409),
        (dict(evidence_id=shared, referral_id=referral_id), "referral_id", 409),
        (dict(evidence_id=kept, referral_id=999_999), "referral_id", 422),
        (dict(evidence_id=kept, referral_id=None), "note", 422),
    ):
        with engine.begin() as conn, pytest.raises(CaseError) as refused:
            ev.hand_over(
                conn,
                KNPA,
                case_id,
                bad["evidence_id"],  # type: ignore[arg-type]
                referral_id=bad["referral_id"],
                to_agency=None,
                to_person=None,
                note="",
                now=NOW,
            )
        assert (refused.value.field, refused.value.status) == (field, status), bad
    # Pending: CNP sees no case and no evidence yet.
    with pytest.raises(CaseError):
        _seen_ids(engine, CNP, case_id)
    with engine.begin() as conn:
        service.respond(conn, CNP, referral_id, accept=True, now=NOW)
    assert _seen_ids(engine, CNP, case_id) == [shared]
    assert _seen_ids(engine, KNPA, case_id) == [shared, kept, strict]
    with pytest.raises(CaseError) as hidden:
        ev.open_evidence(engine, blobs, CNP, case_id, kept, ev.Action.DOWNLOADED, NOW)
    assert hidden.value.status == 404
    _, path = ev.open_evidence(engine, blobs, CNP, case_id, shared, ev.Action.DOWNLOADED, NOW)
    assert path.read_bytes() == PNG
    with engine.connect() as conn:
        (seen_by_cnp,) = ev.list_evidence(conn, CNP, case_id)
    assert [(c.action, c.actor_agency, c.to_agency) for c in seen_by_cnp.custody] == [
        ("uploaded", "KNPA", None),
        ("handed_over", "KNPA", "CNP"),
        ("downloaded", "CNP", None),
    ]
    # CNP adds its own evidence: KNPA sees it when marked AMBER, not when AMBER+STRICT.
    theirs = _add(engine, blobs, case_id, b"cnp photo log\n", viewer=CNP, declared=None).row.id
    mine = _add(
        engine,
        blobs,
        case_id,
        b"cnp internal\n",
        viewer=CNP,
        declared=None,
        marking=Tlp.AMBER_STRICT,
    ).row.id
    assert theirs in _seen_ids(engine, KNPA, case_id)
    assert mine not in _seen_ids(engine, KNPA, case_id)
    assert _seen_ids(engine, CNP, case_id) == [shared, theirs, mine]
    # RTP never saw the case.
    with pytest.raises(CaseError) as rtp:
        _seen_ids(engine, RTP, case_id)
    assert rtp.value.status == 404


def test_desk_officers_see_the_owners_shareable_evidence_and_add_none(
    engine: Engine, blobs: BlobStore
) -> None:
    case_id = _case(engine)
    amber = _add(engine, blobs, case_id).row.id
    _add(engine, blobs, case_id, CHAT, declared=None, marking=Tlp.AMBER_STRICT)
    assert _seen_ids(engine, DESK, case_id) == [amber]
    with pytest.raises(CaseError) as desk:
        _add(engine, blobs, case_id, b"desk\n", viewer=DESK, declared=None)
    assert desk.value.status == 403
    with pytest.raises(CaseError) as admin:
        _add(engine, blobs, case_id, b"admin\n", viewer=KNPA_ADMIN, declared=None)
    assert admin.value.status == 403
    assert len(_stored_files(blobs)) == 2


@pytest.mark.parametrize(
    ("viewer", "access", "holder", "marking", "handed", "sees"),
    [
        (KNPA, Access.OWNER, "KNPA", Tlp.AMBER_STRICT, False, True),  # its own, any marking
        (KNPA, Access.OWNER, "CNP", Tlp.AMBER, False, True),  # a recipient's, shareable
        (KNPA, Access.OWNER, "CNP", Tlp.AMBER_STRICT, False, False),
        (CNP, Access.RECIPIENT, "KNPA", Tlp.AMBER, True, True),  # handed over
        (CNP, Access.RECIPIENT, "KNPA", Tlp.GREEN, False, False),  # not handed over
        (CNP, Access.RECIPIENT, "KNPA", Tlp.AMBER_STRICT, True, False),
        (DESK, Access.DESK, "KNPA", Tlp.AMBER, False, True),  # the owner's, shareable
        (DESK, Access.DESK, "CNP", Tlp.AMBER, False, False),  # not the owner's
        (DESK, Access.DESK, "KNPA", Tlp.AMBER_STRICT, False, False),
    ],
)
def test_who_sees_a_piece_of_evidence(
    viewer: Viewer, access: Access, holder: str, marking: Tlp, handed: bool, sees: bool
) -> None:
    view = Seen(access, True, None)
    assert may_see_evidence(viewer, view, "KNPA", holder, marking, handed) is sees
