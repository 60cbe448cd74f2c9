from __future__ import annotations

import os
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scamlink.sharing.personal_data import PersonalData
from scamlink.sharing.pseudonyms import (
    PseudonymKind,
    derive,
    identifiers,
    name_variants,
    normalise_country,
    normalise_document,
    normalise_name,
    token,
)

GROUP = {"kr-kh-desk": os.urandom(32)}
OTHER_GROUP = {"aseanapol-all": os.urandom(32)}
DOB = date(1990, 1, 2)


def _tokens(data: PersonalData, keys: dict[str, bytes], kind: PseudonymKind) -> set[str]:
    return {p.token for p in derive(data, keys, default_country="KR") if p.kind is kind}


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("김민준", "kim minjun"),
        ("김 민준", "kim minjun"),
        ("Kim Min-jun", "kim minjun"),
        ("KIM MINJUN", "kim minjun"),
        ("KIM, Min-jun", "kim minjun"),
        ("  kim   min‐jun ", "kim minjun"),
        ("이서연", "lee seoyeon"),
        ("Nguyễn Văn Đức", "nguyen van duc"),
        ("สมชาย   ใจดี", "สมชาย ใจดี"),
        ("ＫＩＭ　Ｍｉｎｊｕｎ", "kim minjun"),  # full-width letters and space
        ("김 Minjun", "gim minjun"),  # mixed scripts: romanised, family name not guessed
    ],
)
def test_normalise_name(written: str, normal: str) -> None:
    assert normalise_name(written) == normal


@given(st.text(max_size=30))
def test_normalise_name_is_idempotent(text: str) -> None:
    once = normalise_name(text)
    assert normalise_name(once) == once


@given(st.text(alphabet=st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), max_size=6))
def test_hangul_names_normalise_to_ascii(text: str) -> None:
    assert normalise_name(text).isascii()


def test_name_variants_cover_both_orders() -> None:
    assert name_variants("kim minjun") == ["kimminjun", "minjunkim"]
    assert "kimminjun" in name_variants(normalise_name("Minjun Kim"))
    assert "kimminjun" in name_variants(normalise_name("Gim Min Jun"))
    assert name_variants("") == []
    assert name_variants("gim") == ["kim"]


@pytest.mark.parametrize(
    "romanised", ["Kim Min-jun", "KIM MINJUN", "Minjun Kim", "Gim Minjun", "kim min jun"]
)
def test_hangul_and_romanised_names_match(romanised: str) -> None:
    hangul = _tokens(PersonalData(name="김민준", date_of_birth=DOB), GROUP, PseudonymKind.NAME_DOB)
    latin = _tokens(PersonalData(name=romanised, date_of_birth=DOB), GROUP, PseudonymKind.NAME_DOB)
    assert hangul & latin


def test_names_of_different_people_or_birthdays_do_not_match() -> None:
    minjun = _tokens(PersonalData(name="김민준", date_of_birth=DOB), GROUP, PseudonymKind.NAME_DOB)
    seoyeon = _tokens(PersonalData(name="김서연", date_of_birth=DOB), GROUP, PseudonymKind.NAME_DOB)
    later = _tokens(
        PersonalData(name="김민준", date_of_birth=date(1990, 1, 3)), GROUP, PseudonymKind.NAME_DOB
    )
    assert minjun
    assert not minjun & seoyeon
    assert not minjun & later


@pytest.mark.parametrize("written", ["010-1234-5678", "+82 10 1234 5678", "82-10-1234-5678"])
def test_phone_formats_match(written: str) -> None:
    reference = _tokens(PersonalData(phone="+821012345678"), GROUP, PseudonymKind.PHONE)
    assert reference == _tokens(PersonalData(phone=written), GROUP, PseudonymKind.PHONE)
    assert len(reference) == 1


def test_nationality_gives_the_phone_its_country() -> None:
    thai = _tokens(PersonalData(phone="081 234 5678", nationality="TH"), GROUP, PseudonymKind.PHONE)
    assert thai == _tokens(PersonalData(phone="+66812345678"), GROUP, PseudonymKind.PHONE)


def test_an_invalid_phone_gives_no_token() -> None:
    assert _tokens(PersonalData(phone="12"), GROUP, PseudonymKind.PHONE) == set()


@pytest.mark.parametrize(
    "written", ["m12345678", "M 1234 5678", "M-1234-5678", "Ｍ１２３４５６７８"]
)
def test_passport_case_and_spacing_match(written: str) -> None:
    reference = PersonalData(id_number="M12345678", nationality="KR")
    assert _tokens(reference, GROUP, PseudonymKind.PASSPORT) == _tokens(
        PersonalData(id_number=written, nationality="kr"), GROUP, PseudonymKind.PASSPORT
    )


def test_same_passport_number_of_another_country_does_not_match() -> None:
    korean = _tokens(PersonalData(id_number="M1", nationality="KR"), GROUP, PseudonymKind.PASSPORT)
    thai = _tokens(PersonalData(id_number="M1", nationality="TH"), GROUP, PseudonymKind.PASSPORT)
    assert korean
    assert not korean & thai
    assert _tokens(PersonalData(id_number="M1"), GROUP, PseudonymKind.PASSPORT) == set()


def test_different_group_keys_never_match() -> None:
    person = PersonalData(
        name="김민준", date_of_birth=DOB, phone="010-1234-5678", id_number="M1", nationality="KR"
    )
    ours = {p.token for p in derive(person, GROUP, default_country="KR")}
    theirs = {p.token for p in derive(person, OTHER_GROUP, default_country="KR")}
    assert len(ours) == 4  # passport, phone, two name orders
    assert not ours & theirs
    both = derive(person, GROUP | OTHER_GROUP, default_country="KR")
    assert {p.sharing_group for p in both} == {"kr-kh-desk", "aseanapol-all"}


def test_tokens_are_keyed_hmac_and_hold_no_identifier() -> None:
    made = token(bytes(32), PseudonymKind.PHONE, "+821012345678")
    assert len(made) == 64
    assert int(made, 16) >= 0
    assert made != token(bytes(31) + b"\x01", PseudonymKind.PHONE, "+821012345678")
    assert made != token(bytes(32), PseudonymKind.PASSPORT, "+821012345678")
    assert "821012345678" not in made


def test_identifiers_are_normalised() -> None:
    found = identifiers(
        PersonalData(phone="010-1234-5678", id_number="m 1", nationality="kr"),
        default_country="KR",
    )
    assert found == [(PseudonymKind.PASSPORT, "KR:M1"), (PseudonymKind.PHONE, "+821012345678")]
    assert normalise_document(" ab-12 ") == "AB12"
    assert normalise_country(" kr ") == "KR"
    with pytest.raises(ValueError, match="alpha-2"):
        normalise_country("KOR")
