from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scamlink.indicators import IndicatorType, InvalidIndicator, canonicalise, parse_field
from scamlink.indicators.phone import canonical_phone, phone_value


@pytest.mark.parametrize(
    ("raw", "country", "e164"),
    [
        # Korea: the brief's example, written in Seoul and in Phnom Penh
        ("010-1234-5678", "KR", "+821012345678"),
        ("+82 10 1234 5678", "KH", "+821012345678"),
        ("+82-10-1234-5678", "TH", "+821012345678"),
        ("(02) 123-4567", "KR", "+8221234567"),
        ("010.1234.5678", "KR", "+821012345678"),
        ("０１０－１２３４－５６７８", "KR", "+821012345678"),  # full-width
        ("＋８２ １０ １２３４ ５６７８", "VN", "+821012345678"),
        ("휴대폰: 010-1234-5678", "KR", "+821012345678"),  # a label around the number
        ("001 82 10 1234 5678", "KR", "+821012345678"),  # Korean international prefix
        ("0082 10 1234 5678", "TH", "+821012345678"),  # 00 + country code
        ("82 10 1234 5678", "KH", "+821012345678"),  # international without '+'
        # Thailand
        ("081-234-5678", "TH", "+66812345678"),
        ("๐๘๑-๒๓๔-๕๖๗๘", "TH", "+66812345678"),  # Thai digits
        ("+66 81 234 5678", "KR", "+66812345678"),
        # Cambodia
        ("012 345 678", "KH", "+85512345678"),
        ("០១២ ៣៤៥ ៦៧៨", "KH", "+85512345678"),  # Khmer digits
        ("+855 12 345 678", "KR", "+85512345678"),
        # Viet Nam
        ("0912 345 678", "VN", "+84912345678"),
        ("+84 912 345 678", "KR", "+84912345678"),
        # Indonesia, Philippines, Malaysia, Singapore, Laos, Myanmar
        ("0812-3456-7890", "ID", "+6281234567890"),
        ("0917 123 4567", "PH", "+639171234567"),
        ("012-345 6789", "MY", "+60123456789"),
        ("9123 4567", "SG", "+6591234567"),
        ("020 5555 1234", "LA", "+8562055551234"),
        ("၀၉ ၇၈၁ ၂၃၄ ၅၆၇", "MM", "+959781234567"),  # Burmese digits
    ],
)
def test_valid_numbers(raw: str, country: str, e164: str) -> None:
    indicator = canonical_phone(raw, country)
    assert indicator.type is IndicatorType.PHONE
    assert indicator.value == e164
    assert indicator.display.startswith("+")
    assert parse_field("phones", raw, country) == [indicator]


@pytest.mark.parametrize(
    ("raw", "country", "why"),
    [
        ("112", "KR", "emergency"),
        ("119", "KR", "emergency"),
        ("191", "TH", "emergency"),
        ("1199", "TH", "short code"),
        ("911", "PH", "emergency"),
        ("999", "MY", "emergency"),
        ("999", "SG", "emergency"),
        ("113", "VN", "emergency"),
        ("117", "KH", "emergency"),
        ("110", "ID", "emergency"),
        ("+82 112", "TH", "emergency"),
        ("+66 191", "KR", "emergency"),
        ("1182", "KR", "short code"),
        ("1301", "KR", "short code"),
        ("5,000,000", "KR", "amount"),
        ("1,500,000 won", "KR", "amount"),
        ("2024-01-15", "KR", "date"),
        ("15/01/2024", "TH", "date"),
        ("20240115", "KR", "not a valid KR phone number"),
        ("+999 1234 5678", "KR", "not a valid international phone number"),
        ("010-12-345", "KR", "not a valid KR phone number"),
        ("hello", "KR", "no phone number"),
        ("010-1234-5678 / 010-8765-4321", "KR", "more than one"),
        ("010-1234-5678", None, "no country"),
    ],
)
def test_refused(raw: str, country: str | None, why: str) -> None:
    with pytest.raises(InvalidIndicator, match=why):
        canonical_phone(raw, country)


def test_country_is_case_insensitive() -> None:
    assert canonical_phone("010-1234-5678", "kr").value == "+821012345678"


def test_canonicalise_without_country_needs_plus() -> None:
    assert canonicalise(IndicatorType.PHONE, "+821012345678").value == "+821012345678"
    with pytest.raises(InvalidIndicator):
        canonicalise(IndicatorType.PHONE, "01012345678")


@given(
    st.sampled_from(["KR", "TH", "KH", "VN", "ID", "PH", "MY", "SG", "LA", "MM", "BN"]),
    st.text(alphabet="0123456789 -+()", min_size=1, max_size=20),
)
def test_idempotent(country: str, raw: str) -> None:
    try:
        first = canonicalise(IndicatorType.PHONE, raw, country)
    except InvalidIndicator:
        return
    again = canonicalise(IndicatorType.PHONE, first.value, country)
    assert again.value == first.value
    assert canonicalise(IndicatorType.PHONE, first.value).value == first.value  # no country


@pytest.mark.parametrize(
    ("raw", "country"),
    [("010-1234-5678", "KR"), ("+66 81 234 5678", None), ("0912 345 6789", "PH"), ("112", "KR")],
)
def test_phone_value_is_canonical_phone_without_formatting(raw: str, country: str | None) -> None:
    # Free-text extraction validates with phone_value (no display formatting): same verdicts.
    try:
        expected = canonical_phone(raw, country).value
    except InvalidIndicator:
        with pytest.raises(InvalidIndicator):
            phone_value(raw, country)
        return
    found = phone_value(raw, country)
    assert (found.value, found.display) == (expected, expected)
