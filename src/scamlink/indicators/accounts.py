"""Bank accounts: `COUNTRY:BANK:DIGITS` from values such as "국민은행 123456-78-901234",
"Kasikorn 123-4-56789-0", "BCA 1234567890 a.n. Budi", "TH KBank 1234567890" or the canonical key.
"""

from __future__ import annotations

import re
import unicodedata

from scamlink.indicators.banks import COUNTRIES, Bank, bank_by_code, find_banks
from scamlink.indicators.digits import to_ascii_digits
from scamlink.indicators.types import Indicator, IndicatorType, InvalidIndicator

_CANONICAL_RE = re.compile(r"^\s*([A-Za-z]{2})\s*:\s*([A-Za-z0-9_]+)\s*:\s*([0-9]+)\s*$")
# An account number as written: digits with single spaces, dashes or dots between groups, not
# glued to Latin letters (so "Maybank2u" has no number in it). The first digit comes before the
# lookbehind (which then spans it), so `re` skips from one digit to the next instead of trying
# the lookbehind at every character: the same matches as "(?<![A-Za-z0-9])[0-9]…".
ACCOUNT_NUMBER_RE = re.compile(r"[0-9](?<![A-Za-z0-9][0-9])(?:[ \-.]?[0-9])*(?![A-Za-z0-9])")
_NOT_DIGIT_RE = re.compile(r"[^0-9]")
_COUNTRY_PREFIX_RE = re.compile(
    r"^\s*[\[(]?([A-Za-z]{2})[\])]?\s*[:/|\-]?\s+(?=\S)|^([A-Za-z]{2}):"
)


def _indicator(bank: Bank, digits: str, written: str) -> Indicator:
    value = f"{bank.country}:{bank.code}:{digits}"
    return Indicator(IndicatorType.BANK_ACCOUNT, value, f"{bank.name} {written}")


def _length_ok(bank: Bank, digits: str) -> bool:
    return len(digits) in bank.account_lengths


def _length_error(bank: Bank, digits: str) -> InvalidIndicator:
    allowed = ", ".join(str(n) for n in bank.account_lengths)
    return InvalidIndicator(
        f"an account number of {len(digits)} digits is impossible at {bank.name} "
        f"({bank.country}:{bank.code} allows {allowed})"
    )


def canonical_bank_account(raw: str, country: str | None = None) -> Indicator:
    """One bank account value to its `COUNTRY:BANK:DIGITS` indicator.

    The bank is found by name or alias; a name shared across countries goes to the bank of the
    explicit country prefix, else of `country` (the reporting agency's), else to the first bank
    (in registry order) whose account lengths fit the number.
    """
    text = to_ascii_digits(unicodedata.normalize("NFKC", raw)).strip()
    if not text:
        raise InvalidIndicator("empty bank account")
    m = _CANONICAL_RE.match(text)
    if m is not None:
        bank = bank_by_code(m.group(1), m.group(2))
        if bank is None:
            raise InvalidIndicator(f"no known bank {m.group(2).upper()} in {m.group(1).upper()}")
        if not _length_ok(bank, m.group(3)):
            raise _length_error(bank, m.group(3))
        return _indicator(bank, m.group(3), m.group(3))

    explicit: str | None = None
    p = _COUNTRY_PREFIX_RE.match(text)
    if p is not None and (p.group(1) or p.group(2)).upper() in COUNTRIES:
        explicit = (p.group(1) or p.group(2)).upper()
        text = text[p.end() :]

    numbers = ACCOUNT_NUMBER_RE.findall(text)
    if not numbers:
        raise InvalidIndicator(f"no account number in {raw!r}")
    if len(numbers) > 1:
        raise InvalidIndicator(f"more than one number in the account value {raw!r}")
    written = numbers[0]
    digits = _NOT_DIGIT_RE.sub("", written)
    name = ACCOUNT_NUMBER_RE.sub(" ", text).strip(" \t:;,-/|()[]#")
    if not name:
        raise InvalidIndicator(f"no bank named in {raw!r}")

    candidates = find_banks(name)
    if explicit is not None:
        candidates = tuple(b for b in candidates if b.country == explicit)
        if not candidates:
            raise InvalidIndicator(f"no known bank named {name!r} in {explicit}")
    if not candidates:
        raise InvalidIndicator(f"no known bank named {name!r}")
    preferred = explicit or (country.upper() if country else None)
    ordered = sorted(candidates, key=lambda b: b.country != preferred)  # stable: registry order
    for bank in ordered:
        if _length_ok(bank, digits):
            return _indicator(bank, digits, written)
    raise _length_error(ordered[0], digits)
