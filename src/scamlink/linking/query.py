"""What a pasted search value means: its indicator type(s) and canonical key(s).

People paste values as they found them: `010 1234 5678`, `hxxp://kbstar-secure[.]com`,
`KB 123456-78-901234`, `@usdt_vip_support`, a wallet, or a canonical key they already hold
(`telegram:usdt_vip_support`, `KR:KB:12345678901234`). The same normalisers that build the
stored keys (`scamlink.indicators`) read the value every way it could be meant; the store then
keeps the candidates that exist, so a reading that makes no sense simply finds nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from scamlink.indicators import (
    FieldKind,
    Indicator,
    IndicatorType,
    InvalidIndicator,
    canonicalise,
    parse_field,
)
from scamlink.indicators.extract import extract

MAX_QUERY_LENGTH = 2048
FIELD_KINDS: tuple[FieldKind, ...] = (
    "phones",
    "urls",
    "emails",
    "wallets",
    "bank_accounts",
    "handles",
)
HANDLE_TYPES = (
    IndicatorType.TELEGRAM,
    IndicatorType.LINE,
    IndicatorType.KAKAO,
    IndicatorType.WECHAT,
    IndicatorType.ZALO,
)
# A bare name, perhaps with its @: a handle on any platform.
_HANDLE_RE = re.compile(r"@?[\w.\-]{2,64}")


class InvalidQuery(ValueError):
    """The search text cannot be read at all (empty, too long); the message says why."""


def _attempt(call: Callable[[], Iterable[Indicator]]) -> list[Indicator]:
    try:
        return list(call())
    except InvalidIndicator:
        return []


def _typed(raw: str, country: str) -> list[Indicator]:
    """`type:value` written by someone who knows the canonical keys."""
    prefix, sep, rest = raw.partition(":")
    if not sep or prefix.lower() not in set(IndicatorType):
        return []
    kind = IndicatorType(prefix.lower())
    # Handles keep their prefix in the canonical key; the others are given the rest.
    written = raw if kind in HANDLE_TYPES else rest
    return _attempt(lambda: [canonicalise(kind, written, country)])


def candidates(text: str, country: str) -> list[Indicator]:
    """Every indicator `text` can be read as, most specific first, without duplicates.

    `country` is the searcher's agency's country: it completes phone numbers and bank names
    written without one, as it does for the reports that agency files.
    """
    raw = text.strip()
    if not raw:
        raise InvalidQuery("type a phone number, link, e-mail, wallet, account or handle")
    if len(raw) > MAX_QUERY_LENGTH:
        raise InvalidQuery(f"the search text is longer than {MAX_QUERY_LENGTH} characters")
    found: list[Indicator] = _typed(raw, country)
    found += _attempt(lambda: [canonicalise(IndicatorType.BANK_ACCOUNT, raw, country)])
    for field in FIELD_KINDS:
        found += _attempt(lambda field=field: parse_field(field, raw, country))  # type: ignore[misc]
    found += _attempt(lambda: [canonicalise(IndicatorType.DOMAIN, raw, country)])
    found += [Indicator(f.type, f.value, f.display) for f in extract(raw, country)]
    if _HANDLE_RE.fullmatch(raw):
        for platform in HANDLE_TYPES:
            found += _attempt(lambda platform=platform: [canonicalise(platform, raw, country)])  # type: ignore[misc]
    unique: dict[tuple[IndicatorType, str], Indicator] = {}
    for indicator in found:
        unique.setdefault((indicator.type, indicator.value), indicator)
    return list(unique.values())
