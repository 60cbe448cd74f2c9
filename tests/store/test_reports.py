"""Storing report batches: ids of what was stored, and work committed with the batch."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC

import pytest
from sqlalchemy import Connection, Engine, func, select

from scamlink.reports.model import ReportSource, ReviewStatus
from scamlink.store.reports import ReportWriter
from scamlink.store.schema import indicators, reports, sightings
from scamlink.store.stats import total_reports
from tests.factories import make_report


def test_the_hook_sees_the_ids_of_new_reports_only(engine: Engine) -> None:
    seen: list[list[int]] = []

    def hook(conn: Connection, ids: Sequence[int]) -> None:
        stored = conn.execute(select(reports.c.id).where(reports.c.id.in_(ids))).scalars()
        assert sorted(stored) == sorted(ids)  # visible inside the batch's transaction
        seen.append(list(ids))

    writer = ReportWriter(engine, on_stored=hook)
    first = writer.store([make_report("A-1"), make_report("A-2")])
    again = writer.store([make_report("A-1"), make_report("A-3")])
    assert (len(first.report_ids), len(again.report_ids)) == (2, 1)
    assert seen == [first.report_ids, again.report_ids]


def test_a_failing_hook_rolls_the_batch_back(engine: Engine) -> None:
    def hook(conn: Connection, ids: Sequence[int]) -> None:
        raise RuntimeError("linking failed")

    with pytest.raises(RuntimeError):
        ReportWriter(engine, on_stored=hook).store([make_report("B-1")])
    with engine.connect() as conn:
        assert total_reports(conn) == 0


def test_source_and_review_status_are_stored(engine: Engine) -> None:
    report = replace(
        make_report("C-1"), source=ReportSource.PUBLIC, review_status=ReviewStatus.VERIFIED
    )
    ReportWriter(engine).store([report])
    with engine.connect() as conn:
        row = conn.execute(select(reports.c.source, reports.c.review_status)).one()
    assert tuple(row) == ("public", "verified")


def test_indicators_stored_by_an_earlier_import_are_found_not_duplicated(engine: Engine) -> None:
    # A new writer has no memory of ids: the existing indicators must be looked up.
    ReportWriter(engine).store([make_report("D-1", phones=("+821011112222", "+821033334444"))])
    result = ReportWriter(engine).store(
        [make_report("D-2", phones=("+821011112222", "+821055556666"))]
    )
    assert result.stored == 1
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(indicators)) == 3
        linked = conn.execute(
            select(reports.c.external_id, indicators.c.value)
            .join(sightings, sightings.c.report_id == reports.c.id)
            .join(indicators, indicators.c.id == sightings.c.indicator_id)
            .order_by(reports.c.external_id, indicators.c.value)
        ).all()
    assert [tuple(row) for row in linked] == [
        ("D-1", "+821011112222"),
        ("D-1", "+821033334444"),
        ("D-2", "+821011112222"),
        ("D-2", "+821055556666"),
    ]


def test_a_batch_repeating_a_report_and_missing_optional_fields_is_stored_once(
    engine: Engine,
) -> None:
    bare = replace(make_report("E-1"), incident_date=None, loss_amount=None, loss_currency=None)
    result = ReportWriter(engine).store([bare, bare, make_report("E-2")])
    assert (result.stored, result.duplicates, len(result.report_ids)) == (2, 1, 2)
    with engine.connect() as conn:
        row = conn.execute(
            select(reports.c.incident_date, reports.c.loss_amount, reports.c.received_at).where(
                reports.c.external_id == "E-1"
            )
        ).one()
    assert (row.incident_date, row.loss_amount) == (None, None)
    assert row.received_at.replace(tzinfo=UTC) == bare.received_at


def test_a_stored_batch_carries_what_the_tables_say_of_it(engine: Engine) -> None:
    """`StoredIds`: the sightings, indicators and origins linking reads from it are the rows
    just written, as the database reads them back (a time with an offset included)."""
    from datetime import datetime, timedelta, timezone

    from scamlink.indicators import Indicator, IndicatorType
    from scamlink.reports.model import Sighting, SightingRole
    from scamlink.store import campaigns as rows
    from scamlink.store.reports import StoredIds

    phone = Indicator(IndicatorType.PHONE, "+821011112222", "010-1111-2222")
    wallet = Indicator(IndicatorType.TRON, "TXYZopYRdj2D9XRtbG411XZZ3kM5VkAeBf", "TXYZ")
    bangkok = timezone(timedelta(hours=7))
    batch = [
        replace(
            make_report("F-1", received_at=datetime(2025, 3, 1, 8, 0, 0, 250, tzinfo=UTC)),
            sightings=(Sighting(phone, SightingRole.CONTACT_PHONE),),
        ),
        replace(
            make_report("F-2", received_at=datetime(2025, 3, 1, 8, 0, tzinfo=bangkok)),
            sightings=(
                Sighting(phone, SightingRole.MENTIONED),
                Sighting(wallet, SightingRole.PAYMENT_WALLET),
            ),
        ),
    ]
    writer = ReportWriter(engine)
    writer.store([make_report("F-0")])
    seen: list[StoredIds] = []

    def hook(conn: Connection, ids: Sequence[int]) -> None:
        assert isinstance(ids, StoredIds)
        assert sorted(ids.pairs) == sorted(rows.sightings_of_reports(conn, ids))
        assert ids.origins == rows.report_origins(conn, ids)
        assert ids.indicators == rows.indicator_values(conn, list(ids.indicators))
        assert {i for _, i in ids.pairs} == set(ids.indicators)
        seen.append(ids)

    ReportWriter(engine, on_stored=hook).store(batch)
    ReportWriter(engine, on_stored=hook).store([*batch, make_report("F-3")])  # two repeats
    assert [len(ids) for ids in seen] == [2, 1]
    assert [len(ids.pairs) for ids in seen] == [3, 0]


def test_received_times_read_as_the_database_would(engine: Engine) -> None:
    from datetime import datetime

    from scamlink.store.reports import _received_micros

    assert _received_micros(["1970-01-01 00:00:01.000002"], stored_as_text=True) == [1_000_002]
    assert _received_micros([datetime(1970, 1, 1, 0, 0, 3, tzinfo=UTC)], False) == [3_000_000]
    # Not known exactly: the reader asks the database instead.
    assert _received_micros([datetime(1970, 1, 1)], stored_as_text=False) is None
    assert _received_micros(["1969-12-31 23:59:59.500000"], stored_as_text=True) is None
