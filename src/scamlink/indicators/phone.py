"""Phone numbers: any-script digits, national or international form, to E.164.

Emergency numbers, short codes and numbers invalid for their country raise InvalidIndicator: they
never identify a scammer and must never link reports.

`_check_reference` is the check on phonenumbers' public functions; `_check` gives the same answer
(value, display, reason text) through `phone_fast`, the library's metadata compiled per region,
and falls back to the reference for what phone_fast does not cover (tests/indicators/
test_phone_fast.py compares the two).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import phonenumbers
from phonenumbers import shortnumberinfo

from scamlink.indicators import phone_fast
from scamlink.indicators.digits import to_ascii_digits
from scamlink.indicators.types import Indicator, IndicatorType, InvalidIndicator

# One written phone number: optional +, digits, and the usual separators. Reusable by free-text
# extraction later.
PHONE_RE = re.compile(r"\+?\(?\d[\d \t\-.()\u00a0\u2010-\u2015]*\d")
_SEPARATORS = re.compile(r"[\s\-.()\u00a0\u2010-\u2015]")
_DATE_RE = re.compile(
    r"^\s*(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2}))\s*$"
)
_AMOUNT_RE = re.compile(r"\d,\d{3}(?!\d)")
_DATE_SEPARATORS = frozenset("-/.")
# The separators PHONE_RE lets into a number (all of them _SEPARATORS), as a deletion table.
_WRITTEN_SEPARATORS = dict.fromkeys(map(ord, " \t-.()\u00a0\u2010\u2011\u2012\u2013\u2014\u2015"))
_MAX_SHORT = 6  # at most this many digits without a country code: a short code, not a subscriber

FAST = phone_fast.ENABLED  # SCAMLINK_PHONE_FAST=0: _check is _check_reference

_E164 = phonenumbers.PhoneNumberFormat.E164
_INTL = phonenumbers.PhoneNumberFormat.INTERNATIONAL


def _parse(number: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None


def _region_name(country: str | None) -> str:
    return country if country else "international"


def _check(raw: str, country: str | None, formatted: bool = True) -> Indicator | str:
    """The phone indicator `raw` is, or why it is none: `_check_reference`'s answer, through
    `phone_fast` (phonenumbers' metadata compiled per region) where it covers the number."""
    if not FAST:
        return _check_reference(raw, country, formatted)
    read = read_number(raw)
    if isinstance(read, str):
        return read
    written, number = read
    plus = number.startswith("+")
    digits = number.lstrip("+")
    if len(digits) <= _MAX_SHORT:
        return _check_reference(raw, country, formatted)  # short codes: the library's tables
    region = country.upper() if country else None
    return _from_bare(raw, written, number, digits, plus, region, formatted)


def read_number(raw: str) -> tuple[str, str] | str:
    """The one number written in `raw`, as written and bare (an optional "+" and ASCII digits),
    or why there is none: the reading `_check_reference` starts with."""
    text = to_ascii_digits(unicodedata.normalize("NFKC", raw)).strip()
    if not text:
        return "empty phone number"
    # A date starts with 1, 2 or 4 digits and a separator (`text` is stripped, so _DATE_RE's
    # leading \s* is empty), an amount needs a ",": most numbers skip those patterns.
    if (
        text[1:2] in _DATE_SEPARATORS
        or text[2:3] in _DATE_SEPARATORS
        or text[4:5] in _DATE_SEPARATORS
    ) and _DATE_RE.match(text):
        return f"{raw!r} looks like a date, not a phone number"
    if "," in text and _AMOUNT_RE.search(text):
        return f"{raw!r} looks like an amount, not a phone number"
    spans = PHONE_RE.findall(text)
    if not spans:
        return f"no phone number in {raw!r}"
    if len(spans) > 1:
        return f"more than one number in {raw!r}"
    written: str = spans[0]
    return written, written.translate(_WRITTEN_SEPARATORS)


def check_bare(number: str, country: str | None, formatted: bool = True) -> Indicator | str:
    """`_check(number, country, formatted)` for a bare number — an optional "+" and at least two
    ASCII digits, as phone_memo reads a candidate down to — without reading it as written text
    again (a bare number is no date, no amount, and its own one span). `country` upper-case."""
    digits = number[1:] if number[:1] == "+" else number
    if not FAST or len(digits) <= _MAX_SHORT or not (digits.isascii() and digits.isdigit()):
        return _check(number, country, formatted)
    plus = len(digits) < len(number)
    return _from_bare(number, number, number, digits, plus, country, formatted)


def _from_bare(
    raw: str,
    written: str,
    number: str,
    digits: str,
    plus: bool,
    region: str | None,
    formatted: bool,
) -> Indicator | str:
    """The check from the bare number on: phone_fast's steps, or the library's reading of
    `raw` where they do not cover the number."""
    if not plus and region is None:
        return f"{written} has no country code and no country was given"
    try:
        return _number(written, number, digits, plus, region, formatted)
    except phone_fast.Unhandled:
        return _check_reference(raw, region, formatted)


def _number(
    written: str, number: str, digits: str, plus: bool, region: str | None, formatted: bool
) -> Indicator | str:
    # _check_reference from the parse on, with phone_fast's steps.
    parsed = phone_fast.parse(number, None if plus else region)
    if parsed is None or not phone_fast.is_valid(*parsed):
        fallback = None
        if not plus:
            for candidate in (digits[2:] if digits.startswith("00") else None, digits):
                if candidate and len(candidate) >= 8:
                    p = phone_fast.parse("+" + candidate, None)
                    if p is not None and phone_fast.is_valid(*p):
                        fallback = p
                        break
        if fallback is None:
            home = phonenumbers.region_code_for_country_code(parsed[0]) if parsed else "ZZ"
            if parsed is not None and _emergency(parsed[1], home):
                return f"{written} is an emergency number"
            intl = home if home != "ZZ" else "international"
            where = intl if plus else _region_name(region)
            return f"{written} is not a valid {where} phone number"
        parsed = fallback
    code, nsn = parsed
    value = f"+{code}{nsn}"
    display = phone_fast.format_international(code, nsn) if formatted else value
    return Indicator(IndicatorType.PHONE, value, display)


@lru_cache(maxsize=1 << 12)
def _emergency(nsn: str, region: str) -> bool:
    return bool(shortnumberinfo.is_emergency_number(nsn, region))


def _check_reference(raw: str, country: str | None, formatted: bool = True) -> Indicator | str:
    """The phone check on phonenumbers' public functions: the reference `_check` must agree
    with (tests/indicators/test_phone_fast.py), and its path for what phone_fast leaves."""
    text = to_ascii_digits(unicodedata.normalize("NFKC", raw)).strip()
    if not text:
        return "empty phone number"
    if _DATE_RE.match(text):
        return f"{raw!r} looks like a date, not a phone number"
    if _AMOUNT_RE.search(text):
        return f"{raw!r} looks like an amount, not a phone number"
    spans = PHONE_RE.findall(text)
    if not spans:
        return f"no phone number in {raw!r}"
    if len(spans) > 1:
        return f"more than one number in {raw!r}"
    # Labels around the number ("Tel.", "휴대폰", "WhatsApp") are fine; letters inside are not.
    written = spans[0]
    number = _SEPARATORS.sub("", written)
    plus = number.startswith("+")
    digits = number.lstrip("+")
    region = country.upper() if country else None

    if (
        not plus
        and region
        and len(digits) <= _MAX_SHORT
        and shortnumberinfo.connects_to_emergency_number(digits, region)
    ):
        return f"{written} is an emergency number"
    if not plus and len(digits) <= _MAX_SHORT:
        return f"{written} is a short code, not a subscriber number"
    if not plus and region is None:
        return f"{written} has no country code and no country was given"

    parsed = _parse(number, None if plus else region)
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        # Written internationally without "+" ("82 10 1234 5678", "0082 10...")? Only accepted
        # when the national reading is not valid and the international one is.
        fallback = None
        if not plus:
            for candidate in (digits[2:] if digits.startswith("00") else None, digits):
                if candidate and len(candidate) >= 8:
                    p = _parse("+" + candidate, None)
                    if p is not None and phonenumbers.is_valid_number(p):
                        fallback = p
                        break
        if fallback is None:
            home = (
                phonenumbers.region_code_for_country_code(parsed.country_code or 0)
                if parsed is not None
                else "ZZ"
            )
            if parsed is not None and shortnumberinfo.is_emergency_number(
                phonenumbers.national_significant_number(parsed), home
            ):
                return f"{written} is an emergency number"
            intl = home if home != "ZZ" else "international"
            where = intl if plus else _region_name(region)
            return f"{written} is not a valid {where} phone number"
        parsed = fallback
    value = phonenumbers.format_number(parsed, _E164)
    display = phonenumbers.format_number(parsed, _INTL) if formatted else value
    return Indicator(IndicatorType.PHONE, value, display)


@lru_cache(maxsize=1 << 16)
def _cached(raw: str, country: str | None) -> Indicator | str:
    return _check(raw, country)


def canonical_phone(raw: str, country: str | None = None) -> Indicator:
    """E.164 phone indicator. Numbers without a country code take `country` (ISO alpha-2);
    the display is the international format ("+82 10-1234-5678")."""
    result = _cached(raw, country.upper() if country else None)
    if isinstance(result, str):
        raise InvalidIndicator(result)
    return result


@lru_cache(maxsize=1 << 16)
def _cached_plain(raw: str, country: str | None) -> Indicator | str:
    return _check(raw, country, formatted=False)


def phone_value(raw: str, country: str | None = None) -> Indicator:
    """`canonical_phone` with the E.164 value as display too: for free-text extraction, which
    shows the number as written and so skips the (costly) international formatting."""
    result = _cached_plain(raw, country.upper() if country else None)
    if isinstance(result, str):
        raise InvalidIndicator(result)
    return result
