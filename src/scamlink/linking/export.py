"""Campaigns as whole records for scripts (`scamlink campaigns --json`): the CLI contract.

Each campaign: its id, size, members as "AGENCY:external_id", the victims' countries and the
loss in US dollars at the reference rates (`reference_rates`; a currency without a rate adds
nothing). Built from the store's stream in campaign order, one campaign in memory at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from typing import Any

from scamlink.linking.reference_rates import usd_per_unit
from scamlink.store.campaign_export import CampaignMember

_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class CampaignRecord:
    id: int
    members: list[str]
    countries: list[str]
    loss_usd: Decimal

    @property
    def size(self) -> int:
        return len(self.members)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "size": self.size,
            "members": self.members,
            "countries": self.countries,
            "loss_usd": float(self.loss_usd),
        }


def campaign_records(
    members: Iterable[CampaignMember], rates: Mapping[str, Decimal] | None = None
) -> Iterator[CampaignRecord]:
    """Group a stream ordered by campaign id into one record per campaign."""
    per_unit = usd_per_unit() if rates is None else rates
    for campaign_id, group in groupby(members, key=lambda m: m.campaign_id):
        names: list[str] = []
        countries: set[str] = set()
        loss = Decimal(0)
        for member in group:
            names.append(f"{member.agency}:{member.external_id}")
            countries.add(member.victim_country)
            rate = per_unit.get(member.loss_currency or "")
            if member.loss_amount is not None and rate is not None:
                loss += member.loss_amount * rate
        yield CampaignRecord(campaign_id, names, sorted(countries), loss.quantize(_CENT))
