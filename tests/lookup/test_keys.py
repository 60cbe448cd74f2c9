from __future__ import annotations

import hashlib

import pytest

from scamlink.lookup.keys import (
    key_hash,
    key_hashes,
    prefix_bounds,
    prefix_of,
    range_prefix,
    range_prefixes,
    range_suffix,
)

# SHA-256("abc"), FIPS 180-2 appendix B.1.
ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_the_hash_is_the_first_8_bytes_of_sha256_of_the_utf8_key() -> None:
    assert key_hash("abc") == int(ABC[:16], 16)
    assert range_prefix("abc") == ABC[:5]
    assert range_suffix(key_hash("abc")) == ABC[5:16]
    assert prefix_of(key_hash("abc")) == ABC[:5]


def test_a_batch_hashes_as_one_by_one() -> None:
    keys = ["abc", "+66812345678", "telegram:usdt_vip", "KR:KB:12345678901234", "ข้อความ", ""]
    assert key_hashes(keys) == [key_hash(k) for k in keys]
    assert key_hashes(keys)[0] == int(ABC[:16], 16)
    assert range_prefixes(keys) == [range_prefix(k) for k in keys]
    assert key_hashes([]) == []
    assert range_prefixes([]) == []


def test_non_ascii_keys_are_hashed_as_utf8() -> None:
    key = "telegram:пример"
    assert key_hash(key) == int(hashlib.sha256(key.encode()).hexdigest()[:16], 16)


def test_a_prefix_bounds_exactly_its_hashes() -> None:
    low, high = prefix_bounds(ABC[:5])
    assert low <= key_hash("abc") < high
    assert high - low == 1 << 44
    assert prefix_bounds("FFFFF") == ((0xFFFFF << 44), 1 << 64)


@pytest.mark.parametrize("bad", ["", "abcd", "abcdef", "abcdg", "ab cd", "ａｂｃｄｅ"])
def test_a_bad_prefix_is_refused_with_its_value(bad: str) -> None:
    with pytest.raises(ValueError, match="5 hexadecimal"):
        prefix_bounds(bad)
