"""The report record shared by intake, the store and the demo world."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from scamlink.indicators import Indicator
from scamlink.sharing.policy import NO_RELEASES, Releases
from scamlink.sharing.tlp import Tlp


class ScamType(StrEnum):
    INVESTMENT = "investment"
    ROMANCE = "romance"
    JOB_TASK = "job_task"
    IMPERSONATION_AUTHORITY = "impersonation_authority"
    IMPERSONATION_BUSINESS = "impersonation_business"
    LOAN = "loan"
    SEXTORTION = "sextortion"
    PHISHING = "phishing"
    ECOMMERCE = "ecommerce"
    CRYPTO_THEFT = "crypto_theft"
    OTHER = "other"


class ReportSource(StrEnum):
    """Who filed the report: a police officer, a partner bank/telco/exchange, or the public."""

    POLICE = "police"
    PARTNER = "partner"
    PUBLIC = "public"


class ReviewStatus(StrEnum):
    """An officer's judgement of the report; public verdicts count verified reports only."""

    UNVERIFIED = "unverified"
    VERIFIED = "verified"
    REJECTED = "rejected"


class SightingRole(StrEnum):
    """The part an indicator played in a report."""

    CONTACT_PHONE = "contact_phone"
    PHISHING_LINK = "phishing_link"
    CONTACT_EMAIL = "contact_email"
    PAYMENT_WALLET = "payment_wallet"
    PAYEE_ACCOUNT = "payee_account"
    CONTACT_HANDLE = "contact_handle"
    MENTIONED = "mentioned"


@dataclass(frozen=True, slots=True)
class Sighting:
    indicator: Indicator
    role: SightingRole


@dataclass(frozen=True, slots=True)
class Report:
    agency: str
    external_id: str
    received_at: datetime
    incident_date: date | None
    victim_country: str
    language: str
    scam_type: ScamType
    loss_amount: Decimal | None
    loss_currency: str | None
    narrative: str
    tlp: Tlp
    sightings: tuple[Sighting, ...] = field(default=())
    releases: Releases = NO_RELEASES  # AMBER only: the agencies and sharing groups named
    recipients: frozenset[int] = frozenset()  # RED only: the user ids of the people named
    source: ReportSource = ReportSource.POLICE
    review_status: ReviewStatus = ReviewStatus.UNVERIFIED
