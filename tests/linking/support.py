"""Builders for linking tests: reports naming given indicators, stored with the linking hook."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine

from scamlink.indicators import Indicator, IndicatorType
from scamlink.linking.incremental import link_reports
from scamlink.linking.rules import LinkPolicy
from scamlink.reports.model import Report, Sighting, SightingRole
from scamlink.store.partition import report_partition
from scamlink.store.reports import BatchResult, ReportWriter
from tests.factories import make_report

START = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)


def report(
    external_id: str,
    *values: str,
    agency: str = "KNPA",
    day: int = 0,
) -> Report:
    """A report naming `values`, each written "type=value" (e.g. "phone=+821012345678")."""
    base = make_report(external_id, agency=agency, received_at=START + timedelta(days=day))
    found = []
    for written in values:
        kind, _, value = written.partition("=")
        found.append(Sighting(Indicator(IndicatorType(kind), value, value), SightingRole.MENTIONED))
    return replace(base, sightings=tuple(found))


def store_linked(
    engine: Engine, batch: Sequence[Report], policy: LinkPolicy | None = None
) -> BatchResult:
    def hook(conn: Connection, ids: Sequence[int]) -> None:
        link_reports(conn, ids, policy or LinkPolicy())

    return ReportWriter(engine, on_stored=hook).store(batch)


def partition(engine: Engine) -> set[frozenset[str]]:
    """The campaigns as sets of "AGENCY:external_id"; a report with no campaign is its own."""
    groups: dict[object, set[str]] = {}
    with engine.connect() as conn:
        for place in report_partition(conn):
            key: object = place.campaign_id
            if key is None:
                key = ("alone", place.agency, place.external_id)
            groups.setdefault(key, set()).add(f"{place.agency}:{place.external_id}")
    return {frozenset(g) for g in groups.values()}
