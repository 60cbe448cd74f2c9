from __future__ import annotations

import json

import numpy as np
from sqlalchemy import Engine, select

from scamlink.linking.engine import DuckDBEngine
from scamlink.linking.rebuild import assign_ids, rebuild
from scamlink.linking.rules import LinkPolicy
from scamlink.store.campaigns import (
    campaign_of_report,
    campaign_sizes,
    indicator_stats_of,
    resolve_campaign,
)
from scamlink.store.schema import indicators, reports
from tests.cli.conftest import Invoke
from tests.linking.support import partition, report, store_linked

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
