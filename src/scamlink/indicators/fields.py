"""The two entry points: `parse_field` (one value of a structured report column) and
`canonicalise` (one value of a known indicator type)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

from scamlink.indicators.accounts import canonical_bank_account
from scamlink.indicators.crypto import (
    canonical_btc,
    canonical_eth,
    canonical_tron,
    canonical_wallet,
)
from scamlink.indicators.handles import parse_handle
from scamlink.indicators.phone_memo import canonical_phone
from scamlink.indicators.types import FieldKind, Indicator, IndicatorType, InvalidIndicator
from scamlink.indicators.web import (
    canonical_domain,
    canonical_email,
    canonical_ip,
    canonical_url,
    url_field,
)

T = IndicatorType
_R = TypeVar("_R")
_MAX_LEN = 4096  # a structured value longer than this is not one indicator


def _checked(raw: str) -> str:
    if not isinstance(raw, str):
        raise InvalidIndicator(f"expected text, got {type(raw).__name__}")
    if len(raw) > _MAX_LEN:
        raise InvalidIndicator(f"value longer than {_MAX_LEN} characters")
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidIndicator("value is not valid Unicode text (lone surrogate)") from None
    if not raw.strip():
        raise InvalidIndicator("empty value")
    return raw


_FIELDS: dict[str, Callable[[str, str], list[Indicator]]] = {
    "phones": lambda raw, country: [canonical_phone(raw, country)],
    "urls": lambda raw, country: url_field(raw),
    "emails": lambda raw, country: [canonical_email(raw)],
    "wallets": lambda raw, country: [canonical_wallet(raw)],
    "bank_accounts": lambda raw, country: [canonical_bank_account(raw, country)],
    "handles": lambda raw, country: parse_handle(raw, country),
}


def parse_field(kind: FieldKind, raw: str, country: str) -> list[Indicator]:
    """The indicators of ONE value typed into a structured column of a report.

    `country` is the ISO alpha-2 code of the reporting agency (it supplies the country of phone
    numbers written without one and settles bank names shared across countries).

    * phones -> [phone] (E.164; emergency numbers, short codes and invalid numbers raise).
    * urls -> [url, domain, registered domain if different] (an IP host gives ipv4/ipv6 instead of
      domains). A bare host ("kbstar-secure.com", "www.x.com/") gives only the domain
      indicator(s), not an invented "http://…/" URL; anything with a scheme, path, query, port or
      user info is a URL.
    * emails -> [email]; wallets -> [btc | eth | tron]; bank_accounts -> [bank_account].
    * handles -> [telegram | line | kakao | wechat | zalo], [phone, zalo] for a Zalo number,
      [phone] for WhatsApp and other handles written as a phone number.

    Raises InvalidIndicator (a ValueError) with the reason, and nothing else.
    """
    result = _parse_cached(kind, raw, country)
    if isinstance(result, str):
        raise InvalidIndicator(result)
    return list(result)


# The same values come again and again (that is what links reports): remember the outcome,
# refusals included. Indicators are immutable, so sharing them is safe. Small: the bulk
# loader keeps its own memory of cell outcomes in front of this one (report_csv's
# _FIELD_MEMO), which leaves it 2 % of hits at 131 k entries, and a large one only grew a
# parsing process's memory through a whole import.
@lru_cache(maxsize=1 << 12)
def _parse_cached(kind: str, raw: str, country: str) -> tuple[Indicator, ...] | str:
    handler = _FIELDS.get(kind)
    if handler is None:
        return f"unknown field kind {kind!r}"
    try:
        return tuple(_guard(lambda: handler(_checked(raw), country)))
    except InvalidIndicator as e:
        return str(e)


_CANONICAL: dict[IndicatorType, Callable[[str, str | None], Indicator]] = {
    T.PHONE: canonical_phone,
    T.EMAIL: lambda raw, country: canonical_email(raw),
    T.DOMAIN: lambda raw, country: canonical_domain(raw),
    T.URL: lambda raw, country: canonical_url(raw),
    T.BTC: lambda raw, country: canonical_btc(raw),
    T.ETH: lambda raw, country: canonical_eth(raw),
    T.TRON: lambda raw, country: canonical_tron(raw),
    T.BANK_ACCOUNT: canonical_bank_account,
    T.IPV4: lambda raw, country: canonical_ip(T.IPV4, raw),
    T.IPV6: lambda raw, country: canonical_ip(T.IPV6, raw),
}


def _handle_of(kind: IndicatorType) -> Callable[[str, str | None], Indicator]:
    def canonical(raw: str, country: str | None) -> Indicator:
        for indicator in parse_handle(raw, country, default=kind):
            if indicator.type is kind:
                return indicator
        raise InvalidIndicator(f"{raw!r} is not a {kind.value} handle")

    return canonical


for _kind in (T.TELEGRAM, T.LINE, T.KAKAO, T.WECHAT, T.ZALO):
    _CANONICAL[_kind] = _handle_of(_kind)


def canonicalise(type: IndicatorType, raw: str, country: str | None = None) -> Indicator:
    """The one indicator of `raw` as an indicator of `type` (URL gives the URL, DOMAIN the host
    without www.). Idempotent: canonicalise(t, canonicalise(t, x).value) has the same value."""
    try:
        handler = _CANONICAL[IndicatorType(type)]
    except (ValueError, KeyError):
        raise InvalidIndicator(f"unknown indicator type {type!r}") from None
    return _guard(lambda: handler(_checked(raw), country))


def _guard(call: Callable[[], _R]) -> _R:
    # Every failure reaches callers as InvalidIndicator; a ValueError or UnicodeError escaping a
    # library (idna, ipaddress, phonenumbers) on odd input is a refusal of that input too.
    try:
        return call()
    except InvalidIndicator:
        raise
    except (ValueError, UnicodeError) as e:
        raise InvalidIndicator(f"invalid value: {e}") from None
