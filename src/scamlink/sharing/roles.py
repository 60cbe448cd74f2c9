"""Who is asking: the roles of the brief and the viewer every query is made for."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from scamlink.sharing.tlp import Tlp


class Role(StrEnum):
    ADMIN = "admin"  # administers their own agency
    ANALYST = "analyst"
    INVESTIGATOR = "investigator"
    DESK_OFFICER = "desk_officer"  # staff of one agency posted at another (the Korea Desk)
    PARTNER = "partner"  # bank, telco or exchange: looks up and reports, sees no victim data


@dataclass(frozen=True, slots=True)
class Viewer:
    """The identity a request or command acts as; `agency` is None for the anonymous public.

    `groups` (the sharing groups of the viewer's agency) and `partner_caps` (owner agency →
    the widest marking that owner lets this partner see) are resolved from the store where the
    viewer is built (`store.markings.resolve_viewer`). Left empty they only ever narrow what
    the viewer sees.
    """

    agency: str | None
    role: Role | None
    user_id: int | None = None
    groups: frozenset[str] = field(default=frozenset())
    partner_caps: frozenset[tuple[str, Tlp]] = field(default=frozenset())

    @property
    def is_public(self) -> bool:
        return self.agency is None


PUBLIC = Viewer(agency=None, role=None)
