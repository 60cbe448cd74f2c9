"""One report as a viewer sees it, its files, and the review queue (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, select

from scamlink.indicators import parse_field
from scamlink.reports.attachments import attach
from scamlink.reports.model import ReportSource, ReviewStatus, Sighting, SightingRole
from scamlink.sharing.roles import Role, Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store.attachments import BlobStore
from scamlink.store.campaign_views import BadCursor
from scamlink.store.report_views import report_view, review_queue, visible_attachment
from scamlink.store.reports import store_reports
from scamlink.store.schema import reports
from tests.web.support import report

START = datetime(2026, 11, 1, tzinfo=UTC)
ANALYST = Viewer("KNPA", Role.ANALYST, 1)
RTP = Viewer("RTP", Role.ANALYST, 2)


def _ids(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {row[0]: row[1] for row in conn.execute(select(reports.c.external_id, reports.c.id))}


def test_a_report_is_seen_whole_by_who_may_see_it_and_not_at_all_by_others(
    engine: Engine, tmp_path: Path
) -> None:
    phone = parse_field("phones", "010-2345-6789", "KR")[0]
    stored = replace(
        report("KNPA", Tlp.AMBER, 1),
        sightings=(Sighting(phone, SightingRole.CONTACT_PHONE),),
        source=ReportSource.PUBLIC,
    )
    with engine.begin() as conn:
        store_reports(conn, [stored])
    report_id = _ids(engine)[stored.external_id]
    blobs = BlobStore(tmp_path / "attachments")
    sha = attach(
        engine, blobs, report_id, filename="a.txt", declared="text/plain", chunks=[b"hello\n"]
    ).sha256
    with engine.connect() as conn:
        view = report_view(conn, ANALYST, report_id)
        assert view is not None
        assert view.head.source == "public"
        assert view.head.review_status is ReviewStatus.UNVERIFIED
        assert [(s.type, s.value, s.role) for s in view.sightings] == [
            ("phone", "+821023456789", "contact_phone")
        ]
        assert view.sightings[0].indicator_id > 0
        assert [(a.sha256, a.size, a.media_type) for a in view.attachments] == [
            (sha, 6, "text/plain")
        ]
        assert visible_attachment(conn, ANALYST, report_id, sha) is not None
        # AMBER without releases: another agency sees nothing, as if it did not exist.
        assert report_view(conn, RTP, report_id) is None
        assert visible_attachment(conn, RTP, report_id, sha) is None
        assert report_view(conn, ANALYST, 999_999) is None
        assert visible_attachment(conn, ANALYST, report_id, "0" * 64) is None


def _queue_world(engine: Engine) -> dict[str, int]:
    plan = [
        ("pub-0", ReportSource.PUBLIC, ReviewStatus.UNVERIFIED, Tlp.AMBER, 0),
        ("pub-1", ReportSource.PUBLIC, ReviewStatus.UNVERIFIED, Tlp.GREEN, 1),
        # Same moment as pub-1: the id breaks the tie.
        ("pub-1b", ReportSource.PUBLIC, ReviewStatus.UNVERIFIED, Tlp.AMBER, 1),
        ("pub-2", ReportSource.PUBLIC, ReviewStatus.UNVERIFIED, Tlp.AMBER_STRICT, 2),
        ("pub-red", ReportSource.PUBLIC, ReviewStatus.UNVERIFIED, Tlp.RED, 3),  # named nobody
        ("pub-done", ReportSource.PUBLIC, ReviewStatus.REJECTED, Tlp.AMBER, 4),
        ("partner-0", ReportSource.PARTNER, ReviewStatus.UNVERIFIED, Tlp.AMBER, 5),
        ("partner-1", ReportSource.PARTNER, ReviewStatus.UNVERIFIED, Tlp.AMBER, 6),
        ("police", ReportSource.POLICE, ReviewStatus.UNVERIFIED, Tlp.AMBER, 7),
    ]
    batch = [
        replace(
            report("KNPA", tlp, n, START + timedelta(hours=hours, microseconds=n)),
            external_id=name,
            source=source,
            review_status=status,
        )
        for n, (name, source, status, tlp, hours) in enumerate(plan)
    ]
    batch.append(replace(report("RTP", Tlp.GREEN, 99, START), source=ReportSource.PUBLIC))
    with engine.begin() as conn:
        store_reports(conn, batch)
    return _ids(engine)


def test_the_queue_is_public_then_partner_newest_first_over_visible_reports(
    engine: Engine,
) -> None:
    ids = _queue_world(engine)
    expected = [ids[n] for n in ("pub-2", "pub-1b", "pub-1", "pub-0", "partner-1", "partner-0")]
    with engine.connect() as conn:
        whole = review_queue(conn, ANALYST, limit=50)
        assert [i.id for i in whole.items] == expected
        assert whole.after is None
        assert whole.waiting == {"public": 4, "partner": 2}
        for size in (1, 2, 3, 4, 5):
            seen: list[int] = []
            after = None
            while True:
                page = review_queue(conn, ANALYST, limit=size, after=after)
                assert len(page.items) <= size
                seen += [i.id for i in page.items]
                if page.after is None:
                    break
                after = page.after
            assert seen == expected, size
        # Another agency's queue holds its own reports only.
        assert [i.id for i in review_queue(conn, RTP).items] == [ids["RTP-GREEN-99"]]


@pytest.mark.parametrize("cursor", ["", "x", "public~yesterday", "police~1", "public~1~2", "a~b"])
def test_a_cursor_the_queue_never_gave_is_refused(engine: Engine, cursor: str) -> None:
    with engine.connect() as conn, pytest.raises(BadCursor):
        review_queue(conn, ANALYST, after=cursor)


def test_the_queue_walks_its_index(engine: Engine) -> None:
    ids = _queue_world(engine)
    statements: list[tuple[str, Any]] = []

    def capture(*args: Any) -> None:
        statement, parameters = args[2], args[3]
        if "ORDER BY" in statement:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        with engine.connect() as conn:
            review_queue(conn, ANALYST, limit=2, after=f"public~{ids['pub-1']}")
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert statements
    index = "ix_reports_agency_review_status_source_received_at_id"
    with engine.connect() as conn:
        for statement, parameters in statements:
            if engine.dialect.name == "sqlite":
                plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
                detail = " ".join(str(row[-1]) for row in plan)
                assert f"USING INDEX {index}" in detail
                assert "TEMP B-TREE" not in detail  # no sort: rows come in index order
                continue
            # PostgreSQL would scan a table this small: forbid that, then the plan must walk the
            # queue's index and need no sort of its own.
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            plan = conn.exec_driver_sql("EXPLAIN " + statement, parameters).all()
            detail = " ".join(str(row[0]) for row in plan)
            assert index in detail, detail
            assert "Sort" not in detail, detail


def test_waiting_reports_are_counted_up_to_the_cap(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scamlink.store import report_views

    _queue_world(engine)
    monkeypatch.setattr(report_views, "WAITING_CAP", 2)
    with engine.connect() as conn:
        assert review_queue(conn, ANALYST).waiting == {"public": 3, "partner": 2}
