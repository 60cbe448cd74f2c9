"""Who is asking: the roles of the brief and the viewer every query is made for."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"  # administers their own agency
    ANALYST = "analyst"
    INVESTIGATOR = "investigator"
    DESK_OFFICER = "desk_officer"  # staff of one agency posted at another (the Korea Desk)
    PARTNER = "partner"  # bank, telco or exchange: looks up and reports, sees no victim data


@dataclass(frozen=True, slots=True)
class Viewer:
    """The identity a request or command acts as; `agency` is None for the anonymous public."""

    agency: str | None
    role: Role | None
    user_id: int | None = None

    @property
    def is_public(self) -> bool:
        return self.agency is None


PUBLIC = Viewer(agency=None, role=None)
