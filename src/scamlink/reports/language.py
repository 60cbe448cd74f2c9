"""The language of a narrative, detected offline with CLD2 (Chromium's compact detector).

CLD2 was measured against lingua on the demo world's narratives, whose language is known
(docs/performance.md): it was both more accurate and ten times faster, and it covers Khmer,
Lao and Burmese, which lingua does not. Two adjustments lift it further on scam narratives:
* Tokens with digits or `@/_:.` (phone numbers, links, wallets, handles) are ASCII noise that
  reads as English; they are removed before detection.
* Filipino narratives mix English words into Tagalog ("Taglish"). When English comes first but
  one of our languages covers a fair share of the text with a better score, that one wins.
"""

from __future__ import annotations

import re

import pycld2

UNDETERMINED = "und"  # ISO 639-2 for "could not tell"
# The brief's languages, as reports store them; CLD2 codes that differ are mapped.
SUPPORTED = frozenset({"ko", "th", "vi", "id", "ms", "fil", "km", "lo", "my", "zh", "en"})
_FROM_CLD2 = {"tl": "fil", "zh-Hant": "zh"}
_NOISE = re.compile(r"[!-~]*[\d@/_:.][!-~]*")
_MIN_SHARE = 20  # percent of the text a second language needs to overrule English
_MAX_CHARS = 20_000  # the start of a long chat export says enough


def detect_language(text: str) -> str:
    """The code of `text`'s main language (one of SUPPORTED when it is one of them), or "und"."""
    cleaned = _NOISE.sub(" ", text[:_MAX_CHARS])
    if not cleaned.strip():
        return UNDETERMINED
    try:
        _, _, found = pycld2.detect(cleaned, bestEffort=True)
    except (pycld2.error, UnicodeError):
        # Lone surrogates are not text CLD2 can read: nothing to tell.
        return UNDETERMINED
    candidates: list[tuple[str, int, float]] = [
        (str(_FROM_CLD2.get(code, code)), int(percent), float(score))
        for _, code, percent, score in found
        if code != "un"
    ]
    ours = [c for c in candidates if c[0] in SUPPORTED]
    if not ours:
        # A short text's best effort is often a guess (Tagalog read as Slovak): say so.
        if candidates and pycld2.detect(cleaned)[0]:
            return candidates[0][0]
        return UNDETERMINED
    best = ours[0]
    if best[0] == "en":
        for other in ours[1:]:
            if other[1] >= _MIN_SHARE and other[2] > best[2]:
                return other[0]
    return best[0]


def normalise_language(code: str) -> str | None:
    """An officer's language code, lower-case; None when it is not a plausible code."""
    value = code.strip().lower()
    if value == "tl":
        return "fil"
    if re.fullmatch(r"[a-z]{2,3}", value):
        return value
    return None
