"""Free-text phone candidates validated once per number, however they are written.

Victims write the same number many ways ("010-1234-5678", "010 1234 5678", "01012345678", in Thai
or full-width digits). `phone_value` reads a candidate down to its bare number (an optional "+"
and digits) and, once the written form has passed its checks (not a date, not an amount, one
number only), validates the bare number alone: the result is the same, so it is remembered per
number and the costly `phonenumbers` validation runs once for all the ways of writing it.
`canonical_phone` does the same for the structured fields (the display formatted as
`phone.canonical_phone` formats it; a number that does not validate is checked as written, for
the reason's wording).
"""

from __future__ import annotations

from functools import lru_cache

from scamlink.indicators import phone
from scamlink.indicators.types import Indicator, InvalidIndicator


def phone_value(raw: str, country: str | None) -> Indicator:
    """What `phone.phone_value(raw, country)` gives (the E.164 value as display), or
    InvalidIndicator (with a shorter reason)."""
    number = _bare_number(raw)
    if number is None:
        raise InvalidIndicator(f"{raw!r} is not one phone number")
    result = _validated(number, country.upper() if country else None)
    if result is None:
        raise InvalidIndicator(f"{raw!r} is not a valid phone number")
    return result


def canonical_phone(raw: str, country: str | None = None) -> Indicator:
    """What `phone.canonical_phone(raw, country)` gives (display formatted internationally),
    for the structured fields: a number that validates is validated and formatted once however
    it is written; one that does not is checked as written, so the reason names what was
    written."""
    number = _bare_number(raw)
    if number is not None:
        result = _formatted(number, country.upper() if country else None)
        if result is not None:
            return result
    return phone.canonical_phone(raw, country)


# Sized to be full early in a million-report import (docs/performance.md, 2026-11-29 14:25):
# at 65,536 entries it was full only near the end, and a parsing process grew all along.
@lru_cache(maxsize=1 << 13)
def _formatted(number: str, country: str | None) -> Indicator | None:
    # phone.canonical_phone(number, country), the number being bare already
    result = phone.check_bare(number, country)
    return None if isinstance(result, str) else result


def _bare_number(raw: str) -> str | None:
    # The same reading as phone._check, up to the number it validates.
    read = phone.read_number(raw)
    return None if isinstance(read, str) else read[1]


@lru_cache(maxsize=1 << 13)  # sized by the same rule as _formatted
def _validated(number: str, country: str | None) -> Indicator | None:
    # phone.phone_value(number, country), the number being bare already
    result = phone.check_bare(number, country, formatted=False)
    return None if isinstance(result, str) else result
