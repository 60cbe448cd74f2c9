"""The indicators a report's narrative mentions, added to its sightings.

Every channel (API, form, bulk files) runs this, so a value a victim only wrote in the story
links reports as well as one typed into a field. A value given in a field and also found in the
narrative is one sighting, with the field's role.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from scamlink.indicators import Indicator, IndicatorType
from scamlink.indicators.extract import extract
from scamlink.reports.model import Report, Sighting, SightingRole

IndicatorKey = tuple[str, str]  # (type, canonical value)

# The part an indicator found in a narrative most likely played, by its type.
ROLE_BY_TYPE: dict[IndicatorType, SightingRole] = {
    IndicatorType.PHONE: SightingRole.CONTACT_PHONE,
    IndicatorType.EMAIL: SightingRole.CONTACT_EMAIL,
    IndicatorType.URL: SightingRole.PHISHING_LINK,
    IndicatorType.DOMAIN: SightingRole.PHISHING_LINK,
    IndicatorType.IPV4: SightingRole.PHISHING_LINK,
    IndicatorType.IPV6: SightingRole.PHISHING_LINK,
    IndicatorType.BTC: SightingRole.PAYMENT_WALLET,
    IndicatorType.ETH: SightingRole.PAYMENT_WALLET,
    IndicatorType.TRON: SightingRole.PAYMENT_WALLET,
    IndicatorType.BANK_ACCOUNT: SightingRole.PAYEE_ACCOUNT,
    IndicatorType.TELEGRAM: SightingRole.CONTACT_HANDLE,
    IndicatorType.LINE: SightingRole.CONTACT_HANDLE,
    IndicatorType.KAKAO: SightingRole.CONTACT_HANDLE,
    IndicatorType.WECHAT: SightingRole.CONTACT_HANDLE,
    IndicatorType.ZALO: SightingRole.CONTACT_HANDLE,
}
# The same, as the stored values (`_value_`: the enum property is a Python call per read).
_ROLE_VALUE_BY_TYPE: dict[str, str] = {t._value_: r._value_ for t, r in ROLE_BY_TYPE.items()}
_MENTIONED = SightingRole.MENTIONED._value_


def with_narrative_sightings(
    report: Report, country: str, confirmed: Collection[IndicatorKey] | None = None
) -> Report:
    """The report with what its narrative mentions added (only the `confirmed` keys, when the
    reporter was asked to confirm them)."""
    sightings = {(s.indicator.type.value, s.indicator.value): s for s in report.sightings}
    added = False
    for found in extract(report.narrative, country):
        key = (found.type.value, found.value)
        if key in sightings or (confirmed is not None and key not in confirmed):
            continue
        indicator = Indicator(found.type, found.value, found.display)
        sightings[key] = Sighting(indicator, ROLE_BY_TYPE.get(found.type, SightingRole.MENTIONED))
        added = True
    return replace(report, sightings=tuple(sightings.values())) if added else report


def mentioned_values(narrative: str, country: str) -> list[tuple[str, str, str, str]]:
    """What the narrative mentions, as plain values (type, canonical value, display, role), in
    the order `with_narrative_sightings` adds them: the bulk parser packs these straight into
    its batch (`store.reports.Packer`), which keeps those the report does not already sight."""
    roles = _ROLE_VALUE_BY_TYPE
    values = []
    for found in extract(narrative, country):
        kind = found.type._value_
        values.append((kind, found.value, found.display, roles.get(kind, _MENTIONED)))
    return values
