"""The issue's test: on the synthetic world the incremental partition equals the rebuild's,
whatever order the reports come in, with hubs appearing along the way or not."""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, delete, select

from scamlink.demo import generate
from scamlink.demo.load import world_files
from scamlink.interop.report_csv import read_reports
from scamlink.linking.engine import DuckDBEngine
from scamlink.linking.incremental import link_reports
from scamlink.linking.rebuild import RebuildSummary, rebuild
from scamlink.linking.rules import LinkPolicy
from scamlink.reports.bulk import FileFormat, import_file
from scamlink.reports.model import Report
from scamlink.store.partition import report_partition
from scamlink.store.reports import ReportWriter
from scamlink.store.schema import campaigns, indicator_stats, report_campaigns
from tests.linking.support import partition

DEFAULT = LinkPolicy()
# Low enough that campaigns' own values turn into hubs while the world loads, splitting them.
TIGHT = LinkPolicy(
    reports=8,
    agencies=2,
    days=20,
    max_reports=120,
    weak_reports=5,
    weak_agencies=2,
    weak_days=10,
    weak_max_reports=40,
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("world")
    generate(folder, 3_000, seed=7)
    return folder


def _load_in_file_order(engine: Engine, world: Path, policy: LinkPolicy) -> None:
    def hook(conn: Connection, ids: Sequence[int]) -> None:
        link_reports(conn, ids, policy)

    for agency, path in world_files(world):
        import_file(engine, path, agency, file_format=FileFormat.CSV, on_stored=hook)


def _load_shuffled(engine: Engine, world: Path, policy: LinkPolicy, seed: int) -> None:
    reports: list[Report] = []
    for agency, path in world_files(world):
        with path.open(encoding="utf-8", newline="") as stream:
            reports.extend(row.report for row in read_reports(stream, agency) if row.report)
    random.Random(seed).shuffle(reports)

    def hook(conn: Connection, ids: Sequence[int]) -> None:
        link_reports(conn, ids, policy)

    writer = ReportWriter(engine, on_stored=hook)
    size = random.Random(seed).choice([61, 250])
    # Mostly the chosen size, with a few single reports so batch edges fall everywhere.
    start = 0
    while start < len(reports):
        step = 1 if start % 13 == 0 else size
        writer.store(reports[start : start + step])
        start += step


def _rebuild(engine: Engine, policy: LinkPolicy) -> RebuildSummary:
    with engine.begin() as conn:
        return rebuild(conn, policy=policy, engine=DuckDBEngine(memory_limit="1GB", threads=1))


@pytest.mark.parametrize(
    ("order", "policy"),
    [("file", DEFAULT), ("shuffled-1", DEFAULT), ("shuffled-2", TIGHT), ("file", TIGHT)],
)
def test_incremental_partition_equals_the_rebuild(
    engine: Engine, world: Path, order: str, policy: LinkPolicy
) -> None:
    if order == "file":
        _load_in_file_order(engine, world, policy)
    else:
        _load_shuffled(engine, world, policy, seed=int(order.rpartition("-")[2]))
    incremental = partition(engine)
    assert sum(len(c) for c in incremental) == 3_000
    assert len(incremental) < 3_000  # reports did link

    # The rebuild over the same store changes nothing: same sets, same ids.
    kept = _rebuild(engine, policy)
    assert kept.moved_reports == 0
    assert kept.new_campaigns == 0
    assert kept.redirected == 0
    assert partition(engine) == incremental

    # And from nothing (every campaign and figure gone) it finds the same sets again.
    with engine.begin() as conn:
        for table in (report_campaigns, campaigns, indicator_stats):
            conn.execute(delete(table))
    fresh = _rebuild(engine, policy)
    assert fresh.moved_reports == 3_000
    assert partition(engine) == incremental
    if policy is TIGHT:
        with engine.connect() as conn:
            campaign_hubs = conn.execute(
                select(indicator_stats.c.indicator_id).where(
                    indicator_stats.c.is_hub.is_(True), indicator_stats.c.warninglist.is_(None)
                )
            ).all()
        assert campaign_hubs  # the tight policy did split campaigns along the way


def test_the_bulk_import_links_what_it_stores(engine: Engine, tmp_path: Path) -> None:
    generate(tmp_path / "small", 300, seed=3)
    for agency, path in world_files(tmp_path / "small"):
        import_file(engine, path, agency, file_format=FileFormat.CSV)  # no hook passed
    with engine.connect() as conn:
        unlinked = [p for p in report_partition(conn) if p.campaign_id is None]
    assert unlinked == []
    assert len(partition(engine)) < 300
