"""Phone numbers: any-script digits, national or international form, to E.164.

Emergency numbers, short codes and numbers invalid for their country raise InvalidIndicator: they
never identify a scammer and must never link reports.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import phonenumbers
from phonenumbers import shortnumberinfo

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
_MAX_SHORT = 6  # at most this many digits without a country code: a short code, not a subscriber

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
