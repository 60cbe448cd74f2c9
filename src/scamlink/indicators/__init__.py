"""Indicators: validation and canonical keys (the brief's "Canonical indicator keys").

Pure functions; the only I/O is reading package data (bank registry, the bundled Public Suffix
List) at import. `parse_field` handles one value of a structured report column, `canonicalise`
one value of a known type. Regexes for free-text extraction later live next to their
normalisers (phone.PHONE_RE, web.URL_RE / EMAIL_RE / refang, crypto.WALLET_RE,
accounts.ACCOUNT_NUMBER_RE).
"""

from scamlink.indicators.fields import canonicalise, parse_field
from scamlink.indicators.types import FieldKind, Indicator, IndicatorType, InvalidIndicator

__all__ = [
    "FieldKind",
    "Indicator",
    "IndicatorType",
    "InvalidIndicator",
    "canonicalise",
    "parse_field",
]
