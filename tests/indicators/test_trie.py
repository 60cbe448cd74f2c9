"""Tries of literal words, and case folding without re.IGNORECASE (the same matches, faster)."""

from __future__ import annotations

import re
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from scamlink.indicators.banks import BANKS
from scamlink.indicators.handles import PLATFORM_LABELS
from scamlink.indicators.trie import (
    case_atoms,
    case_class,
    case_variants,
    literal_atoms,
    trie_pattern,
)
from tests.indicators.world_text import mixed_text


@cache
def _all_unicode() -> str:
    return "".join(map(chr, range(0x110000)))


def _ignorecase_members(pattern: str) -> list[str]:
    """Every character of all Unicode that `pattern` matches under re.IGNORECASE."""
    return re.findall(pattern, _all_unicode(), re.IGNORECASE)


def _used_characters() -> set[str]:
    words = {a for b in BANKS for a in (b.code, b.name, *b.names)}
    words |= {label for labels in PLATFORM_LABELS.values() for label in labels}
    return {ch.lower() for w in words for ch in w} | set("abcdefghijklmnopqrstuvwxyz0123456789")


def test_case_variants_are_what_ignorecase_equates_over_all_of_unicode() -> None:
    used = sorted(_used_characters())
    variants = case_variants(used)
    pool = "".join(_ignorecase_members("[" + "".join(re.escape(c) for c in used) + "]"))
    for ch in used:
        expected = "".join(re.findall(re.escape(ch), pool, re.IGNORECASE))
        assert variants[ch] == expected, ch
    assert variants["k"] == "Kk\u212a"
    assert variants["i"] == "Ii\u0130\u0131"
    assert variants["s"] == "Ss\u017f"


def test_case_class_adds_what_ignorecase_adds() -> None:
    for pattern in ("[A-Za-z]", "[A-Za-z0-9]", "[A-Za-z0-9_]", r"[A-Za-z0-9._%+\-]", "[a-z]"):
        folded = case_class(pattern)
        assert sorted(re.findall(folded, _all_unicode())) == sorted(_ignorecase_members(pattern))
    assert case_class("[A-Za-z]") == "[A-Za-z\u0130\u0131\u017f\u212a]"
    assert case_class("[0-9]") == "[0-9]"


def _reference(words: list[str]) -> re.Pattern[str]:
    """The trie as it was: lower-case atoms, compiled with re.IGNORECASE."""
    return re.compile(
        trie_pattern(literal_atoms(w.lower(), r"[\s\-]{0,2}") for w in words), re.IGNORECASE
    )


def _folded(words: list[str]) -> re.Pattern[str]:
    cases = case_atoms(w.lower() for w in words)
    return re.compile(
        trie_pattern((literal_atoms(w.lower(), r"[\s\-]{0,2}") for w in words), cases)
    )


WORDS = st.lists(
    st.text(alphabet="abkisKIS\u212a\u017f\u0130\u0131국민đĐ -", min_size=1, max_size=6).filter(
        lambda w: w.strip(" -") != ""
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(WORDS, st.text(alphabet="abkisKIS\u212a\u017f\u0130\u0131국민đĐ -x", max_size=40))
def test_folded_trie_matches_as_the_ignorecase_one(words: list[str], text: str) -> None:
    reference = [m.span() for m in _reference(words).finditer(text)]
    assert [m.span() for m in _folded(words).finditer(text)] == reference


@settings(max_examples=100, deadline=None)
@given(mixed_text())
def test_folded_bank_and_label_tries_match_as_the_ignorecase_ones(text: str) -> None:
    words = sorted({a.strip() for b in BANKS for a in (b.code, *b.names) if a.strip()})[:120]
    words += sorted({label for labels in PLATFORM_LABELS.values() for label in labels})
    reference = [m.span() for m in _reference(words).finditer(text)]
    assert [m.span() for m in _folded(words).finditer(text)] == reference


def test_folded_trie_starts_with_plain_characters() -> None:
    # Every top branch begins with one plain character, so re can skip to the next candidate
    # (re's parser is private API; it is the way to see what re will do with a pattern).
    words = ["kb", "#x", "국민"]
    pattern = trie_pattern((literal_atoms(w, "") for w in words), case_atoms(words))
    parsed = re._parser.parse(pattern)  # type: ignore[attr-defined]
    op, (_, branches) = parsed.data[0]
    assert op is re._constants.BRANCH  # type: ignore[attr-defined]
    firsts = sorted(chr(branch[0][1]) for branch in branches)
    assert all(branch[0][0] is re._constants.LITERAL for branch in branches)  # type: ignore[attr-defined]
    assert firsts == sorted("Kk\u212a#국")
    for text in ("kb", "KB", "\u212ab", "#x", "#X", "국민"):
        assert re.fullmatch(pattern, text), text
