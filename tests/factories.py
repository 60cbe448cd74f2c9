"""Small builders for domain records used across tests."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from scamlink.demo.generator import generate
from scamlink.indicators import Indicator, IndicatorType, phone
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


def demo_worlds_phone_strings(
    folders: pytest.TempPathFactory, default: int, noisy: int, seed: int
) -> list[tuple[str, str | None]]:
    """`demo_phone_strings` of a default world and of a noisy one, of these many reports."""
    return [
        found
        for profile, reports in (("default", default), ("noisy", noisy))
        for found in demo_phone_strings(folders.mktemp(f"world-{profile}"), reports, seed, profile)
    ]


def demo_phone_strings(
    folder: Path, reports: int, seed: int, profile: str
) -> list[tuple[str, str | None]]:
    """Every phone string of a generated demo world, with the victim's country: the phones
    column of every report and each number-like run in the narratives."""
    generate(folder, reports, seed, profile=profile)  # type: ignore[arg-type]
    found: list[tuple[str, str | None]] = []
    for path in sorted(folder.glob("reports-*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                country = row["victim_country"] or None
                found += [(v, country) for v in row["phones"].split(";") if v.strip()]
                found += [(w, country) for w in phone.PHONE_RE.findall(row["narrative"])]
    return found
