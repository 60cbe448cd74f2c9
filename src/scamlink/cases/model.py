"""The records of a case: kinds, statuses, priorities, links and referrals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from scamlink.sharing.tlp import Tlp


class CaseKind(StrEnum):
    FINANCIAL_LOSS = "financial_loss"
    PERSON_AT_RISK = "person_at_risk"  # held in a compound, missing, trafficked
    REPATRIATION = "repatriation"
    TAKEDOWN_REQUEST = "takedown_request"  # a number, domain, account or handle
    FREEZE_REQUEST = "freeze_request"  # a bank account or an exchange deposit address


class Status(StrEnum):
    NEW = "new"
    TRIAGED = "triaged"
    REFERRED = "referred"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    DECLINED = "declined"
    REOPENED = "reopened"


# The board's columns, in order.
BOARD_ORDER: tuple[Status, ...] = (
    Status.NEW,
    Status.REOPENED,
    Status.TRIAGED,
    Status.REFERRED,
    Status.ACCEPTED,
    Status.IN_PROGRESS,
    Status.RESOLVED,
    Status.CLOSED,
    Status.DECLINED,
)

# Statuses without open deadlines.
FINISHED: frozenset[Status] = frozenset({Status.RESOLVED, Status.CLOSED, Status.DECLINED})


class Priority(StrEnum):
    P1 = "P1"  # first: a person at risk
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"


class LinkKind(StrEnum):
    REPORT = "report"
    CAMPAIGN = "campaign"
    INDICATOR = "indicator"
    VICTIM = "victim"


class LinkRole(StrEnum):
    VICTIM = "victim"
    SUSPECT = "suspect"
    RELATED = "related"


class ReferralStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class CaseError(ValueError):
    """Bad input or a refused action, with the field it is about (None: the case as a whole).

    `status` is the HTTP status the web shell answers with: 422 bad input, 409 a transition
    the workflow does not allow from the case's status, 403 a role or agency not allowed.
    """

    def __init__(self, message: str, field: str | None = None, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


@dataclass(frozen=True, slots=True)
class PersonAtRisk:
    """Where a person was last known to be, and how they were recruited."""

    province: str | None = None
    compound: str | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    last_contact_at: datetime | None = None
    recruitment: str | None = None


@dataclass(frozen=True, slots=True)
class NewCase:
    kind: CaseKind
    title: str
    summary: str = ""
    priority: Priority | None = None  # None: the kind's default
    tlp: Tlp = Tlp.AMBER
    nationality: str | None = None
    country: str | None = None
    person: PersonAtRisk = field(default_factory=PersonAtRisk)
    target: str | None = None
    assignee_user_id: int | None = None


@dataclass(frozen=True, slots=True)
class CaseHead:
    """What the board and the policy need of a case."""

    id: int
    kind: CaseKind
    title: str
    owner_agency: str
    priority: Priority
    status: Status
    tlp: Tlp
    nationality: str | None
    country: str | None
    next_due: datetime | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class NewReferral:
    to_agency: str
    message: str
    language: str
    tlp: Tlp
    include_details: bool = True
    link_ids: frozenset[int] = frozenset()
