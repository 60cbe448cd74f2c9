"""The partition of stored reports into campaigns, streamed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import Connection, Engine, insert, select

from scamlink.store import partition
from scamlink.store.engine import open_engine
from scamlink.store.partition import (
    CampaignSighting,
    LoneReport,
    Placement,
    campaign_sightings,
    lone_reports,
)
from scamlink.store.partition import report_partition as partition_of
from scamlink.store.reports import store_reports
from scamlink.store.schema import (
    campaigns,
    indicator_stats,
    indicators,
    report_campaigns,
    reports,
)
from tests.factories import make_report

NOW = datetime(2026, 3, 2, tzinfo=UTC)


def _campaign(conn: Connection, report_ids: list[int]) -> int:
    campaign_id = conn.execute(
        insert(campaigns)
        .values(report_count=len(report_ids), created_at=NOW, updated_at=NOW)
        .returning(campaigns.c.id)
    ).scalar_one()
    conn.execute(
        insert(report_campaigns),
        [{"report_id": r, "campaign_id": campaign_id} for r in report_ids],
    )
    return int(campaign_id)


def test_every_report_comes_out_once_with_its_campaign_or_none(engine: Engine) -> None:
    with engine.begin() as conn:
        stored = store_reports(
            conn,
            [
                make_report("K-1", phones=("+821012345678",)),
                make_report("K-2", phones=("+821012345678",)),
                make_report("R-1", agency="RTP"),
                make_report("K-3", phones=("+821099998888",)),
            ],
        )
        first, second, _, third = stored.report_ids
        pair = _campaign(conn, [first, second])
        single = _campaign(conn, [third])

    with engine.connect() as conn:
        placements = list(partition_of(conn))

    assert placements == [
        Placement("KNPA", "K-1", pair),
        Placement("KNPA", "K-2", pair),
        Placement("RTP", "R-1", None),
        Placement("KNPA", "K-3", single),
    ]


def test_the_partition_streams_past_one_chunk(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(partition, "CHUNK", 3)
    with engine.begin() as conn:
        store_reports(conn, [make_report(f"S-{i}") for i in range(8)])

    with engine.connect() as conn:
        names = [p.external_id for p in partition_of(conn)]

    assert names == [f"S-{i}" for i in range(8)]


def test_an_empty_store_has_an_empty_partition(engine: Engine) -> None:
    with engine.connect() as conn:
        assert list(partition_of(conn)) == []
        assert list(campaign_sightings(conn, [1, 2])) == []
        assert list(campaign_sightings(conn, [])) == []


def test_the_sightings_of_chosen_campaigns_show_what_links_their_reports(engine: Engine) -> None:
    with engine.begin() as conn:
        first, second, other = store_reports(
            conn,
            [
                make_report("K-1", phones=("+821012345678",)),
                make_report("K-2", phones=("+821012345678", "+821055556666")),
                make_report("K-3", phones=("+821077778888",)),
            ],
        ).report_ids
        pair = _campaign(conn, [first, second])
        _campaign(conn, [other])

    with engine.connect() as conn:
        seen = list(campaign_sightings(conn, {pair}))

    assert seen == [
        CampaignSighting(pair, "KNPA", "K-1", "phone", "+821012345678", None),
        CampaignSighting(pair, "KNPA", "K-2", "phone", "+821012345678", None),
        CampaignSighting(pair, "KNPA", "K-2", "phone", "+821055556666", None),
    ]


@pytest.mark.parametrize(
    ("is_hub", "warninglist", "links"),
    [(False, None, True), (True, None, False), (False, "bank-hotlines", False)],
)
def test_a_sighting_says_whether_its_indicator_links_by_linking_figures(
    engine: Engine, is_hub: bool, warninglist: str | None, links: bool
) -> None:
    with engine.begin() as conn:
        (report_id,) = store_reports(
            conn, [make_report("K-1", phones=("+821012345678",))]
        ).report_ids
        campaign_id = _campaign(conn, [report_id])
        indicator_id = conn.execute(select(indicators.c.id)).scalar_one()
        conn.execute(
            insert(indicator_stats).values(
                indicator_id=indicator_id,
                report_count=1,
                agency_count=1,
                agencies="KNPA",
                first_seen=NOW,
                last_seen=NOW,
                is_hub=is_hub,
                warninglist=warninglist,
            )
        )

    with engine.connect() as conn:
        (seen,) = campaign_sightings(conn, [campaign_id])

    assert seen.links is links


def test_lone_reports_are_those_sharing_their_campaign_with_none(engine: Engine) -> None:
    with engine.begin() as conn:
        first, second, alone, _ = store_reports(
            conn,
            [
                make_report("K-1", phones=("+821012345678",)),
                make_report("K-2", phones=("+821012345678",)),
                make_report("K-3", phones=("+821055556666", "+821077778888")),
                make_report("K-4"),
            ],
        ).report_ids
        _campaign(conn, [first, second])
        _campaign(conn, [alone])
        hub_id = conn.execute(
            select(indicators.c.id).where(indicators.c.value == "+821077778888")
        ).scalar_one()
        conn.execute(
            insert(indicator_stats).values(
                indicator_id=hub_id,
                report_count=500,
                agency_count=9,
                agencies="KNPA",
                first_seen=NOW,
                last_seen=NOW,
                is_hub=True,
            )
        )

    with engine.connect() as conn:
        lone = list(lone_reports(conn))

    assert lone == [LoneReport("KNPA", "K-3", 2, 1), LoneReport("KNPA", "K-4", 0, 0)]


# --- the batch rebuild's reading in columns and writing back ---------------------------------


def _with_indicators(conn: Connection, values: list[tuple[str, str]]) -> dict[str, int]:
    ids = {}
    for kind, value in values:
        ids[value] = int(
            conn.execute(
                insert(indicators)
                .values(type=kind, value=value, display=value)
                .returning(indicators.c.id)
            ).scalar_one()
        )
    return ids


def test_warninglist_candidates_are_exact_entries_domains_and_bare_addresses(
    engine: Engine,
) -> None:
    with engine.begin() as conn:
        ids = _with_indicators(
            conn,
            [
                ("phone", "+8215889999"),
                ("phone", "+821012345678"),
                ("domain", "anything.example"),
                ("url", "https://amazon.com"),
                ("url", "https://amazon.com/"),
                ("url", "https://amazon.com/deal"),
                ("url", "https://amazon.com/?ref=1"),
                ("url", "https://amazon.com?ref=1"),
            ],
        )
        found = list(
            partition.warninglist_candidates(
                conn, {("phone", "+8215889999"), ("phone", "+1")}, ("domain",), ("url",)
            )
        )
    assert sorted(i for i, _, _ in found) == sorted(
        ids[v]
        for v in ("+8215889999", "anything.example", "https://amazon.com", "https://amazon.com/")
    )


def test_indicator_types_come_in_the_order_asked(engine: Engine) -> None:
    with engine.begin() as conn:
        ids = _with_indicators(conn, [("phone", "+821012345678"), ("domain", "a.example")])
        asked = np.array(sorted(ids.values()), dtype=np.int64)
        assert partition.indicator_types(conn, asked) == ["phone", "domain"]
        assert partition.indicator_types(conn, asked[:0]) == []


def test_figures_put_replace_and_drop(engine: Engine) -> None:
    with engine.begin() as conn:
        ids = _with_indicators(conn, [("phone", "+821012345678"), ("domain", "a.example")])
        phone, domain = ids["+821012345678"], ids["a.example"]
        micros = int(NOW.timestamp() * 1_000_000) + 250

        def figures(count: int, hub: bool) -> partition.StoredFigures:
            return partition.StoredFigures(
                ids=np.array([phone, domain], dtype=np.int64),
                report_counts=np.array([count, 1], dtype=np.int64),
                agencies=["KNPA RTP", "KNPA"],
                first_seen=np.array([micros, micros], dtype=np.int64),
                last_seen=np.array([micros + 1, micros], dtype=np.int64),
                hubs=np.array([hub, False]),
                warninglists=[None, "platform-domains"],
            )

        partition.put_figures(conn, figures(2, False))
        partition.put_figures(conn, figures(7, True))  # replaces
        partition.drop_figures(conn, np.array([domain], dtype=np.int64))
        held = [batch for batch in partition.held_figures(conn)]
        got = conn.execute(select(indicator_stats)).one()
    assert (got.indicator_id, got.report_count, got.agency_count, got.agencies, got.is_hub) == (
        phone,
        7,
        2,
        "KNPA RTP",
        True,
    )
    assert got.first_seen.replace(tzinfo=UTC) == NOW + timedelta(microseconds=250)
    assert [column["id"] for column in held] == [[phone]]


def test_the_column_reader_reads_what_is_committed(engine: Engine) -> None:
    with engine.begin() as conn:
        stored = store_reports(
            conn,
            [make_report("K-1", phones=("+821012345678",)), make_report("R-1", agency="RTP")],
        )
        _campaign(conn, list(stored.report_ids))
    reader = partition.ColumnReader.open(engine)
    assert reader is not None
    with reader:
        batches = list(reader.reports())
        sightings = list(reader.sightings())
        held = list(reader.report_campaigns())
    read = sorted(
        (i, code, stamp)
        for ids, codes, received in batches
        for i, code, stamp in zip(ids.tolist(), codes.to_pylist(), received.tolist(), strict=True)
    )
    stamp = int(datetime(2026, 3, 1, 9, 30, tzinfo=UTC).timestamp() * 1e6)
    assert read == [
        (stored.report_ids[0], "KNPA", stamp),
        (stored.report_ids[1], "RTP", stamp),
    ]
    assert [s[0].tolist() for s in sightings] == [[stored.report_ids[0]]]
    assert [h[0].tolist() for h in held] == [list(stored.report_ids)]


def test_the_column_reader_reads_times_sqlite_holds_in_another_form(
    backend: str, engine: Engine
) -> None:
    # SQLAlchemy writes "YYYY-MM-DD HH:MM:SS.ffffff"; a store written otherwise still reads.
    with engine.begin() as conn:
        stored = store_reports(conn, [make_report("K-1"), make_report("K-2")])
        ids = _with_indicators(conn, [("phone", "+821012345678")])
        partition.put_figures(
            conn,
            partition.StoredFigures(
                ids=np.array([ids["+821012345678"]], dtype=np.int64),
                report_counts=np.array([2], dtype=np.int64),
                agencies=["KNPA"],
                first_seen=np.array([0], dtype=np.int64),
                last_seen=np.array([0], dtype=np.int64),
                hubs=np.array([False]),
                warninglists=[None],
            ),
        )
        if backend == "sqlite":
            conn.exec_driver_sql(
                "UPDATE reports SET received_at = '2026-03-01T18:30:00.25+09:00' WHERE id = ?",
                (stored.report_ids[1],),
            )
            conn.exec_driver_sql("UPDATE indicator_stats SET last_seen = 'soon'")
        else:
            conn.execute(
                reports.update()
                .where(reports.c.id == stored.report_ids[1])
                .values(received_at=datetime(2026, 3, 1, 9, 30, 0, 250_000, tzinfo=UTC))
            )
            conn.execute(
                indicator_stats.update().values(
                    last_seen=datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC)
                )
            )
    reader = partition.ColumnReader.open(engine)
    assert reader is not None
    with reader:
        received = dict(
            pair
            for ids_read, _, micros in reader.reports()
            for pair in zip(ids_read.tolist(), micros.tolist(), strict=True)
        )
        (held,) = list(reader.held_figures())
    stamp = int(datetime(2026, 3, 1, 9, 30, tzinfo=UTC).timestamp() * 1e6)
    assert received == {stored.report_ids[0]: stamp, stored.report_ids[1]: stamp + 250_000}
    # A time that does not read comes as -1 µs: it compares as changed and is written again.
    assert held.column("last_seen").cast("int64").to_pylist() == [-1]


def test_an_in_memory_store_has_no_column_reader() -> None:
    engine = open_engine("sqlite://")
    try:
        assert partition.ColumnReader.open(engine) is None
    finally:
        engine.dispose()


def test_a_server_the_reader_cannot_reach_leaves_the_rebuild_its_own_connection() -> None:
    engine = open_engine("postgresql://nobody@127.0.0.1:1/none", check=False)
    try:
        assert partition.ColumnReader.open(engine) is None
    finally:
        engine.dispose()


def test_the_store_stays_sound_after_a_column_reader_closes(engine: Engine) -> None:
    # A second SQLite library in the process (an ADBC driver) dropped the store's own locks
    # when its connection closed: stale reads, then "disk I/O error" on the next connection.
    with engine.begin() as conn:
        store_reports(conn, [make_report("K-1"), make_report("K-2")])
    with engine.connect() as held:  # a connection of the store's, open across the reader's life
        held.execute(select(reports.c.id)).all()
        reader = partition.ColumnReader.open(engine)
        assert reader is not None
        with reader:
            assert sum(len(ids) for ids, _, _ in reader.reports()) == 2
        held.execute(reports.delete().where(reports.c.external_id == "K-2"))
        held.commit()
        reader = partition.ColumnReader.open(engine)
        assert reader is not None
        with reader:
            assert sum(len(ids) for ids, _, _ in reader.reports()) == 1
        with engine.connect() as fresh:
            assert list(fresh.scalars(select(reports.c.external_id))) == ["K-1"]
