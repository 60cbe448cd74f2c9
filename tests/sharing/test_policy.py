from __future__ import annotations

import pytest

from scamlink.sharing.policy import may_see
from scamlink.sharing.roles import PUBLIC, Role, Viewer
from scamlink.sharing.tlp import Tlp

KNPA = Viewer("KNPA", Role.ANALYST)
RTP = Viewer("RTP", Role.ANALYST)
BANK = Viewer("KNPA", Role.PARTNER)


@pytest.mark.parametrize(
    ("viewer", "owner", "marking", "expected"),
    [
        (PUBLIC, "KNPA", Tlp.CLEAR, True),
        (PUBLIC, "KNPA", Tlp.GREEN, False),
        (RTP, "KNPA", Tlp.GREEN, True),
        (RTP, "KNPA", Tlp.AMBER, False),
        (KNPA, "KNPA", Tlp.AMBER, True),
        (KNPA, "KNPA", Tlp.AMBER_STRICT, True),
        (RTP, "KNPA", Tlp.AMBER_STRICT, False),
        (KNPA, "KNPA", Tlp.RED, False),
        (BANK, "KNPA", Tlp.GREEN, False),
        (BANK, "KNPA", Tlp.CLEAR, True),
    ],
)
def test_tlp_rules(viewer: Viewer, owner: str, marking: Tlp, expected: bool) -> None:
    assert may_see(viewer, owner, marking) is expected
