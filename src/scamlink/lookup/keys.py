"""How a canonical indicator key becomes the hash the lookup index and private clients use.

The input is the canonical value of the brief's contract table, exactly as `canonicalise` gives
it ("+821012345678", "telegram:usdt_vip", "KR:KB:12345678901234"), encoded as UTF-8. Its
SHA-256 digest names it: the first 5 hex characters are the range prefix a private client
sends; the first 8 bytes (big-endian) are the 64-bit hash the index keeps; hex characters 5 to
16 (11 of them) are the suffix a range answer publishes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

PREFIX_HEX = 5
SUFFIX_HEX = 11  # hex characters 5..16 of the digest: the rest of the 64-bit hash
_PREFIX_BITS = PREFIX_HEX * 4
_SUFFIX_BITS = 64 - _PREFIX_BITS
_PREFIX_RE = re.compile(r"[0-9a-f]{5}")


def key_digest(canonical: str) -> bytes:
    return hashlib.sha256(canonical.encode("utf-8")).digest()


def key_hash(canonical: str) -> int:
    return int.from_bytes(key_digest(canonical)[:8], "big")


def key_hashes(canonicals: Sequence[str]) -> list[int]:
    """`key_hash` of each (a batch's keys): the digests joined and read as one array of
    big-endian integers, instead of one integer made from each digest's slice."""
    joined = b"".join(map(key_digest, canonicals))
    first_eight: list[int] = np.frombuffer(joined, dtype=">u8")[::4].tolist()
    return first_eight


def range_prefix(canonical: str) -> str:
    return key_digest(canonical).hex()[:PREFIX_HEX]


def range_prefixes(canonicals: Sequence[str]) -> list[str]:
    """`range_prefix` of each (a batch's query-log entries), from their hashes at once."""
    return [prefix_of(hash64) for hash64 in key_hashes(canonicals)]


def range_suffix(hash64: int) -> str:
    return format(hash64 & ((1 << _SUFFIX_BITS) - 1), f"0{SUFFIX_HEX}x")


def prefix_of(hash64: int) -> str:
    return format(hash64 >> _SUFFIX_BITS, f"0{PREFIX_HEX}x")


def prefix_bounds(prefix: str) -> tuple[int, int]:
    """The [low, high) interval of 64-bit hashes under a 5-hex prefix (lower or upper case)."""
    if not isinstance(prefix, str) or not _PREFIX_RE.fullmatch(prefix.lower()):
        raise ValueError(f"a range prefix is {PREFIX_HEX} hexadecimal characters, not {prefix!r}")
    low = int(prefix, 16) << _SUFFIX_BITS
    return low, low + (1 << _SUFFIX_BITS)
