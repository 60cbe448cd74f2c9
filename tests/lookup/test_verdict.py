from __future__ import annotations

import itertools

from scamlink.lookup.verdict import Standing, Verdict, pack, standing_of, unpack


def test_standing_from_counts() -> None:
    assert standing_of(0, 0) is Standing.UNKNOWN
    assert standing_of(0, 3) is Standing.SUSPICIOUS
    assert standing_of(1, 3) is Standing.REPORTED


def test_both_standings_survive_the_byte() -> None:
    for members, public in itertools.product(Standing, Standing):
        code = pack(members, public)
        assert 0 <= code <= 0xFF
        assert unpack(code) == (members, public)


def test_each_standing_names_its_verdict() -> None:
    assert Standing.SAFE_LISTED.verdict is Verdict.SAFE_LISTED
    assert {s.verdict for s in Standing} == set(Verdict) - {Verdict.INVALID}
