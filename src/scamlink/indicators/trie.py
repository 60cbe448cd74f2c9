"""A regex for many literal words, built as a trie so the engine branches on one character at a
time instead of trying every word at every position (bank names, platform labels, the keywords
that say a number is a reference or an amount).

Case-insensitive tries are compiled WITHOUT a global re.IGNORECASE: the first letter of every
word is spelled out as each character IGNORECASE would equate it with (`case_variants`), one
branch each, and the rest of the word is matched under a scoped (?i:…). A pattern whose every
branch starts with a plain character lets `re` jump from one possible first character to the
next in C; with IGNORECASE, or a leading lookaround, it runs the whole pattern at every position
of the text instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cache

_END = ""
_Node = dict[str, "_Node"]  # an atom -> the rest of the words through it ("" ends a word)
SEPARATORS = r"[\s\-_.·/]+"  # what splits a name into words ("KB 국민", "Bank-Rakyat")


def trie_pattern(words: Iterable[Sequence[str]], cases: Mapping[str, str] | None = None) -> str:
    """A pattern matching any of `words`, each given as a sequence of regex atoms (an escaped
    character, or a fragment such as a separator class); longer words win at a position.

    With `cases` (an escaped character -> the characters it stands for, as `case_atoms` gives),
    the pattern is case-insensitive without re.IGNORECASE: each word's first character is
    written out as each of its variants, one branch each (so the compiled pattern can skip to
    them), and the rest of the word follows in a scoped (?i:…) group."""
    root: _Node = {}
    for atoms in words:
        node = root
        for atom in atoms:
            node = node.setdefault(atom, {})
        node[_END] = {}
    return _render(root, cases, top=cases is not None)


def _render(node: _Node, cases: Mapping[str, str] | None, top: bool = False) -> str:
    # Characters first, then separator classes (which may match nothing), then zero-width tails
    # ("(?!…)"): a longer word is tried before a shorter one. The order is that of the atoms as
    # written, so folding cases never changes which word wins. (re runs through every branch
    # at a position where none fits to the end, so fewer branches, not their order, save time.)
    ordered = sorted(node.items(), key=lambda kv: (kv[0][:2] == "(?", kv[0][:1] == "[", kv[0]))
    branches: list[str] = []
    for atom, child in ordered:
        if atom == _END:
            continue
        rest = _render(child, None)
        variants = cases.get(atom) if top and cases is not None else None
        if variants is None:
            branches.append(atom + rest)
        else:  # one plain first character per branch (re skips ahead to them), then the rest
            # of the words case-insensitive again, as IGNORECASE would match them
            after = "(?i:" + rest + ")" if rest else ""
            branches.extend(re.escape(ch) + after for ch in variants)
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if _END in node:
        return "(?:" + body + ")?"
    return body


def literal_atoms(
    word: str, separator: str, tail: str = "", split: str | None = SEPARATORS
) -> list[str]:
    """Atoms of `word`: its characters escaped, `separator` between its words (split on `split`;
    None keeps the word whole), `tail` appended (a lookahead, for instance) as the last atom."""
    atoms: list[str] = []
    tokens = re.split(split, word) if split is not None else [word]
    for i, token in enumerate(t for t in tokens if t):
        if i:
            atoms.append(separator)
        atoms.extend(re.escape(ch) for ch in token)
    if tail:
        atoms.append(tail)
    return atoms


# --- case folding without re.IGNORECASE ---------------------------------------------------------


@cache
def bmp() -> str:
    # Every character of the Basic Multilingual Plane. IGNORECASE equates a BMP character only
    # with BMP characters (the cased scripts beyond it pair among themselves; a test checks the
    # characters we use against all of Unicode).
    return "".join(map(chr, range(0x10000)))


def case_variants(chars: Iterable[str]) -> dict[str, str]:
    """For each character, the characters re.IGNORECASE matches it with, itself included, in
    code-point order ("k" -> "Kk\u212a": the Kelvin sign too; "i" -> "Iiİı")."""
    wanted = sorted(set(chars))
    if not wanted:
        return {}
    anyone = re.compile("[" + "".join(re.escape(ch) for ch in wanted) + "]", re.IGNORECASE)
    pool = "".join(sorted(set(anyone.findall(bmp())) | set(wanted)))
    return {ch: "".join(re.findall(re.escape(ch), pool, re.IGNORECASE)) for ch in wanted}


def case_atoms(words: Iterable[str]) -> dict[str, str]:
    """`trie_pattern`'s `cases` for the characters of `words` (keyed by the escaped character,
    as `literal_atoms` writes it)."""
    return {
        re.escape(ch): variants
        for ch, variants in case_variants(ch for w in words for ch in w).items()
    }


def case_class(pattern: str) -> str:
    """A character class, written as re.IGNORECASE would read it but to be compiled without it
    ("[A-Za-z]" -> "[A-Za-zİıſK]")."""
    members = re.findall(pattern, bmp(), re.IGNORECASE)
    extra = [ch for ch in members if not re.fullmatch(pattern, ch)]
    if not extra:
        return pattern
    if not (pattern.startswith("[") and pattern.endswith("]") and not pattern.startswith("[^")):
        raise ValueError(f"not a positive character class: {pattern!r}")
    return pattern[:-1] + "".join(re.escape(ch) for ch in extra) + "]"
