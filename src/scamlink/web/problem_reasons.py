"""The reasons a bulk import gives for a rejected row, in the reader's language.

The import (`interop`, `reports.bulk`) and the CLI's JSON keep their reasons in English: they
are a stable contract for scripts. The upload page reads each reason against the patterns
below and shows the translation, with the values it quotes left as written; a reason no
pattern knows is shown as it is.
"""

from __future__ import annotations

from collections.abc import Callable

from scamlink.web.i18n import N_
from scamlink.web.message_patterns import MessagePattern, translate_message
from scamlink.web.message_patterns import pattern as _p

# Order matters: the first full match wins. Groups are named after the msgid's placeholders.
PATTERNS: tuple[MessagePattern, ...] = (
    _p(
        r"(?P<reason>.+); the rest of the file was not read",
        N_("%(reason)s; the rest of the file was not read"),
    ),
    _p(
        r"line 1: missing column\(s\) (?P<value>.*)",
        N_("line 1: missing column(s) %(value)s"),
    ),
    _p(
        r"line 1: unknown column\(s\) (?P<value>.*); the columns are (?P<allowed>.*)",
        N_("line 1: unknown column(s) %(value)s; the columns are %(allowed)s"),
    ),
    _p(
        r"line 1: column\(s\) named twice: (?P<value>.*)",
        N_("line 1: column(s) named twice: %(value)s"),
    ),
    _p(r"line (?P<num>\d+): (?P<reason>.+)", N_("line %(num)s: %(reason)s")),
    _p(
        r"the import stopped on an unexpected error; the rows reported as stored are kept",
        N_("the import stopped on an unexpected error; the rows reported as stored are kept"),
    ),
    _p(r"empty", N_("empty")),
    _p(r"unknown field", N_("unknown field")),
    _p(r"one value expected, got a list", N_("one value expected, got a list")),
    _p(r"holds a NUL character", N_("holds a NUL character")),
    _p(r"longer than (?P<num>\d+) characters", N_("longer than %(num)s characters")),
    _p(r"not a language tag: (?P<value>.*)", N_("not a language tag: %(value)s")),
    _p(r"not an ISO 8601 date-time: (?P<value>.*)", N_("not an ISO 8601 date-time: %(value)s")),
    _p(r"not an ISO 8601 date: (?P<value>.*)", N_("not an ISO 8601 date: %(value)s")),
    _p(
        r"not an ISO 3166 alpha-2 code: (?P<value>.*)",
        N_("not an ISO 3166 alpha-2 country code: %(value)s"),
    ),
    _p(r"unknown scam type (?P<value>.*)", N_("unknown scam type %(value)s")),
    _p(
        r"unknown TLP marking (?P<value>.*) \(expected one of (?P<allowed>.*)\)",
        N_("unknown TLP marking %(value)s (expected one of %(allowed)s)"),
    ),
    _p(
        r"releases apply to AMBER reports only, not (?P<value>.*)",
        N_("releases apply to AMBER reports only, not %(value)s"),
    ),
    _p(
        r"unknown agency or sharing group (?P<value>.*)",
        N_("unknown agency or sharing group %(value)s"),
    ),
    _p(
        r"recipients apply to RED reports only, not (?P<value>.*)",
        N_("recipients apply to RED reports only, not %(value)s"),
    ),
    _p(r"no user with e-mail (?P<value>.*)", N_("no user with e-mail %(value)s")),
    _p(r"not a non-negative decimal: (?P<value>.*)", N_("not a non-negative number: %(value)s")),
    _p(
        r"an amount needs an ISO 4217 code or one of (?P<allowed>.*), got (?P<value>.*)",
        N_("an amount needs an ISO 4217 currency code or one of %(allowed)s, got %(value)s"),
    ),
    _p(r"not valid CSV \((?P<reason>.*)\)", N_("not valid CSV (%(reason)s)")),
    _p(
        r"(?P<num>\d+) cells in a row of (?P<width>\d+) columns",
        N_("%(num)s cells in a row of %(width)s columns"),
    ),
    _p(r"a value in a column without a header", N_("a value in a column without a header")),
    _p(
        r"a formula \((?P<value>.*)\) is not imported: paste the value as text instead",
        N_("a formula (%(value)s) is not imported: paste the value as text instead"),
    ),
    # Indicator values (`'value': reason`): the value as written, the reason translated.
    _p(r"(?P<value>'.*?'): (?P<reason>.+)", N_("%(value)s: %(reason)s")),
    _p(r"(?P<value>'.*') is not a valid phone number", N_("%(value)s is not a valid phone number")),
    _p(r"(?P<value>'.*') is not one phone number", N_("%(value)s is not one phone number")),
    _p(
        r"(?P<value>'.*') is not a recognised wallet address \(BTC, ETH, TRON\)",
        N_("%(value)s is not a recognised wallet address (BTC, ETH, TRON)"),
    ),
    _p(
        r"(?P<value>'.*') is not an e-mail address: (?P<reason>.*)",
        N_("%(value)s is not an e-mail address: %(reason)s"),
    ),
    _p(r"no bank named in (?P<value>.*)", N_("no bank named in %(value)s")),
    _p(r"no account number in (?P<value>.*)", N_("no account number in %(value)s")),
    _p(r"no known bank named (?P<value>.*)", N_("no known bank named %(value)s")),
    _p(r"empty value", N_("empty value")),
)
# Parts that are themselves reasons (translated again); the rest are values, kept as written.
_NESTED = frozenset({"reason"})


def translate_reason(reason: str, gettext: Callable[[str], str], _depth: int = 0) -> str:
    """The reason in the reader's language, or as given when no pattern knows it."""
    if _depth > 2:
        return reason

    def nested(name: str, value: str) -> str:
        return translate_reason(value, gettext, _depth + 1) if name in _NESTED else value

    return translate_message(reason, PATTERNS, gettext, nested)
