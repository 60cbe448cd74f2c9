"""Storing reports with their indicators and sightings, in batches.

A batch is one transaction: either every report of it is stored with all its sightings, or
none is. Re-storing a report that exists (same agency and external id) changes nothing and is
counted as a duplicate, so a retried import is harmless.

On PostgreSQL each step of a batch is one round trip with the batch's values sent as arrays
(`INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING RETURNING`) and the sightings go in by
COPY: a multi-row VALUES statement of a thousand reports costs more to build and to parse on
both sides than to execute.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, Insert, select
from sqlalchemy.dialects import postgresql, sqlite

from scamlink.reports.model import Report
from scamlink.sharing.tlp import Tlp
from scamlink.store.markings import add_many_recipients, add_releases
from scamlink.store.schema import indicators, reports, sightings

IndicatorKey = tuple[str, str]  # (type, canonical value)

# Bound parameters per statement stay well below SQLite's limit of 32,766.
_LOOKUP_CHUNK = 900


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
        with self._engine.begin() as conn:
            result, new_ids = _store(conn, batch, self._known)
            if self._on_stored is not None and result.report_ids:
                self._on_stored(conn, result.report_ids)
        if len(self._known) + len(new_ids) > self._remember:
            self._known.clear()
        self._known.update(new_ids)
        return result


def store_reports(conn: Connection, batch: Sequence[Report]) -> BatchResult:
    """Store a batch inside the caller's transaction."""
    return _store(conn, batch, {})[0]


def _store(
    conn: Connection, batch: Sequence[Report], known: dict[IndicatorKey, int]
) -> tuple[BatchResult, dict[IndicatorKey, int]]:
    unique: dict[tuple[str, str], Report] = {}
    for report in batch:
        if report.releases and report.tlp is not Tlp.AMBER:
            # Releases widen AMBER only; on another marking they would mean nothing, or too much.
            raise ValueError(f"report {report.external_id}: releases on a {report.tlp} report")
        if report.recipients and report.tlp is not Tlp.RED:
            # Named people are RED's audience; on a wider marking they would widen nothing.
            raise ValueError(f"report {report.external_id}: recipients on a {report.tlp} report")
        unique.setdefault((report.agency, report.external_id), report)
    if not unique:
        return BatchResult(0, len(batch)), {}
    report_ids = _insert_reports(conn, list(unique.values()))
    fresh = [r for key, r in unique.items() if key in report_ids]
    add_releases(
        conn, [(report_ids[(r.agency, r.external_id)], r.releases) for r in fresh if r.releases]
    )
    add_many_recipients(
        conn,
        [(report_ids[(r.agency, r.external_id)], r.recipients) for r in fresh if r.recipients],
    )
    indicator_ids = _indicator_ids(conn, fresh, known)
    rows = [
        (
            report_ids[(r.agency, r.external_id)],
            indicator_ids[(s.indicator.type.value, s.indicator.value)],
            s.role.value,
        )
        for r in fresh
        for s in r.sightings
    ]
    _insert_sightings(conn, rows)
    new_ids = {k: v for k, v in indicator_ids.items() if k not in known}
    stored_ids = [report_ids[(r.agency, r.external_id)] for r in fresh]
    return BatchResult(len(fresh), len(batch) - len(fresh), stored_ids), new_ids


def _insert(conn: Connection, table: Any, conflict_on: list[str]) -> Insert:
    """INSERT that skips rows whose unique key exists (both backends speak ON CONFLICT)."""
    dialect: Any = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement: Insert = dialect.insert(table).on_conflict_do_nothing(index_elements=conflict_on)
    return statement


def _insert_reports(conn: Connection, batch: list[Report]) -> dict[tuple[str, str], int]:
    """Insert the reports that are new; returns their ids (existing ones are left out)."""
    if conn.dialect.name == "postgresql":
        return _insert_reports_postgresql(conn, batch)
    rows = [
        {
            "agency": r.agency,
            "external_id": r.external_id,
            "received_at": r.received_at,
            "incident_date": r.incident_date,
            "victim_country": r.victim_country,
            "language": r.language,
            "scam_type": r.scam_type.value,
            "loss_amount": r.loss_amount,
            "loss_currency": r.loss_currency,
            "narrative": r.narrative,
            "tlp": r.tlp.value,
            "source": r.source.value,
            "review_status": r.review_status.value,
        }
        for r in batch
    ]
    statement = _insert(conn, reports, ["agency", "external_id"]).returning(
        reports.c.id, reports.c.agency, reports.c.external_id
    )
    return {(row.agency, row.external_id): row.id for row in conn.execute(statement, rows)}


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


def _insert_reports_postgresql(conn: Connection, batch: list[Report]) -> dict[tuple[str, str], int]:
    rows = [
        (
            r.agency,
            r.external_id,
            r.received_at,
            r.incident_date,
            r.victim_country,
            r.language,
            r.scam_type.value,
            r.loss_amount,
            r.loss_currency,
            r.narrative,
            r.tlp.value,
            r.source.value,
            r.review_status.value,
        )
        for r in batch
    ]
    columns = [list(column) for column in zip(*rows, strict=True)]  # one array per column
    with _driver(conn).cursor() as cursor:
        cursor.execute(_PG_INSERT_REPORTS, columns)
        return {(agency, external_id): id_ for id_, agency, external_id in cursor.fetchall()}


def _driver(conn: Connection) -> Any:
    """The psycopg connection under SQLAlchemy's, in the same transaction."""
    return conn.connection.driver_connection


def _indicator_ids(
    conn: Connection, batch: list[Report], known: dict[IndicatorKey, int]
) -> dict[IndicatorKey, int]:
    wanted: dict[IndicatorKey, str] = {}
    for report in batch:
        for s in report.sightings:
            wanted.setdefault((s.indicator.type.value, s.indicator.value), s.indicator.display)
    ids = {key: known[key] for key in wanted if key in known}
    # Sorted, so that two imports at once take the indicators' locks in one order.
    unknown = sorted(key for key in wanted if key not in ids)
    if not unknown:
        return ids
    if conn.dialect.name == "postgresql":
        ids.update(_indicator_ids_postgresql(conn, unknown, wanted))
        return ids
    statement = _insert(conn, indicators, ["type", "value"]).returning(
        indicators.c.id, indicators.c.type, indicators.c.value
    )
    created = conn.execute(
        statement, [{"type": t, "value": v, "display": wanted[(t, v)]} for t, v in unknown]
    )
    ids.update({(row.type, row.value): row.id for row in created})
    # Rows that existed before this batch return nothing from the insert: look them up.
    existing = [key for key in unknown if key not in ids]
    for start in range(0, len(existing), _LOOKUP_CHUNK):
        chunk = existing[start : start + _LOOKUP_CHUNK]
        values = sorted({value for _, value in chunk})
        query = select(indicators.c.id, indicators.c.type, indicators.c.value).where(
            indicators.c.value.in_(values)
        )
        ids.update({(row.type, row.value): row.id for row in conn.execute(query)})
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
    if conn.dialect.name == "postgresql":
        # COPY is the bulk path of PostgreSQL; it runs inside the same transaction.
        with (
            _driver(conn).cursor() as cursor,
            cursor.copy("COPY sightings (report_id, indicator_id, role) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    conn.execute(
        sightings.insert(),
        [{"report_id": r, "indicator_id": i, "role": role} for r, i, role in rows],
    )
