"""Pieces of the demo world's narratives, for property tests that mix them into random text."""

from __future__ import annotations

import csv
import tempfile
from functools import cache
from pathlib import Path

from hypothesis import strategies as st

from scamlink.demo.generator import generate

# Characters that fold in surprising ways under re.IGNORECASE (Kelvin sign, long s, dotted and
# dotless i), invisible ones, other scripts' digits, and separators indicators are written with.
TRICKY = [
    "\u212a",
    "\u017f",
    "\u0130",
    "\u0131",
    "K",
    "k",
    "S",
    "I",
    "\u200b",
    "\u202e",
    "๐๘๑",
    "０１０",
    " ",
    "  ",
    "\n",
    "-",
    ".",
    "/",
    "(",
    ")",
    ":",
    "@",
    "[.]",
    "0",
    "00",
    "+",
    "\ud800",
]


@cache
def narrative_pieces() -> tuple[str, ...]:
    """Words and halves of words from the narratives of a small generated world (every
    language), so random text is made of real names, numbers, links and handles."""
    pieces: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="scamlink-world-text-") as tmp:
        folder = Path(tmp)
        generate(folder, 300, 11)
        for path in sorted(folder.glob("reports-*.csv")):
            with path.open(encoding="utf-8", newline="") as f:
                for row in csv.DictReader(f):
                    for word in row["narrative"].split(" "):
                        pieces.add(word + " ")
                        pieces.add(word[: len(word) // 2])
                        pieces.add(word[len(word) // 2 :])
    return tuple(sorted(p for p in pieces if p))


def mixed_text(max_pieces: int = 25) -> st.SearchStrategy[str]:
    """Random text mixed from narrative pieces, tricky characters and case changes."""
    piece = st.sampled_from(narrative_pieces()) | st.sampled_from(TRICKY)
    cased = st.tuples(piece, st.sampled_from(["keep", "upper", "lower", "swapcase"])).map(_recase)
    return st.lists(cased, max_size=max_pieces).map("".join)


def ascii_text(max_pieces: int = 25) -> st.SearchStrategy[str]:
    """mixed_text() with every character beyond ASCII dropped (the Latin narratives' pieces)."""
    return mixed_text(max_pieces).map(lambda text: text.encode("ascii", "ignore").decode())


def _recase(piece_and_case: tuple[str, str]) -> str:
    piece, case = piece_and_case
    return piece if case == "keep" else str(getattr(piece, case)())
