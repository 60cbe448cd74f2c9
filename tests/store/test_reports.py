from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import Engine, Table, func, select
from sqlalchemy.exc import IntegrityError

from scamlink.sharing.policy import Releases
from scamlink.sharing.tlp import Tlp
from scamlink.store.markings import recipients_of, releases_of
from scamlink.store.reports import store_reports
from scamlink.store.schema import indicators, reports, sightings
from tests.factories import add_user, make_report


def _count(engine: Engine, table: Table) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(table)) or 0)


def test_reports_share_one_indicator_row(engine: Engine) -> None:
    with engine.begin() as conn:
        result = store_reports(
            conn,
            [
                make_report("A-1", phones=("+821012345678",)),
                make_report("B-1", agency="RTP", phones=("+821012345678", "+66812345678")),
            ],
        )
    assert (result.stored, result.duplicates) == (2, 0)
    assert _count(engine, reports) == 2
    assert _count(engine, indicators) == 2
    assert _count(engine, sightings) == 3


def test_storing_again_is_a_duplicate_not_a_second_row(engine: Engine) -> None:
    batch = [make_report("A-1", phones=("+821012345678",)), make_report("A-2")]
    with engine.begin() as conn:
        store_reports(conn, batch)
    with engine.begin() as conn:
        again = store_reports(conn, [*batch, make_report("A-3")])
    assert (again.stored, again.duplicates) == (1, 2)
    assert _count(engine, reports) == 3


def test_same_external_id_in_two_agencies_is_two_reports(engine: Engine) -> None:
    with engine.begin() as conn:
        result = store_reports(conn, [make_report("X-1"), make_report("X-1", agency="CNP")])
    assert result.stored == 2


def test_a_failing_batch_leaves_no_half_stored_report(engine: Engine) -> None:
    def two_batches_in_one_transaction() -> None:
        with engine.begin() as conn:
            store_reports(conn, [make_report("ok-1", phones=("+821012345678",))])
            store_reports(conn, [make_report("bad", agency="NO-SUCH-AGENCY")])

    with pytest.raises(IntegrityError):
        two_batches_in_one_transaction()
    assert _count(engine, reports) == 0
    assert _count(engine, indicators) == 0
    assert _count(engine, sightings) == 0


def test_times_keep_their_instant_on_every_backend(engine: Engine) -> None:
    report = make_report("T-1")
    with engine.begin() as conn:
        store_reports(conn, [report])
    with engine.connect() as conn:
        stored = conn.scalar(select(reports.c.received_at))
    assert stored is not None
    assert stored.replace(tzinfo=None) == report.received_at.replace(tzinfo=None)


def test_releases_are_stored_for_amber_and_refused_on_other_markings(engine: Engine) -> None:
    to_rtp = Releases(frozenset({"RTP"}), frozenset({"kr-kh-desk"}))
    amber = replace(make_report("A-1", tlp=Tlp.AMBER), releases=to_rtp)
    green = replace(make_report("G-1", tlp=Tlp.GREEN), releases=to_rtp)
    with engine.begin() as conn:
        assert store_reports(conn, [amber]).stored == 1
        report_id = conn.scalar(select(reports.c.id).where(reports.c.external_id == "A-1"))
        assert report_id is not None
        assert releases_of(conn, report_id) == to_rtp
        with pytest.raises(ValueError, match="releases on a GREEN report"):
            store_reports(conn, [green])


def test_recipients_are_stored_for_red_and_refused_on_other_markings(engine: Engine) -> None:
    kim = add_user(engine, "kim@knpa.test")
    red = replace(make_report("R-1", tlp=Tlp.RED), recipients=frozenset({kim}))
    amber = replace(make_report("A-1", tlp=Tlp.AMBER), recipients=frozenset({kim}))
    with engine.begin() as conn:
        assert store_reports(conn, [red]).stored == 1
        report_id = conn.scalar(select(reports.c.id).where(reports.c.external_id == "R-1"))
        assert report_id is not None
        assert recipients_of(conn, report_id) == frozenset({kim})
        assert store_reports(conn, [red]).duplicates == 1  # a re-import adds no second row
        assert recipients_of(conn, report_id) == frozenset({kim})
        with pytest.raises(ValueError, match="recipients on a AMBER report"):
            store_reports(conn, [amber])
