"""Reports with indicators, for the lookup's tests (store, service, web, CLI)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Connection, Engine

from scamlink.indicators import Indicator, IndicatorType, parse_field
from scamlink.lookup.live import LiveIndex
from scamlink.reports.model import Report, ReportSource, ReviewStatus, Sighting, SightingRole
from scamlink.sharing.policy import Releases
from scamlink.sharing.tlp import Tlp
from scamlink.store import lookup as store_lookup
from scamlink.store.lookup import CountColumns
from scamlink.store.reports import store_reports
from tests.factories import make_report

OLD = datetime(2025, 1, 1, tzinfo=UTC)  # long before any embargo's cutoff


def recent() -> datetime:
    return datetime.now(UTC) - timedelta(minutes=5)


def phone(value: str) -> Indicator:
    return Indicator(IndicatorType.PHONE, value, value)


def url_keys(raw: str) -> tuple[Indicator, ...]:
    return tuple(parse_field("urls", raw, "KR"))


def add(
    engine: Engine,
    external_id: str,
    keys: tuple[Indicator, ...],
    *,
    agency: str = "KNPA",
    tlp: Tlp = Tlp.CLEAR,
    received_at: datetime = OLD,
    source: ReportSource = ReportSource.POLICE,
    review: ReviewStatus = ReviewStatus.UNVERIFIED,
    releases: Releases | None = None,
    recipients: frozenset[int] = frozenset(),
) -> None:
    report: Report = replace(
        make_report(external_id, agency=agency, tlp=tlp, received_at=received_at),
        sightings=tuple(Sighting(k, SightingRole.CONTACT_PHONE) for k in keys),
        source=source,
        review_status=review,
        recipients=recipients,
    )
    if releases is not None:
        report = replace(report, releases=releases)
    with engine.begin() as conn:
        assert store_reports(conn, [report]).stored == 1


@contextmanager
def held_build(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The full build's column reading waits until the event is set (a long build)."""
    release = threading.Event()
    real = store_lookup.standing_columns

    def slow(conn: Connection, cutoff: datetime) -> Iterator[CountColumns]:
        assert release.wait(10)
        yield from real(conn, cutoff)

    monkeypatch.setattr(store_lookup, "standing_columns", slow)
    try:
        yield release
    finally:
        release.set()


def wait_ready(live: LiveIndex) -> None:
    """The start-up build finished: the index swapped in and its snapshot saved."""
    assert live.wait_built(timeout=20)
