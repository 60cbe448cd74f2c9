"""Visibility filtering on lists: 50 reports out of N for an analyst with 5 sharing groups.

Builds N reports (bulk SQL, not the import path) with a realistic marking mix and AMBER
releases, on SQLite and on PostgreSQL, then times keyset pages of the listing under the sharing
policy (`store.visibility.list_visible_reports`) beside the same listing with no filter.
Sizes: BENCH_VISIBILITY_REPORTS (default 1,000,000). PostgreSQL: BENCH_POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432/test); a database of its own is created and dropped.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, select, text, tuple_

from benchmarks.databases import scratch_postgres, scratch_sqlite
from scamlink.sharing.agencies import REPORTING_AGENCIES
from scamlink.sharing.groups import SharingGroup
from scamlink.sharing.roles import Role, Viewer
from scamlink.store.markings import add_group, resolve_viewer
from scamlink.store.schema import reports
from scamlink.store.visibility import list_visible_reports

REPORTS = int(os.environ.get("BENCH_VISIBILITY_REPORTS", "1000000"))
PAGES = 300  # timed listings per variant
PAGE = 50
CHUNK = 20_000
# Share of each marking (sums to 1): most exchanged reports are GREEN; AMBER is common.
MIX = (("CLEAR", 0.05), ("GREEN", 0.45), ("AMBER", 0.35), ("AMBER+STRICT", 0.12), ("RED", 0.03))
OWNERS = [a.code for a in REPORTING_AGENCIES]
# Three groups of our own beside the two reference groups: KNPA ends up in five.
EXTRA_GROUPS = (
    SharingGroup("mekong", "Mekong crypto", frozenset({"KNPA", "RTP", "LPF", "MPF", "MPS"})),
    SharingGroup("maritime", "Maritime", frozenset({"KNPA", "PNP", "POLRI", "PDRM"})),
    SharingGroup("kr-asean-crypto", "KR-ASEAN crypto", frozenset({"KNPA", "SPF", "RTP"})),
    SharingGroup("sg-my", "SG-MY", frozenset({"SPF", "PDRM"})),
    SharingGroup("id-ph", "ID-PH", frozenset({"POLRI", "PNP"})),
)
GROUP_IDS = ["kr-kh-desk", "aseanapol-all", *(g.id for g in EXTRA_GROUPS)]
START = datetime(2024, 1, 1, tzinfo=UTC)


def _rows(n: int, seed: int) -> Iterator[tuple[Any, ...]]:
    """(id, agency, external_id, received_at, victim_country, language, scam_type, narrative,
    tlp) in id order, received_at ascending with ties and jitter."""
    rng = random.Random(seed)
    markings = [m for m, _ in MIX]
    weights = [w for _, w in MIX]
    for i in range(1, n + 1):
        received = START + timedelta(seconds=i * 30 + rng.randrange(600))
        yield (
            i,
            rng.choice(OWNERS),
            f"B-{i}",
            received,
            "KR",
            "ko",
            "investment",
            "benchmark report",
            rng.choices(markings, weights)[0],
        )


def _releases(report_id: int, rng: random.Random) -> tuple[list[str], list[str]]:
    agencies = rng.sample(OWNERS, rng.choice((0, 0, 1, 2)))
    groups = rng.sample(GROUP_IDS, rng.choice((0, 1, 1, 2)))
    return agencies, groups


COLUMNS = (
    "id, agency, external_id, received_at, victim_country, language, scam_type, narrative, tlp"
)


def build(engine: Engine, n: int) -> None:
    with engine.begin() as conn:
        for group in EXTRA_GROUPS:
            add_group(conn, group)
    rng = random.Random(7)
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        driver: Any = conn.connection.driver_connection
        batch: list[tuple[Any, ...]] = []
        to_agencies: list[tuple[int, str]] = []
        to_groups: list[tuple[int, str]] = []

        def flush() -> None:
            if postgres:
                with driver.cursor() as cursor:
                    _copy(cursor, f"reports ({COLUMNS})", batch)
                    _copy(cursor, "report_agency_releases (report_id, agency)", to_agencies)
                    _copy(cursor, "report_group_releases (report_id, group_id)", to_groups)
            else:
                cursor = driver.cursor()
                cursor.executemany(
                    "INSERT INTO reports (id, agency, external_id, received_at, victim_country,"
                    " language, scam_type, narrative, tlp) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(*r[:3], r[3].strftime("%Y-%m-%d %H:%M:%S.%f"), *r[4:]) for r in batch],
                )
                cursor.executemany("INSERT INTO report_agency_releases VALUES (?, ?)", to_agencies)
                cursor.executemany("INSERT INTO report_group_releases VALUES (?, ?)", to_groups)
            batch.clear()
            to_agencies.clear()
            to_groups.clear()

        for row in _rows(n, 1):
            batch.append(row)
            if row[8] == "AMBER":
                agencies, groups = _releases(row[0], rng)
                to_agencies.extend((row[0], a) for a in agencies if a != row[1])
                to_groups.extend((row[0], g) for g in groups)
            if len(batch) >= CHUNK:
                flush()
        flush()
        if postgres:
            conn.execute(text("SELECT setval('reports_id_seq', (SELECT max(id) FROM reports))"))
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()


def _copy(cursor: Any, target: str, rows: list[tuple[Any, ...]]) -> None:
    with cursor.copy(f"COPY {target} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _unfiltered(conn: Connection, after: tuple[datetime, int] | None) -> int:
    """The peer: the same listing with no visibility filter at all."""
    query = select(
        reports.c.id,
        reports.c.agency,
        reports.c.external_id,
        reports.c.received_at,
        reports.c.scam_type,
        reports.c.tlp,
    )
    if after is not None:
        query = query.where(tuple_(reports.c.received_at, reports.c.id) < tuple_(*after))
    query = query.order_by(reports.c.received_at.desc(), reports.c.id.desc()).limit(PAGE + 1)
    return len(conn.execute(query).all())


def _timed(run: Callable[[tuple[datetime, int] | None], object], cursors: list[Any]) -> list[float]:
    run(None)  # warm the statement cache
    times = []
    for cursor in cursors:
        began = time.perf_counter()
        run(cursor)
        times.append((time.perf_counter() - began) * 1000)
    return times


def _figures(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


def measure(engine: Engine, backend: str, n: int) -> list[str]:
    rng = random.Random(3)
    span = n * 30
    # The first page, then pages starting anywhere in the list (keyset cursors).
    cursors: list[Any] = [None] * 20 + [
        (START + timedelta(seconds=rng.randrange(span)), n + 1) for _ in range(PAGES - 20)
    ]
    lines = []
    with engine.connect() as conn:
        analyst = resolve_viewer(conn, agency="KNPA", role=Role.ANALYST, user_id=None)
        assert len(analyst.groups) == 5, analyst.groups
        partner = Viewer("KNPA", Role.PARTNER, user_id=None)  # default cap: CLEAR only
        peer = _figures(_timed(lambda c: _unfiltered(conn, c), cursors))
        for who, viewer in (
            ("analyst, 5 sharing groups", analyst),
            ("partner, CLEAR only", partner),
        ):

            def listing(cursor: tuple[datetime, int] | None, viewer: Viewer = viewer) -> object:
                return list_visible_reports(conn, viewer, limit=PAGE, after=cursor)

            ours = _figures(_timed(listing, cursors))
            lines.append(
                f"| list {PAGE} of {n:,} reports, {backend}, {who} | median {ours[0]:.2f} ms, "
                f"p95 {ours[1]:.2f} ms | — | same listing, no visibility filter: median "
                f"{peer[0]:.2f} ms, p95 {peer[1]:.2f} ms | ×{ours[0] / peer[0]:.1f} |"
            )
    return lines


def _built_and_measured(engine: Engine, backend: str, n: int) -> list[str]:
    began = time.perf_counter()
    build(engine, n)
    print(f"# {backend}: built {n:,} reports in {time.perf_counter() - began:.0f} s", flush=True)
    return measure(engine, backend, n)


def run() -> list[str]:
    with scratch_sqlite("scamlink-bench-visibility-") as engine:
        lines = _built_and_measured(engine, "SQLite", REPORTS)
    with scratch_postgres("scamlink_bench_") as engine:
        return lines + _built_and_measured(engine, "PostgreSQL", REPORTS)


if __name__ == "__main__":
    print(*run(), sep="\n")
