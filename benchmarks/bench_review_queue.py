"""The review queue and the report page under the sharing policy (`store.report_views`).

Stores N reports (BENCH_QUEUE_REPORTS, default 200,000) for four agencies through
`store_reports`, one in four from the public and one in four from partners, AMBER and GREEN;
then times, for a KNPA analyst, the queue's first page, a page 200 pages in (keyset), the same
deep page taken with OFFSET (the peer: what paging without a cursor costs), and one report's
page. Median of BENCH_QUEUE_REPEAT runs (default 200) in CPU and wall time; SQLite.

    python -m benchmarks.bench_review_queue
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from scamlink.reports.model import Report, ReportSource, ReviewStatus, ScamType
from scamlink.sharing.roles import Role, Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store import report_views
from scamlink.store.engine import open_engine
from scamlink.store.migrate import upgrade
from scamlink.store.report_views import report_view, review_queue
from scamlink.store.reports import store_reports
from scamlink.store.schema import reports
from scamlink.store.visibility import visible_reports

REPORTS = int(os.environ.get("BENCH_QUEUE_REPORTS", "200000"))
REPEAT = int(os.environ.get("BENCH_QUEUE_REPEAT", "200"))
PAGE = 25
DEEP = 200  # pages in
START = datetime(2025, 1, 1, tzinfo=UTC)
AGENCIES = ("KNPA", "RTP", "CNP", "MPS")
SOURCES = (ReportSource.POLICE, ReportSource.POLICE, ReportSource.PUBLIC, ReportSource.PARTNER)


def _reports(n: int) -> Iterator[Report]:
    for i in range(n):
        yield Report(
            agency=AGENCIES[i % 4],
            external_id=f"Q-{i}",
            received_at=START + timedelta(seconds=7 * i),
            incident_date=None,
            victim_country="KR",
            language="ko",
            scam_type=ScamType.INVESTMENT,
            loss_amount=None,
            loss_currency=None,
            narrative="a report waiting for review " * 4,
            tlp=Tlp.AMBER if i % 3 else Tlp.GREEN,
            source=SOURCES[(i // 4) % 4],
        )


def _time(fn: Callable[[], object]) -> tuple[float, float]:
    """Median wall and CPU milliseconds of REPEAT runs (after one warm-up)."""
    fn()
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(REPEAT):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000


def run() -> list[str]:
    folder = Path(tempfile.mkdtemp(prefix="bench-queue-"))
    engine = open_engine(f"sqlite:///{folder / 'queue.db'}")
    upgrade(engine)
    batch: list[Report] = []
    for item in _reports(REPORTS):
        batch.append(item)
        if len(batch) == 5000:
            with engine.begin() as conn:
                store_reports(conn, batch)
            batch = []
    if batch:
        with engine.begin() as conn:
            store_reports(conn, batch)
    viewer = Viewer("KNPA", Role.ANALYST, 1)
    load = os.getloadavg()[0]
    lines: list[str] = []
    with engine.connect() as conn:
        after = review_queue(conn, viewer, limit=PAGE).after
        for _ in range(DEEP - 1):
            after = review_queue(conn, viewer, limit=PAGE, after=after).after
        some = review_queue(conn, viewer, limit=1).items[0].id

        def offset_page() -> object:
            query = (
                select(reports.c.id, reports.c.external_id, reports.c.narrative)
                .where(
                    reports.c.agency == viewer.agency,
                    reports.c.review_status == ReviewStatus.UNVERIFIED.value,
                    reports.c.source == ReportSource.PUBLIC.value,
                    visible_reports(viewer, per_row=True),
                )
                .order_by(reports.c.received_at.desc(), reports.c.id.desc())
                .offset(PAGE * DEEP)
                .limit(PAGE + 1)
            )
            return conn.execute(query).all()

        first = _time(lambda: review_queue(conn, viewer, limit=PAGE))
        deep = _time(lambda: review_queue(conn, viewer, limit=PAGE, after=after))
        counts = _time(lambda: report_views._waiting(conn, viewer))
        # The rows of the page alone, to set beside the OFFSET peer (which counts nothing).
        keep, report_views._waiting = report_views._waiting, lambda *_: {}
        try:
            rows = _time(lambda: review_queue(conn, viewer, limit=PAGE, after=after))
        finally:
            report_views._waiting = keep
        peer = _time(offset_page)
        page = _time(lambda: report_view(conn, viewer, some))
    engine.dispose()
    lines.append(
        f"| review queue, first page of {PAGE} ({REPORTS:,} reports, SQLite, load {load:.1f}) "
        f"| {first[1]:.1f} ms CPU ({first[0]:.1f} ms wall) | — | — | — |"
    )
    lines.append(
        f"| review queue, page {DEEP + 1} (keyset) | {deep[1]:.1f} ms CPU ({deep[0]:.1f} ms wall)"
        f", of which the two capped waiting counts {counts[1]:.1f} ms CPU | — | — | — |"
    )
    lines.append(
        f"| review queue, page {DEEP + 1}, rows only (keyset) | {rows[1]:.2f} ms CPU "
        f"({rows[0]:.2f} ms wall) | — | the same rows by OFFSET {PAGE * DEEP:,}: {peer[1]:.2f} ms "
        f"CPU ({peer[0]:.2f} ms wall) | {peer[1] / rows[1]:.0f}× less CPU |"
    )
    lines.append(
        f"| report page (`report_view`) | {page[1]:.2f} ms CPU ({page[0]:.2f} ms wall) "
        "| — | — | — |"
    )
    return lines


if __name__ == "__main__":
    print(*run(), sep="\n")
