"""The private (k-anonymity) lookup: a client sends only the first 5 hex characters of the
SHA-256 of a canonical key and matches the rest on its own device.

The answer for a prefix lists every indicator of that bucket whose PUBLIC standing is known
(reported, suspicious or safe-listed) as `<11 hex suffix>:<standing digit>`, padded with
entries of standing 0 (which clients ignore: they mean "unknown", the same as no entry) to the
same number of entries for every prefix, so the length of an answer says nothing about the
bucket. The padding is drawn from a keyed hash of the prefix: the answer for one prefix stays
the same until the index changes (cacheable, one ETag), and padding never repeats a real
suffix of its bucket. See docs/lookup-private.md for the client's side.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass

from scamlink.lookup.index import MembershipIndex
from scamlink.lookup.keys import PREFIX_HEX, SUFFIX_HEX, prefix_bounds, range_prefix
from scamlink.lookup.verdict import Standing, unpack

BUCKETS = 16**PREFIX_HEX
MIN_ENTRIES = 64  # entries of every answer while the index holds up to ~21 M indicators
STEP = 64  # the answer size grows in steps of this many entries
_ENTRY_RE = re.compile(rf"^([0-9a-f]{{{SUFFIX_HEX}}}):([0-3])$")


class BadPrefix(ValueError):
    """The path names no range: a prefix is 5 hexadecimal characters."""


@dataclass(frozen=True, slots=True)
class RangeAnswer:
    prefix: str
    entries: tuple[tuple[str, int], ...]  # (suffix, standing), sorted by suffix, padded

    def body(self) -> bytes:
        """The JSON answer; its length depends only on the number of entries."""
        listed = ",".join(f'"{suffix}:{standing}"' for suffix, standing in self.entries)
        return f'{{"prefix":"{self.prefix}","entries":[{listed}]}}'.encode("ascii")

    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body()).hexdigest()[:32] + '"'


def check_prefix(prefix: str) -> str:
    """The prefix in lower case, or BadPrefix with a message a person can act on."""
    try:
        prefix_bounds(prefix)
    except ValueError:
        shown = prefix if len(prefix) <= 16 else prefix[:16] + "…"
        raise BadPrefix(
            f"{shown!r} is not a range prefix: send the first {PREFIX_HEX} hexadecimal "
            "characters (0-9, a-f) of the SHA-256 of the canonical value"
        ) from None
    return prefix.lower()


def answer_size(indicators: int) -> int:
    """Entries of every answer for an index of `indicators` entries: the fullest bucket of
    such an index (its mean plus six standard deviations of a Poisson count) rounded up to a
    step of 64. A bucket fuller than that (never seen in practice) gets the next step."""
    mean = indicators / BUCKETS
    wanted = mean + 6 * math.sqrt(mean) + 16
    steps: int = math.ceil(wanted / STEP)
    return max(MIN_ENTRIES, STEP * steps)


def _padding(seed: bytes, prefix: str, count: int, real: set[str]) -> list[str]:
    # One keyed SHAKE-256 stream per prefix, cut into suffixes; a suffix already real (or
    # drawn) is skipped, and a longer stream is drawn in the (astronomically rare) case that
    # skips leave too few.
    spare = 16
    while True:
        stream = hashlib.shake_256(seed + prefix.encode()).hexdigest(
            (count + spare) * SUFFIX_HEX // 2 + 1
        )
        out: list[str] = []
        taken = set(real)
        for start in range(0, len(stream) - SUFFIX_HEX + 1, SUFFIX_HEX):
            suffix = stream[start : start + SUFFIX_HEX]
            if suffix not in taken:
                taken.add(suffix)
                out.append(suffix)
                if len(out) == count:
                    return out
        if count == 0:
            return out
        spare *= 4


def range_answer(index: MembershipIndex, prefix: str, *, seed: bytes) -> RangeAnswer:
    """The padded answer for `prefix` (checked by `check_prefix` first)."""
    prefix = check_prefix(prefix)
    real: dict[str, int] = {}
    for hash64, code in index.bucket(prefix):
        public = unpack(code)[1]
        if public is not Standing.UNKNOWN:
            suffix = format(hash64, "016x")[PREFIX_HEX:]
            real[suffix] = max(real.get(suffix, 0), int(public))
    size = answer_size(len(index))
    if len(real) > size:
        size = STEP * math.ceil(len(real) / STEP)
    padding = _padding(seed, prefix, size - len(real), set(real))
    entries = sorted([*real.items(), *((suffix, 0) for suffix in padding)])
    return RangeAnswer(prefix, tuple(entries))


# --- the client's side (the CLI and the tests; the browser does the same in JavaScript) ----


def parse_range(body: bytes | str, prefix: str) -> dict[str, Standing]:
    """The entries of an answer for `prefix`, padding (standing 0) dropped. ValueError when the
    answer is not one (another prefix, a malformed entry)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as e:
        raise ValueError(f"the range answer is not JSON ({e})") from None
    if not isinstance(data, dict) or data.get("prefix") != prefix:
        raise ValueError(f"the range answer is not the one for prefix {prefix!r}")
    entries = data.get("entries")
    if not isinstance(entries, list):
        raise ValueError("the range answer has no list of entries")
    found: dict[str, Standing] = {}
    for n, entry in enumerate(entries, start=1):
        m = _ENTRY_RE.match(entry) if isinstance(entry, str) else None
        if m is None:
            raise ValueError(f"entry {n} of the range answer is malformed: {entry!r}")
        standing = Standing(int(m.group(2)))
        if standing is not Standing.UNKNOWN:
            suffix = m.group(1)
            found[suffix] = max(found.get(suffix, Standing.UNKNOWN), standing)
    return found


def suffix_of(canonical: str) -> str:
    """Hex characters 5..16 of the SHA-256 of a canonical value: what a client matches."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[
        PREFIX_HEX : PREFIX_HEX + SUFFIX_HEX
    ]


def match(canonical: str, entries: dict[str, Standing]) -> Standing:
    """The public standing of `canonical` in the parsed answer for its prefix."""
    return entries.get(suffix_of(canonical), Standing.UNKNOWN)


__all__ = [
    "BadPrefix",
    "RangeAnswer",
    "answer_size",
    "check_prefix",
    "match",
    "parse_range",
    "range_answer",
    "range_prefix",
    "suffix_of",
]
