from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from scamlink.sharing.keystore import KeyStore, KeyStoreError, encode_key
from scamlink.sharing.personal_data import InvalidPersonalData, PersonalData
from scamlink.sharing.roles import PUBLIC, Role, Viewer
from scamlink.sharing.victims import (
    AUDIT_CREATE,
    AUDIT_READ,
    NotAllowed,
    add_victim,
    matches,
    read_victim,
    rotate_key,
)
from scamlink.store import audit as audit_rows
from scamlink.store.reports import store_reports
from scamlink.store.schema import victims
from scamlink.store.victims import UnknownReport, key_versions_in_use
from tests.factories import make_report

DESK = frozenset({"kr-kh-desk"})
KNPA = Viewer("KNPA", Role.ANALYST, user_id=1, groups=DESK)
CNP = Viewer("CNP", Role.INVESTIGATOR, user_id=2, groups=DESK)
RTP = Viewer("RTP", Role.ANALYST, user_id=3, groups=frozenset({"th-only"}))
PERSON = PersonalData(
    name="김민준",
    date_of_birth=date(1990, 1, 2),
    nationality="kr",
    id_number="M12345678",
    phone="010-1234-5678",
    address="서울특별시 종로구 세종대로 1",
    family_contact="어머니 010-9876-5432",
)


@pytest.fixture
def keystore(tmp_path: Path) -> KeyStore:
    store = KeyStore(tmp_path / "data", environ={})
    store.create_group_key("kr-kh-desk")
    store.create_group_key("th-only")
    return store


def test_add_then_read_is_audited(engine: Engine, keystore: KeyStore) -> None:
    with engine.begin() as conn:
        store_reports(conn, [make_report("K-1")])
        added = add_victim(conn, keystore, KNPA, PERSON, report_external_ids=["K-1"])
    assert added.personal.nationality == "KR"
    with engine.begin() as conn:
        read = read_victim(conn, keystore, KNPA, added.ref)
        entries = audit_rows.latest_entries(conn, limit=5)
    assert read is not None
    assert read.personal == added.personal
    for shown in (repr(read), str(read), f"{added}"):
        assert "김민준" not in shown
        assert "M12345678" not in shown
        assert "1990" not in shown
    assert len(read.report_ids) == 1
    assert [(e.action, e.target, e.actor_agency) for e in entries] == [
        (AUDIT_READ, f"victim:{added.ref}", "KNPA"),
        (AUDIT_CREATE, f"victim:{added.ref}", "KNPA"),
    ]
    assert "name" in json.loads(entries[0].details)["fields"]
    assert json.loads(entries[1].details)["reports"] == ["K-1"]
    assert added.pseudonym_groups == ("kr-kh-desk",)
    for entry in entries:
        assert "김민준" not in entry.details
        assert "M12345678" not in entry.details


@pytest.mark.parametrize(
    "viewer",
    [CNP, PUBLIC, Viewer("KNPA", Role.PARTNER, user_id=9), Viewer("KNPA", None)],
    ids=["other-agency", "public", "partner-of-owner", "no-role"],
)
def test_no_one_else_reads_or_learns_of_a_victim(
    engine: Engine, keystore: KeyStore, viewer: Viewer
) -> None:
    with engine.begin() as conn:
        added = add_victim(conn, keystore, KNPA, PERSON)
        same = PersonalData(name="Kim Min-jun", date_of_birth=date(1990, 1, 2))
        add_victim(conn, keystore, CNP, same)
    with engine.begin() as conn:
        assert read_victim(conn, keystore, viewer, added.ref) is None
        assert matches(conn, viewer, added.ref) == []
        actions = [e.action for e in audit_rows.latest_entries(conn, limit=5)]
        assert AUDIT_READ not in actions


def test_partners_and_the_public_cannot_add(engine: Engine, keystore: KeyStore) -> None:
    with engine.begin() as conn:
        with pytest.raises(NotAllowed):
            add_victim(conn, keystore, Viewer("KNPA", Role.PARTNER, user_id=9), PERSON)
        with pytest.raises(NotAllowed):
            add_victim(conn, keystore, PUBLIC, PERSON)


def test_a_victim_links_only_to_its_own_agencys_reports(engine: Engine, keystore: KeyStore) -> None:
    with engine.begin() as conn:
        store_reports(conn, [make_report("C-1", agency="CNP")])
    # The error rolls the caller's transaction back: no victim without its report.
    with pytest.raises(UnknownReport, match="KNPA has no report C-1"), engine.begin() as conn:
        add_victim(conn, keystore, KNPA, PERSON, report_external_ids=["C-1"])
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(victims)) == 0


def test_same_person_matches_across_agencies_of_a_group(engine: Engine, keystore: KeyStore) -> None:
    romanised = PersonalData(
        name="KIM MIN-JUN",
        date_of_birth=date(1990, 1, 2),
        phone="+82 10-1234-5678",
        nationality="KR",
        id_number="m1234 5678",
    )
    with engine.begin() as conn:
        ours = add_victim(conn, keystore, KNPA, PERSON)
        theirs = add_victim(conn, keystore, CNP, romanised)
        stranger = add_victim(
            conn, keystore, CNP, PersonalData(name="박지훈", phone="010-5555-0000")
        )
    with engine.connect() as conn:
        found = matches(conn, KNPA, ours.ref)
        back = matches(conn, CNP, theirs.ref)
        none = matches(conn, CNP, stranger.ref)
    assert {(m.agency, m.kind, m.victim_ref) for m in found} == {
        ("CNP", "name_dob", theirs.ref),
        ("CNP", "phone", theirs.ref),
        ("CNP", "passport", theirs.ref),
    }
    assert {m.victim_ref for m in back} == {ours.ref}
    assert none == []
    assert "김민준" not in repr(found)
    assert "KIM" not in repr(found)


def test_no_match_across_groups_with_different_keys(engine: Engine, keystore: KeyStore) -> None:
    with engine.begin() as conn:
        ours = add_victim(conn, keystore, KNPA, PERSON)
        theirs = add_victim(conn, keystore, RTP, PERSON)
    with engine.connect() as conn:
        assert matches(conn, KNPA, ours.ref) == []
        assert matches(conn, RTP, theirs.ref) == []


def test_an_agency_outside_the_group_sees_no_match(engine: Engine, keystore: KeyStore) -> None:
    with engine.begin() as conn:
        ours = add_victim(conn, keystore, KNPA, PERSON)
        add_victim(conn, keystore, CNP, PERSON)
    left = Viewer("KNPA", Role.ANALYST, user_id=1, groups=frozenset())
    with engine.connect() as conn:
        assert matches(conn, left, ours.ref) == []
        assert [m.agency for m in matches(conn, KNPA, ours.ref)] == ["CNP"] * 3


def _add_many(engine: Engine, keystore: KeyStore, count: int) -> list[str]:
    refs = []
    with engine.begin() as conn:
        for i in range(count):
            person = PersonalData(name=f"Victim {i}", phone=f"010-1234-{i:04d}")
            refs.append(add_victim(conn, keystore, KNPA, person).ref)
    return refs


def _read_all(engine: Engine, keystore: KeyStore, refs: list[str]) -> list[str | None]:
    with engine.begin() as conn:
        found = [read_victim(conn, keystore, KNPA, ref) for ref in refs]
    return [v.personal.name if v else None for v in found]


def test_rotation_keeps_every_record_readable(engine: Engine, keystore: KeyStore) -> None:
    refs = _add_many(engine, keystore, 7)
    seen: list[tuple[int, list[str | None]]] = []

    def between_batches(batches: int, rows: int) -> None:
        # Reads work in the middle of a rotation (old and new keys are both present).
        seen.append((rows, _read_all(engine, keystore, refs)))

    done = rotate_key(engine, keystore, "KNPA", batch=3, after_batch=between_batches)
    expected = [f"Victim {i}" for i in range(7)]
    assert (done.key_version, done.reencrypted, done.batches, done.resumed) == (2, 7, 3, False)
    assert done.retired == (1,)
    assert [rows for rows, _ in seen] == [3, 6, 7]
    assert all(names == expected for _, names in seen)
    assert _read_all(engine, keystore, refs) == expected
    assert set(keystore.data_keys("KNPA").keys) == {2}
    with engine.connect() as conn:
        assert key_versions_in_use(conn, "KNPA") == {2: 7}


class Crash(Exception):
    pass


def test_a_crashed_rotation_resumes(engine: Engine, keystore: KeyStore) -> None:
    refs = _add_many(engine, keystore, 5)

    def crash_after_two(batches: int, rows: int) -> None:
        if batches == 2:
            raise Crash

    with pytest.raises(Crash):
        rotate_key(engine, keystore, "KNPA", batch=2, after_batch=crash_after_two)
    with engine.connect() as conn:
        assert key_versions_in_use(conn, "KNPA") == {1: 1, 2: 4}
    assert set(keystore.data_keys("KNPA").keys) == {1, 2}  # the old key is kept
    assert _read_all(engine, keystore, refs) == [f"Victim {i}" for i in range(5)]
    # A victim added while the rotation was interrupted is encrypted with the new key.
    refs += _add_many(engine, keystore, 1)
    done = rotate_key(engine, keystore, "KNPA", batch=2)
    assert (done.key_version, done.resumed, done.reencrypted, done.retired) == (2, True, 1, (1,))
    assert _read_all(engine, keystore, refs)[:5] == [f"Victim {i}" for i in range(5)]
    with engine.connect() as conn:
        assert key_versions_in_use(conn, "KNPA") == {2: 6}
    # The next rotation starts afresh.
    assert rotate_key(engine, keystore, "KNPA").key_version == 3


def test_rotation_leaves_other_agencies_alone(engine: Engine, keystore: KeyStore) -> None:
    with engine.begin() as conn:
        theirs = add_victim(conn, keystore, CNP, PERSON)
    rotate_key(engine, keystore, "KNPA")
    with engine.begin() as conn:
        assert key_versions_in_use(conn, "CNP") == {1: 1}
        read = read_victim(conn, keystore, CNP, theirs.ref)
    assert read is not None
    assert read.personal.name == "김민준"


def test_environment_keys_are_not_rotated_here(engine: Engine, tmp_path: Path) -> None:
    store = KeyStore(tmp_path, environ={"SCAMLINK_KEY_KNPA": encode_key(bytes(32))})
    with engine.begin() as conn:
        added = add_victim(conn, store, KNPA, PERSON)
    with pytest.raises(KeyStoreError, match="SCAMLINK_KEY_KNPA"):
        rotate_key(engine, store, "KNPA")
    with engine.begin() as conn:
        assert read_victim(conn, store, KNPA, added.ref) is not None
    with pytest.raises(ValueError, match="at least 1"):
        rotate_key(engine, store, "KNPA", batch=0)


def test_a_bad_nationality_is_refused_before_anything_is_stored(
    engine: Engine, keystore: KeyStore
) -> None:
    with pytest.raises(InvalidPersonalData, match="alpha-2"), engine.begin() as conn:
        add_victim(conn, keystore, KNPA, PersonalData(name="A", nationality="Korea"))
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(victims)) == 0
