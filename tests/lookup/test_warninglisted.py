"""Warninglist values enter the index as safe-listed, and each one is what linking calls safe."""

from __future__ import annotations

from scamlink.indicators import IndicatorType, InvalidIndicator, canonicalise
from scamlink.indicators.warninglists import WARNINGLISTS, warninglist_hit
from scamlink.lookup.index import MembershipIndex
from scamlink.lookup.keys import key_hash
from scamlink.lookup.verdict import Standing, pack, unpack
from scamlink.lookup.warninglisted import (
    SAFE_LISTED_CODE,
    warninglisted_entries,
    warninglisted_values,
)

T = IndicatorType


def test_every_listed_value_is_in() -> None:
    values = set(warninglisted_values())
    for wl in WARNINGLISTS:
        assert wl.values <= values, wl.name
    assert "https://www.facebook.com/" in values or not any(
        "facebook.com" in wl.values for wl in WARNINGLISTS
    )


def test_each_value_is_canonical_and_warninglisted() -> None:
    for value in warninglisted_values():
        hits = []
        for kind in (T.PHONE, T.DOMAIN, T.URL, T.ETH, T.TRON, T.BTC, T.TELEGRAM):
            try:
                indicator = canonicalise(kind, value)
            except InvalidIndicator:
                continue
            if indicator.value == value and warninglist_hit(indicator):
                hits.append(kind)
        assert hits, f"{value!r} is neither canonical nor warninglisted"


def test_entries_are_safe_listed_for_everyone() -> None:
    hashes, codes = warninglisted_entries()
    assert len(hashes) == len(codes) == len(warninglisted_values())
    assert unpack(SAFE_LISTED_CODE) == (Standing.SAFE_LISTED, Standing.SAFE_LISTED)
    index = MembershipIndex.build(hashes, codes)
    assert index.code(key_hash("+6621111111")) in (None, SAFE_LISTED_CODE)
    some = warninglisted_values()[0]
    assert index.code(key_hash(some)) == pack(Standing.SAFE_LISTED, Standing.SAFE_LISTED)
