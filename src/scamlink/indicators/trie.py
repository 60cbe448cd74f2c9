"""A regex for many literal words, built as a trie so the engine branches on one character at a
time instead of trying every word at every position (bank names and platform labels)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_END = ""


def trie_pattern(words: Iterable[Sequence[str]]) -> str:
    """A pattern matching any of `words`, each given as a sequence of regex atoms (an escaped
    character, or a fragment such as a separator class); longer words win at a position."""
    root: dict[str, dict] = {}  # type: ignore[type-arg]
    for atoms in words:
        node = root
        for atom in atoms:
            node = node.setdefault(atom, {})
        node[_END] = {}
    return _render(root)


def _render(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
    # Characters first, then separator classes (which may match nothing), then zero-width tails
    # ("(?!…)"): a longer word is tried before a shorter one.
    ordered = sorted(node.items(), key=lambda kv: (kv[0][:2] == "(?", kv[0][:1] == "[", kv[0]))
    branches = [atom + _render(child) for atom, child in ordered if atom != _END]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if _END in node:
        return "(?:" + body + ")?"
    return body


def literal_atoms(word: str, separator: str, tail: str = "") -> list[str]:
    """Atoms of `word`: its characters escaped, `separator` between its words, `tail` appended
    (a lookahead, for instance) as the last atom."""
    atoms: list[str] = []
    for i, token in enumerate(t for t in re.split(r"[\s\-_.·/]+", word) if t):
        if i:
            atoms.append(separator)
        atoms.extend(re.escape(ch) for ch in token)
    if tail:
        atoms.append(tail)
    return atoms
