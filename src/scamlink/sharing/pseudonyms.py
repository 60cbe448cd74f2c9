"""Keyed pseudonyms: the same victim recognised across agencies without exchanging who it is.

Each identifier is normalised so the ways different officers write it agree, then turned into
HMAC-SHA256(group key, kind | value). Agencies of one sharing group hold the same key, so equal
tokens mean "probably the same person"; without the key a token reveals nothing and cannot be
recomputed, and different groups' keys give unrelated tokens. What this does not protect
against is in docs/pseudonyms.md.

Kinds:
- `passport`: nationality (alpha-2) + the document number, upper-case, letters and digits only;
- `phone`: E.164 (`scamlink.indicators.canonicalise`), the agency's country when none is written;
- `name_dob`: the normalised name (Hangul romanised; both name orders) + ISO date of birth.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from scamlink.indicators import IndicatorType, InvalidIndicator, canonicalise
from scamlink.sharing import hangul
from scamlink.sharing.personal_data import PersonalData


class PseudonymKind(StrEnum):
    PASSPORT = "passport"
    PHONE = "phone"
    NAME_DOB = "name_dob"


@dataclass(frozen=True, slots=True)
class Pseudonym:
    sharing_group: str
    kind: PseudonymKind
    token: str  # 64 hex digits


# Joiners vanish ("Min-jun" is "Minjun"); other punctuation separates words ("KIM, Minjun").
_JOINERS = frozenset("-‐‑‒–—'’`.·・")
# Latin letters that do not decompose into a base letter and a mark.
_LATIN_FOLD = {"đ": "d", "ø": "o", "ł": "l", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"}
_MAX_ROUNDS = 5


def _is_latin(char: str) -> bool:
    return unicodedata.name(char, "").startswith("LATIN")


def _step(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    out: list[str] = []
    for char in text:
        if char in _JOINERS:
            continue
        if _is_latin(char):
            char = _LATIN_FOLD.get(char, char)
            out.append(
                "".join(
                    c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
                )
            )
        elif unicodedata.category(char)[0] in "PSZC":
            out.append(" ")
        else:
            out.append(char)
    words = "".join(out).split()
    if words and all(hangul.is_syllable(c) for c in "".join(words)):
        family, given = hangul.split_name(" ".join(words))
        words = [hangul.family_name(hangul.romanise(family))] + (
            [hangul.romanise(given)] if given else []
        )
    else:  # Hangul mixed with other scripts: romanise it, the order is unknown
        words = [hangul.romanise(w) for w in words]
    return " ".join(words)


def normalise_name(text: str) -> str:
    """Script-aware normal form of a person's name, words separated by one space.

    Hangul names become Revised Romanization (family name first, in its customary spelling:
    김민준 → `kim minjun`); Latin letters lose case, accents and hyphens (`KIM Min-jun` →
    `kim minjun`); other scripts (Thai, Khmer, Chinese…) get NFKC, case folding and collapsed
    spaces. Idempotent.
    """
    current = text
    for _ in range(_MAX_ROUNDS):
        following = _step(current)
        if following == current:
            break
        current = following
    return current


def name_variants(normalised: str) -> list[str]:
    """The name with its words joined, family name first: as written, and with the last word
    moved to the front ("Minjun Kim"). The family word gets its customary spelling."""
    words = normalised.split()
    if len(words) <= 1:
        return ["".join(hangul.family_name(w) for w in words)] if words else []
    as_written = hangul.family_name(words[0]) + "".join(words[1:])
    family_last = hangul.family_name(words[-1]) + "".join(words[:-1])
    return list(dict.fromkeys((as_written, family_last)))


def normalise_document(number: str) -> str:
    text = unicodedata.normalize("NFKC", number).upper()
    return "".join(c for c in text if c.isalnum() and c.isascii())


def normalise_country(code: str) -> str:
    text = unicodedata.normalize("NFKC", code).strip().upper()
    if len(text) != 2 or not text.isascii() or not text.isalpha():
        raise ValueError("a nationality is an ISO 3166-1 alpha-2 code such as KR")
    return text


def normalise_phone(phone: str, country: str | None) -> str | None:
    """E.164, or None when the number is not a valid phone number."""
    try:
        return canonicalise(IndicatorType.PHONE, phone, country).value
    except InvalidIndicator:
        return None


def identifiers(
    data: PersonalData, *, default_country: str | None
) -> list[tuple[PseudonymKind, str]]:
    """The normalised identifiers of `data` that a token is made from (kind, value)."""
    found: list[tuple[PseudonymKind, str]] = []
    if data.id_number and data.nationality:
        number = normalise_document(data.id_number)
        if number:
            nationality = normalise_country(data.nationality)
            found.append((PseudonymKind.PASSPORT, f"{nationality}:{number}"))
    if data.phone:
        e164 = normalise_phone(data.phone, data.nationality or default_country)
        if e164:
            found.append((PseudonymKind.PHONE, e164))
    if data.name and data.date_of_birth:
        dob = data.date_of_birth.isoformat()
        for variant in name_variants(normalise_name(data.name)):
            found.append((PseudonymKind.NAME_DOB, f"{variant}|{dob}"))
    return found


def token(key: bytes, kind: PseudonymKind, value: str) -> str:
    message = f"scamlink-pseudonym/v1\x00{kind.value}\x00{value}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def derive(
    data: PersonalData, group_keys: Mapping[str, bytes], *, default_country: str | None
) -> list[Pseudonym]:
    """Every token of `data` under every given sharing group's key."""
    found = identifiers(data, default_country=default_country)
    return [
        Pseudonym(group, kind, token(key, kind, value))
        for group, key in sorted(group_keys.items())
        for kind, value in dict.fromkeys(found)
    ]
