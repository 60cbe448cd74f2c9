"""Campaign pages under the sharing policy: the campaign list, one campaign's page, its graph,
an indicator's page and a search, over N reports linked into campaigns.

Builds N reports (bulk SQL, not the import path) with a realistic marking mix, AMBER releases,
victim countries, losses in local currencies, campaigns of skewed sizes (a few very large ones,
many small; one report in five linked to none) and two sightings per linked report, on SQLite
and on PostgreSQL; then times the store queries behind each page (`store.campaign_views`) for
an analyst in five sharing groups and for a partner (CLEAR only).
Sizes: BENCH_CAMPAIGN_REPORTS (default 1,000,000); BENCH_CAMPAIGN_REPEAT timed runs per
figure (default 5, after one warm-up run). PostgreSQL: BENCH_POSTGRES_URL.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, text

from benchmarks.bench_visibility import EXTRA_GROUPS, MIX, OWNERS, _copy, _releases
from benchmarks.databases import scratch_postgres, scratch_sqlite
from scamlink.linking.query import candidates
from scamlink.linking.reference_rates import usd_per_unit
from scamlink.sharing.agencies import agency_by_code
from scamlink.sharing.roles import Role, Viewer
from scamlink.store.campaign_views import (
    CampaignFilters,
    campaign_detail,
    campaign_graph,
    campaign_indicators,
    campaign_reports,
    find_indicators,
    indicator_detail,
    list_campaigns,
)
from scamlink.store.markings import add_group, resolve_viewer

REPORTS = int(os.environ.get("BENCH_CAMPAIGN_REPORTS", "1000000"))
REPEAT = int(os.environ.get("BENCH_CAMPAIGN_REPEAT", "5"))  # timed runs per figure (median)
CHUNK = 20_000
START = datetime(2024, 1, 1, tzinfo=UTC)
CURRENCY = {"KR": "KRW", "KH": "USD", "TH": "THB", "VN": "VND", "ID": "IDR", "PH": "PHP"}
SCAM_TYPES = ("investment", "romance", "job_task", "impersonation_authority", "phishing", "loan")
RATES = usd_per_unit()
REPORT_COLUMNS = (
    "id, agency, external_id, received_at, victim_country, language, scam_type, loss_amount,"
    " loss_currency, narrative, tlp"
)


def _reports(n: int, campaigns: int, seed: int) -> Iterator[tuple[tuple[Any, ...], int | None]]:
    """Report rows in id order, each with its campaign (None for one report in five)."""
    rng = random.Random(seed)
    markings = [m for m, _ in MIX]
    weights = [w for _, w in MIX]
    for i in range(1, n + 1):
        agency = rng.choice(OWNERS)
        country = agency_by_code(agency).country
        currency = CURRENCY.get(country, "USD")
        lost = Decimal(rng.randrange(100, 50_000)) * (1000 if currency in {"KRW", "VND"} else 1)
        row = (
            i,
            agency,
            f"B-{i}",
            START + timedelta(seconds=i * 30 + rng.randrange(600)),
            country,
            "en",
            rng.choice(SCAM_TYPES),
            lost,
            currency,
            "benchmark report",
            rng.choices(markings, weights)[0],
        )
        # Skewed sizes: the square of a uniform draw puts many reports in low ids.
        campaign = None if rng.random() < 0.2 else 1 + int(campaigns * rng.random() ** 2)
        yield row, campaign


def build(engine: Engine, n: int) -> int:
    """N reports in campaigns; returns the number of campaigns."""
    campaigns = max(1, n // 25)
    with engine.begin() as conn:
        for group in EXTRA_GROUPS:
            add_group(conn, group)
    postgres = engine.dialect.name == "postgresql"
    rng = random.Random(11)
    with engine.begin() as conn:
        driver: Any = conn.connection.driver_connection
        tables: dict[str, list[tuple[Any, ...]]] = {
            "reports": [],
            "report_agency_releases": [],
            "report_group_releases": [],
            "report_campaigns": [],
            "sightings": [],
        }
        columns = {
            "reports": REPORT_COLUMNS,
            "report_agency_releases": "report_id, agency",
            "report_group_releases": "report_id, group_id",
            "report_campaigns": "report_id, campaign_id",
            "sightings": "report_id, indicator_id, role",
        }

        def insert(name: str, rows: list[tuple[Any, ...]]) -> None:
            if postgres:
                with driver.cursor() as cursor:
                    _copy(cursor, f"{name} ({columns[name]})", rows)
                return
            marks = ", ".join("?" * len(columns[name].split(",")))
            driver.cursor().executemany(
                f"INSERT INTO {name} ({columns[name]}) VALUES ({marks})",  # noqa: S608
                [_sqlite_row(r) for r in rows],
            )

        def flush() -> None:
            for name, rows in tables.items():
                if rows:
                    insert(name, rows)
                rows.clear()

        _indicators_and_campaigns(conn, campaigns)
        for row, campaign in _reports(n, campaigns, 1):
            tables["reports"].append(row)
            if row[10] == "AMBER":
                to_agencies, to_groups = _releases(row[0], rng)
                tables["report_agency_releases"] += [
                    (row[0], a) for a in to_agencies if a != row[1]
                ]
                tables["report_group_releases"] += [(row[0], g) for g in to_groups]
            if campaign is not None:
                tables["report_campaigns"].append((row[0], campaign))
                first = 3 * (campaign - 1) + 1
                for offset, role in rng.sample(
                    [(0, "contact_phone"), (1, "payment_wallet"), (2, "payee_account")], 2
                ):
                    tables["sightings"].append((row[0], first + offset, role))
            if len(tables["reports"]) >= CHUNK:
                flush()
        flush()
        _count_campaigns(conn)
        if postgres:
            conn.execute(text("SELECT setval('reports_id_seq', (SELECT max(id) FROM reports))"))
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    return campaigns


def _sqlite_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(
        v.strftime("%Y-%m-%d %H:%M:%S.%f")
        if isinstance(v, datetime)
        else str(v)
        if isinstance(v, Decimal)
        else v
        for v in row
    )


def _indicators_and_campaigns(conn: Connection, campaigns: int) -> None:
    """The campaign rows, and three indicators per campaign (a phone number, a TRON wallet,
    a bank account); a few rows per 25 reports, so plain executemany is fast enough."""
    rows: list[dict[str, Any]] = []
    for c in range(1, campaigns + 1):
        phone = f"+8210{20_000_000 + c}"
        rows += [
            {"id": 3 * c - 2, "type": "phone", "value": phone, "display": phone},
            {"id": 3 * c - 1, "type": "tron", "value": f"T{c:033d}", "display": f"T{c:033d}"},
            {
                "id": 3 * c,
                "type": "bank_account",
                "value": f"KR:KB:{c:014d}",
                "display": f"KB {c:014d}",
            },
        ]
        if len(rows) >= CHUNK:
            conn.execute(text(_INSERT_INDICATOR), rows)
            rows.clear()
    if rows:
        conn.execute(text(_INSERT_INDICATOR), rows)
    now = START
    batch = [
        {"id": c, "report_count": 0, "created_at": now, "updated_at": now}
        for c in range(1, campaigns + 1)
    ]
    for at in range(0, len(batch), CHUNK):
        conn.execute(text(_INSERT_CAMPAIGN), batch[at : at + CHUNK])


_INSERT_INDICATOR = (
    "INSERT INTO indicators (id, type, value, display) VALUES (:id, :type, :value, :display)"
)
_INSERT_CAMPAIGN = (
    "INSERT INTO campaigns (id, report_count, created_at, updated_at)"
    " VALUES (:id, :report_count, :created_at, :updated_at)"
)


def _count_campaigns(conn: Connection) -> None:
    conn.execute(
        text(
            "UPDATE campaigns SET report_count = (SELECT count(*) FROM report_campaigns rc"
            " WHERE rc.campaign_id = campaigns.id)"
        )
    )


def _median_ms(run: Callable[[], object], repeat: int = REPEAT) -> float:
    run()  # warm caches and the statement cache
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def _figures(
    conn: Connection, viewer: Viewer, campaigns: list[tuple[str, int]], search: str
) -> list[tuple[str, float]]:
    """(what, median ms) of each page's store queries for one viewer."""
    figures: list[tuple[str, float]] = []
    for sort in ("size", "loss", "recent", "countries"):

        def listing(sort: Any = sort) -> object:
            return list_campaigns(conn, viewer, usd_per_unit=RATES, sort=sort)

        figures.append((f"list, by {sort}", _median_ms(listing)))
    after = list_campaigns(conn, viewer, usd_per_unit=RATES).after
    figures.append(
        (
            "list, 2nd page",
            _median_ms(lambda: list_campaigns(conn, viewer, usd_per_unit=RATES, after=after)),
        )
    )
    thai = CampaignFilters(country="TH")
    figures.append(
        (
            "list, filtered (TH)",
            _median_ms(lambda: list_campaigns(conn, viewer, usd_per_unit=RATES, filters=thai)),
        )
    )
    for label, campaign in campaigns:

        def page(campaign: int = campaign) -> object:
            campaign_detail(conn, viewer, campaign, usd_per_unit=RATES)
            campaign_reports(conn, viewer, campaign)
            return campaign_indicators(conn, viewer, campaign)

        def graph(campaign: int = campaign) -> object:
            return campaign_graph(conn, viewer, campaign, max_reports=150)

        figures.append((f"page of the {label}", _median_ms(page)))
        figures.append((f"graph of the {label}", _median_ms(graph)))
    phone_id = 3 * campaigns[0][1] - 2
    figures.append(
        (
            "indicator page (largest campaign's phone)",
            _median_ms(lambda: indicator_detail(conn, viewer, phone_id)),
        )
    )
    keys = [(x.type.value, x.value) for x in candidates(search, "KR")]
    figures.append(
        ("search (local phone number)", _median_ms(lambda: find_indicators(conn, viewer, keys)))
    )
    return figures


def measure(engine: Engine, backend: str, n: int) -> list[str]:
    lines: list[str] = []
    with engine.connect() as conn:
        analyst = resolve_viewer(conn, agency="KNPA", role=Role.ANALYST, user_id=None)
        partner = Viewer("KNPA", Role.PARTNER, user_id=None)
        sizes = {
            int(row.id): int(row.report_count)
            for row in conn.execute(text("SELECT id, report_count FROM campaigns"))
        }
        ordered = sorted(sizes, key=lambda c: (sizes[c], c))
        largest, typical = ordered[-1], ordered[len(ordered) // 2]
        campaigns = [
            (f"largest campaign ({sizes[largest]:,} reports)", largest),
            (f"median campaign ({sizes[typical]} reports)", typical),
        ]
        # The largest campaign's phone number as a Korean officer would type it.
        search = f"010-{20_000_000 + largest}"
        for who, viewer in (("analyst, 5 groups", analyst), ("partner, CLEAR only", partner)):
            lines += [
                f"| campaign pages, {n:,} reports, {backend}, {who}: {what} | "
                f"median {ms:.1f} ms | — | — | — |"
                for what, ms in _figures(conn, viewer, campaigns, search)
            ]
    return lines


def _built_and_measured(engine: Engine, backend: str, n: int) -> list[str]:
    began = time.perf_counter()
    campaigns = build(engine, n)
    print(
        f"# {backend}: built {n:,} reports in {campaigns:,} campaigns in "
        f"{time.perf_counter() - began:.0f} s",
        flush=True,
    )
    return measure(engine, backend, n)


def run() -> list[str]:
    with scratch_sqlite("scamlink-bench-campaigns-") as engine:
        lines = _built_and_measured(engine, "SQLite", REPORTS)
    with scratch_postgres("scamlink_bench_") as engine:
        return lines + _built_and_measured(engine, "PostgreSQL", REPORTS)


if __name__ == "__main__":
    print(*run(), sep="\n")
