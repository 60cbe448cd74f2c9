"""Scoring the store's campaigns against a world's truth, on a world small enough to score by
hand, and on a generated one."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, insert, select

from scamlink.demo import generate
from scamlink.demo.load import NotAWorld, load_world, world_files
from scamlink.demo.scoring import Bridge, NotATruthFile, WhyAlone, read_truth, score_world
from scamlink.reports.bulk import import_file
from scamlink.store.reports import store_reports
from scamlink.store.schema import campaigns, indicator_stats, indicators, report_campaigns
from tests.factories import make_report

NOW = datetime(2026, 3, 2, tzinfo=UTC)
PHONE_A = "+821012345678"
PHONE_B = "+821099998888"
TRUTH = """agency,external_id,compound,campaign,victim
KNPA,K-1,KH-SHV-01,C-1,V1
KNPA,K-2,KH-SHV-01,C-1,V2
KNPA,K-3,KH-SHV-01,C-2,V3
RTP,R-1,MM-KKP-01,C-3,V4
RTP,R-2,MM-KKP-01,C-3,V5
"""


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


def _report_files(folder: Path, rows: dict[str, list[tuple[str, str]]]) -> None:
    """The world's report files, cut down to what scoring reads: ids and phones."""
    for agency, phones in rows.items():
        lines = ["external_id,phones", *(f"{e},{p}" for e, p in phones)]
        (folder / f"reports-{agency}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def small_world(engine: Engine, folder: Path) -> int:
    """Truth of five reports; the store holds four of them (R-2 was rejected) and one the
    truth does not know (X-9). K-1..K-3 were linked through PHONE_A, merging C-1 and C-2;
    R-1 stands alone. Returns the merged campaign's id."""
    folder.mkdir(exist_ok=True)
    (folder / "truth.csv").write_text(TRUTH, encoding="utf-8")
    _report_files(
        folder,
        {
            "KNPA": [("K-1", PHONE_A), ("K-2", PHONE_A), ("K-3", f"{PHONE_A};{PHONE_B}")],
            "RTP": [("R-1", ""), ("R-2", "")],
        },
    )
    with engine.begin() as conn:
        k1, k2, k3, _, x9 = store_reports(
            conn,
            [
                make_report("K-1", phones=(PHONE_A,)),
                make_report("K-2", phones=(PHONE_A,)),
                make_report("K-3", phones=(PHONE_A, PHONE_B)),
                make_report("R-1", agency="RTP"),
                make_report("X-9", phones=(PHONE_B,)),
            ],
        ).report_ids
        merged = _campaign(conn, [k1, k2, k3])
        _campaign(conn, [x9])
    return merged


def test_the_small_world_scores_as_computed_by_hand(engine: Engine, tmp_path: Path) -> None:
    merged = small_world(engine, tmp_path / "w")

    score = score_world(engine, tmp_path / "w")

    # Campaigns: K-1, K-2 score 2/3, K-3 1/3, R-1 and R-2 (alone) 1 -> 11/15; recall: C-1
    # whole (1, 1), C-2 whole (1), C-3 split in two (1/2, 1/2) -> 4/5.
    assert score.campaigns.precision == pytest.approx(11 / 15)
    assert score.campaigns.recall == pytest.approx(4 / 5)
    assert (score.campaigns.split, score.campaigns.merged) == (1, 1)
    # Compounds: the merge stayed inside one compound; MM-KKP-01 is split.
    assert score.compounds.precision == pytest.approx(1.0)
    assert score.compounds.recall == pytest.approx(4 / 5)
    assert (score.truth_reports, score.missing, score.unknown, score.unlinked) == (5, 1, 1, 1)
    assert score.alone == 2
    assert score.why_alone == WhyAlone(1, 0, 0, 0)  # R-1 was written with no value
    (worst,) = score.worst_merges
    assert worst.merge.predicted == merged
    assert worst.merge.parts == (("C-1", 2), ("C-2", 1))
    # PHONE_B is only in C-2 among the merge's reports (X-9 is elsewhere): not a bridge.
    assert worst.bridges == (Bridge("phone", PHONE_A, 2, 3, None),)


def test_each_report_alone_is_told_why(engine: Engine, tmp_path: Path) -> None:
    world = tmp_path / "alone"
    world.mkdir()
    (world / "truth.csv").write_text(
        "agency,external_id,compound,campaign,victim\n"
        + "".join(f"KNPA,K-{i},KH-SHV-01,C-1,V{i}\n" for i in range(1, 6)),
        encoding="utf-8",
    )
    hotline, lone_phone = "+8215889999", "+821077776666"
    _report_files(
        world,
        {
            "KNPA": [
                ("K-1", ""),
                ("K-2", "02-12"),
                ("K-3", "1588-9999"),
                ("K-4", "010-7777-6666"),
                ("K-5", "010-7777-6666;1588-9999"),
            ]
        },
    )
    with engine.begin() as conn:
        store_reports(
            conn,
            [
                make_report("K-1"),  # nothing written
                make_report("K-2"),  # "02-12" was left out
                make_report("K-3", phones=(hotline,)),
            ],
        )
        # K-4 and K-5 share a phone nobody else names: linked to each other, not alone.
        k4, k5 = store_reports(
            conn,
            [make_report("K-4", phones=(lone_phone,)), make_report("K-5", phones=(lone_phone,))],
        ).report_ids
        _campaign(conn, [k4, k5])
        hotline_id = conn.execute(
            select(indicators.c.id).where(indicators.c.value == hotline)
        ).scalar_one()
        conn.execute(
            insert(indicator_stats).values(
                indicator_id=hotline_id,
                report_count=40,
                agency_count=6,
                agencies="KNPA",
                first_seen=NOW,
                last_seen=NOW,
                is_hub=False,
                warninglist="bank-hotlines",
            )
        )

    score = score_world(engine, world)

    assert score.alone == 3
    assert score.why_alone == WhyAlone(narrative_only=1, unreadable=1, not_linking=1, unshared=0)

    with engine.begin() as conn:  # K-5 leaves: K-4 keeps a linking phone nobody shares
        conn.execute(report_campaigns.delete().where(report_campaigns.c.report_id == k5))
    assert score_world(engine, world).why_alone == WhyAlone(1, 1, 1, unshared=2)


def test_progress_hears_of_the_reports_read(engine: Engine, tmp_path: Path) -> None:
    small_world(engine, tmp_path / "w")
    heard: list[int] = []
    score_world(engine, tmp_path / "w", progress=heard.append)
    assert heard == [5]  # every stored report, the truth's and X-9


def test_a_generated_world_stored_unlinked_scores_its_campaign_count(
    engine: Engine, tmp_path: Path
) -> None:
    world = tmp_path / "generated"
    summary = generate(world, 400, 2)
    for agency, path in world_files(world):  # a hook that links nothing: every report alone
        import_file(engine, path, agency, on_stored=lambda conn, ids: None)

    score = score_world(engine, world)

    # Every report alone: precision 1, and each true campaign of size s recalls s * 1/s.
    assert score.campaigns.precision == 1.0
    assert score.campaigns.recall == pytest.approx(summary.campaigns / 400)
    assert score.compounds.recall == pytest.approx(summary.compounds / 400)
    assert (score.missing, score.unknown, score.unlinked, score.alone) == (0, 0, 400, 400)
    assert score.worst_merges == ()


def test_a_generated_world_loaded_and_linked_is_scored_whole(
    engine: Engine, tmp_path: Path
) -> None:
    world = tmp_path / "generated"
    generate(world, 400, 2)
    load_world(engine, world)  # the import links every batch

    score = score_world(engine, world)

    assert (score.truth_reports, score.missing, score.unknown, score.unlinked) == (400, 0, 0, 0)
    assert score.campaigns.items == score.compounds.items == 400
    # A compound holds whole campaigns: against it, no report can lose precision.
    assert score.compounds.precision >= score.campaigns.precision
    assert score.campaigns.predicted_clusters < 400  # reports were linked
    assert score.alone < 400


def test_a_folder_without_truth_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(NotAWorld, match=r"truth\.csv does not exist"):
        list(read_truth(tmp_path))


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("agency,external_id\nKNPA,K-1\n", "line 1"),
        ("", "line 1"),
        (TRUTH + "KNPA,K-9,,C-1,V9\n", "line 7"),
        (TRUTH + "KNPA\n", "line 7"),
    ],
)
def test_a_malformed_truth_file_names_its_line(tmp_path: Path, text: str, where: str) -> None:
    (tmp_path / "truth.csv").write_text(text, encoding="utf-8")
    with pytest.raises(NotATruthFile, match=where):
        list(read_truth(tmp_path))
