"""The case board with 100,000 cases: counts per status and each column's first cards.

Builds N cases (bulk SQL, not the service) on SQLite and on PostgreSQL: owners spread over the
reporting agencies and the Korea Desk (KNPA holds a third), statuses, priorities and deadlines
mixed, one case in ten of a Korean national in Cambodia, and 2,000 accepted referrals to KNPA.
Then times `store.case_board.board` (counts + the first 20 cards of every column) for a KNPA
analyst (own cases + referred ones), a CNP investigator and a Korea Desk officer (own + its
nationals in Cambodia), unfiltered and "overdue only", beside the same board with no
visibility rule at all (the peer). Goal (issue 7): ≤ 100 ms.
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
from scamlink.cases.model import BOARD_ORDER, FINISHED, Status
from scamlink.sharing.agencies import REPORTING_AGENCIES
from scamlink.sharing.roles import Role, Viewer
from scamlink.store.case_board import Filters, board
from scamlink.store.schema import cases, referrals

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


def _timed(run: Callable[[], object]) -> tuple[float, float, float]:
    """(median wall ms, p95 wall ms, median CPU ms)."""
    run()
    walls, cpus = [], []
    for _ in range(RUNS):
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


def _built_and_measured(engine: Engine, backend: str, n: int) -> list[str]:
    began = time.perf_counter()
    build(engine, n)
    print(f"# {backend}: built {n:,} cases in {time.perf_counter() - began:.0f} s", flush=True)
    return measure(engine, backend, n)


def run() -> list[str]:
    with scratch_sqlite("scamlink-bench-cases-") as engine:
        lines = _built_and_measured(engine, "SQLite", CASES)
    with scratch_postgres("scamlink_bench_") as engine:
        return lines + _built_and_measured(engine, "PostgreSQL", CASES)


if __name__ == "__main__":
    print(*run(), sep="\n")
