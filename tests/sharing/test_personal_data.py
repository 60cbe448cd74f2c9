from __future__ import annotations

import os
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scamlink.sharing.personal_data import (
    PERSONAL_FIELDS,
    DecryptionFailed,
    Keyring,
    MissingKey,
    PersonalData,
    decrypt,
    decrypt_all,
    encrypt,
    encrypt_all,
    key_version,
)

KNPA = Keyring("KNPA", {1: os.urandom(32)})
PERSON = PersonalData(
    name="김민준",
    date_of_birth=date(1990, 1, 2),
    nationality="KR",
    id_number="M12345678",
    phone="010-1234-5678",
    address="서울특별시 종로구 1",
    family_contact="어머니 010-9876-5432",
)


def test_round_trip_of_every_field() -> None:
    blobs = encrypt_all(KNPA, PERSON, table="victims", ref="r1")
    assert set(blobs) == set(PERSONAL_FIELDS)
    assert decrypt_all(KNPA, blobs, table="victims", ref="r1") == PERSON


def test_ciphertext_holds_no_plaintext_and_differs_each_time() -> None:
    first = encrypt(KNPA, "M12345678", table="victims", ref="r1", field="id_number")
    second = encrypt(KNPA, "M12345678", table="victims", ref="r1", field="id_number")
    assert first != second  # a fresh nonce each time
    assert b"M12345678" not in first
    assert key_version(first) == 1


def test_missing_fields_stay_missing() -> None:
    blobs = encrypt_all(KNPA, PersonalData(name="A"), table="victims", ref="r1")
    assert blobs["phone"] is None
    assert decrypt_all(KNPA, blobs, table="victims", ref="r1") == PersonalData(name="A")


@pytest.mark.parametrize(
    ("table", "ref", "field", "keyring"),
    [
        ("victims", "r2", "name", KNPA),  # another row
        ("victims", "r1", "address", KNPA),  # another field
        ("cases", "r1", "name", KNPA),  # another table
        ("victims", "r1", "name", Keyring("CNP", dict(KNPA.keys))),  # another agency
    ],
)
def test_a_ciphertext_moved_elsewhere_fails(
    table: str, ref: str, field: str, keyring: Keyring
) -> None:
    blob = encrypt(KNPA, "김민준", table="victims", ref="r1", field="name")
    with pytest.raises(DecryptionFailed) as caught:
        decrypt(keyring, blob, table=table, ref=ref, field=field)
    assert "김민준" not in str(caught.value)


def test_editing_the_key_id_or_a_byte_fails() -> None:
    two = Keyring("KNPA", {1: KNPA.keys[1], 2: KNPA.keys[1]})
    blob = encrypt(two, "김민준", table="victims", ref="r1", field="name", version=1)
    relabelled = blob[:1] + (2).to_bytes(4, "big") + blob[5:]
    with pytest.raises(DecryptionFailed):
        decrypt(two, relabelled, table="victims", ref="r1", field="name")
    flipped = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(DecryptionFailed):
        decrypt(two, flipped, table="victims", ref="r1", field="name")
    with pytest.raises(DecryptionFailed):
        decrypt(two, blob[:10], table="victims", ref="r1", field="name")


def test_a_missing_key_version_is_named() -> None:
    blob = encrypt(KNPA, "x", table="victims", ref="r1", field="name")
    with pytest.raises(MissingKey, match="KNPA v1"):
        decrypt(Keyring("KNPA", {2: os.urandom(32)}), blob, table="victims", ref="r1", field="name")
    with pytest.raises(MissingKey, match="no data key"):
        _ = Keyring("KNPA", {}).current


def test_current_is_the_newest_version() -> None:
    keys = Keyring("KNPA", {1: os.urandom(32), 3: os.urandom(32)})
    assert keys.current == 3
    assert key_version(encrypt(keys, "x", table="victims", ref="r", field="name")) == 3


_text = st.text(min_size=1, max_size=40)


@given(
    name=_text,
    id_number=_text,
    phone=_text,
    address=_text,
    dob=st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 1, 1)),
)
def test_repr_and_str_never_depend_on_the_values(
    name: str, id_number: str, phone: str, address: str, dob: date
) -> None:
    data = PersonalData(
        name=name, date_of_birth=dob, id_number=id_number, phone=phone, address=address
    )
    placeholder = PersonalData(
        name="-", date_of_birth=date(2000, 1, 1), id_number="-", phone="-", address="-"
    )
    # The text shown is the same whatever the values: nothing of them can leak into a log.
    assert repr(data) == str(data) == f"{data}" == repr(placeholder)
    assert repr(data) == (
        "PersonalData(name=<redacted>, date_of_birth=<redacted>, id_number=<redacted>, "
        "phone=<redacted>, address=<redacted>)"
    )


def test_repr_of_a_real_person_hides_every_value() -> None:
    shown = repr(PERSON) + str([PERSON])
    for field in PERSONAL_FIELDS:
        assert str(getattr(PERSON, field)) not in shown
