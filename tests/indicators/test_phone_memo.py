"""Free-text phone candidates validated once per number give what phone.phone_value gives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scamlink.indicators import phone, phone_memo
from scamlink.indicators.types import Indicator, InvalidIndicator


def _outcome(check: object, raw: str, country: str | None) -> Indicator | None:
    try:
        return check(raw, country)  # type: ignore[operator,no-any-return]
    except InvalidIndicator:
        return None


WRITTEN = [
    "010-1234-5678",
    "010 1234 5678",
    "01012345678",
    "+82 10 1234 5678",
    "+82-10-1234-5678",
    "(02) 6054-0340",
    "0082 10 1234 5678",
    "82 10 1234 5678",
    "๐๘๔ ๗๒๕ ๘๕๕๔",
    "０１０－１２３４－５６７８",
    "084 725 8554",
    "2024-05-17",
    "17/05/2024",
    "1,234,567",
    "112",
    "119",
    "1588-9999",
    "010-1234-5678 010-9567-7011",
    "+855 12 345 678",
    "+84 912 345 678",
    "0912.345.678",
    "12",
    "+",
    "",
]


@pytest.mark.parametrize("raw", WRITTEN)
@pytest.mark.parametrize("country", ["KR", "TH", "VN", "KH", None])
def test_same_outcome_as_phone_value(raw: str, country: str | None) -> None:
    assert _outcome(phone_memo.phone_value, raw, country) == _outcome(
        phone.phone_value, raw, country
    )


def test_one_validation_for_every_way_of_writing_a_number() -> None:
    phone_memo._validated.cache_clear()
    for raw in ("010-2222-3333", "010 2222 3333", "01022223333", "０１０ ２２２２ ３３３３"):
        assert phone_memo.phone_value(raw, "KR").value == "+821022223333"
    assert phone_memo._validated.cache_info().misses == 1


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet="0123456789+-(). /\u00a0๐๑๒๓๔๕๖๗๘๙０１２３４５６７８９,a", max_size=22),
    st.sampled_from(["KR", "TH", "VN", "ID", "PH", "SG", "KH"]),
)
def test_same_outcome_on_random_candidates(raw: str, country: str) -> None:
    assert _outcome(phone_memo.phone_value, raw, country) == _outcome(
        phone.phone_value, raw, country
    )


def _formatted_outcome(check: object, raw: str, country: str | None) -> Indicator | str:
    try:
        return check(raw, country)  # type: ignore[operator,no-any-return]
    except InvalidIndicator as e:
        return f"invalid: {e}"  # the reason too: it names what was written


@pytest.mark.parametrize("raw", WRITTEN)
@pytest.mark.parametrize("country", ["KR", "TH", "VN", "KH", "kr", None])
def test_fields_read_a_number_as_canonical_phone_does(raw: str, country: str | None) -> None:
    assert _formatted_outcome(phone_memo.canonical_phone, raw, country) == _formatted_outcome(
        phone.canonical_phone, raw, country
    )


def test_fields_format_a_number_once_however_written() -> None:
    phone_memo._formatted.cache_clear()
    for raw in ("010-4444-5555", "010 4444 5555", "+82 10 4444 5555", "０１０ ４４４４ ５５５５"):
        found = phone_memo.canonical_phone(raw, "KR")
        assert (found.value, found.display) == ("+821044445555", "+82 10-4444-5555")
    assert phone_memo._formatted.cache_info().misses == 2  # national and international form


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet="0123456789+-(). /\u00a0๐๑๒๓๔๕๖๗๘๙０１２３４５６７８９,a", max_size=22),
    st.sampled_from(["KR", "TH", "VN", "ID", "PH", "SG", "KH"]),
)
def test_fields_same_outcome_on_random_values(raw: str, country: str) -> None:
    assert _formatted_outcome(phone_memo.canonical_phone, raw, country) == _formatted_outcome(
        phone.canonical_phone, raw, country
    )
