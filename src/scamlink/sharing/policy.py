"""The one place that decides which reports a viewer may see.

The store turns `visibility()` into a SQL condition, so counts, searches and pages are filtered
in the database and never reveal hidden rows. `may_see()` is the same rule for one record; a
test checks that both agree on every combination.

v1 rules (TLP 2.0; named recipients and sharing groups come with the sharing issue):
- the public sees CLEAR;
- every member agency (except partners) sees CLEAR and GREEN;
- the owning agency also sees AMBER and AMBER+STRICT;
- RED is for named people only, and no one is named yet, so nobody sees RED through a listing.
- partners (banks, telcos) see CLEAR only until partner caps exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from scamlink.sharing.roles import Role, Viewer
from scamlink.sharing.tlp import Tlp


@dataclass(frozen=True, slots=True)
class Visibility:
    """Markings visible from any agency, and markings visible only inside the viewer's own."""

    any_owner: frozenset[Tlp]
    own_agency: str | None
    own_markings: frozenset[Tlp]


_PUBLIC = frozenset({Tlp.CLEAR})
_MEMBERS = frozenset({Tlp.CLEAR, Tlp.GREEN})
_OWNER = frozenset({Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT})


def visibility(viewer: Viewer) -> Visibility:
    if viewer.is_public or viewer.role is Role.PARTNER:
        return Visibility(_PUBLIC, None, frozenset())
    return Visibility(_MEMBERS, viewer.agency, _OWNER)


def may_see(viewer: Viewer, owner: str, marking: Tlp) -> bool:
    rule = visibility(viewer)
    if marking in rule.any_owner:
        return True
    return owner == rule.own_agency and marking in rule.own_markings
