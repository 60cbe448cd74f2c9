from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from scamlink.store.campaigns import (
    absorb_campaigns,
    campaign_of_report,
    campaign_report_ids,
    campaign_sizes,
    create_campaigns,
    lock_for_rebuild,
    put_reports,
    reserve_campaign_ids,
    resolve_campaign,
    stream_reports,
    stream_sightings,
    table_sizes,
)
from scamlink.store.reports import store_reports
from tests.factories import make_report

AT = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)


def test_new_ids_never_reuse_one_that_redirects(engine: Engine) -> None:
    with engine.begin() as conn:
        first, last = create_campaigns(conn, [1, 1])
        absorb_campaigns(conn, {last: first})  # the largest id is gone, but redirects
        (fresh,) = reserve_campaign_ids(conn, 1)
        assert fresh > last
        assert resolve_campaign(conn, last) == first
        assert campaign_sizes(conn, [first, last]) == {first: 1}


def test_put_reports_sets_and_replaces_campaigns(engine: Engine) -> None:
    with engine.begin() as conn:
        ids = store_reports(conn, [make_report("a"), make_report("b")]).report_ids
        one, two = create_campaigns(conn, [2, 0])
        put_reports(conn, [[(ids[0], one), (ids[1], one)]])
        put_reports(conn, [[(ids[1], two)]])
        assert campaign_of_report(conn, ids[0]) == one
        assert campaign_of_report(conn, ids[1]) == two
        assert campaign_report_ids(conn, one) == [ids[0]]


def test_streams_give_every_row_with_exact_times(engine: Engine) -> None:
    with engine.begin() as conn:
        batch = [
            make_report("a", phones=("+821011112222",), received_at=AT),
            make_report("b", phones=("+821011112222", "+821033334444"), received_at=AT),
        ]
        ids = store_reports(conn, batch).report_ids
        lock_for_rebuild(conn)
        assert table_sizes(conn) == (2, 3, 2)
        rows = [row for chunk in stream_reports(conn, chunk=1) for row in chunk]
        micros = int((AT - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds()) * 1_000_000
        micros += AT.microsecond
        assert sorted(tuple(r) for r in rows) == [
            (ids[0], "KNPA", micros),
            (ids[1], "KNPA", micros),
        ]
        pairs = [tuple(p) for chunk in stream_sightings(conn) for p in chunk]
        assert len(pairs) == 3
        assert {p[0] for p in pairs} == set(ids)
