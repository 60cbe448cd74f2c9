"""Preparing free text for extraction without losing the way back to the original offsets.

Offsets everywhere in scamlink are code-point offsets: Python `str` indices into the text as given
(not UTF-8 bytes, not UTF-16 units). Invisible format characters (zero-width space/joiners, word
joiner, BOM, soft hyphen, bidirectional marks and embeddings) are removed before matching; every
other change is one code point for one code point (digits of any script to ASCII, full-width ASCII
to ASCII), so a position in the prepared text maps back to the original through the removals only.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from scamlink.indicators.digits import TABLE as DIGIT_TABLE
from scamlink.indicators.digits import to_ascii_digits
from scamlink.indicators.web import fold_fullwidth

# Cf characters people (and copy-paste from chat apps) leave inside numbers and links.
INVISIBLE_RE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]+"
)


def _foldable_class() -> str:
    # One character class: every non-ASCII decimal digit of the BMP (as ranges), the full-width
    # forms, the ideographic space, and every character beyond the BMP (a few of them are digits;
    # the others only cost a translate that changes nothing). A plain class of BMP characters
    # lets the engine skip through a text without stopping.
    codes = sorted(code for code in DIGIT_TABLE if code < 0x10000)
    ranges: list[tuple[int, int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    parts = [chr(a) if a == b else chr(a) + "-" + chr(b) for a, b in ranges]
    return "[" + "".join(parts) + "\uff01-\uff5e\u3000\U00010000-\U0010ffff]"


# A digit of another script (\d is every Unicode decimal digit) or a full-width form.
_FOLDABLE_RE = re.compile(_foldable_class())
# Each character _FOLDABLE_RE finds that folding changes, and what it becomes (folded as
# to_ascii_digits(fold_fullwidth(…)) folds it, one character at a time).
_FOLDED = {
    ch: to_ascii_digits(fold_fullwidth(ch))
    for ch in map(chr, sorted(DIGIT_TABLE | {*range(0xFF01, 0xFF5F), 0x3000}))
}


def _folded(m: re.Match[str]) -> str:
    ch = m.group()
    return _FOLDED.get(ch, ch)


def fold(text: str) -> str:
    """to_ascii_digits(fold_fullwidth(text)): only the characters _FOLDABLE_RE finds (a few in
    a narrative) are replaced; str.translate with a table looks up every character (5× slower
    on the texts that have any)."""
    return _FOLDABLE_RE.sub(_folded, text)


# Either kind of character that prepare() changes: one scan tells most texts need nothing.
# (One character, no repetition: a pattern starting with a repetition is tried at every
# position, a plain class lets re skip through the text.)
_CHANGED_RE = re.compile(INVISIBLE_RE.pattern.removesuffix("+")[:-1] + _foldable_class()[1:])


def strip_invisible(text: str) -> str:
    """`text` without the invisible format characters extraction ignores."""
    return INVISIBLE_RE.sub("", text)


@dataclass(frozen=True, slots=True)
class Prepared:
    """The text matched against (`text`: folded), the same without folding (`plain`: what the
    canonicalisers get, so a Thai digit in a host name stays one) and the map back."""

    text: str
    plain: str
    _starts: tuple[int, ...]  # prepared positions where a shift begins (ascending)
    _shifts: tuple[int, ...]  # characters removed before that position

    def original(self, position: int) -> int:
        """The original offset of a prepared offset (a start, or an index of a character)."""
        if not self._starts:
            return position
        return position + self._shifts[bisect_right(self._starts, position) - 1]

    def original_end(self, end: int) -> int:
        """The original offset of a prepared exclusive end (after the last kept character)."""
        if end <= 0:
            return 0
        return self.original(end - 1) + 1


def needs_preparing(text: str) -> bool:
    """False when prepare() would change nothing (no invisible characters, nothing to fold)."""
    return not text.isascii() and _CHANGED_RE.search(text) is not None


def prepare(text: str) -> Prepared:
    """Remove invisible characters and fold digits and full-width forms, length for length."""
    if not needs_preparing(text):
        return Prepared(text, text, (), ())  # nothing invisible, nothing to fold
    if INVISIBLE_RE.search(text) is None:
        if _FOLDABLE_RE.search(text) is None:
            return Prepared(text, text, (), ())
        return Prepared(fold(text), text, (), ())
    starts: list[int] = [0]
    shifts: list[int] = [0]
    parts: list[str] = []
    last = 0
    removed = 0
    for m in INVISIBLE_RE.finditer(text):
        parts.append(text[last : m.start()])
        removed += m.end() - m.start()
        starts.append(m.start() - (removed - (m.end() - m.start())))
        shifts.append(removed)
        last = m.end()
    if removed:
        parts.append(text[last:])
        kept = "".join(parts)
    else:
        kept = text
        starts, shifts = [], []
    folded = kept
    if _FOLDABLE_RE.search(kept):
        folded = fold(kept)
    return Prepared(folded, kept, tuple(starts), tuple(shifts))
