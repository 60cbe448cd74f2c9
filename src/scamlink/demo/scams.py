"""How each scam type of the taxonomy shows in reports: who it targets, what victims lose and
which kinds of indicator they write down."""

from __future__ import annotations

from dataclasses import dataclass, field

from scamlink.reports.model import ScamType

KINDS: tuple[str, ...] = ("phones", "urls", "emails", "wallets", "bank_accounts", "handles")


@dataclass(frozen=True, slots=True)
class ScamProfile:
    scam_type: ScamType
    weight: float  # share of campaigns
    loss_factor: float  # times the country's median loss
    no_loss: float  # share of reports made before any money went (attempts, near misses)
    report_delay_days: tuple[int, int]  # incident to report, shortest and longest
    usdt_share: float  # share of losses paid in USDT
    # For each indicator kind (KINDS order): chance a report has one value, then a second.
    values: tuple[tuple[float, float], ...]
    # Multipliers of the countries' target weights for this type.
    targets: dict[str, float] = field(default_factory=dict)


PROFILES: dict[ScamType, ScamProfile] = {
    p.scam_type: p
    for p in (
        ScamProfile(
            ScamType.INVESTMENT,
            16,
            4.0,
            0.04,
            (3, 120),
            0.45,
            ((0.3, 0.1), (0.75, 0.2), (0.08, 0.0), (0.8, 0.35), (0.4, 0.15), (0.85, 0.35)),
            {"KR": 1.4, "SG": 1.6, "MY": 1.3, "TH": 1.1},
        ),
        ScamProfile(
            ScamType.ROMANCE,
            9,
            3.0,
            0.05,
            (7, 150),
            0.35,
            ((0.4, 0.1), (0.3, 0.05), (0.1, 0.0), (0.55, 0.2), (0.5, 0.2), (0.9, 0.3)),
            {"KR": 1.3, "SG": 1.2, "MY": 1.2, "PH": 1.1},
        ),
        ScamProfile(
            ScamType.JOB_TASK,
            14,
            1.0,
            0.06,
            (1, 45),
            0.3,
            ((0.4, 0.1), (0.65, 0.15), (0.2, 0.02), (0.4, 0.1), (0.65, 0.25), (0.95, 0.4)),
            {"VN": 1.6, "ID": 1.6, "PH": 1.6, "TH": 1.3, "MM": 1.5, "LA": 1.4, "KH": 1.3},
        ),
        ScamProfile(
            ScamType.IMPERSONATION_AUTHORITY,
            13,
            3.0,
            0.08,
            (0, 10),
            0.08,
            ((0.95, 0.45), (0.25, 0.03), (0.02, 0.0), (0.1, 0.0), (0.8, 0.25), (0.3, 0.05)),
            {"KR": 3.5, "TH": 1.6, "VN": 1.3, "MY": 1.3, "SG": 1.2},
        ),
        ScamProfile(
            ScamType.IMPERSONATION_BUSINESS,
            12,
            0.8,
            0.2,
            (0, 7),
            0.02,
            ((0.7, 0.2), (0.85, 0.1), (0.05, 0.0), (0.03, 0.0), (0.5, 0.1), (0.15, 0.02)),
            {"KR": 1.6, "TH": 1.4, "SG": 1.2, "MY": 1.2},
        ),
        ScamProfile(
            ScamType.LOAN,
            8,
            0.25,
            0.1,
            (0, 30),
            0.02,
            ((0.8, 0.3), (0.6, 0.1), (0.05, 0.0), (0.02, 0.0), (0.8, 0.3), (0.5, 0.1)),
            {"ID": 2.2, "PH": 1.7, "VN": 1.6, "KR": 1.0, "TH": 1.2},
        ),
        ScamProfile(
            ScamType.SEXTORTION,
            4,
            0.4,
            0.25,
            (0, 10),
            0.15,
            ((0.5, 0.1), (0.3, 0.0), (0.1, 0.0), (0.3, 0.0), (0.6, 0.1), (0.75, 0.2)),
            {"KR": 1.7, "PH": 1.3, "SG": 1.2},
        ),
        ScamProfile(
            ScamType.PHISHING,
            10,
            0.6,
            0.4,
            (0, 14),
            0.02,
            ((0.3, 0.05), (0.95, 0.25), (0.3, 0.05), (0.05, 0.0), (0.2, 0.03), (0.1, 0.0)),
            {"SG": 1.4, "MY": 1.3, "TH": 1.2, "KR": 1.1},
        ),
        ScamProfile(
            ScamType.ECOMMERCE,
            8,
            0.05,
            0.1,
            (1, 40),
            0.02,
            ((0.5, 0.1), (0.7, 0.1), (0.2, 0.0), (0.05, 0.0), (0.7, 0.15), (0.6, 0.15)),
            {"SG": 1.5, "MY": 1.3, "TH": 1.3, "PH": 1.2, "ID": 1.2},
        ),
        ScamProfile(
            ScamType.CRYPTO_THEFT,
            4,
            2.0,
            0.1,
            (0, 20),
            0.6,
            ((0.1, 0.0), (0.9, 0.2), (0.1, 0.0), (0.95, 0.45), (0.05, 0.0), (0.6, 0.15)),
            {"KR": 1.4, "SG": 1.5, "VN": 1.3, "TH": 1.2},
        ),
        ScamProfile(
            ScamType.OTHER,
            2,
            0.5,
            0.15,
            (0, 30),
            0.1,
            ((0.6, 0.1), (0.3, 0.05), (0.1, 0.0), (0.2, 0.0), (0.5, 0.1), (0.4, 0.1)),
        ),
    )
}
