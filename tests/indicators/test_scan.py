"""A pattern tried only where it can start gives the matches of finditer."""

from __future__ import annotations

import re

from hypothesis import given, settings

from scamlink.indicators.extract import (
    _EMAIL_START_RE,
    _HANDLE_LINK_START_RE,
    EMAIL_FIND_RE,
    HANDLE_LINK_RE,
)
from scamlink.indicators.scan import matches_from
from tests.indicators.world_text import mixed_text

PAIRS = [(_HANDLE_LINK_START_RE, HANDLE_LINK_RE), (_EMAIL_START_RE, EMAIL_FIND_RE)]


def _found(matches: object) -> list[tuple[tuple[int, int], str]]:
    return [(m.span(), m.group()) for m in matches]  # type: ignore[attr-defined]


def test_same_matches_on_messaging_links_and_addresses() -> None:
    text = (
        "텔레그램 t.me/abc_def1, T.ME/Up_Case 또는 https://line.me/ti/p/~kim88 "
        "x.t.me/no wa.me/821012345678 help@kb.com a.b@c.co kim[at]mail[.]com "
        "\u212aakao open.kakao.com/o/gAbC1 api.whatsapp.com/send?phone=6591234567"
    )
    for starts, pattern in PAIRS:
        assert _found(matches_from(starts, pattern, text)) == _found(pattern.finditer(text))
    assert len(_found(matches_from(_HANDLE_LINK_START_RE, HANDLE_LINK_RE, text))) == 6


@settings(max_examples=300, deadline=None)
@given(mixed_text())
def test_same_matches_as_finditer_on_mixed_narratives(text: str) -> None:
    for starts, pattern in PAIRS:
        assert _found(matches_from(starts, pattern, text)) == _found(pattern.finditer(text))


def test_a_start_pattern_missing_positions_loses_matches() -> None:
    # The test above can fail: with a start pattern too narrow, matches are lost.
    narrow = re.compile("t")
    text = "line.me/ti/p/~abc t.me/abc"
    assert _found(matches_from(narrow, HANDLE_LINK_RE, text)) != _found(
        HANDLE_LINK_RE.finditer(text)
    )
