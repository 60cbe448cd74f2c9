"""A small world of campaigns for the campaign pages and their store queries.

The linking engine fills `campaigns`, `report_campaigns` and `campaign_redirects`; these tests
write those rows directly, so that what the pages show is checked against a partition known in
advance, with every marking of the sharing policy in it.

Campaign 1 (KNPA, RTP, CNP; voice phishing paid to a KB account and a TRON wallet):
    K1 KNPA GREEN   KR  3,500,000 KRW  phone, bank account
    K2 KNPA AMBER   KR  1,000,000 KRW  phone                (no releases: KNPA only)
    K3 KNPA RED     KR    500,000 KRW  phone                (names `RED_RECIPIENT` only)
    T1 RTP  GREEN   TH     50,000 THB  phone, URL and domain
    T2 RTP  AMBER   TH     20,000 THB  phone                (released to KNPA)
    T3 RTP  AMBER+STRICT TH  9,000 THB phone                (RTP only)
    C1 CNP  CLEAR   KH      1,000 USDT TRON wallet, Telegram handle
Campaign 2: R1, R2 — RTP AMBER+STRICT only (KNPA sees nothing of it).
Campaign 3: K4 KNPA GREEN (Telegram handle); campaign 4 was merged into 3, and 5 into 4.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Engine, select

from scamlink.indicators import Indicator, IndicatorType, canonicalise
from scamlink.reports.model import Report, ScamType, Sighting, SightingRole
from scamlink.sharing.policy import Releases
from scamlink.sharing.roles import Role, Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store.markings import resolve_viewer
from scamlink.store.reports import store_reports
from scamlink.store.schema import (
    campaign_redirects,
    campaigns,
    indicators,
    metadata,
    report_campaigns,
    reports,
)
from tests.factories import add_user

T = IndicatorType
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

PHONE = canonicalise(T.PHONE, "010-1234-5678", "KR")  # +821012345678
ACCOUNT = canonicalise(T.BANK_ACCOUNT, "KB 123456-78-901234", "KR")  # KR:KB:12345678901234
URL = canonicalise(T.URL, "hxxp://kbstar-secure[.]com/login")
DOMAIN = canonicalise(T.DOMAIN, "kbstar-secure.com")
WALLET = canonicalise(T.TRON, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")
HANDLE = canonicalise(T.TELEGRAM, "@usdt_vip_support")
OTHER_HANDLE = canonicalise(T.TELEGRAM, "@lucky_task_hr")
STRICT_PHONE = canonicalise(T.PHONE, "+66 81 234 5678")

RED_RECIPIENT = "red-reader@knpa.test"


def _sighting(indicator: Indicator, role: SightingRole) -> Sighting:
    return Sighting(indicator, role)


def _report(
    external_id: str,
    agency: str,
    tlp: Tlp,
    *,
    country: str,
    loss: str | None,
    currency: str | None,
    sightings: tuple[Sighting, ...],
    hours: int,
    scam_type: ScamType = ScamType.IMPERSONATION_AUTHORITY,
    language: str = "ko",
    releases: Releases | None = None,
    recipients: frozenset[int] = frozenset(),
) -> Report:
    return Report(
        agency=agency,
        external_id=external_id,
        received_at=START + timedelta(hours=hours),
        incident_date=None,
        victim_country=country,
        language=language,
        scam_type=scam_type,
        loss_amount=None if loss is None else Decimal(loss),
        loss_currency=currency,
        narrative="<b>narrative</b> of " + external_id,
        tlp=tlp,
        sightings=sightings,
        releases=releases or Releases(),
        recipients=recipients,
    )


@dataclass(frozen=True)
class World:
    reports: dict[str, int]  # external id → report id
    indicators: dict[tuple[str, str], int]  # (type, value) → indicator id
    red_recipient: int  # user id of the one person named on K3

    def indicator(self, found: Indicator) -> int:
        return self.indicators[(found.type.value, found.value)]


def build_world(engine: Engine) -> World:
    recipient = add_user(engine, RED_RECIPIENT, "KNPA", Role.ANALYST)
    phone = _sighting(PHONE, SightingRole.CONTACT_PHONE)
    batch = [
        _report(
            "K1",
            "KNPA",
            Tlp.GREEN,
            country="KR",
            loss="3500000",
            currency="KRW",
            sightings=(phone, _sighting(ACCOUNT, SightingRole.PAYEE_ACCOUNT)),
            hours=0,
        ),
        _report(
            "K2",
            "KNPA",
            Tlp.AMBER,
            country="KR",
            loss="1000000",
            currency="KRW",
            sightings=(phone,),
            hours=1,
        ),
        _report(
            "K3",
            "KNPA",
            Tlp.RED,
            country="KR",
            loss="500000",
            currency="KRW",
            sightings=(phone,),
            hours=2,
            recipients=frozenset({recipient}),
        ),
        _report(
            "T1",
            "RTP",
            Tlp.GREEN,
            country="TH",
            loss="50000",
            currency="THB",
            sightings=(
                phone,
                _sighting(URL, SightingRole.PHISHING_LINK),
                _sighting(DOMAIN, SightingRole.PHISHING_LINK),
            ),
            hours=3,
            scam_type=ScamType.PHISHING,
            language="th",
        ),
        _report(
            "T2",
            "RTP",
            Tlp.AMBER,
            country="TH",
            loss="20000",
            currency="THB",
            sightings=(phone,),
            hours=4,
            language="th",
            releases=Releases(agencies=frozenset({"KNPA"})),
        ),
        _report(
            "T3",
            "RTP",
            Tlp.AMBER_STRICT,
            country="TH",
            loss="9000",
            currency="THB",
            sightings=(phone,),
            hours=5,
            language="th",
        ),
        _report(
            "C1",
            "CNP",
            Tlp.CLEAR,
            country="KH",
            loss="1000",
            currency="USDT",
            sightings=(
                _sighting(WALLET, SightingRole.PAYMENT_WALLET),
                _sighting(HANDLE, SightingRole.CONTACT_HANDLE),
            ),
            hours=6,
            scam_type=ScamType.INVESTMENT,
            language="km",
        ),
        _report(
            "R1",
            "RTP",
            Tlp.AMBER_STRICT,
            country="TH",
            loss=None,
            currency=None,
            sightings=(_sighting(STRICT_PHONE, SightingRole.CONTACT_PHONE),),
            hours=7,
            language="th",
        ),
        _report(
            "R2",
            "RTP",
            Tlp.AMBER_STRICT,
            country="TH",
            loss=None,
            currency=None,
            sightings=(_sighting(STRICT_PHONE, SightingRole.CONTACT_PHONE),),
            hours=8,
            language="th",
        ),
        _report(
            "K4",
            "KNPA",
            Tlp.GREEN,
            country="KR",
            loss="200000",
            currency="KRW",
            sightings=(_sighting(OTHER_HANDLE, SightingRole.CONTACT_HANDLE),),
            hours=9,
            scam_type=ScamType.JOB_TASK,
        ),
    ]
    with engine.begin() as conn:
        store_reports(conn, batch)
        ids = {row.external_id: row.id for row in conn.execute(select(reports))}
        found = {
            (row.type, row.value): row.id
            for row in conn.execute(select(indicators.c.id, indicators.c.type, indicators.c.value))
        }
    link(engine, 1, [ids[x] for x in ("K1", "K2", "K3", "T1", "T2", "T3", "C1")])
    link(engine, 2, [ids["R1"], ids["R2"]])
    link(engine, 3, [ids["K4"]])
    redirect(engine, 4, 3)
    redirect(engine, 5, 4)
    return World(ids, found, recipient)


def link(engine: Engine, campaign_id: int, report_ids: list[int]) -> None:
    """A campaign holding `report_ids`, as the linking engine would leave it."""
    with engine.begin() as conn:
        conn.execute(
            campaigns.insert(),
            [
                {
                    "id": campaign_id,
                    "report_count": len(report_ids),
                    "created_at": START,
                    "updated_at": START,
                }
            ],
        )
        conn.execute(
            report_campaigns.insert(),
            [{"report_id": r, "campaign_id": campaign_id} for r in report_ids],
        )


def redirect(engine: Engine, old_id: int, new_id: int) -> None:
    with engine.begin() as conn:
        conn.execute(
            campaign_redirects.insert(), [{"old_id": old_id, "new_id": new_id, "at": START}]
        )


def mark_hub(engine: Engine, indicator_id: int) -> None:
    """Flag an indicator as a hub in the linking engine's per-indicator figures."""
    table = metadata.tables["indicator_stats"]
    with engine.begin() as conn:
        conn.execute(
            table.insert(),
            [
                {
                    "indicator_id": indicator_id,
                    "report_count": 1000,
                    "agency_count": 9,
                    "agencies": "CNP KNPA RTP",
                    "first_seen": START,
                    "last_seen": START,
                    "is_hub": True,
                    "warninglist": None,
                }
            ],
        )


def viewer_for(
    engine: Engine, email: str, agency: str = "KNPA", role: Role = Role.ANALYST
) -> Viewer:
    """A new account's viewer, with its agency's groups and (for partners) caps resolved."""
    user_id = add_user(engine, email, agency, role)
    with engine.connect() as conn:
        return resolve_viewer(conn, agency=agency, role=role, user_id=user_id)
