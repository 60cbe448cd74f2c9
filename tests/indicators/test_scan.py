"""A pattern tried only where it can start gives the matches of finditer."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from scamlink.indicators import extract as extract_module
from scamlink.indicators.extract import (
    _HANDLE_LINK_AFTER_RE,
    _HANDLE_LINK_START_RE,
    EMAIL_FIND_RE,
    HANDLE_LINK_RE,
)
from scamlink.indicators.scan import matches_after_boundary, matches_from
from tests.indicators.world_text import ascii_text, mixed_text

PAIRS = [(_HANDLE_LINK_START_RE, HANDLE_LINK_RE)]


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


# --- ASCII texts: tried only right after a character that is not of a word --------------------

BOUNDED_PAIRS = [(_HANDLE_LINK_AFTER_RE, HANDLE_LINK_RE)]


def test_same_matches_between_words_on_links_and_addresses() -> None:
    text = (
        "tg t.me/abc_def1, T.ME/Up_Case or https://line.me/ti/p/~kim88 x.t.me/no "
        "wa.me/821012345678 help@kb.com a.b@c.co kim[at]mail[.]com (zalo.me/0912345678) "
        "open.kakao.com/o/gAbC1 api.whatsapp.com/send?phone=6591234567"
    )
    for starts, pattern in BOUNDED_PAIRS:
        expected = _found(pattern.finditer(text))
        assert _found(matches_after_boundary(starts, pattern, text)) == expected
        assert expected
        assert _found(matches_after_boundary(starts, pattern, text[5:])) == _found(
            pattern.finditer(text[5:])  # a match at the very start of the text
        )


@settings(max_examples=300, deadline=None)
@given(ascii_text() | st.text(alphabet="t.me/wa@kb.co [at]-_x1", max_size=40))
def test_same_matches_between_words_as_finditer_on_ascii_text(text: str) -> None:
    for starts, pattern in BOUNDED_PAIRS:
        expected = _found(pattern.finditer(text))
        assert _found(matches_after_boundary(starts, pattern, text)) == expected


# --- addresses: tried only where a local part ends at an "@" form ------------------------------


def test_addresses_from_their_at_signs_as_finditer() -> None:
    text = (
        "help@kb.com a.b@c.co kim[at]mail[.]com lee (at) x.org .dot@start.com x@@y.com "
        "\u212aim@bank.com 가나kim@kb.co.kr a[@]b.com "
        + "l" * 64
        + "@long.com "
        + "m" * 65
        + "@toolong.com park [AT] 네이버.com"
    )
    expected = _found(EMAIL_FIND_RE.finditer(text))
    assert len(expected) >= 8
    assert _found(extract_module._email_matches(text)) == expected


@settings(max_examples=500, deadline=None)
@given(
    mixed_text()
    | ascii_text()
    | st.text(alphabet="ab.@ [](at)AT-_%+1\u212a\u017f\u0130\u0131가\t", max_size=60)
)
def test_addresses_from_their_at_signs_on_any_text(text: str) -> None:
    assert _found(extract_module._email_matches(text)) == _found(EMAIL_FIND_RE.finditer(text))
