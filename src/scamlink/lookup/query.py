"""What a pasted lookup value is: its type, its canonical key(s) and what else it tells.

People paste what they were sent: `010 1234 5678`, `hxxp://kbstar-secure[.]com/login`, an
e-mail, a wallet, `KB 123456-78-901234`, `@usdt_vip`, `t.me/usdt_vip`. `detect` reads the value's
shape first (so a batch of 10,000 values costs one or two normalisers a value, not all of them),
then canonicalises it with the indicators library (`canonicalise`, `parse_field`), giving:

- the main key (type, canonical value, display) — or the reason it is invalid (a wallet whose
  checksum fails, a number no numbering plan has: itself a warning sign);
- related keys with their own verdicts: a URL's domain and registered domain; a handle written
  without a platform, read on every platform;
- for a phone, its country and line type (phonenumbers); for an internationalised domain, the
  Unicode form and the A-label, and whether it mixes scripts (a homoglyph look-alike).

Input that cannot be a value at all (empty, longer than `MAX_QUERY_LENGTH`, control characters)
raises `InvalidQuery` naming the position; shells turn it into a 4xx or an exit code.
"""

from __future__ import annotations

import gc
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import phonenumbers

from scamlink.indicators import (
    Indicator,
    IndicatorType,
    InvalidIndicator,
    canonicalise,
    parse_field,
    phone_fast,
)
from scamlink.indicators.crypto import WALLET_RE
from scamlink.indicators.handles import parse_handle

T = IndicatorType
MAX_QUERY_LENGTH = 2048
HANDLE_PLATFORMS = (T.TELEGRAM, T.LINE, T.KAKAO, T.WECHAT, T.ZALO)
# Unicode's control characters (category Cc) but the tab.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_TYPED_RE = re.compile(r"^([a-z_]{3,16}):(.+)$", re.IGNORECASE)
_PHONEISH_RE = re.compile(r"^[+＋(]?[\d０-９][\d０-９\s\-.()\u00a0\u2010-\u2015]{4,}$")
_EMAIL_RE = re.compile(r"^[^\s@]+\s*(?:@|\[at\]|\(at\)|\[@\])\s*[^\s@]+$", re.IGNORECASE)
_URLISH_RE = re.compile(
    r"^(?:[a-z][a-z0-9+.\-]*://|hxxps?[:\[]|www\.)|[/?#]|\[\.\]|\(\.\)|\{\.\}|\[dot\]",
    re.IGNORECASE,
)
_AT_RE = re.compile(r"@|\[at\]|\(at\)|\[@\]", re.IGNORECASE)
_HOSTISH_RE = re.compile(r"^[^\s/@]+[.。｡．][^\s/@]+$")
_BARE_HANDLE_RE = re.compile(r"^@?[\w.\-]{2,64}$")
_SHORTEST_WALLET = 26  # characters of the shortest address `WALLET_RE` matches (base58 BTC)
_HAS_LETTER_AND_DIGIT = re.compile(r"(?=.*[^\W\d_])(?=.*\d)")
_MESSENGER_HOSTS = re.compile(
    r"(?:^|//|\.)(?:t\.me|telegram\.me|telegram\.dog|line\.me|open\.kakao\.com|zalo\.me|wa\.me|"
    r"u\.wechat\.com)(?:/|$)|^tg://",
    re.IGNORECASE,
)
_LINE_TYPES = {
    phonenumbers.PhoneNumberType.FIXED_LINE: "fixed_line",
    phonenumbers.PhoneNumberType.MOBILE: "mobile",
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    phonenumbers.PhoneNumberType.TOLL_FREE: "toll_free",
    phonenumbers.PhoneNumberType.PREMIUM_RATE: "premium_rate",
    phonenumbers.PhoneNumberType.SHARED_COST: "shared_cost",
    phonenumbers.PhoneNumberType.VOIP: "voip",
    phonenumbers.PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    phonenumbers.PhoneNumberType.PAGER: "pager",
    phonenumbers.PhoneNumberType.UAN: "uan",
    phonenumbers.PhoneNumberType.VOICEMAIL: "voicemail",
}


class InvalidQuery(ValueError):
    """The text cannot be looked up at all; the message says why and where."""


@dataclass(frozen=True, slots=True)
class PhoneFacts:
    country: str | None  # ISO 3166 alpha-2 of the numbering plan
    line_type: str  # mobile, fixed_line, voip, toll_free… or unknown


@dataclass(frozen=True, slots=True)
class DomainForms:
    """An internationalised domain both ways: what a person sees and what DNS resolves."""

    unicode: str
    a_label: str
    mixed_scripts: bool  # letters of more than one script: a look-alike of another name
    scripts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Related:
    part: str  # "domain", "registered_domain" (of a URL), "platform" (a handle's reading)
    indicator: Indicator


@dataclass(frozen=True, slots=True)
class Detected:
    """One value read: `indicator` is None when it is invalid (`reason` says why)."""

    query: str
    type: IndicatorType | None
    indicator: Indicator | None
    reason: str | None = None
    related: tuple[Related, ...] = field(default=())
    phone: PhoneFacts | None = None
    domain: DomainForms | None = None

    @property
    def keys(self) -> tuple[Indicator, ...]:
        """Every canonical key this value yields, the main one first."""
        main = (self.indicator,) if self.indicator is not None else ()
        return main + tuple(r.indicator for r in self.related)


def check_text(text: str) -> str:
    """`text` stripped, or InvalidQuery for text that cannot be a value (empty, too long,
    control characters), naming the position (1-based character) of the first problem."""
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidQuery(
            f"the value is {len(text)} characters long; at most {MAX_QUERY_LENGTH} are looked up"
        )
    control = _CONTROL_RE.search(text)
    if control is not None:
        raise InvalidQuery(
            f"control character U+{ord(control.group()):04X} at character {control.start() + 1}; "
            "paste one value without line breaks or control characters"
        )
    stripped = text.strip()
    if not stripped:
        raise InvalidQuery(
            "empty value: type a phone number, link, e-mail, wallet, bank account or handle"
        )
    return stripped


def detect(text: str, country: str | None = None) -> Detected:
    """Read one pasted value. `country` (ISO alpha-2) completes a phone number written without
    its country code and settles a bank name shared by several countries."""
    raw = check_text(text)
    return _detect(raw, country.upper() if country else None)


@lru_cache(maxsize=1 << 15)  # ≈ 1.4 KB a value with the indicators library's own caches
def _detect(raw: str, country: str | None) -> Detected:
    if len(raw) < _SHORTEST_WALLET and _PHONEISH_RE.match(raw) and not _URLISH_RE.search(raw):
        # Digits and separators only (no letter, no @, shorter than any wallet): none of the
        # shapes tried before a number below can match, so a batch of phones skips them.
        return _number(raw, country)
    typed = _typed(raw, country)
    if typed is not None:
        return typed
    if _wallet_only(raw):
        return _one(raw, lambda: parse_field("wallets", raw, country or ""), _chain_of(raw))
    if _MESSENGER_HOSTS.search(raw) or _labelled_handle(raw):
        return _handle(raw, country)
    if raw.startswith("@") and _BARE_HANDLE_RE.match(raw):
        return _bare_handle(raw, country)
    if _EMAIL_RE.match(raw) and not _URLISH_RE.search(_AT_RE.split(raw)[0]):
        return _one(raw, lambda: parse_field("emails", raw, country or ""), T.EMAIL)
    if _URLISH_RE.search(raw) or (_HOSTISH_RE.match(raw) and not _PHONEISH_RE.match(raw)):
        return _url(raw, country)
    if _PHONEISH_RE.match(raw):
        return _number(raw, country)
    if _HAS_LETTER_AND_DIGIT.match(raw) and re.search(r"\d{6}", re.sub(r"[\s\-.]", "", raw)):
        found = _one(raw, lambda: parse_field("bank_accounts", raw, country or ""), T.BANK_ACCOUNT)
        if found.indicator is not None or not _BARE_HANDLE_RE.match(raw):
            return found
    reason = "not a phone number, link, e-mail, wallet, bank account or messaging handle"
    if _BARE_HANDLE_RE.match(raw):
        # A bare word names no messaging app: ask for the @ (every app) or the app's name.
        reason += f" (for a messaging ID write @{raw} or name the app, e.g. telegram:{raw})"
    return Detected(raw, None, None, reason)


# Values of every kind, and a phone number of every country the agencies serve (and China's,
# whose numbers the compounds use): reading them once loads what reading a value needs
# (phonenumbers' per-country metadata, the Public Suffix List, the warninglists, compiled
# patterns), which would otherwise be paid by the first request that needs it.
WARM_UP_REGIONS = ("KR", "KH", "TH", "VN", "ID", "PH", "MY", "SG", "LA", "MM", "BN", "CN")
_WARM_UP_VALUES = (
    "hxxps://kbstar-secure[.]com/login?id=3",
    "help@kbstar-secure.com",
    "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
    "0x52908400098527886e0f7030069857d2e4169ee7",
    "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
    "KB 123456-78-901234",
    "@usdt_vip_support",
    "t.me/usdt_vip_support",
    "203.0.113.7",
)


def warm_up() -> int:
    """Read one value of every kind and a phone number of each of `WARM_UP_REGIONS` (their
    example mobile numbers, written nationally and internationally), so that the first lookup
    after start pays no loading; the number of values read. Nothing is cached as an answer.
    Then the cyclic collector walks the heap once (`gc.collect`)."""
    values: list[tuple[str, str | None]] = [(v, "KR") for v in _WARM_UP_VALUES]
    for region in WARM_UP_REGIONS:
        example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
        if example is None:
            continue
        national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
        e164 = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
        values += [(national, region), (e164, None)]
    for text, country in values:
        _detect.__wrapped__(check_text(text), country)
    # The cyclic collector's full walk of what start-up made (modules, metadata, the index),
    # due soon after start, done now: else the first batch after start pays it (tens of ms).
    gc.collect()
    return len(values)


def _wallet_only(raw: str) -> bool:
    found = WALLET_RE.findall(raw)
    return len(found) == 1 and len(raw) - len(found[0]) <= 24  # a short label is allowed


def _chain_of(raw: str) -> IndicatorType:
    """The chain an address looks like (for the type of an address whose checksum fails)."""
    address = WALLET_RE.findall(raw)[0]
    if address[:2] in ("0x", "0X"):
        return T.ETH
    if address[0] == "T" or address[:2] == "41":
        return T.TRON
    return T.BTC


def _labelled_handle(raw: str) -> bool:
    try:
        parse_handle(raw)
    except InvalidIndicator:
        return False
    return True


def _typed(raw: str, country: str | None) -> Detected | None:
    """`type:value` written by someone who knows the canonical keys (`telegram:usdt_vip`,
    `KR:KB:12345678901234` is a bank account's own key)."""
    m = _TYPED_RE.match(raw)
    if m is None:
        if re.match(r"^[A-Za-z]{2}:[A-Za-z0-9_]+:\d+$", raw):
            return _one(raw, lambda: [canonicalise(T.BANK_ACCOUNT, raw, country)], T.BANK_ACCOUNT)
        return None
    prefix = m.group(1).lower()
    if prefix not in set(IndicatorType) or prefix in ("http", "https"):
        return None
    kind = IndicatorType(prefix)
    written = raw if kind in HANDLE_PLATFORMS else m.group(2)
    found = _one(raw, lambda: [canonicalise(kind, written, country)], kind)
    if kind is T.PHONE and found.indicator is not None:
        return _with_phone(found)
    if kind is T.DOMAIN and found.indicator is not None:
        return _with_domain(found, found.indicator)
    return found


def _one(raw: str, parse: Callable[[], list[Indicator]], kind: IndicatorType) -> Detected:
    try:
        found = parse()
    except InvalidIndicator as e:
        return Detected(raw, kind, None, str(e))
    main, rest = found[0], found[1:]
    return Detected(raw, main.type, main, None, tuple(Related("related", x) for x in rest))


def _number(raw: str, country: str | None) -> Detected:
    """Digits: a phone number first, else a bank account (an account number alone with the
    caller's country), else invalid with the phone's reason."""
    phone = _one(raw, lambda: parse_field("phones", raw, country or ""), T.PHONE)
    if phone.indicator is not None:
        return _with_phone(phone)
    if country:
        account = _one(raw, lambda: parse_field("bank_accounts", raw, country), T.BANK_ACCOUNT)
        if account.indicator is not None:
            return account
    reason = phone.reason or "not a phone number"
    if not country and not raw.lstrip().startswith(("+", "＋")):
        reason += " (give the country, or write the number with its + country code)"
    return Detected(raw, T.PHONE, None, reason)


def e164_number(value: str) -> phonenumbers.PhoneNumber:
    """A canonical E.164 key as a `PhoneNumber`, without `phonenumbers.parse` (a tenth of its
    cost): calling codes are prefix-free, so the one among the first three digits is the code
    and the rest the national number. A national number with a leading zero (Italy's fixed
    lines) goes through `parse`, which knows how to keep it."""
    digits = value[1:]
    if value[:1] == "+" and digits.isascii() and digits.isdigit():
        for length in (1, 2, 3):
            code = int(digits[:length])
            if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
                national = digits[length:]
                if national and national[0] != "0":
                    return phonenumbers.PhoneNumber(
                        country_code=code, national_number=int(national)
                    )
                break
    return phonenumbers.parse(value, None)


def _with_phone(found: Detected) -> Detected:
    assert found.indicator is not None
    # phone_fast reads both from the numbering metadata it compiled for the validation (the
    # same answer as region_code_for_number and number_type); an unusual key goes the long way.
    known = phone_fast.facts_for_e164(found.indicator.value)
    if known is None:
        try:
            number = e164_number(found.indicator.value)
        except phonenumbers.NumberParseException:
            return found
        known = (phonenumbers.region_code_for_number(number), phonenumbers.number_type(number))
    region, line_type = known
    facts = PhoneFacts(region, _LINE_TYPES.get(line_type, "unknown"))
    return Detected(found.query, found.type, found.indicator, None, found.related, facts)


def _url(raw: str, country: str | None) -> Detected:
    """A link or a bare host: the URL, its domain and registered domain (each with its own
    verdict), or the domain and its registered domain."""
    found = _one(raw, lambda: parse_field("urls", raw, country or ""), T.URL)
    if found.indicator is None:
        return found
    main = found.indicator
    parts = ("domain", "registered_domain") if main.type is T.URL else ("registered_domain",)
    related = tuple(
        Related(
            parts[n] if n < len(parts) and r.indicator.type is T.DOMAIN else "host", r.indicator
        )
        for n, r in enumerate(found.related)
    )
    detected = Detected(raw, main.type, main, None, related)
    host = next((k for k in detected.keys if k.type is T.DOMAIN), None)
    return _with_domain(detected, host)


def _with_domain(found: Detected, host: Indicator | None) -> Detected:
    if host is None or host.display == host.value:
        return found
    per_label = [_scripts(label) for label in host.display.split(".")]
    scripts = tuple(dict.fromkeys(s for label in per_label for s in label))
    mixed = any(len(label) > 1 for label in per_label)
    forms = DomainForms(host.display, host.value, mixed, scripts)
    return Detected(found.query, found.type, found.indicator, None, found.related, None, forms)


def _scripts(text: str) -> tuple[str, ...]:
    """The scripts of the letters of `text` (the first word of each letter's Unicode name:
    LATIN, CYRILLIC, GREEK, HANGUL, THAI…), in order of appearance."""
    seen: dict[str, None] = {}
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "UNKNOWN")
            script = name.split(" ")[0]
            if script == "CJK":
                script = "HAN"
            seen.setdefault(script, None)
    return tuple(seen)


def _handle(raw: str, country: str | None) -> Detected:
    found = _one(raw, lambda: parse_field("handles", raw, country or ""), T.TELEGRAM)
    if found.indicator is not None and found.indicator.type is T.PHONE:
        return _with_phone(found)
    return found


def _bare_handle(raw: str, country: str | None) -> Detected:
    """`@name` names no platform: read it on every platform (each reading has its own verdict;
    the main one is Telegram's, the platform scams use most)."""
    readings: list[Indicator] = []
    reason: str | None = None
    for platform in HANDLE_PLATFORMS:
        try:
            readings.append(canonicalise(platform, raw, country))
        except InvalidIndicator as e:
            reason = reason or str(e)
    if not readings:
        return Detected(raw, T.TELEGRAM, None, reason or "not a messaging handle")
    main, rest = readings[0], readings[1:]
    return Detected(raw, main.type, main, None, tuple(Related("platform", x) for x in rest))
