from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select

from scamlink.linking.rules import LinkPolicy
from scamlink.reports.model import Report
from scamlink.store.campaigns import (
    campaign_count,
    campaign_of_report,
    campaign_report_ids,
    campaign_sizes,
    indicator_stats_of,
    resolve_campaign,
)
from scamlink.store.schema import campaign_redirects, indicators, reports
from tests.linking.support import partition, report, store_linked

WALLET = "tron=TXYZopYRdj2D9XRtbG411XZZ3kM5VkAeBf"
PHONE_A = "phone=+821011112222"
PHONE_B = "phone=+821033334444"
BANK_HOTLINE = "phone=+8215889999"  # KB Kookmin Bank's customer line: on a warninglist


def _report_id(engine: Engine, external_id: str) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(reports.c.id).where(reports.c.external_id == external_id)
            ).scalar_one()
        )


def _campaign(engine: Engine, external_id: str) -> int:
    with engine.connect() as conn:
        found = campaign_of_report(conn, _report_id(engine, external_id))
    assert found is not None
    return found


def test_every_report_gets_a_campaign_singletons_included(engine: Engine) -> None:
    store_linked(engine, [report("r1", PHONE_A), report("r2"), report("r3", PHONE_B)])
    assert partition(engine) == {
        frozenset({"KNPA:r1"}),
        frozenset({"KNPA:r2"}),
        frozenset({"KNPA:r3"}),
    }
    with engine.connect() as conn:
        assert campaign_count(conn) == 3


def test_reports_sharing_a_specific_indicator_are_one_campaign(engine: Engine) -> None:
    store_linked(engine, [report("r1", PHONE_A, WALLET), report("r2", WALLET)])
    store_linked(engine, [report("r3", PHONE_A, agency="RTP"), report("r4", PHONE_B)])
    assert partition(engine) == {
        frozenset({"KNPA:r1", "KNPA:r2", "RTP:r3"}),
        frozenset({"KNPA:r4"}),
    }
    campaign = _campaign(engine, "r1")
    with engine.connect() as conn:
        assert campaign_sizes(conn, [campaign]) == {campaign: 3}


def test_a_merge_keeps_the_larger_campaigns_id_and_redirects_the_other(engine: Engine) -> None:
    store_linked(engine, [report("big1", PHONE_A), report("big2", PHONE_A)])
    store_linked(engine, [report("small", PHONE_B)])
    big, small = _campaign(engine, "big1"), _campaign(engine, "small")
    store_linked(engine, [report("bridge", PHONE_A, PHONE_B)])
    for name in ("big1", "big2", "small", "bridge"):
        assert _campaign(engine, name) == big
    with engine.connect() as conn:
        assert resolve_campaign(conn, small) == big
        assert resolve_campaign(conn, big) == big
        assert campaign_sizes(conn, [big, small]) == {big: 4}
        assert resolve_campaign(conn, 999_999) is None


def test_on_a_tie_the_smallest_id_survives(engine: Engine) -> None:
    store_linked(engine, [report("a", PHONE_A)])
    store_linked(engine, [report("b", PHONE_B)])
    first, second = _campaign(engine, "a"), _campaign(engine, "b")
    assert first < second
    store_linked(engine, [report("bridge", PHONE_A, PHONE_B)])
    assert _campaign(engine, "b") == first


def test_redirects_stay_resolvable_through_several_merges(engine: Engine) -> None:
    store_linked(engine, [report("a1", PHONE_A), report("a2", PHONE_A), report("a3", PHONE_A)])
    store_linked(engine, [report("b", PHONE_B)])
    store_linked(engine, [report("c", WALLET)])
    a, b, c = (_campaign(engine, n) for n in ("a1", "b", "c"))
    store_linked(engine, [report("bc", PHONE_B, WALLET)])  # b and c merge: b's id survives
    store_linked(engine, [report("abc", PHONE_A, WALLET)])  # then a absorbs b
    with engine.connect() as conn:
        assert {resolve_campaign(conn, x) for x in (a, b, c)} == {a}
        targets = set(conn.execute(select(campaign_redirects.c.new_id)).scalars())
    assert targets == {a}  # kept flat: one hop from any old id


def test_reports_of_one_batch_link_to_each_other(engine: Engine) -> None:
    store_linked(engine, [report("x", PHONE_A), report("y", PHONE_A, WALLET), report("z", WALLET)])
    assert partition(engine) == {frozenset({"KNPA:x", "KNPA:y", "KNPA:z"})}


def test_warninglisted_values_never_link(engine: Engine) -> None:
    store_linked(engine, [report("a", BANK_HOTLINE), report("b", BANK_HOTLINE, agency="RTP")])
    store_linked(engine, [report("c", "domain=facebook.com"), report("d", "domain=facebook.com")])
    assert len(partition(engine)) == 4
    with engine.connect() as conn:
        hotline = conn.execute(
            select(indicators.c.id).where(indicators.c.value == "+8215889999")
        ).scalar_one()
        stats = indicator_stats_of(conn, [hotline])[hotline]
    assert stats.warninglist is not None
    assert stats.report_count == 2
    assert stats.agency_count == 2
    assert not stats.specific


def test_figures_grow_with_each_batch(engine: Engine) -> None:
    store_linked(engine, [report("a", PHONE_A, day=3)])
    store_linked(engine, [report("b", PHONE_A, agency="RTP", day=1), report("c", PHONE_A, day=9)])
    with engine.connect() as conn:
        phone = conn.execute(
            select(indicators.c.id).where(indicators.c.value == "+821011112222")
        ).scalar_one()
        stats = indicator_stats_of(conn, [phone])[phone]
    assert (stats.report_count, stats.agencies) == (3, frozenset({"KNPA", "RTP"}))
    assert stats.span_microseconds == 8 * 86_400 * 1_000_000
    assert not stats.is_hub


TIGHT = LinkPolicy(reports=3, agencies=2, days=1, max_reports=1000)


def test_an_indicator_turning_into_a_hub_splits_the_campaign_it_held(engine: Engine) -> None:
    # Two groups, each held together by its own phone, and joined by a shared wallet.
    store_linked(
        engine,
        [
            report("a1", PHONE_A, WALLET),
            report("a2", PHONE_A),
            report("a3", PHONE_A),
            report("b1", PHONE_B, WALLET, agency="RTP", day=5),
        ],
        TIGHT,
    )
    assert len(partition(engine)) == 1
    campaign = _campaign(engine, "a1")
    # A third report naming the wallet, from a third agency two days later: now a hub.
    store_linked(engine, [report("c", WALLET, agency="SPF", day=7)], TIGHT)
    assert partition(engine) == {
        frozenset({"KNPA:a1", "KNPA:a2", "KNPA:a3"}),
        frozenset({"RTP:b1"}),
        frozenset({"SPF:c"}),
    }
    assert _campaign(engine, "a1") == campaign  # the largest part keeps the id
    with engine.connect() as conn:
        assert campaign_report_ids(conn, campaign) == sorted(
            _report_id(engine, n) for n in ("a1", "a2", "a3")
        )
        assert campaign_sizes(conn, [campaign]) == {campaign: 3}
        assert campaign_count(conn) == 3


def test_a_hub_never_links_later_reports(engine: Engine) -> None:
    hub_policy = LinkPolicy(max_reports=2)
    store_linked(engine, [report("a", WALLET), report("b", WALLET)], hub_policy)
    store_linked(engine, [report("c", WALLET)], hub_policy)
    assert len(partition(engine)) == 3


def test_weak_types_become_hubs_sooner(engine: Engine) -> None:
    policy = LinkPolicy(max_reports=100, weak_max_reports=2)
    domain = "domain=shared-host.example"
    store_linked(engine, [report("a", domain), report("b", domain)], policy)
    store_linked(engine, [report("c", PHONE_A), report("d", PHONE_A)], policy)
    assert partition(engine) == {
        frozenset({"KNPA:a"}),
        frozenset({"KNPA:b"}),
        frozenset({"KNPA:c", "KNPA:d"}),
    }


def test_batches_linked_at_the_same_time_give_the_connected_components(engine: Engine) -> None:
    # Two writers at once, naming values from one shared pool: each batch must see the other's
    # campaigns (linkers take turns), or campaigns sharing a value would stay apart.
    pool = [f"phone=+8210555{n:05d}" for n in range(40)]
    batches = [
        [report(f"w{writer}-b{b}-r{r}", pool[(writer * 7 + b * 5 + r * 3) % 40]) for r in range(4)]
        for writer in range(2)
        for b in range(12)
    ]

    def write(mine: list[list[Report]]) -> None:
        for batch in mine:
            store_linked(engine, batch)

    with ThreadPoolExecutor(max_workers=2) as pool_of_writers:
        done = [pool_of_writers.submit(write, batches[w * 12 : (w + 1) * 12]) for w in range(2)]
        for future in done:
            future.result()
    groups: list[tuple[set[str], set[str]]] = []  # (values, reports), merged as they meet
    for batch in batches:
        for r in batch:
            values = {s.indicator.value for s in r.sightings}
            reports_named = {f"KNPA:{r.external_id}"}
            for group in [g for g in groups if g[0] & values]:
                groups.remove(group)
                values |= group[0]
                reports_named |= group[1]
            groups.append((values, reports_named))
    assert len(groups) > 1
    assert partition(engine) == {frozenset(named) for _, named in groups}


def test_linking_from_the_batch_and_from_the_tables_agree(engine: Engine, tmp_path: Path) -> None:
    """A stored batch hands linking its sightings, indicators and origins (`StoredIds`); a
    plain list of ids makes linking read them back. Both give the same campaigns and figures."""
    from collections.abc import Sequence

    from sqlalchemy import Connection

    from scamlink.linking.incremental import link_reports
    from scamlink.store.engine import open_engine
    from scamlink.store.migrate import upgrade
    from scamlink.store.reports import ReportWriter, StoredIds
    from scamlink.store.schema import indicator_stats

    batches = [
        [
            report("K-1", WALLET, PHONE_A),
            report("K-2", PHONE_B, day=3),
            report("K-3", BANK_HOTLINE),
        ],
        [report("K-4", PHONE_B, PHONE_A, day=9), report("K-5", WALLET, agency="CNP", day=1)],
        [report(f"K-{n}", PHONE_B, agency="PNP", day=n) for n in range(6, 12)],
    ]
    policy = LinkPolicy(reports=4, agencies=2, days=1)  # PHONE_B turns into a hub
    used: list[bool] = []

    def from_batch(conn: Connection, ids: Sequence[int]) -> None:
        used.append(isinstance(ids, StoredIds))
        link_reports(conn, ids, policy)

    def from_tables(conn: Connection, ids: Sequence[int]) -> None:
        link_reports(conn, list(ids), policy)

    def figures(store: Engine) -> list[tuple[object, ...]]:
        def plain(value: object) -> object:  # PostgreSQL's times carry their zone
            if isinstance(value, datetime) and value.tzinfo is not None:
                return value.astimezone(UTC).replace(tzinfo=None)
            return value

        with store.connect() as conn:
            found = conn.execute(
                select(indicators.c.value, indicator_stats).join(
                    indicators, indicators.c.id == indicator_stats.c.indicator_id
                )
            )
            return sorted(tuple(plain(v) for v in (r[0], *r[2:])) for r in found)

    other = open_engine(f"sqlite:///{tmp_path / 'other.db'}")  # read back, on SQLite
    upgrade(other)
    try:
        for batch in batches:
            ReportWriter(engine, on_stored=from_batch).store(batch)
            ReportWriter(other, on_stored=from_tables).store(batch)
        assert used == [True] * len(batches)
        assert partition(engine) == partition(other)
        assert figures(engine) == figures(other)
        assert len(partition(engine)) > 1
    finally:
        other.dispose()
