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
from datetime import UTC, date, datetime, timedelta
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
    packer = Packer()
    for report in batch:
        packer.add(report)
    return packer.packed()


# A sighting as plain values, without its report: (indicator type, canonical value, display, role).
SightingValues = tuple[str, str, str, str]


class Packer:
    """Builds a `PackedBatch` report by report: what `pack` does for a list, and what the bulk
    parser does with each report as it comes, adding the sightings its narrative mentions as
    plain values (no `Indicator`, `Sighting` or new `Report` made for them only to be taken
    apart again here)."""

    __slots__ = ("_recipients", "_releases", "_reports", "_seen", "_sightings", "count")

    def __init__(self) -> None:
        self._reports: list[ReportRow] = []
        self._sightings: list[SightingRow] = []
        self._releases: list[tuple[int, tuple[str, ...], tuple[str, ...]]] = []
        self._recipients: list[tuple[int, tuple[int, ...]]] = []
        self._seen: set[tuple[str, str]] = set()
        self.count = 0  # reports given, repeats included

    def add(
        self,
        r: Report,
        mentioned: Sequence[SightingValues] = (),
        source: str | None = None,
    ) -> None:
        """One report; `mentioned` adds sightings of indicators it does not already sight
        (the first of a repeated indicator stays, as `narrative.with_narrative_sightings`
        keeps them; the report's own are taken as they are, unique as `parse_row` makes
        them); `source` stands for the report's own (`ReportSource` value)."""
        self.count += 1
        if r.releases and r.tlp is not Tlp.AMBER:
            # Releases widen AMBER only; on another marking they would mean nothing, or too much.
            raise ValueError(f"report {r.external_id}: releases on a {r.tlp} report")
        if r.recipients and r.tlp is not Tlp.RED:
            # Named people are RED's audience; on a wider marking they would widen nothing.
            raise ValueError(f"report {r.external_id}: recipients on a {r.tlp} report")
        key = (r.agency, r.external_id)
        if key in self._seen:
            return
        self._seen.add(key)
        index = len(self._reports)
        # `_value_`, not `.value`: the enum property costs a Python call per read, and a batch
        # reads a dozen per report.
        self._reports.append(
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
                source if source is not None else r.source._value_,
                r.review_status._value_,
            )
        )
        sightings = self._sightings
        if not mentioned:
            sightings.extend(
                (
                    index,
                    s.indicator.type._value_,
                    s.indicator.value,
                    s.indicator.display,
                    s.role._value_,
                )
                for s in r.sightings
            )
        else:
            sighted: set[tuple[str, str]] = set()
            for s in r.sightings:
                indicator = s.indicator
                kind = indicator.type._value_
                sighted.add((kind, indicator.value))
                sightings.append((index, kind, indicator.value, indicator.display, s.role._value_))
            for kind, value, display, role in mentioned:
                if (kind, value) not in sighted:
                    sighted.add((kind, value))
                    sightings.append((index, kind, value, display, role))
        if r.releases:
            self._releases.append(
                (index, tuple(sorted(r.releases.agencies)), tuple(sorted(r.releases.groups)))
            )
        if r.recipients:
            self._recipients.append((index, tuple(sorted(r.recipients))))

    def packed(self) -> PackedBatch:
        return PackedBatch(
            self._reports, self._sightings, self._releases, self._recipients, self.count
        )


class StoredIds(list[int]):
    """The ids of a batch's newly stored reports, in batch order, with what storing them
    already told about them, so that the work committing with them (linking) need not read
    back what was just written. Built only by `_store`, in the batch's transaction: the facts
    are those rows exactly.

    - `pairs`: (report id, indicator id) of every sighting stored (unique: the primary key);
    - `indicators`: indicator id → (type, canonical value) for every indicator sighted;
    - `origins`: report id → (agency, received_at in microseconds since 1970) as the database
      keeps it (on SQLite the stored text read as UTC); None when not known exactly.
    """

    pairs: list[tuple[int, int]]
    indicators: dict[int, IndicatorKey]
    origins: dict[int, tuple[str, int]] | None

    def __init__(self, ids: list[int] | None = None) -> None:
        super().__init__(ids or ())
        self.pairs = []
        self.indicators = {}
        self.origins = None


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
    created, received = _insert_reports(conn, batch.reports)
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
    stored_ids = StoredIds([i for i in ids if i is not None])
    stored_ids.pairs = [(r, i) for r, i, _ in rows]  # type: ignore[misc]  # ids are set
    stored_ids.indicators = {v: k for k, v in indicator_ids.items()}
    if received is not None:
        stored_ids.origins = {
            report_id: (row[0], at)
            for report_id, row, at in zip(ids, batch.reports, received, strict=True)
            if report_id is not None
        }
    return BatchResult(len(stored_ids), batch.count - len(stored_ids), stored_ids), new_ids


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)
_MICROSECOND = timedelta(microseconds=1)


def _received_micros(values: Sequence[Any], stored_as_text: bool) -> list[int] | None:
    """Microseconds since 1970 of the received_at values as the database keeps them: on
    SQLite the written text (no offset: read as UTC), on PostgreSQL the instant of an aware
    datetime. None when a value could be read otherwise (a naive datetime on PostgreSQL,
    a time before 1970), so the reader asks the database instead."""
    try:
        if stored_as_text:
            micros = [
                (datetime.fromisoformat(text) - _NAIVE_EPOCH) // _MICROSECOND for text in values
            ]
        else:
            micros = [(moment - _EPOCH) // _MICROSECOND for moment in values]
    except (TypeError, ValueError):
        return None
    return micros if all(m >= 0 for m in micros) else None


def _insert_reports(
    conn: Connection, rows: list[ReportRow]
) -> tuple[dict[tuple[str, str], int], list[int] | None]:
    """Insert the reports that are new; returns their ids (existing ones are left out) and
    every row's received_at as stored (`_received_micros`)."""
    if conn.dialect.name == "postgresql":
        created = _insert_reports_postgresql(conn, rows)
        return created, _received_micros([row[2] for row in rows], stored_as_text=False)
    # Column by column: only three columns have a converter, so the others are not touched.
    columns: list[Sequence[Any]] = list(zip(*rows, strict=True))
    for index, convert in enumerate(_sqlite_converters(conn)):
        if convert is not None:
            columns[index] = list(map(convert, columns[index]))
    received = columns[REPORT_COLUMNS.index("received_at")]
    values = list(zip(*columns, strict=True))
    found = _sqlite_insert_returning(
        conn,
        f"INSERT INTO reports ({', '.join(REPORT_COLUMNS)}) VALUES ",  # noqa: S608 (constant)
        len(REPORT_COLUMNS),
        " ON CONFLICT (agency, external_id) DO NOTHING RETURNING id, agency, external_id",
        values,
    )
    created = {(agency, external_id): id_ for id_, agency, external_id in found}
    return created, _received_micros(received, stored_as_text=True)


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


# Arrays are sent in binary (`%b`): psycopg writes a text array element by element through
# regular expressions (quoting and escaping), about 0.2 ms for a 2 KB narrative; in binary the
# elements are copied.
_PG_INSERT_REPORTS = (
    "INSERT INTO reports (agency, external_id, received_at, incident_date, victim_country, "
    "language, scam_type, loss_amount, loss_currency, narrative, tlp, source, review_status) "
    "SELECT * FROM unnest(%b::text[], %b::text[], %b::timestamptz[], %b::date[], %b::text[], "
    "%b::text[], %b::text[], %b::numeric[], %b::text[], %b::text[], %b::text[], %b::text[], "
    "%b::text[]) "
    "ON CONFLICT (agency, external_id) DO NOTHING RETURNING id, agency, external_id"
)
_PG_INSERT_INDICATORS = (
    "INSERT INTO indicators (type, value, display) "
    "SELECT * FROM unnest(%b::text[], %b::text[], %b::text[]) "
    "ON CONFLICT (type, value) DO NOTHING RETURNING id, type, value"
)
# A separate statement, so that under READ COMMITTED it also sees indicators that another
# import committed while the insert above waited on them.
_PG_SELECT_INDICATORS = (
    "SELECT i.id, i.type, i.value FROM indicators i "
    "JOIN unnest(%b::text[], %b::text[]) AS w(type, value) "
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
