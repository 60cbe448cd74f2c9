from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scamlink.lookup.index import MembershipIndex
from scamlink.lookup.keys import key_hash, prefix_of, range_prefix


def _random(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    hashes = rng.integers(0, 2**64 - 1, n, dtype=np.uint64, endpoint=True)
    codes = rng.integers(1, 0x34, n, dtype=np.uint8)
    return hashes, codes


def test_every_built_hash_answers_its_code_and_others_answer_none() -> None:
    hashes, codes = _random(20_000)
    index = MembershipIndex.build(hashes, codes)
    for h, c in zip(hashes.tolist(), codes.tolist(), strict=True):
        assert index.code(h) == c
        assert index.code(h ^ 1) is None
    assert len(index) == 20_000


def test_codes_of_a_batch_are_the_codes_one_by_one(tmp_path: Path) -> None:
    hashes, codes = _random(50_000, seed=3)
    built = MembershipIndex.build(hashes, codes)
    built.save(tmp_path)
    for index in (built, MembershipIndex.load(tmp_path)):  # in memory and memory-mapped
        index.update(int(hashes[0]), 0)  # withdrawn since the arrays were built
        index.update(12345, 0x21)  # new since
        asked = [*hashes[:3000].tolist(), *(h ^ 1 for h in hashes[3000:6000].tolist())]
        asked += [0, 2**64 - 1, 12345, int(hashes[0])]
        assert index.codes(asked) == [index.code(h) or 0 for h in asked]
        assert sum(1 for c in index.codes(asked) if c) == 3000  # 2,999 built, 1 new
    assert MembershipIndex.empty().codes([1, 2**64 - 1]) == [0, 0]
    assert built.codes([]) == []


def test_extreme_hashes_are_found() -> None:
    index = MembershipIndex.build(
        np.array([0, 1, 2**64 - 1], dtype=np.uint64), np.array([5, 6, 7], dtype=np.uint8)
    )
    assert [index.code(h) for h in (0, 1, 2**64 - 1, 2**64 - 2)] == [5, 6, 7, None]
    assert index.bucket("fffff") == [(2**64 - 1, 7)]
    assert index.bucket("00000") == [(0, 5), (1, 6)]


def test_a_hash_given_twice_keeps_its_highest_code() -> None:
    index = MembershipIndex.build(
        np.array([9, 9, 3, 9], dtype=np.uint64), np.array([1, 0x22, 4, 2], dtype=np.uint8)
    )
    assert index.code(9) == 0x22
    assert len(index) == 2


def test_recent_changes_are_visible_at_once_and_survive_compaction() -> None:
    hashes, codes = _random(1_000)
    index = MembershipIndex.build(hashes, codes)
    new = key_hash("+821012345678")
    index.update(new, 0x21)
    index.update(int(hashes[0]), 0)  # known no more
    assert index.code(new) == 0x21
    assert index.code(int(hashes[0])) is None
    assert len(index) == 1_001
    compacted = index.compact()
    assert compacted.code(new) == 0x21
    assert compacted.code(int(hashes[0])) is None
    assert len(compacted) == 1_000


def test_a_bucket_holds_exactly_the_hashes_under_its_prefix() -> None:
    hashes, codes = _random(50_000)
    index = MembershipIndex.build(hashes, codes)
    key = "https://kbstar-secure.com/login"
    index.update(key_hash(key), 0x22)
    prefix = range_prefix(key)
    expected = sorted(
        [
            (h, c)
            for h, c in zip(hashes.tolist(), codes.tolist(), strict=True)
            if prefix_of(h) == prefix
        ]
        + [(key_hash(key), 0x22)]
    )
    assert index.bucket(prefix) == expected
    with pytest.raises(ValueError, match="5 hexadecimal"):
        index.bucket("xyz")


def test_saved_and_loaded_memory_mapped(tmp_path: Path) -> None:
    hashes, codes = _random(5_000)
    index = MembershipIndex.build(hashes, codes)
    index.update(123, 0x11)
    index.save(tmp_path / "index")
    loaded = MembershipIndex.load(tmp_path / "index")
    assert loaded.code(123) == 0x11
    assert all(loaded.code(h) == c for h, c in zip(hashes.tolist(), codes.tolist(), strict=True))
    assert loaded.nbytes == index.compact().nbytes


def test_a_folder_without_an_index_is_refused(tmp_path: Path) -> None:
    np.save(tmp_path / "hashes.npy", np.zeros(3, dtype=np.int64))
    np.save(tmp_path / "codes.npy", np.zeros(3, dtype=np.uint8))
    with pytest.raises(ValueError, match="does not hold a lookup index"):
        MembershipIndex.load(tmp_path)


def test_memory_is_about_nine_bytes_an_indicator() -> None:
    hashes, codes = _random(1_000_000)
    index = MembershipIndex.build(hashes, codes)
    assert index.nbytes / 1_000_000 < 14  # 9 bytes + the 4 MB prefix table
