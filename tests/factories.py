"""Small builders for domain records used across tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import Engine

from scamlink.indicators import Indicator, IndicatorType
from scamlink.reports.model import Report, ScamType, Sighting, SightingRole
from scamlink.sharing.accounts import register_user
from scamlink.sharing.roles import Role
from scamlink.sharing.tlp import Tlp


def make_report(
    external_id: str,
    *,
    agency: str = "KNPA",
    tlp: Tlp = Tlp.GREEN,
    phones: tuple[str, ...] = (),
    received_at: datetime | None = None,
) -> Report:
    return Report(
        agency=agency,
        external_id=external_id,
        received_at=received_at or datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
        incident_date=date(2026, 2, 27),
        victim_country="KR",
        language="ko",
        scam_type=ScamType.IMPERSONATION_AUTHORITY,
        loss_amount=Decimal("3500000"),
        loss_currency="KRW",
        narrative="검찰청 수사관이라며 전화가 왔습니다.",
        tlp=tlp,
        sightings=tuple(
            Sighting(Indicator(IndicatorType.PHONE, p, p), SightingRole.CONTACT_PHONE)
            for p in phones
        ),
    )


PASSWORD = "correct horse battery staple"  # every test account's


def add_user(
    engine: Engine,
    email: str,
    agency: str = "KNPA",
    role: Role = Role.ANALYST,
    *,
    name: str | None = None,
) -> int:
    with engine.begin() as conn:
        return register_user(
            conn,
            email=email,
            agency=agency,
            role=role,
            display_name=name or f"{agency} {role.value}",
            password=PASSWORD,
        )
