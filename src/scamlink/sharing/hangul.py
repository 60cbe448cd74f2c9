"""Revised Romanization of Korean (2000) for personal names, by jamo arithmetic.

A precomposed Hangul syllable U+AC00…U+D7A3 is 0xAC00 + (initial × 21 + medial) × 28 + final.
Names are romanised syllable by syllable: the rules for personal names do not transcribe the
sound changes between syllables, except that ㄹ followed by ㄹ is written `ll`.
Family names are usually written in a customary form rather than strict RR (김 is `Kim`, not
`Gim`; 이 is `Lee`, not `I`); `family_name()` maps the strict form and common variants to one.
"""

from __future__ import annotations

_BASE = 0xAC00
_LAST = 0xD7A3
_MEDIALS = 21
_FINALS = 28

INITIALS = (
    "g",
    "kk",
    "n",
    "d",
    "tt",
    "r",
    "m",
    "b",
    "pp",
    "s",
    "ss",
    "",
    "j",
    "jj",
    "ch",
    "k",
    "t",
    "p",
    "h",
)
MEDIALS = (
    "a",
    "ae",
    "ya",
    "yae",
    "eo",
    "e",
    "yeo",
    "ye",
    "o",
    "wa",
    "wae",
    "oe",
    "yo",
    "u",
    "wo",
    "we",
    "wi",
    "yu",
    "eu",
    "ui",
    "i",
)
# The representative sound of each final (ㄳ → k, ㄺ → k, ㅄ → p, …); index 0 is "no final".
FINALS = (
    "",
    "k",
    "k",
    "k",
    "n",
    "n",
    "n",
    "t",
    "l",
    "k",
    "m",
    "l",
    "l",
    "l",
    "p",
    "l",
    "m",
    "p",
    "p",
    "t",
    "t",
    "ng",
    "t",
    "t",
    "k",
    "t",
    "p",
    "t",
)
_RIEUL_INITIAL = 5
_RIEUL_FINAL = 8

# Two-syllable family names: without a space, "남궁민" is 남궁 + 민.
DOUBLE_FAMILY_NAMES = frozenset({"남궁", "황보", "제갈", "선우", "독고", "사공", "서문", "동방"})

# Strict RR and common spellings → one customary form (applied only to the family name).
_FAMILY_SPELLINGS: dict[str, tuple[str, ...]] = {
    "kim": ("gim", "kim"),
    "lee": ("i", "yi", "lee", "rhee", "ri", "rhie", "ee", "rii"),
    "park": ("bak", "park", "pak", "bahk", "pahk"),
    "choi": ("choe", "choi", "choy", "chwe"),
    "jung": ("jeong", "jung", "chung", "joung", "cheong"),
    "kang": ("gang", "kang"),
    "cho": ("jo", "cho"),
    "yoon": ("yun", "yoon"),
    "jang": ("jang", "chang"),
    "lim": ("im", "lim", "rim"),
    "oh": ("o", "oh"),
    "seo": ("seo", "suh", "so"),
    "shin": ("sin", "shin"),
    "kwon": ("gwon", "kwon"),
    "ahn": ("an", "ahn"),
    "yoo": ("yu", "yoo", "you"),
    "jeon": ("jeon", "chun", "chon"),
    "ko": ("go", "ko", "koh"),
    "moon": ("mun", "moon"),
    "son": ("son", "sohn"),
    "baek": ("baek", "paik", "paek", "baik"),
    "heo": ("heo", "hur", "huh"),
    "noh": ("no", "noh", "roh"),
    "shim": ("sim", "shim"),
    "koo": ("gu", "koo", "ku"),
    "kwak": ("gwak", "kwak"),
    "woo": ("u", "woo"),
}
_CUSTOMARY = {
    spelling: form for form, spellings in _FAMILY_SPELLINGS.items() for spelling in spellings
}


def is_syllable(char: str) -> bool:
    return _BASE <= ord(char) <= _LAST


def decompose(char: str) -> tuple[int, int, int]:
    """(initial, medial, final) indexes of a precomposed syllable."""
    index = ord(char) - _BASE
    if not 0 <= index <= _LAST - _BASE:
        raise ValueError(f"{char!r} is not a Hangul syllable")
    return index // (_MEDIALS * _FINALS), (index // _FINALS) % _MEDIALS, index % _FINALS


def romanise(text: str) -> str:
    """Romanise the Hangul syllables of `text`; other characters are kept as they are."""
    out: list[str] = []
    previous_final = -1
    for char in text:
        if not is_syllable(char):
            out.append(char)
            previous_final = -1
            continue
        initial, medial, final = decompose(char)
        onset = INITIALS[initial]
        if initial == _RIEUL_INITIAL and previous_final == _RIEUL_FINAL:
            onset = "l"
        out.append(onset + MEDIALS[medial] + FINALS[final])
        previous_final = final
    return "".join(out)


def split_name(hangul: str) -> tuple[str, str]:
    """(family, given) of a Hangul name written family name first, with or without a space."""
    words = hangul.split()
    if len(words) > 1:
        return words[0], "".join(words[1:])
    name = words[0] if words else ""
    if len(name) >= 3 and name[:2] in DOUBLE_FAMILY_NAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]


def family_name(romanised: str) -> str:
    """The customary spelling of a romanised Korean family name (unchanged when unknown)."""
    return _CUSTOMARY.get(romanised, romanised)
