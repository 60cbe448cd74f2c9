from __future__ import annotations

import json

import numpy as np
from sqlalchemy import Engine, delete, insert, select, update

from scamlink.indicators import Indicator, IndicatorType
from scamlink.indicators.warninglists import warninglist_hit
from scamlink.linking.engine import DuckDBEngine
from scamlink.linking.rebuild import RebuildSummary, StoreSource, assign_ids, rebuild
from scamlink.linking.rules import LinkPolicy
from scamlink.store.campaigns import (
    campaign_of_report,
    campaign_sizes,
    indicator_stats_of,
    resolve_campaign,
)
from scamlink.store.partition import ColumnReader
from scamlink.store.schema import indicator_stats, indicators, reports
from tests.cli.conftest import Invoke
from tests.linking.support import START, partition, report, store_linked

PHONE_A = "phone=+821011112222"
PHONE_B = "phone=+821033334444"
DOMAIN = "domain=shared-host.example"


def _ints(*values: int) -> np.ndarray[tuple[int], np.dtype[np.int64]]:
    return np.array(values, dtype=np.int64)


def test_each_component_keeps_the_id_most_of_its_reports_hold() -> None:
    labels = _ints(0, 0, 0, 1, 1)
    previous = _ints(7, 7, 9, 9, 9)
    got = assign_ids(labels, previous)
    assert got.kept == {1: 9, 0: 7}
    assert got.redirected == {}


def test_a_merged_id_redirects_and_ties_go_to_the_smaller_id() -> None:
    got = assign_ids(_ints(0, 0, 0, 0), _ints(5, 5, 3, 3))
    assert got.kept == {0: 3}
    assert got.redirected == {5: 0}


def test_a_split_id_stays_with_the_larger_part_and_the_other_part_gets_none() -> None:
    got = assign_ids(_ints(0, 1, 1, 2), _ints(4, 4, 4, -1))
    assert got.kept == {1: 4}
    assert got.redirected == {}


def test_nothing_held_nothing_kept() -> None:
    got = assign_ids(_ints(0, 1), _ints(-1, -1))
    assert (got.kept, got.redirected) == ({}, {})


def _rebuild(engine: Engine, policy: LinkPolicy) -> None:
    with engine.begin() as conn:
        rebuild(conn, policy=policy, engine=DuckDBEngine(memory_limit="512MB", threads=1))


def _campaign(engine: Engine, external_id: str) -> int:
    with engine.connect() as conn:
        rid = conn.execute(select(reports.c.id).where(reports.c.external_id == external_id))
        found = campaign_of_report(conn, rid.scalar_one())
    assert found is not None
    return found


def test_a_rebuild_under_a_looser_policy_merges_and_redirects(engine: Engine) -> None:
    strict = LinkPolicy(weak_max_reports=2)  # the domain, named three times, is a hub
    store_linked(
        engine,
        [report("a1", PHONE_A, DOMAIN), report("a2", PHONE_A), report("b", DOMAIN)],
        strict,
    )
    store_linked(engine, [report("c", DOMAIN)], strict)
    assert len(partition(engine)) == 3
    a, b, c = (_campaign(engine, n) for n in ("a1", "b", "c"))
    _rebuild(engine, LinkPolicy())
    assert partition(engine) == {frozenset({"KNPA:a1", "KNPA:a2", "KNPA:b", "KNPA:c"})}
    with engine.connect() as conn:
        assert {resolve_campaign(conn, x) for x in (a, b, c)} == {a}
        assert campaign_sizes(conn, [a, b, c]) == {a: 4}
        domain = conn.execute(
            select(indicators.c.id).where(indicators.c.value == DOMAIN.partition("=")[2])
        ).scalar_one()
        figures = indicator_stats_of(conn, [domain])[domain]
    assert (figures.report_count, figures.is_hub, figures.specific) == (3, False, True)


def test_a_rebuild_under_a_stricter_policy_splits_keeping_the_larger_parts_id(
    engine: Engine,
) -> None:
    store_linked(
        engine,
        [
            report("a1", PHONE_A, DOMAIN),
            report("a2", PHONE_A),
            report("b1", PHONE_B, DOMAIN),
            report("b2", PHONE_B),
            report("b3", PHONE_B),
        ],
    )
    whole = _campaign(engine, "a1")
    _rebuild(engine, LinkPolicy(weak_max_reports=2))  # the shared domain becomes a hub
    assert partition(engine) == {
        frozenset({"KNPA:a1", "KNPA:a2"}),
        frozenset({"KNPA:b1", "KNPA:b2", "KNPA:b3"}),
    }
    assert _campaign(engine, "b1") == whole
    assert _campaign(engine, "a1") != whole


def test_the_rebuild_command_prints_its_summary(invoke: Invoke, engine: Engine) -> None:
    store_linked(engine, [report("a", PHONE_A), report("b", PHONE_A), report("c")])
    result = invoke("link", "rebuild", "--json", "--memory-limit", "256MB")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["reports"] == 3
    assert summary["campaigns"] == 2
    assert summary["moved_reports"] == 0


def test_an_empty_store_rebuilds_to_nothing(engine: Engine) -> None:
    with engine.begin() as conn:
        summary = rebuild(conn, engine=DuckDBEngine(memory_limit="256MB", threads=1))
    assert (summary.reports, summary.campaigns, summary.moved_reports) == (0, 0, 0)


# --- the column reader (ADBC) and writing back only what changed ----------------------------

LISTED = (
    "domain=shop.amazon.com",  # a subdomain of a listed platform domain
    "url=https://amazon.com/",  # a root address on it
    "phone=+601300886688",  # a bank hotline (exact)
)
NOT_LISTED = ("url=https://amazon.com/scam-page", "domain=amazon-refund.example")


def _world(engine: Engine) -> None:
    store_linked(
        engine,
        [
            report("a1", PHONE_A, *LISTED),
            report("a2", PHONE_A, NOT_LISTED[0], agency="RTP", day=3),
            report("b1", PHONE_B, *LISTED, day=5),
            report("b2", PHONE_B, NOT_LISTED[1], agency="PNP", day=9),
            report("c", *NOT_LISTED, day=11),
            report("d"),
        ],
    )


def _figures(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        found = conn.execute(select(indicator_stats).order_by(indicator_stats.c.indicator_id)).all()
    return [tuple(row) for row in found]


def _rebuild_read(engine: Engine, **options: int) -> RebuildSummary:
    reader = ColumnReader.open(engine)
    assert reader is not None
    with reader, engine.begin() as conn:
        return rebuild(
            conn, engine=DuckDBEngine(memory_limit="512MB", threads=1, **options), reader=reader
        )


def test_a_rebuild_through_the_column_reader_finds_what_the_incremental_path_kept(
    engine: Engine,
) -> None:
    _world(engine)
    before, figures = partition(engine), _figures(engine)
    summary = _rebuild_read(engine)
    assert (summary.moved_reports, summary.new_campaigns, summary.changed_figures) == (0, 0, 0)
    assert summary.warninglisted == 3
    assert partition(engine) == before
    assert _figures(engine) == figures


def test_only_changed_figures_are_written_and_stale_ones_removed(engine: Engine) -> None:
    _world(engine)
    figures = _figures(engine)
    first, second = figures[0][0], figures[1][0]
    with engine.begin() as conn:
        conn.execute(
            update(indicator_stats)
            .where(indicator_stats.c.indicator_id == first)
            .values(report_count=99, agencies="XX")
        )
        conn.execute(delete(indicator_stats).where(indicator_stats.c.indicator_id == second))
        stale = conn.execute(
            insert(indicators).values(type="phone", value="+821000000000", display="x")
        ).inserted_primary_key
        assert stale is not None
        conn.execute(
            insert(indicator_stats).values(
                indicator_id=stale[0],
                report_count=1,
                agency_count=1,
                agencies="KNPA",
                first_seen=START,
                last_seen=START,
                is_hub=False,
                warninglist=None,
            )
        )
    summary = _rebuild_read(engine)
    assert summary.changed_figures == 3  # one rewritten, one written again, one removed
    assert _figures(engine) == figures


def test_agencies_beyond_a_mask_are_joined_as_text_with_the_same_figures(engine: Engine) -> None:
    _world(engine)
    figures = _figures(engine)
    with engine.begin() as conn:
        conn.execute(delete(indicator_stats))
    summary = _rebuild_read(engine, mask_agencies=0)
    assert summary.changed_figures == len(figures)
    assert _figures(engine) == figures


def test_both_ways_of_reading_give_the_same_rebuild(engine: Engine) -> None:
    _world(engine)
    strict = LinkPolicy(max_reports=2, weak_max_reports=2)  # the phones turn into hubs
    with engine.begin() as conn:
        plain = rebuild(conn, policy=strict, engine=DuckDBEngine(memory_limit="256MB", threads=1))
    split, figures = partition(engine), _figures(engine)
    _rebuild(engine, LinkPolicy())  # back together
    reader = ColumnReader.open(engine)
    assert reader is not None
    with reader, engine.begin() as conn:
        read = rebuild(
            conn,
            policy=strict,
            engine=DuckDBEngine(memory_limit="256MB", threads=1),
            reader=reader,
        )
    assert (read.campaigns, read.hubs, read.warninglisted) == (
        plain.campaigns,
        plain.hubs,
        plain.warninglisted,
    )
    assert partition(engine) == split
    assert _figures(engine) == figures


def test_the_warninglist_candidates_hold_every_listed_indicator(engine: Engine) -> None:
    _world(engine)
    with engine.connect() as conn:
        every = conn.execute(select(indicators.c.id, indicators.c.type, indicators.c.value)).all()
        listed = StoreSource(conn).warninglisted()
    expected = {
        row.id
        for row in every
        if warninglist_hit(Indicator(IndicatorType(row.type), row.value, row.value))
    }
    assert set(listed.ids.tolist()) == expected
    assert len(expected) == 3
