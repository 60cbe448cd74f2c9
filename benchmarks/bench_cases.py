"""The case board with 100,000 cases: counts per status and each column's first cards.

Builds N cases (bulk SQL, not the service) on SQLite and on PostgreSQL: owners spread over the
reporting agencies and the Korea Desk (KNPA holds a third), statuses, priorities and deadlines
mixed, one case in ten of a Korean national in Cambodia, and 2,000 accepted referrals to KNPA.
Then times `store.case_board.board` (counts + the first 20 cards of every column) for a KNPA
analyst (own cases + referred ones), a CNP investigator and a Korea Desk officer (own + its
nationals in Cambodia), unfiltered and "overdue only", beside the same board with no
visibility rule at all (the peer). Goal (issue 7): ≤ 100 ms. The bulk insert goes through
the database's triggers like any other write, so `case_status_counts` (the own counts) is
kept as it would be in service.
Sizes: BENCH_CASES (default 100,000). PostgreSQL: BENCH_POSTGRES_URL (a database of its own
is created and dropped). CPU time of this process is shown beside wall time: the machine is
shared.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, text

from benchmarks.databases import scratch_postgres, scratch_sqlite
from scamlink.cases import notify
from scamlink.cases.model import BOARD_ORDER, FINISHED, Status
from scamlink.indicators import Indicator, IndicatorType
from scamlink.reports.model import Report, ScamType, Sighting, SightingRole
from scamlink.sharing.agencies import REPORTING_AGENCIES
from scamlink.sharing.roles import Role, Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store.case_board import Filters, board
from scamlink.store.reports import store_reports
from scamlink.store.schema import (
    case_links,
    cases,
    notification_subscriptions,
    referrals,
    sightings,
)

CASES = int(os.environ.get("BENCH_CASES", "100000"))
RUNS = 40
CHUNK = 10_000
NOW = datetime(2026, 11, 29, tzinfo=UTC)
OWNERS = [a.code for a in REPORTING_AGENCIES] + ["KDESK"]
STATUS_MIX = (
    ("new", 8), ("triaged", 8), ("referred", 6), ("accepted", 5), ("in_progress", 20),
    ("resolved", 15), ("closed", 30), ("declined", 5), ("reopened", 3),
)  # fmt: skip
KINDS = ("financial_loss", "person_at_risk", "repatriation", "takedown_request", "freeze_request")


def _rows(n: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(11)
    statuses = [s for s, _ in STATUS_MIX]
    weights = [w for _, w in STATUS_MIX]
    for i in range(1, n + 1):
        owner = "KNPA" if rng.random() < 0.33 else rng.choice(OWNERS)
        status = rng.choices(statuses, weights)[0]
        created = NOW - timedelta(minutes=rng.randrange(365 * 24 * 60))
        due = (
            None
            if Status(status) in FINISHED
            else created + timedelta(hours=rng.choice((1, 4, 24, 72)))
        )
        korean_in_cambodia = rng.random() < 0.1
        yield {
            "id": i,
            "kind": rng.choice(KINDS),
            "title": f"case {i}",
            "summary": "benchmark case",
            "owner_agency": owner,
            "priority": rng.choice(("P1", "P2", "P2", "P3", "P3", "P3", "P4")),
            "status": status,
            "tlp": rng.choice(("GREEN", "AMBER", "AMBER", "AMBER+STRICT")),
            "nationality": "KR" if korean_in_cambodia else rng.choice(("TH", "VN", "ID", "PH")),
            "country": "KH" if korean_in_cambodia else rng.choice(("TH", "MM", "LA", "PH")),
            "created_at": created,
            "updated_at": created,
            "first_response_due": created + timedelta(hours=1),
            "next_update_due": due,
            "next_due": due,
        }


def build(engine: Engine, n: int) -> None:
    rng = random.Random(5)
    with engine.begin() as conn:
        batch: list[dict[str, Any]] = []
        for row in _rows(n):
            batch.append(row)
            if len(batch) >= CHUNK:
                conn.execute(insert(cases), batch)
                batch.clear()
        if batch:
            conn.execute(insert(cases), batch)
        others = conn.execute(
            select(cases.c.id, cases.c.owner_agency, cases.c.created_at).where(
                cases.c.owner_agency != "KNPA"
            )
        ).all()
        chosen = rng.sample(others, min(2000, len(others)))
        conn.execute(
            insert(referrals),
            [
                {
                    "case_id": cid,
                    "from_agency": owner,
                    "to_agency": "KNPA",
                    "message": "please help",
                    "language": "en",
                    "tlp": "AMBER",
                    "include_details": True,
                    "status": "accepted",
                    "created_at": at,
                    "respond_by": at + timedelta(hours=4),
                }
                for cid, owner, at in chosen
            ],
        )
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT setval('cases_id_seq', (SELECT max(id) FROM cases))"))
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()


def _peer(conn: Connection) -> None:
    """The same board with no visibility rule: every case counted, every column's first 20."""
    conn.execute(select(cases.c.status, func.count()).group_by(cases.c.status)).all()
    for status in BOARD_ORDER:
        conn.execute(
            select(cases.c.id, cases.c.title, cases.c.priority)
            .where(cases.c.status == status.value)
            .order_by(cases.c.priority, cases.c.id)
            .limit(21)
        ).all()


def _timed(run: Callable[[], object], runs: int = RUNS) -> tuple[float, float, float]:
    """(median wall ms, p95 wall ms, median CPU ms)."""
    run()
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    walls.sort()
    return statistics.median(walls), walls[int(len(walls) * 0.95) - 1], statistics.median(cpus)


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def measure(engine: Engine, backend: str, n: int) -> list[str]:
    viewers = {
        "KNPA analyst (own + 2,000 referred)": Viewer("KNPA", Role.ANALYST, 1),
        "CNP investigator": Viewer("CNP", Role.INVESTIGATOR, 2),
        "Korea Desk officer (own + KR nationals in KH)": Viewer("KDESK", Role.DESK_OFFICER, 3),
    }
    lines = []
    with engine.connect() as conn:
        peer = _timed(lambda: _peer(conn))
        for who, viewer in viewers.items():
            for label, filters in (("", Filters()), (", overdue only", Filters(overdue_at=NOW))):
                found = board(conn, viewer, filters)
                total = sum(found.counts.values())

                def one(v: Viewer = viewer, f: Filters = filters) -> object:
                    return board(conn, v, f)

                ours = _timed(one)
                goal = "✔" if ours[0] <= 100 else "✘"
                lines.append(
                    f"| board (counts + 20 cards × 9 columns) of {n:,} cases, {backend}, {who}"
                    f"{label}: {total:,} visible | median {ours[0]:.1f} ms, p95 {ours[1]:.1f} ms"
                    f" (CPU {ours[2]:.1f} ms; load {_load()}) | no visibility rule: median "
                    f"{peer[0]:.1f} ms | ×{ours[0] / peer[0]:.1f} | ≤ 100 ms {goal} |"
                )
    return lines


def _hook(engine: Engine, backend: str) -> list[str]:
    """The notifications' hook on a stored batch of 1,000 reports (`cases.notify
    .reports_stored`, run by intake and by every bulk-import batch): one set-based query
    against the cases' indicator links, without a match, with 1,000 matching links and nobody
    subscribed, and with every agency subscribed (visibility checked, messages written)."""
    reports = [
        Report(
            agency="KNPA",
            external_id=f"bench-hook-{i}",
            received_at=NOW,
            incident_date=None,
            victim_country="KR",
            language="ko",
            scam_type=ScamType.INVESTMENT,
            loss_amount=None,
            loss_currency=None,
            narrative="",
            tlp=Tlp.GREEN,
            sightings=(
                Sighting(
                    Indicator(IndicatorType.PHONE, f"+8210{i:08d}", f"+8210{i:08d}"),
                    SightingRole.CONTACT_PHONE,
                ),
            ),
        )
        for i in range(1000)
    ]
    with engine.begin() as conn:
        ids = store_reports(conn, reports).report_ids
    lines = []
    labels = (
        "no case links a sighted indicator",
        "1,000 of its indicators on cases, nobody subscribed",
        "1,000 of its indicators on cases, every agency subscribed",
    )
    for label in labels:
        if label == labels[2]:
            with engine.begin() as conn:
                conn.execute(
                    insert(notification_subscriptions),
                    [
                        {"agency": a, "channel": "webhook", "target": "https://hook.test/",
                         "secret": "whsec_bench", "events": "case.report_matched",
                         "language": "en", "created_at": NOW}
                        for a in OWNERS
                    ],
                )  # fmt: skip
        if label == labels[1]:
            with engine.begin() as conn:
                sighted = conn.execute(
                    select(sightings.c.indicator_id).where(sightings.c.report_id.in_(ids))
                ).scalars()
                on = conn.execute(select(cases.c.id).order_by(cases.c.id.desc()).limit(1000))
                conn.execute(
                    insert(case_links),
                    [
                        {"case_id": c, "kind": "indicator", "target_id": i, "role": "related",
                         "added_at": NOW}
                        for c, i in zip(on.scalars(), sighted, strict=False)
                    ],
                )  # fmt: skip

        def run(label: str = label) -> object:
            with engine.connect() as conn:
                told = notify.reports_stored(conn, ids, NOW)
                conn.rollback()  # the messages written are not kept
            return told

        told = run()
        wall, p95, cpu = _timed(run, 10)
        lines.append(
            f"| report hook, batch of 1,000 reports, {backend}, {label}: {told} told |"
            f" median {wall:.1f} ms, p95 {p95:.1f} ms (CPU {cpu:.1f} ms; load {_load()}) |"
        )
    return lines


def _built_and_measured(engine: Engine, backend: str, n: int) -> list[str]:
    began = time.perf_counter()
    build(engine, n)
    print(f"# {backend}: built {n:,} cases in {time.perf_counter() - began:.0f} s", flush=True)
    return measure(engine, backend, n) + _hook(engine, backend)


def run() -> list[str]:
    with scratch_sqlite("scamlink-bench-cases-") as engine:
        lines = _built_and_measured(engine, "SQLite", CASES)
    with scratch_postgres("scamlink_bench_") as engine:
        return lines + _built_and_measured(engine, "PostgreSQL", CASES)


if __name__ == "__main__":
    print(*run(), sep="\n")
