from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scamlink.indicators.digits import has_foreign_digits, to_ascii_digits


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("０１０－１２３４", "010－1234"),  # full-width digits (the dash is not a digit)
        ("๐๘๑ ๒๓๔ ๕๖๗๘", "081 234 5678"),  # Thai
        ("០១២ ៣៤៥ ៦៧៨", "012 345 678"),  # Khmer
        ("໐໒໐ ໕໕໕", "020 555"),  # Lao
        ("၀၉ ၁၂၃", "09 123"),  # Burmese
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),  # Arabic-Indic
        ("۰۱۲۳", "0123"),  # Extended Arabic-Indic (Persian)
        ("०१२३", "0123"),  # Devanagari
        ("국민은행 123", "국민은행 123"),  # unchanged
        ("①②", "①②"),  # circled numbers are not decimal digits
        ("²", "²"),  # neither are superscripts
    ],
)
def test_to_ascii_digits(text: str, expected: str) -> None:
    assert to_ascii_digits(text) == expected


def test_has_foreign_digits() -> None:
    assert has_foreign_digits("abc ๑")
    assert not has_foreign_digits("abc 1")


@given(st.text())
def test_every_decimal_digit_becomes_its_ascii_value(text: str) -> None:
    out = to_ascii_digits(text)
    assert len(out) == len(text)
    for before, after in zip(text, out, strict=True):
        value = unicodedata.decimal(before, None)
        assert after == (str(value) if value is not None else before)
