"""Sharing groups: named sets of member agencies an AMBER report can be released to.

Groups are data (the `sharing_groups` table); the two below are reference data present in every
new database, like the agencies. Membership is by agency: every user of a member agency belongs
to the group. Desk officers belong to their own agency (KDESK, or KNPA for a KNPA officer
posted abroad); their posting works through the groups of that agency, e.g. `KR-KH desk`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from scamlink.sharing.agencies import REFERENCE_AGENCIES


@dataclass(frozen=True, slots=True)
class SharingGroup:
    id: str  # stable identifier, lower-case
    name: str  # what people write in `release_to`
    members: frozenset[str]  # agency codes


REFERENCE_GROUPS: tuple[SharingGroup, ...] = (
    SharingGroup("kr-kh-desk", "KR-KH desk", frozenset({"KNPA", "CNP", "KDESK"})),
    SharingGroup("aseanapol-all", "ASEANAPOL all", frozenset(a.code for a in REFERENCE_AGENCIES)),
)


@dataclass(frozen=True, slots=True)
class ReleaseDirectory:
    """The names a release may use: agency codes, and group names or ids (→ group id); and the
    people a RED report may name as recipients (e-mail → user id)."""

    agencies: frozenset[str] = field(default=frozenset())
    groups: Mapping[str, str] = field(default_factory=dict)  # case-folded name or id → id
    people: Mapping[str, int] = field(default_factory=dict)  # lower-case e-mail → user id (RED)

    def resolve(self, name: str) -> tuple[str, str] | None:
        """("agency", code) or ("group", id) for a name written in a file; None if unknown."""
        if name.upper() in self.agencies:
            return ("agency", name.upper())
        group = self.groups.get(name.casefold())
        return ("group", group) if group is not None else None

    def person(self, email: str) -> int | None:
        """The user id a `recipients` cell names by e-mail; None if no such user."""
        return self.people.get(email.strip().lower())
