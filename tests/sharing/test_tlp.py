from __future__ import annotations

import pytest

from scamlink.sharing.tlp import Tlp


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TLP:CLEAR", Tlp.CLEAR),
        ("clear", Tlp.CLEAR),
        ("WHITE", Tlp.CLEAR),
        ("green", Tlp.GREEN),
        ("TLP:AMBER+STRICT", Tlp.AMBER_STRICT),
        ("amber + strict", Tlp.AMBER_STRICT),
        (" RED ", Tlp.RED),
    ],
)
def test_parse_accepts_the_written_forms(text: str, expected: Tlp) -> None:
    assert Tlp.parse(text) is expected


def test_parse_names_the_allowed_markings() -> None:
    with pytest.raises(
        ValueError, match="expected one of CLEAR, GREEN, AMBER, AMBER\\+STRICT, RED"
    ):
        Tlp.parse("orange")
