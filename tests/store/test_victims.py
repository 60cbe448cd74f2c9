from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from scamlink.sharing.keystore import KeyStore
from scamlink.sharing.personal_data import DecryptionFailed, PersonalData
from scamlink.sharing.roles import Role, Viewer
from scamlink.sharing.victims import add_victim, read_victim
from scamlink.store.reports import store_reports
from scamlink.store.schema import victims
from scamlink.store.victims import (
    insert_victim,
    link_report,
    matching_victims,
    replace_ciphertexts,
    report_ids,
    victim_by_id,
    victim_by_ref,
)
from tests.factories import make_report

KNPA = Viewer("KNPA", Role.INVESTIGATOR, user_id=1, groups=frozenset({"g"}))
CNP = Viewer("CNP", Role.ANALYST, user_id=2, groups=frozenset({"g"}))
PERSON = PersonalData(
    name="Plaintextname Kimvictim",
    date_of_birth=date(1987, 6, 5),
    nationality="KR",
    id_number="PASSPORTM9988776",
    phone="010-4242-1717",
    address="Secretstreet 99, Jongno-gu",
    family_contact="Mother Plaintextmother 010-1212-3434",
)
# Long enough that random ciphertext bytes (or their hex) never contain them by chance.
SECRETS = [
    "Plaintextname",
    "Kimvictim",
    "1987-06-05",
    "PASSPORTM9988776",
    "010-4242-1717",
    "Secretstreet",
    "Plaintextmother",
]
MARKER = "VISIBLEMARKER7731"  # stored in a plain column: proves the search can find text


@pytest.fixture
def keystore(tmp_path: Path) -> KeyStore:
    store = KeyStore(tmp_path / "keys-home", environ={})
    store.create_group_key("g")
    return store


def _fill(engine: Engine, keystore: KeyStore) -> str:
    report = replace(make_report("K-1"), narrative=MARKER)
    with engine.begin() as conn:
        store_reports(conn, [report])
        ref = add_victim(conn, keystore, KNPA, PERSON, report_external_ids=["K-1"]).ref
        for i in range(20):  # enough rows that pages get written
            add_victim(conn, keystore, KNPA, PERSON)
            add_victim(conn, keystore, CNP, PersonalData(name=f"Other {i}"))
    return ref


def test_encrypted_columns_hold_no_plaintext(engine: Engine, keystore: KeyStore) -> None:
    ref = _fill(engine, keystore)
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        path = Path(str(engine.url.database))
        raw = b"".join(
            p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists()
        )
    else:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT victims::text FROM victims")).scalars().all()
            blobs = conn.execute(
                text(
                    "SELECT name, date_of_birth, nationality, id_number, phone, address,"
                    " family_contact FROM victims"
                )
            ).all()
            narrative = conn.execute(text("SELECT narrative FROM reports")).scalar_one()
        raw = "\n".join(rows).encode() + b"".join(bytes(b) for row in blobs for b in row if b)
        raw += narrative.encode()
    assert MARKER.encode() in raw  # the search does find plain text
    for secret in SECRETS:
        assert secret.encode() not in raw, secret
        # bytea columns print as hex in PostgreSQL's text form; plaintext would show so there.
        assert secret.encode().hex().encode() not in raw, secret
    with engine.begin() as conn:
        read = read_victim(conn, keystore, KNPA, ref)
    assert read is not None
    assert read.personal == PERSON


def test_a_ciphertext_swapped_between_rows_fails(engine: Engine, keystore: KeyStore) -> None:
    with engine.begin() as conn:
        first = add_victim(conn, keystore, KNPA, PERSON)
        second = add_victim(conn, keystore, KNPA, PersonalData(name="Someone Else"))
        other_name = conn.scalar(select(victims.c.name).where(victims.c.ref == second.ref))
        conn.execute(victims.update().where(victims.c.ref == first.ref).values(name=other_name))
    with engine.begin() as conn, pytest.raises(DecryptionFailed) as caught:
        read_victim(conn, keystore, KNPA, first.ref)
    assert "Someone" not in str(caught.value)


def test_a_ciphertext_swapped_between_fields_fails(engine: Engine, keystore: KeyStore) -> None:
    with engine.begin() as conn:
        added = add_victim(conn, keystore, KNPA, PERSON)
        row = conn.execute(select(victims).where(victims.c.ref == added.ref)).one()
        conn.execute(
            victims.update()
            .where(victims.c.ref == added.ref)
            .values(name=row.address, address=row.name)
        )
    with engine.begin() as conn, pytest.raises(DecryptionFailed):
        read_victim(conn, keystore, KNPA, added.ref)


def test_rows_and_links(engine: Engine) -> None:
    with engine.begin() as conn:
        store_reports(conn, [make_report("K-1"), make_report("K-2")])
        victim_id = insert_victim(
            conn, ref="r-1", agency="KNPA", key_version=1, ciphertexts={"name": b"\x01blob"}
        )
        linked = [link_report(conn, victim_id, "KNPA", e) for e in ("K-2", "K-1")]
    with engine.connect() as conn:
        assert report_ids(conn, victim_id) == sorted(linked)
        row = victim_by_ref(conn, "KNPA", "r-1")
        assert row is not None
        assert row.ciphertexts["name"] == b"\x01blob"
        assert row.ciphertexts["phone"] is None
        assert victim_by_ref(conn, "CNP", "r-1") is None  # another agency's ref is absent
        assert victim_by_id(conn, victim_id) == row
        assert victim_by_id(conn, victim_id + 1) is None


def test_a_stale_row_is_not_overwritten(engine: Engine) -> None:
    with engine.begin() as conn:
        victim_id = insert_victim(conn, ref="r-1", agency="KNPA", key_version=1, ciphertexts={})
        row = victim_by_id(conn, victim_id)
        assert row is not None
        assert replace_ciphertexts(conn, row, key_version=2, ciphertexts={"name": b"new"})
        # A second writer holding the row as it was before is refused.
        assert not replace_ciphertexts(conn, row, key_version=3, ciphertexts={"name": b"x"})
        after = victim_by_id(conn, victim_id)
    assert after is not None
    assert (after.key_version, after.ciphertexts["name"]) == (2, b"new")


def test_matching_victims_answers_only_the_owner(engine: Engine, keystore: KeyStore) -> None:
    with engine.begin() as conn:
        ours = add_victim(conn, keystore, KNPA, PERSON)
        add_victim(conn, keystore, CNP, PERSON)
        ours_id = victim_by_ref(conn, "KNPA", ours.ref)
    assert ours_id is not None
    with engine.connect() as conn:
        assert {m.kind for m in matching_victims(conn, KNPA, ours_id.id)} == {
            "passport",
            "phone",
            "name_dob",
        }
        assert matching_victims(conn, CNP, ours_id.id) == []
        assert matching_victims(conn, Viewer("KNPA", Role.PARTNER, 5), ours_id.id) == []
        assert matching_victims(conn, KNPA, ours_id.id + 10_000) == []
