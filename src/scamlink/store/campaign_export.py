"""Every campaign's reports, streamed in campaign order (for `scamlink campaigns`).

One pass over `report_campaigns` in campaign order (its index), joined to each report's row:
memory stays flat however many campaigns there are.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, select

from scamlink.store.schema import report_campaigns, reports

_CHUNK = 10_000


@dataclass(frozen=True, slots=True)
class CampaignMember:
    campaign_id: int
    agency: str
    external_id: str
    victim_country: str
    loss_amount: Decimal | None
    loss_currency: str | None


def campaign_members(conn: Connection) -> Iterator[CampaignMember]:
    """Every linked report, ordered by campaign id, then report id."""
    rc, r = report_campaigns, reports
    query = (
        select(
            rc.c.campaign_id,
            r.c.agency,
            r.c.external_id,
            r.c.victim_country,
            r.c.loss_amount,
            r.c.loss_currency,
        )
        .join(r, r.c.id == rc.c.report_id)
        .order_by(rc.c.campaign_id, rc.c.report_id)
        .execution_options(yield_per=_CHUNK)
    )
    for row in conn.execute(query):
        yield CampaignMember(
            campaign_id=int(row.campaign_id),
            agency=row.agency,
            external_id=row.external_id,
            victim_country=row.victim_country,
            loss_amount=row.loss_amount,
            loss_currency=row.loss_currency,
        )
