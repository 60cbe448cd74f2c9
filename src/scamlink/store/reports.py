"""Storing reports with their indicators and sightings, in batches.

A batch is one transaction: either every report of it is stored with all its sightings, or
none is. Re-storing a report that exists (same agency and external id) changes nothing and is
counted as a duplicate, so a retried import is harmless.

A batch travels as a `PackedBatch`: plain values (tuples of strings, numbers and dates), the
form a parsing process sends the writer cheaply (`pack` turns `Report`s into one). Each step of
a batch is one statement with the batch's values: on PostgreSQL arrays
(`INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING RETURNING`) and COPY for the
sightings; on SQLite one multi-row `INSERT … VALUES … RETURNING` straight through the driver
(a statement text per row count, cached), values converted by the columns' own SQLAlchemy
bind processors, so what is stored is what SQLAlchemy would have stored.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Engine

from scamlink.reports.model import Report
from scamlink.sharing.policy import Releases
from scamlink.sharing.tlp import Tlp
from scamlink.store.markings import add_many_recipients, add_releases
from scamlink.store.schema import reports

IndicatorKey = tuple[str, str]  # (type, canonical value)

# SQLite page cache of a bulk writer's connection (KiB).
BULK_CACHE_KIB = 131_072

# Bound parameters per SQLite statement stay well below its limit of 32,766.
_SQLITE_PARAMETERS = 30_000

# The columns of a packed report row, in order (`ReportRow`).
REPORT_COLUMNS = (
    "agency",
    "external_id",
    "received_at",
    "incident_date",
    "victim_country",
    "language",
    "scam_type",
    "loss_amount",
    "loss_currency",
    "narrative",
    "tlp",
    "source",
    "review_status",
)
ReportRow = tuple[
    str, str, datetime, date | None, str, str, str, Decimal | None, str | None, str, str, str, str
]
# (index of the report in the batch, indicator type, canonical value, display, role)
SightingRow = tuple[int, str, str, str, str]


@dataclass(frozen=True, slots=True)
class PackedBatch:
    """A batch of reports as plain values, reports unique per (agency, external id)."""

    reports: list[ReportRow]
    sightings: list[SightingRow]
    releases: list[tuple[int, tuple[str, ...], tuple[str, ...]]]  # (index, agencies, groups)
    recipients: list[tuple[int, tuple[int, ...]]]  # (index, user ids)
    count: int  # reports given, repeats within the batch included (they count as duplicates)


def pack(batch: Sequence[Report]) -> PackedBatch:
    """The batch as plain values; a report given twice in it is kept once (the first)."""
    rows: list[ReportRow] = []
    sighting_rows: list[SightingRow] = []
    releases: list[tuple[int, tuple[str, ...], tuple[str, ...]]] = []
    recipients: list[tuple[int, tuple[int, ...]]] = []
    seen: set[tuple[str, str]] = set()
    for r in batch:
        if r.releases and r.tlp is not Tlp.AMBER:
            # Releases widen AMBER only; on another marking they would mean nothing, or too much.
            raise ValueError(f"report {r.external_id}: releases on a {r.tlp} report")
        if r.recipients and r.tlp is not Tlp.RED:
            # Named people are RED's audience; on a wider marking they would widen nothing.
            raise ValueError(f"report {r.external_id}: recipients on a {r.tlp} report")
        key = (r.agency, r.external_id)
        if key in seen:
            continue
        seen.add(key)
        index = len(rows)
        # `_value_`, not `.value`: the enum property costs a Python call per read, and a batch
        # reads a dozen per report.
        rows.append(
            (
                r.agency,
                r.external_id,
                r.received_at,
                r.incident_date,
                r.victim_country,
                r.language,
                r.scam_type._value_,
                r.loss_amount,
                r.loss_currency,
                r.narrative,
                r.tlp._value_,
                r.source._value_,
                r.review_status._value_,
            )
        )
        sighting_rows.extend(
            (
                index,
                s.indicator.type._value_,
                s.indicator.value,
                s.indicator.display,
                s.role._value_,
            )
            for s in r.sightings
        )
        if r.releases:
            releases.append(
                (index, tuple(sorted(r.releases.agencies)), tuple(sorted(r.releases.groups)))
            )
        if r.recipients:
            recipients.append((index, tuple(sorted(r.recipients))))
    return PackedBatch(rows, sighting_rows, releases, recipients, len(batch))


@dataclass(frozen=True, slots=True)
class BatchResult:
    stored: int
    duplicates: int
    report_ids: list[int] = field(default_factory=list)  # the ids of the reports stored now


# Called inside a batch's transaction with the ids of its newly stored reports, so that work
# which must never lag behind the reports (linking them into campaigns) commits with them.
OnStored = Callable[[Connection, Sequence[int]], None]


class ReportWriter:
    """Stores batches, each in its own transaction, remembering indicator ids between them.

    Campaigns reuse their numbers, wallets and accounts, so most indicators of a bulk import
    were already seen in an earlier batch; the memory of their ids saves a lookup each. Ids
    enter the memory only after their batch committed, so a rolled-back batch leaves none.
    """

    def __init__(
        self, engine: Engine, *, remember: int = 1_000_000, on_stored: OnStored | None = None
    ) -> None:
        self._engine = engine
        self._remember = remember
        self._known: dict[IndicatorKey, int] = {}
        self._on_stored = on_stored

    def store(self, batch: Sequence[Report]) -> BatchResult:
        return self.store_packed(pack(batch))

    def store_packed(self, batch: PackedBatch) -> BatchResult:
        with self._engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                # A bulk session probes the indexes of reports, indicators and sightings at
                # random: with SQLite's default 2 MB page cache, at a million reports most
                # probes read pages again. A ceiling, used only as pages are touched; no
                # effect on durability (every commit is still synced).
                conn.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
            result, new_ids = _store(conn, batch, self._known)
            if self._on_stored is not None and result.report_ids:
                self._on_stored(conn, result.report_ids)
        if len(self._known) + len(new_ids) > self._remember:
            self._known.clear()
        self._known.update(new_ids)
        return result


def store_reports(conn: Connection, batch: Sequence[Report]) -> BatchResult:
    """Store a batch inside the caller's transaction."""
    return _store(conn, pack(batch), {})[0]


def _store(
    conn: Connection, batch: PackedBatch, known: dict[IndicatorKey, int]
) -> tuple[BatchResult, dict[IndicatorKey, int]]:
    if not batch.reports:
        return BatchResult(0, batch.count), {}
    created = _insert_reports(conn, batch.reports)
    ids: list[int | None] = [created.get((row[0], row[1])) for row in batch.reports]
    add_releases(
        conn,
        [
            (report_id, Releases(frozenset(agencies), frozenset(groups)))
            for index, agencies, groups in batch.releases
            if (report_id := ids[index]) is not None
        ],
    )
    add_many_recipients(
        conn,
        [
            (report_id, frozenset(people))
            for index, people in batch.recipients
            if (report_id := ids[index]) is not None
        ],
    )
    fresh = [s for s in batch.sightings if ids[s[0]] is not None]
    indicator_ids = _indicator_ids(conn, fresh, known)
    rows = [(ids[i], indicator_ids[(kind, value)], role) for i, kind, value, _, role in fresh]
    _insert_sightings(conn, rows)  # type: ignore[arg-type]  # ids of fresh reports are set
    new_ids = {k: v for k, v in indicator_ids.items() if k not in known}
    stored_ids = [i for i in ids if i is not None]
    return BatchResult(len(stored_ids), batch.count - len(stored_ids), stored_ids), new_ids


def _insert_reports(conn: Connection, rows: list[ReportRow]) -> dict[tuple[str, str], int]:
    """Insert the reports that are new; returns their ids (existing ones are left out)."""
    if conn.dialect.name == "postgresql":
        return _insert_reports_postgresql(conn, rows)
    # Column by column: only three columns have a converter, so the others are not touched.
    columns: list[Sequence[Any]] = list(zip(*rows, strict=True))
    for index, convert in enumerate(_sqlite_converters(conn)):
        if convert is not None:
            columns[index] = list(map(convert, columns[index]))
    values = list(zip(*columns, strict=True))
    found = _sqlite_insert_returning(
        conn,
        f"INSERT INTO reports ({', '.join(REPORT_COLUMNS)}) VALUES ",  # noqa: S608 (constant)
        len(REPORT_COLUMNS),
        " ON CONFLICT (agency, external_id) DO NOTHING RETURNING id, agency, external_id",
        values,
    )
    return {(agency, external_id): id_ for id_, agency, external_id in found}


def _sqlite_converters(conn: Connection) -> list[Callable[[Any], Any] | None]:
    dialect = conn.dialect
    return [
        reports.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        for name in REPORT_COLUMNS
    ]


@lru_cache(maxsize=64)
def _values_marks(rows: int, width: int) -> str:
    one = "(" + ", ".join(["?"] * width) + ")"
    return ", ".join([one] * rows)


def _sqlite_insert_returning(
    conn: Connection, head: str, width: int, tail: str, rows: Sequence[Sequence[Any]]
) -> list[tuple[Any, ...]]:
    """`head VALUES (…), (…) tail` over the rows, in as few statements as the parameter limit
    allows, straight through the driver; the rows returned by every statement."""
    step = _SQLITE_PARAMETERS // width
    driver: Any = conn.connection.driver_connection
    found: list[tuple[Any, ...]] = []
    cursor = driver.cursor()
    try:
        for start in range(0, len(rows), step):
            chunk = rows[start : start + step]
            flat = [value for row in chunk for value in row]
            cursor.execute(head + _values_marks(len(chunk), width) + tail, flat)
            found.extend(cursor.fetchall())
    finally:
        cursor.close()
    return found


_PG_INSERT_REPORTS = (
    "INSERT INTO reports (agency, external_id, received_at, incident_date, victim_country, "
    "language, scam_type, loss_amount, loss_currency, narrative, tlp, source, review_status) "
    "SELECT * FROM unnest(%s::text[], %s::text[], %s::timestamptz[], %s::date[], %s::text[], "
    "%s::text[], %s::text[], %s::numeric[], %s::text[], %s::text[], %s::text[], %s::text[], "
    "%s::text[]) "
    "ON CONFLICT (agency, external_id) DO NOTHING RETURNING id, agency, external_id"
)
_PG_INSERT_INDICATORS = (
    "INSERT INTO indicators (type, value, display) "
    "SELECT * FROM unnest(%s::text[], %s::text[], %s::text[]) "
    "ON CONFLICT (type, value) DO NOTHING RETURNING id, type, value"
)
# A separate statement, so that under READ COMMITTED it also sees indicators that another
# import committed while the insert above waited on them.
_PG_SELECT_INDICATORS = (
    "SELECT i.id, i.type, i.value FROM indicators i "
    "JOIN unnest(%s::text[], %s::text[]) AS w(type, value) "
    "ON i.type = w.type AND i.value = w.value"
)
_SQLITE_SELECT_INDICATORS = (
    "SELECT i.id, i.type, i.value FROM json_each(?) AS w "
    "JOIN indicators i ON i.type = json_extract(w.value, '$[0]') "
    "AND i.value = json_extract(w.value, '$[1]')"
)


def _insert_reports_postgresql(
    conn: Connection, rows: list[ReportRow]
) -> dict[tuple[str, str], int]:
    columns = [list(column) for column in zip(*rows, strict=True)]  # one array per column
    with _driver(conn).cursor() as cursor:
        cursor.execute(_PG_INSERT_REPORTS, columns)
        return {(agency, external_id): id_ for id_, agency, external_id in cursor.fetchall()}


def _driver(conn: Connection) -> Any:
    """The DB-API connection under SQLAlchemy's, in the same transaction."""
    return conn.connection.driver_connection


def _indicator_ids(
    conn: Connection, sightings: list[SightingRow], known: dict[IndicatorKey, int]
) -> dict[IndicatorKey, int]:
    wanted: dict[IndicatorKey, str] = {}
    for _, kind, value, display, _ in sightings:
        wanted.setdefault((kind, value), display)
    ids = {key: known[key] for key in wanted if key in known}
    # Sorted, so that two imports at once take the indicators' locks in one order.
    unknown = sorted(key for key in wanted if key not in ids)
    if not unknown:
        return ids
    if conn.dialect.name == "postgresql":
        ids.update(_indicator_ids_postgresql(conn, unknown, wanted))
        return ids
    created = _sqlite_insert_returning(
        conn,
        "INSERT INTO indicators (type, value, display) VALUES ",
        3,
        " ON CONFLICT (type, value) DO NOTHING RETURNING id, type, value",
        [(t, v, wanted[(t, v)]) for t, v in unknown],
    )
    ids.update({(t, v): id_ for id_, t, v in created})
    # Rows that existed before this batch return nothing from the insert: look them up.
    existing = [[t, v] for t, v in unknown if (t, v) not in ids]
    if existing:
        driver: Any = _driver(conn)
        cursor = driver.cursor()
        try:
            cursor.execute(_SQLITE_SELECT_INDICATORS, (json.dumps(existing),))
            ids.update({(t, v): id_ for id_, t, v in cursor.fetchall()})
        finally:
            cursor.close()
    return ids


def _indicator_ids_postgresql(
    conn: Connection, unknown: list[IndicatorKey], wanted: dict[IndicatorKey, str]
) -> dict[IndicatorKey, int]:
    types = [t for t, _ in unknown]
    values = [v for _, v in unknown]
    with _driver(conn).cursor() as cursor:
        cursor.execute(_PG_INSERT_INDICATORS, (types, values, [wanted[k] for k in unknown]))
        ids: dict[IndicatorKey, int] = {(t, v): id_ for id_, t, v in cursor.fetchall()}
        if len(ids) < len(unknown):
            # Rows that existed before this batch return nothing from the insert.
            existing = [key for key in unknown if key not in ids]
            cursor.execute(
                _PG_SELECT_INDICATORS, ([t for t, _ in existing], [v for _, v in existing])
            )
            ids.update({(t, v): id_ for id_, t, v in cursor.fetchall()})
    return ids


def _insert_sightings(conn: Connection, rows: list[tuple[int, int, str]]) -> None:
    if not rows:
        return
    driver: Any = _driver(conn)
    if conn.dialect.name == "postgresql":
        # COPY is the bulk path of PostgreSQL; it runs inside the same transaction.
        with (
            driver.cursor() as cursor,
            cursor.copy("COPY sightings (report_id, indicator_id, role) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    cursor = driver.cursor()
    try:
        cursor.executemany(
            "INSERT INTO sightings (report_id, indicator_id, role) VALUES (?, ?, ?)", rows
        )
    finally:
        cursor.close()
