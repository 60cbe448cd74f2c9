"""Registry of the main banks of Korea and the ASEAN countries (data/banks.json), and finding a
bank by a name or alias as people type it ("국민은행", "KBank", "กสิกรไทย", "Vietcombank", "BCA").
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Bank:
    country: str  # ISO 3166 alpha-2
    code: str  # short upper-case code, unique within the country (the BANK of COUNTRY:BANK:DIGITS)
    name: str  # English name
    names: tuple[str, ...]  # local-script names and common aliases
    account_lengths: tuple[int, ...]  # allowed digit counts of an account number


def _load() -> tuple[Bank, ...]:
    raw = json.loads(
        resources.files("scamlink.indicators").joinpath("data/banks.json").read_text("utf-8")
    )
    return tuple(
        Bank(
            country=b["country"],
            code=b["code"],
            name=b["name"],
            names=tuple(b["names"]),
            account_lengths=tuple(sorted(b["account_lengths"])),
        )
        for b in raw["banks"]
    )


BANKS: tuple[Bank, ...] = _load()

COUNTRIES: frozenset[str] = frozenset(b.country for b in BANKS)

_BY_COUNTRY: dict[str, tuple[Bank, ...]] = {
    c: tuple(b for b in BANKS if b.country == c) for c in sorted(COUNTRIES)
}
_BY_CODE: dict[tuple[str, str], Bank] = {(b.country, b.code): b for b in BANKS}


def banks_of(country: str) -> tuple[Bank, ...]:
    """The registry's banks of one country (empty for a country it does not cover)."""
    return _BY_COUNTRY.get(country.upper(), ())


def bank_by_code(country: str, code: str) -> Bank | None:
    return _BY_CODE.get((country.upper(), code.upper()))


# --- matching names -------------------------------------------------------------------------

_SEP = r"[\s\-_.·/]*"
_SEP_CHARS = re.compile(_SEP)
_SPACE_NEAR_NON_ASCII = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")
_SPACES = re.compile(r"\s+")


def normalise_name(text: str) -> str:
    """Fold a bank name for matching: NFKC, case-folded, Latin diacritics dropped (Vietnamese is
    often typed without them), and no spaces next to non-Latin text (Korean, Thai, Khmer... write
    "국민 은행" and "국민은행" alike). Applied the same way to aliases and to input.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    kept: list[str] = []
    prev_ascii = False
    for ch in decomposed:
        if unicodedata.combining(ch) and prev_ascii:
            continue  # a mark on a Latin letter (Vietnamese tone/vowel marks)
        kept.append(ch)
        prev_ascii = ch.isascii() and ch.isalpha()
    folded = unicodedata.normalize("NFKC", "".join(kept)).casefold()
    folded = folded.replace("đ", "d")
    folded = _SPACE_NEAR_NON_ASCII.sub("", folded)
    return _SPACES.sub(" ", folded).strip()


def _key(normalised: str) -> str:
    return _SEP_CHARS.sub("", normalised)


def _alias_pattern(alias: str) -> str:
    body = _SEP.join(re.escape(t) for t in re.split(r"[\s\-_.·/]+", alias) if t)
    # Latin aliases must stand as words ("KB" is not in "KBANK"); scripts written without spaces
    # (Thai, Korean, Khmer, Lao, Burmese, Chinese) match anywhere.
    head = r"(?<![a-z0-9])" if alias[0].isascii() and alias[0].isalnum() else ""
    tail = r"(?![a-z0-9])" if alias[-1].isascii() and alias[-1].isalnum() else ""
    return head + body + tail


def _build_index() -> tuple[dict[str, tuple[Bank, ...]], re.Pattern[str]]:
    index: dict[str, list[Bank]] = {}
    patterns: dict[str, str] = {}  # one pattern per written form ("K Bank", "KBank", "K-Bank")
    for bank in BANKS:
        for alias in (bank.code, bank.name, *bank.names):
            norm = normalise_name(alias)
            key = _key(norm)
            if not key:
                continue
            holders = index.setdefault(key, [])
            if any(b.country == bank.country and b is not bank for b in holders):
                raise RuntimeError(f"bank alias {alias!r} names two banks of {bank.country}")
            if bank not in holders:
                holders.append(bank)
            patterns.setdefault(_alias_pattern(norm), key)
    # Longest first, so at any position the regex prefers "KB국민은행" over "KB".
    ordered = sorted(patterns.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    regex = re.compile("|".join(p for p, _ in ordered))
    return {k: tuple(v) for k, v in index.items()}, regex


_ALIASES, _ALIAS_RE = _build_index()


# Sized to be full within the first fifth of a million-report import (docs/performance.md,
# 2026-11-29 14:25): 65,536 entries kept a parsing process growing to the end for 90 % of hits
# either way.
@lru_cache(maxsize=1 << 13)
def find_banks(text: str) -> tuple[Bank, ...]:
    """Every bank (registry order, possibly of several countries) called by the first bank name in
    `text`; empty when there is none. Leftmost name wins, then the longest at that place."""
    match = _ALIAS_RE.search(normalise_name(text))
    if match is None:
        return ()
    return _ALIASES.get(_key(match.group()), ())


def choose_bank(candidates: tuple[Bank, ...], country: str | None) -> Bank | None:
    """The candidate of `country` if there is one, else the first in registry order."""
    if not candidates:
        return None
    if country:
        country = country.upper()
        for bank in candidates:
            if bank.country == country:
                return bank
    return candidates[0]


@lru_cache(maxsize=65536)
def find_bank(text: str, country: str | None = None) -> Bank | None:
    """The bank named in `text` ("국민은행", "KBank", "กสิกรไทย", "BCA a.n. Budi"), or None.

    A name shared by banks of several countries ("KBank" is K Bank in Korea and Kasikornbank in
    Thailand, "Maybank" is in MY, SG and BN) resolves to the bank of `country` when there is one,
    else to the first in registry order (the bank's home country comes first).
    """
    return choose_bank(find_banks(text), country)
