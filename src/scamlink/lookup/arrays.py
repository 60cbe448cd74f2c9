"""The membership index's arrays from the store's counts: sorted 64-bit key hashes and one
code byte per indicator (`verdict.pack`), built from rows or from column batches. Pure: no
store, no files."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
from numpy.typing import NDArray

from scamlink.lookup.index import Codes, Hashes
from scamlink.lookup.keys import key_hash
from scamlink.lookup.verdict import Standing, pack, standing_of
from scamlink.store.lookup import CountColumns, Counts


def code_of(counts: Counts | None) -> int:
    """The index byte for an indicator's counts (`verdict.pack`)."""
    if counts is None:
        return 0
    members = standing_of(counts.verified, counts.unverified)
    public = standing_of(counts.public_verified, counts.public_unverified)
    return pack(members, public)


def build_arrays(rows: Iterable[Counts]) -> tuple[Hashes, Codes]:
    """(hashes, codes) from a stream of counts, an indicator possibly twice (reports and
    listings): each standing is the highest of its rows, nibble by nibble."""
    hashes: list[int] = []
    members: list[int] = []
    public: list[int] = []
    for counts in rows:
        hashes.append(key_hash(counts.value))
        members.append(standing_of(counts.verified, counts.unverified))
        public.append(standing_of(counts.public_verified, counts.public_unverified))
    h = np.array(hashes, dtype=np.uint64)
    m = np.array(members, dtype=np.uint8)
    p = np.array(public, dtype=np.uint8)
    if len(h) == 0:
        return h, m
    order = np.argsort(h, kind="stable")
    h, m, p = h[order], m[order], p[order]
    starts = np.flatnonzero(np.append(True, h[1:] != h[:-1]))
    m = np.maximum.reduceat(m, starts)
    p = np.maximum.reduceat(p, starts)
    codes = (m | (p << np.uint8(4))).astype(np.uint8)
    return h[starts], codes


def _standings(verified: NDArray[np.int64], unverified: NDArray[np.int64]) -> Codes:
    """`verdict.standing_of` over columns."""
    return np.where(
        verified > 0,
        np.uint8(Standing.REPORTED),
        np.where(unverified > 0, np.uint8(Standing.SUSPICIOUS), np.uint8(Standing.UNKNOWN)),
    ).astype(np.uint8)


def build_from_columns(
    batches: Iterable[CountColumns], progress: Callable[[int], None] | None = None
) -> tuple[Hashes, Codes]:
    """`build_arrays` from column batches: the standings computed on whole columns, the
    values hashed one by one (SHA-256 has no vector form here; about 1 µs a value).
    `progress` is told the rows of each batch read (it may raise to stop the build)."""
    hashes: list[Hashes] = []
    codes: list[Codes] = []
    for batch in batches:
        if progress is not None:
            progress(len(batch.values))
        hashes.append(np.fromiter(map(key_hash, batch.values), np.uint64, len(batch.values)))
        members = _standings(batch.verified, batch.unverified)
        public = _standings(batch.public_verified, batch.public_unverified)
        codes.append((members | (public << np.uint8(4))).astype(np.uint8))
    if not hashes:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.uint8)
    h, c = np.concatenate(hashes), np.concatenate(codes)
    # An indicator may come twice (reports and listings): the highest standing, nibble by
    # nibble, as `build_arrays`.
    order = np.argsort(h, kind="stable")
    h, c = h[order], c[order]
    starts = np.flatnonzero(np.append(True, h[1:] != h[:-1]))
    low = np.maximum.reduceat(c & np.uint8(0x0F), starts)
    high = np.maximum.reduceat(c >> np.uint8(4), starts)
    return h[starts], (low | (high << np.uint8(4))).astype(np.uint8)
