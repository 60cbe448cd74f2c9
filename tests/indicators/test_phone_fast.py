"""phone_fast gives what phonenumbers gives: `phone._check` (fast) agrees with
`phone._check_reference` (the library's public functions) on every input — value, display or
the reason's text — and each fast step agrees with the library step it stands for."""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType, shortnumberinfo

from scamlink.indicators import phone, phone_fast, phone_memo
from scamlink.indicators.types import Indicator
from tests.factories import demo_worlds_phone_strings

# Korea, the ten ASEAN countries, and the neighbours whose numbering plans have the shapes that
# make parsing hard: shared calling codes (+1, +7, +44), leading zeros kept (Italy), trunk
# prefixes with transform rules (Argentina-like, here Russia/China), varying lengths (Japan).
REGIONS = (
    "KR", "TH", "VN", "KH", "LA", "MM", "MY", "SG", "ID", "PH", "BN",
    "CN", "US", "GB", "JP", "AU", "IT", "RU",
)  # fmt: skip
TYPES = (
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.MOBILE,
    PhoneNumberType.TOLL_FREE,
    PhoneNumberType.PREMIUM_RATE,
    PhoneNumberType.SHARED_COST,
    PhoneNumberType.VOIP,
    PhoneNumberType.PERSONAL_NUMBER,
    PhoneNumberType.PAGER,
    PhoneNumberType.UAN,
    PhoneNumberType.VOICEMAIL,
)
# Digits in the scripts victims write them in: ASCII, full-width, Thai, Khmer, Lao, Burmese,
# Arabic-Indic, Devanagari.
SCRIPTS = ("0", "０", "๐", "០", "໐", "၀", "٠", "०")
SEPARATORS = ("", "", "", " ", "-", ".", "\u00a0", "\u2010", "(", ")", "/", ",", "\t")


def _examples(regions: tuple[str, ...]) -> list[tuple[str, int, str]]:
    found = []
    for region in regions:
        for kind in TYPES:
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None and number.country_code is not None:
                nsn = phonenumbers.national_significant_number(number)
                found.append((region, number.country_code, nsn))
    return found


EXAMPLES = _examples(REGIONS)
ALL_EXAMPLES = _examples(tuple(sorted(phonenumbers.SUPPORTED_REGIONS)))


def _agree(raw: str, country: str | None, both: bool = True) -> None:
    bare = phone_memo._bare_number(raw)
    for formatted in (True, False) if both else (True,):
        fast = phone._check(raw, country, formatted)
        reference = phone._check_reference(raw, country, formatted)
        assert fast == reference, (raw, country, formatted)
        if bare is not None:
            # phone_memo's reading: the bare number, checked without its written form
            upper = country.upper() if country else None
            assert phone.check_bare(bare, upper, formatted) == phone._check_reference(
                bare, country, formatted
            ), (bare, country, formatted)


def _written_forms(region: str, code: int, nsn: str) -> list[str]:
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    assert meta is not None
    trunk = meta.national_prefix or ""
    idd = meta.preferred_international_prefix or "00"
    return [
        nsn,
        trunk + nsn,
        f"+{code}{nsn}",
        f"{code}{nsn}",
        f"00{code}{nsn}",
        f"{idd}{code}{nsn}",
    ]


def _mutations(nsn: str) -> Iterator[str]:
    yield nsn
    for i in sorted({0, 1, len(nsn) // 2, len(nsn) - 1}):
        yield nsn[:i] + str((int(nsn[i]) + 1) % 10) + nsn[i + 1 :]
    yield nsn[:-1]
    yield nsn + "5"
    yield "0" + nsn
    yield nsn[1:]


def test_the_fast_path_is_on() -> None:
    # SCAMLINK_PHONE_FAST=0 is for comparisons by hand; the tests below compare the two paths
    # directly, but the product must run the fast one.
    assert phone.FAST


def test_every_region_example_numbers_and_their_mutations() -> None:
    """Every region the library knows: its example numbers of every type, digits changed,
    shortened and lengthened, written nationally, with the trunk prefix, with + and country code,
    with the country code alone and with international prefixes — read in their own region (and
    the examples from Korea)."""
    for region, code, example in ALL_EXAMPLES:
        for nsn in _mutations(example):
            for written in _written_forms(region, code, nsn):
                _agree(written, region, both=False)
        for written in _written_forms(region, code, example):
            _agree(written, "KR", both=False)


def test_the_fast_steps_are_the_library_steps() -> None:
    """parse, classify and format_international against phonenumbers.parse, region_code_for_number
    + number_type and format_number, on every region's mutated examples; and the fast parse
    covers every supported region (it does not quietly fall back)."""
    for region, code, example in ALL_EXAMPLES:
        for nsn in _mutations(example):
            for written in _written_forms(region, code, nsn):
                number = re.sub(r"[^+\d]", "", written)
                for country in (region, None):
                    if country is None and not number.startswith("+"):
                        continue
                    try:
                        parsed = phonenumbers.parse(number, country)
                    except phonenumbers.NumberParseException:
                        assert phone_fast.parse(number, country) is None, (number, country)
                        continue
                    assert parsed.country_code is not None
                    nsn_parsed = phonenumbers.national_significant_number(parsed)
                    assert phone_fast.parse(number, country) == (parsed.country_code, nsn_parsed)
                    facts = phone_fast.classify(parsed.country_code, nsn_parsed)
                    assert facts == (
                        phonenumbers.region_code_for_number(parsed),
                        phonenumbers.number_type(parsed),
                    ), (number, country)
                    assert phone_fast.is_valid(*facts_input(parsed)) == (
                        phonenumbers.is_valid_number(parsed)
                    )
                    assert phone_fast.format_international(
                        parsed.country_code, nsn_parsed
                    ) == phonenumbers.format_number(parsed, PhoneNumberFormat.INTERNATIONAL)


def facts_input(number: phonenumbers.PhoneNumber) -> tuple[int, str]:
    assert number.country_code is not None
    return number.country_code, phonenumbers.national_significant_number(number)


def test_non_geographic_codes() -> None:
    for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
        number = phonenumbers.example_number_for_non_geo_entity(code)
        if number is None:
            continue
        nsn = phonenumbers.national_significant_number(number)
        for variant in _mutations(nsn):
            _agree(f"+{code} {variant}", None)
            _agree(f"00{code}{variant}", "KR")


@st.composite
def written_numbers(draw: st.DrawFn) -> tuple[str, str | None]:
    region, code, nsn = draw(st.sampled_from(EXAMPLES))
    digits = list(nsn)
    for _ in range(draw(st.integers(0, 3))):
        where = draw(st.integers(0, len(digits)))
        how = draw(st.sampled_from(("change", "insert", "delete")))
        digit = str(draw(st.integers(0, 9)))
        if how == "insert" or not digits:
            digits.insert(where, digit)
        elif how == "delete":
            del digits[min(where, len(digits) - 1)]
        else:
            digits[min(where, len(digits) - 1)] = digit
    if draw(st.booleans()):
        digits = [str(draw(st.integers(0, 9))) for _ in range(draw(st.integers(2, 20)))]
    body = "".join(digits)
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    assert meta is not None
    prefix = draw(
        st.sampled_from(
            (
                "",
                meta.national_prefix or "",
                f"+{code}",
                f"＋{code}",
                f"{code}",
                f"00{code}",
                f"{meta.preferred_international_prefix or '001'}{code}",
                f"+{code}0",
                "+",
            )
        )
    )
    text = prefix + body
    # separators between digits, here and there
    out = []
    for ch in text:
        out.append(ch)
        if draw(st.integers(0, 4)) == 0:
            out.append(draw(st.sampled_from(SEPARATORS)))
    text = "".join(out)
    zero = draw(st.sampled_from(SCRIPTS))
    if zero != "0":
        text = "".join(chr(ord(zero) + int(c)) if c.isascii() and c.isdigit() else c for c in text)
    if draw(st.integers(0, 5)) == 0:
        text = draw(st.sampled_from(("Tel. ", "휴대폰: ", "โทร ", "WhatsApp "))) + text
    country = draw(st.sampled_from((region, region, region, *REGIONS, None, "ZZ", "XK", "kr")))
    return text, country


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(written_numbers())
def test_generated_numbers_agree(case: tuple[str, str | None]) -> None:
    _agree(*case)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789+-() .０๘٣", max_size=30), st.sampled_from((*REGIONS, None)))
def test_arbitrary_digit_strings_agree(raw: str, country: str | None) -> None:
    _agree(raw, country)


@pytest.mark.parametrize(
    ("raw", "country"),
    [
        ("010-1234-5678", "KR"),
        ("+82 010 1234 5678", None),  # the trunk prefix after the country code
        ("+39 06 6982 1234", None),  # Italy: the leading zero stays
        ("06 6982 1234", "IT"),
        ("+1 416 555 0123", None),  # NANPA: Canada by its area code
        ("416 555 0123", "CA"),
        ("+7 701 123 4567", None),  # +7: Kazakhstan by its leading digits
        ("8 912 345 67 89", "RU"),
        ("+44 1624 456789", None),  # +44: the Isle of Man
        ("07624 123456", "GB"),
        ("0 11 2345 6789", "AR"),  # a transform rule
        ("15 2345 6789", "AR"),
        ("001 82 10 1234 5678", "KR"),
        ("0082 10 1234 5678", "TH"),
        ("82 10 1234 5678", "KH"),
        ("1234567", "KR"),
        ("1 1234 5678", "SG"),
        ("+800 1234 5678", None),  # a non-geographic code
        ("+999 1234 5678", None),  # no such code
        ("+0 1234 5678", None),
        ("000 1234 5678", "KR"),
        ("911", "US"),
        ("+66 191", None),
        ("+82 112", None),
        ("1" * 30, "KR"),
        ("+" + "1" * 30, None),
        ("1" * 300, "KR"),
        ("2024-05-17", "KR"),  # dates and amounts keep their reasons
        ("17/05/2024", "TH"),
        ("1.2.2024", "VN"),
        (" 2024.5.17 ", "KR"),
        ("12-05-24", "PH"),
        ("12345-05-17", "KR"),
        ("010-1234-5678 2024-05-17", "KR"),
        ("1,234,567", "KR"),
        ("081,234,5678", "TH"),
    ],
)
def test_awkward_numbers_agree(raw: str, country: str | None) -> None:
    _agree(raw, country)


def test_e164_facts_are_the_library_facts() -> None:
    for _, code, example in ALL_EXAMPLES:
        for nsn in _mutations(example):
            value = f"+{code}{nsn}"
            facts = phone_fast.facts_for_e164(value)
            if nsn.startswith("0"):
                assert facts is None
                continue
            number = phonenumbers.PhoneNumber(country_code=code, national_number=int(nsn))
            assert facts == (
                phonenumbers.region_code_for_number(number),
                phonenumbers.number_type(number),
            ), value
    assert phone_fast.facts_for_e164("821012345678") is None
    assert phone_fast.facts_for_e164("+0123") is None
    assert phone_fast.facts_for_e164("+82１０") is None


def test_emergency_numbers_keep_their_reason() -> None:
    assert phone._check("+82 112", None) == phone._check_reference("+82 112", None)
    assert shortnumberinfo.is_emergency_number("112", "KR")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str | None]]:
    """Every phone string of a demo world (the default one and a noisy one), with the victim's
    country."""
    return demo_worlds_phone_strings(tmp_path_factory, 5000, 2000, seed=3)


def test_every_phone_string_of_a_demo_world_agrees(world: list[tuple[str, str | None]]) -> None:
    assert len(world) > 5000
    valid = 0
    for raw, country in world:
        _agree(raw, country)
        valid += isinstance(phone._check(raw, country), Indicator)
    assert valid > len(world) // 4


def test_demo_world_numbers_read_from_elsewhere_agree(
    world: list[tuple[str, str | None]],
) -> None:
    # The same strings read with another country and with none.
    for raw, country in world[::7]:
        _agree(raw, "KR" if country != "KR" else "TH")
        _agree(raw, None)


def test_every_region_compiles() -> None:
    """Every pattern phone_fast builds (the library's, and its own alternations of the special
    types and of the formats' leading digits) compiles, for every region and calling code, and
    the alternation of leading digits has one group per format (else the formats would be
    tried one by one)."""
    metas = [phone_fast._region_meta(r) for r in sorted(phonenumbers.SUPPORTED_REGIONS)]
    metas += [
        phone_fast._meta(code, phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY)
        for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS)
    ]
    assert len(metas) > 240
    for meta in metas:
        assert meta is not None
        patterns = [meta.general_pattern, meta.special_any, meta.leading_digits, meta.idd]
        patterns += [meta.national_prefix, meta.leading_any]
        for desc in (meta.general, meta.fixed_line, meta.mobile, *(d for _, d in meta.special)):
            patterns.append(desc.pattern if desc is not None else None)
        for f in meta.formats:
            patterns += [f.leading, f.pattern]
        for pattern in patterns:
            if pattern is not None:
                pattern.compiled()
        if meta.leading_any is not None:
            assert meta.leading_any.compiled().groups == len(meta.formats)
