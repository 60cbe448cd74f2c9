"""Running a pattern only where it can start.

A pattern that begins with a lookbehind, or is compiled with re.IGNORECASE, is tried by `re` at
every position of the text. When the characters it can start with are few and rare (the first
letters of "t.me", "line.me", "wa.me"… in a Korean narrative), a one-character pattern that `re`
skips to (a plain character class first) finds those positions, and the pattern is tried there
only. The matches are those of `pattern.finditer(text)`, in the same order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator


def matches_from(
    starts: re.Pattern[str], pattern: re.Pattern[str], text: str
) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)` for a pattern that never matches the empty string and can only
    start where `starts` matches (a superset is fine; a position missing would lose matches)."""
    after = 0  # like finditer, the next match starts where the last one ended
    for start in starts.finditer(text):
        position = start.start()
        if position < after:
            continue
        found = pattern.match(text, position)
        if found is not None:
            after = found.end()
            yield found


def matches_after_boundary(
    starts: re.Pattern[str], pattern: re.Pattern[str], text: str
) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)` for a pattern that never matches the empty string and can only
    start at 0 or right after a character that is not of a word: `starts` matches that
    character and the pattern's first (two characters; no character may be both kinds, so
    finditer over `starts` loses no place). In a Latin text re then stops between words only,
    where a one-character start pattern stops at nearly every letter."""
    after = 0
    found = pattern.match(text, 0)
    if found is not None:
        after = found.end()
        yield found
    for start in starts.finditer(text):
        position = start.start() + 1
        if position < after:
            continue
        found = pattern.match(text, position)
        if found is not None:
            after = found.end()
            yield found
