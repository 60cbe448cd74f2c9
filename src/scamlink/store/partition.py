"""The store's partition of reports into campaigns, streamed for measuring and comparing it.

`report_partition`: every report once, named the way the import and the synthetic world name
it (agency, external id), with the id of the campaign it belongs to now, or None when linking
has not put it in one. `campaign_sightings`: the indicators of chosen campaigns' reports (what
joined them). `lone_reports`: the reports linked to no other, with how many of their
indicators could have linked them.

Operators' tooling: nothing here applies the sharing policy, so no page or API may call it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, case, func, or_, select

from scamlink.store.schema import (
    indicator_stats,
    indicators,
    report_campaigns,
    reports,
    sightings,
)

# Rows fetched per round trip (a server-side cursor on PostgreSQL): memory stays flat.
CHUNK = 10_000


@dataclass(frozen=True, slots=True)
class Placement:
    agency: str
    external_id: str
    campaign_id: int | None


@dataclass(frozen=True, slots=True)
class CampaignSighting:
    campaign_id: int
    agency: str
    external_id: str
    type: str
    value: str
    # Whether the indicator links reports (neither a hub nor on a warninglist) by the figures
    # linking keeps; None when linking has no figures for it.
    links: bool | None


def report_partition(conn: Connection) -> Iterator[Placement]:
    """Every report with its campaign (None when unlinked), in storing order."""
    query = (
        select(reports.c.agency, reports.c.external_id, report_campaigns.c.campaign_id)
        .select_from(reports.outerjoin(report_campaigns))
        .order_by(reports.c.id)
    )
    for row in conn.execution_options(yield_per=CHUNK).execute(query):
        yield Placement(row.agency, row.external_id, row.campaign_id)


def campaign_sightings(
    conn: Connection, campaign_ids: Collection[int]
) -> Iterator[CampaignSighting]:
    """The indicators seen in the reports of the given campaigns: what links them."""
    if not campaign_ids:
        return
    query = (
        select(
            report_campaigns.c.campaign_id,
            reports.c.agency,
            reports.c.external_id,
            indicators.c.type,
            indicators.c.value,
            indicator_stats.c.is_hub,
            indicator_stats.c.warninglist,
            indicator_stats.c.indicator_id.label("has_stats"),
        )
        .select_from(
            report_campaigns.join(reports, reports.c.id == report_campaigns.c.report_id)
            .join(sightings, sightings.c.report_id == reports.c.id)
            .join(indicators, indicators.c.id == sightings.c.indicator_id)
            .outerjoin(indicator_stats, indicator_stats.c.indicator_id == indicators.c.id)
        )
        .where(report_campaigns.c.campaign_id.in_(sorted(campaign_ids)))
        .order_by(report_campaigns.c.campaign_id, reports.c.id, indicators.c.id)
    )
    for row in conn.execution_options(yield_per=CHUNK).execute(query):
        links = None
        if row.has_stats is not None:
            links = not row.is_hub and row.warninglist is None
        yield CampaignSighting(
            row.campaign_id, row.agency, row.external_id, row.type, row.value, links
        )


@dataclass(frozen=True, slots=True)
class LoneReport:
    """A report linked to no other: in no campaign, or alone in its own."""

    agency: str
    external_id: str
    indicators: int  # the indicators it was stored with
    linking: int  # of them, those linking counts (no figures yet counts as linking)


def lone_reports(conn: Connection) -> Iterator[LoneReport]:
    """Every report that shares its campaign with no other report, with how many of its
    indicators could have linked it: why it stands alone."""
    sizes = (
        select(report_campaigns.c.campaign_id, func.count().label("size"))
        .group_by(report_campaigns.c.campaign_id)
        .subquery()
    )
    not_linking = case(
        (or_(indicator_stats.c.is_hub.is_(True), indicator_stats.c.warninglist.is_not(None)), 0),
        else_=1,
    )
    query = (
        select(
            reports.c.agency,
            reports.c.external_id,
            func.count(sightings.c.indicator_id).label("indicators"),
            func.coalesce(
                func.sum(case((sightings.c.indicator_id.is_(None), 0), else_=not_linking)), 0
            ).label("linking"),
        )
        .select_from(
            reports.outerjoin(report_campaigns)
            .outerjoin(sizes, sizes.c.campaign_id == report_campaigns.c.campaign_id)
            .outerjoin(sightings, sightings.c.report_id == reports.c.id)
            .outerjoin(indicator_stats, indicator_stats.c.indicator_id == sightings.c.indicator_id)
        )
        .where(or_(sizes.c.size.is_(None), sizes.c.size == 1))
        .group_by(reports.c.id, reports.c.agency, reports.c.external_id)
        .order_by(reports.c.id)
    )
    for row in conn.execution_options(yield_per=CHUNK).execute(query):
        yield LoneReport(row.agency, row.external_id, int(row.indicators), int(row.linking))
