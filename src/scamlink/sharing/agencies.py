"""The member agencies of the brief: reference data present in every new database."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Agency:
    code: str
    name: str
    country: str  # ISO 3166-1 alpha-2
    languages: tuple[str, ...]  # BCP 47 language codes, main first


REFERENCE_AGENCIES: tuple[Agency, ...] = (
    Agency("KNPA", "Korean National Police Agency", "KR", ("ko",)),
    Agency("CNP", "Cambodian National Police", "KH", ("km",)),
    Agency("RTP", "Royal Thai Police", "TH", ("th",)),
    Agency("MPS", "Ministry of Public Security, Viet Nam", "VN", ("vi",)),
    Agency("POLRI", "Indonesian National Police", "ID", ("id",)),
    Agency("PNP", "Philippine National Police", "PH", ("fil", "en")),
    Agency("PDRM", "Royal Malaysia Police", "MY", ("ms", "en")),
    Agency("SPF", "Singapore Police Force", "SG", ("en", "zh", "ms")),
    Agency("LPF", "Lao People's Security Force", "LA", ("lo",)),
    Agency("MPF", "Myanmar Police Force", "MM", ("my",)),
    Agency("RBPF", "Royal Brunei Police Force", "BN", ("ms", "en")),
    Agency("ASEANAPOL", "ASEANAPOL Secretariat", "MY", ("en",)),
    Agency("KDESK", "Korea Desk, Phnom Penh (KNPA officers with CNP)", "KH", ("ko", "km")),
)

# Agencies that take victims' reports from the public of one country; the secretariat and
# the desk coordinate rather than receive reports.
REPORTING_AGENCIES: tuple[Agency, ...] = tuple(
    a for a in REFERENCE_AGENCIES if a.code not in {"ASEANAPOL", "KDESK"}
)


def agency_by_code(code: str) -> Agency:
    for agency in REFERENCE_AGENCIES:
        if agency.code == code:
            return agency
    raise KeyError(code)
