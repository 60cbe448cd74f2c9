"""The range answer: public standings only, padded to one size, stable, never misleading."""

from __future__ import annotations

import json

import numpy as np
import pytest

from scamlink.lookup.index import MembershipIndex
from scamlink.lookup.keys import key_hash, range_prefix
from scamlink.lookup.private import (
    BadPrefix,
    answer_size,
    check_prefix,
    match,
    parse_range,
    range_answer,
    suffix_of,
)
from scamlink.lookup.verdict import Standing, pack

SEED = b"k" * 32
S = Standing


def index_of(entries: dict[str, int]) -> MembershipIndex:
    hashes = np.array([key_hash(v) for v in entries], dtype=np.uint64)
    codes = np.array(list(entries.values()), dtype=np.uint8)
    return MembershipIndex.build(hashes, codes)


def test_public_standings_only_and_padding_ignored() -> None:
    reported, members_only, listed = "+821012345678", "+66812345678", "https://t.me/telegram"
    index = index_of(
        {
            reported: pack(S.REPORTED, S.REPORTED),
            members_only: pack(S.REPORTED, S.UNKNOWN),  # AMBER, or under the embargo
            listed: pack(S.SAFE_LISTED, S.SAFE_LISTED),
        }
    )
    for value, expected in (
        (reported, S.REPORTED),
        (members_only, S.UNKNOWN),
        (listed, S.SAFE_LISTED),
    ):
        prefix = range_prefix(value)
        answer = range_answer(index, prefix, seed=SEED)
        entries = parse_range(answer.body(), prefix)
        assert match(value, entries) is expected
        assert len(answer.entries) == answer_size(len(index))
        # The members-only indicator is left out entirely, not sent as "unknown".
        if expected is S.UNKNOWN:
            assert suffix_of(value) not in {s for s, _ in answer.entries}


def test_every_answer_has_the_same_length() -> None:
    index = index_of({f"+8210{n:08d}": pack(S.REPORTED, S.REPORTED) for n in range(2000)})
    crowded = range_prefix("+821000000000")
    lengths = {
        len(range_answer(index, p, seed=SEED).body())
        for p in (crowded, "00000", "fffff", "abcde", "12345")
    }
    assert len(lengths) == 1


def test_answer_is_stable_until_the_index_changes() -> None:
    index = index_of({"+821012345678": pack(S.REPORTED, S.REPORTED)})
    prefix = range_prefix("+821012345678")
    first = range_answer(index, prefix, seed=SEED)
    assert range_answer(index, prefix, seed=SEED) == first
    assert range_answer(index, prefix, seed=b"other" * 8).entries != first.entries
    index.update(key_hash("+821012345678"), pack(S.REPORTED, S.SAFE_LISTED))
    changed = range_answer(index, prefix, seed=SEED)
    assert changed.etag() != first.etag()
    assert match("+821012345678", parse_range(changed.body(), prefix)) is S.SAFE_LISTED


def test_padding_never_repeats_a_real_suffix() -> None:
    values = {f"+6681{n:07d}": pack(S.SUSPICIOUS, S.SUSPICIOUS) for n in range(300)}
    index = index_of(values)
    for value in list(values)[:20]:
        answer = range_answer(index, range_prefix(value), seed=SEED)
        suffixes = [s for s, _ in answer.entries]
        assert len(suffixes) == len(set(suffixes))
        assert answer.entries == tuple(sorted(answer.entries))


def test_body_is_json_with_fixed_width_entries() -> None:
    answer = range_answer(MembershipIndex.empty(), "ABCDE", seed=SEED)
    data = json.loads(answer.body())
    assert data["prefix"] == "abcde"
    assert {len(e) for e in data["entries"]} == {13}
    assert all(e.endswith(":0") for e in data["entries"])


def test_answer_size_grows_with_the_index() -> None:
    assert answer_size(0) == answer_size(1_000_000) == 64
    assert answer_size(100_000_000) > 64
    assert answer_size(100_000_000) % 64 == 0


@pytest.mark.parametrize(
    "bad", ["", "abcd", "abcdef", "abcdg", "ab cd", "１２３４５", "../..", "x" * 500]
)
def test_bad_prefix(bad: str) -> None:
    with pytest.raises(BadPrefix, match="not a range prefix"):
        check_prefix(bad)


def test_parse_range_refuses_another_answer() -> None:
    body = range_answer(MembershipIndex.empty(), "abcde", seed=SEED).body()
    with pytest.raises(ValueError, match="prefix"):
        parse_range(body, "abcdf")
    with pytest.raises(ValueError, match="malformed"):
        parse_range(b'{"prefix":"abcde","entries":["xyz:2"]}', "abcde")
    with pytest.raises(ValueError, match="not JSON"):
        parse_range(b"<html>", "abcde")
