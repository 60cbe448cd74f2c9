"""The membership index: is this hash known, and with which standing — in microseconds.

Two parallel arrays, the indicators' 64-bit key hashes sorted (`keys.key_hash`) and their codes
(`verdict.pack`): 9 bytes an indicator. A table of where each 20-bit range prefix starts (4 MB
whatever the size) narrows a search to about ten hashes at 10 million indicators, bisected
through a memoryview (plain Python ints: a NumPy call per lookup costs more than the search
itself). Changes since the arrays were
built sit in a small dict consulted first, so a new report is visible at once; `compact` folds
them into new arrays (the owner swaps the reference; readers never see a half-built index).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from scamlink.lookup.keys import PREFIX_HEX, prefix_bounds

Hashes = NDArray[np.uint64]
Codes = NDArray[np.uint8]
_HASHES_FILE = "hashes.npy"
_CODES_FILE = "codes.npy"
_PREFIX_SHIFT = 64 - PREFIX_HEX * 4
_PREFIXES = 1 << (PREFIX_HEX * 4)


class MembershipIndex:
    __slots__ = ("_codes", "_hashes", "_recent", "_search", "_starts")

    def __init__(self, hashes: Hashes, codes: Codes) -> None:
        # Callers use `build`, `empty` or `load`: these arrays are sorted and unique.
        self._hashes = hashes
        self._codes = codes
        self._recent: dict[int, int] = {}
        boundaries = np.arange(_PREFIXES + 1, dtype=np.uint64) << np.uint64(_PREFIX_SHIFT)
        starts = hashes.searchsorted(boundaries[:-1]).astype(np.uint32)
        self._starts = np.append(starts, np.uint32(len(hashes))).data
        self._search = np.ascontiguousarray(hashes).data

    @classmethod
    def empty(cls) -> MembershipIndex:
        return cls(np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.uint8))

    @classmethod
    def build(cls, hashes: Hashes, codes: Codes) -> MembershipIndex:
        """From hashes in any order; a hash given twice keeps its highest code."""
        hashes = np.asarray(hashes, dtype=np.uint64)
        codes = np.asarray(codes, dtype=np.uint8)
        if hashes.shape != codes.shape:
            raise ValueError("hashes and codes differ in length")
        if len(hashes) >= 1 << 32:
            raise ValueError("an index holds fewer than 4,294,967,296 indicators")
        order = hashes.argsort()
        hashes, codes = hashes[order], codes[order]
        if len(hashes):
            first_of_run = np.flatnonzero(np.append(True, hashes[1:] != hashes[:-1]))
            codes = np.maximum.reduceat(codes, first_of_run)
            hashes = hashes[first_of_run]
        return cls(np.ascontiguousarray(hashes), np.ascontiguousarray(codes))

    def code(self, hash64: int) -> int | None:
        """The code of `hash64`, or None when no indicator has it (or its code is 0)."""
        recent = self._recent.get(hash64)
        if recent is not None:
            return recent or None
        i = self._position(hash64)
        return None if i is None else int(self._codes[i]) or None

    def codes(self, hashes: Sequence[int]) -> list[int]:
        """Each hash's code, 0 where unknown: a batch's keys in a few array steps (the prefix
        table's range of each, bisected in step for all) instead of one search each."""
        wanted = np.fromiter(hashes, dtype=np.uint64, count=len(hashes))
        found = np.zeros(len(wanted), dtype=np.uint8)
        if len(self._hashes) and len(wanted):
            starts = np.frombuffer(self._starts, dtype=np.uint32)
            prefix = (wanted >> np.uint64(_PREFIX_SHIFT)).astype(np.intp)
            low, high = starts[prefix].astype(np.intp), starts[prefix + 1].astype(np.intp)
            stop = high.copy()
            while True:  # bisect_left in every range at once
                open_ = low < high
                if not open_.any():
                    break
                middle = (low + high) // 2
                below = np.zeros(len(wanted), dtype=bool)
                below[open_] = self._hashes[middle[open_]] < wanted[open_]
                low = np.where(open_ & below, middle + 1, low)
                high = np.where(open_ & ~below, middle, high)
            hit = low < stop
            hit[hit] = self._hashes[low[hit]] == wanted[hit]
            found[hit] = self._codes[low[hit]]
        codes: list[int] = found.tolist()
        recent = self._recent
        if recent:
            for i, hash64 in enumerate(hashes):
                changed = recent.get(hash64)
                if changed is not None:
                    codes[i] = changed
        return codes

    def _position(self, hash64: int) -> int | None:
        prefix = hash64 >> _PREFIX_SHIFT
        stop = self._starts[prefix + 1]
        i = bisect_left(self._search, hash64, self._starts[prefix], stop)
        return i if i < stop and self._search[i] == hash64 else None

    def update(self, hash64: int, code: int) -> None:
        """Record a change now (one writer; readers see it on their next call)."""
        if not 0 <= code <= 0xFF:
            raise ValueError(f"an index code is one byte, not {code}")
        self._recent[hash64] = code

    def bucket(self, prefix: str) -> list[tuple[int, int]]:
        """Every (hash, code) with a non-zero code under a 5-hex range prefix, sorted by hash."""
        low, high = prefix_bounds(prefix)
        first = low >> _PREFIX_SHIFT
        start, stop = self._starts[first], self._starts[first + 1]
        hashes, codes = self._search[start:stop].tolist(), self._codes[start:stop].tolist()
        found = dict(zip(hashes, codes, strict=True))
        for hash64, code in list(self._recent.items()):
            if low <= hash64 < high:
                found[hash64] = code
        return sorted((h, c) for h, c in found.items() if c)

    def compact(self) -> MembershipIndex:
        """A new index with the recent changes folded in (codes of 0 are dropped)."""
        recent = dict(self._recent)
        if not recent:
            return self
        hashes = np.fromiter(recent.keys(), dtype=np.uint64, count=len(recent))
        codes = np.fromiter(recent.values(), dtype=np.uint8, count=len(recent))
        keep = ~np.isin(self._hashes, hashes)
        merged = MembershipIndex.build(
            np.concatenate([self._hashes[keep], hashes]),
            np.concatenate([self._codes[keep], codes]),
        )
        known = merged._codes != 0
        return MembershipIndex(merged._hashes[known], merged._codes[known])

    def __len__(self) -> int:
        return len(self._hashes) + sum(1 for h in self._recent if self._position(h) is None)

    @property
    def nbytes(self) -> int:
        """Bytes of the arrays and the prefix table (the dict of recent changes is not counted)."""
        return int(self._hashes.nbytes + self._codes.nbytes + self._starts.nbytes)

    def save(self, folder: Path) -> None:
        """Write the compacted arrays into `folder` (files replaced atomically, one by one)."""
        index = self.compact()
        folder.mkdir(parents=True, exist_ok=True)
        for name, array in ((_HASHES_FILE, index._hashes), (_CODES_FILE, index._codes)):
            partial = folder / f".{name}.partial"
            with partial.open("wb") as out:
                np.save(out, array)
                out.flush()
            partial.replace(folder / name)

    @classmethod
    def load(cls, folder: Path) -> MembershipIndex:
        """The index saved in `folder`, memory-mapped (pages are read as lookups touch them)."""
        hashes = np.load(folder / _HASHES_FILE, mmap_mode="r")
        codes = np.load(folder / _CODES_FILE, mmap_mode="r")
        if hashes.dtype != np.uint64 or codes.dtype != np.uint8 or hashes.shape != codes.shape:
            raise ValueError(f"{folder} does not hold a lookup index")
        return cls(hashes, codes)
