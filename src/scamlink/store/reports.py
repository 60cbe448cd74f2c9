"""Storing reports with their indicators and sightings, in batches.

A batch is one transaction: either every report of it is stored with all its sightings, or
none is. Re-storing a report that exists (same agency and external id) changes nothing and is
counted as a duplicate, so a retried import is harmless.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Insert, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from scamlink.reports.model import Report
from scamlink.store.schema import indicators, reports, sightings

# Bound parameters per statement stay well below SQLite's limit of 32,766.
_CHUNK = 2000


@dataclass(frozen=True, slots=True)
class BatchResult:
    stored: int
    duplicates: int


def store_reports(conn: Connection, batch: Sequence[Report]) -> BatchResult:
    """Store a batch inside the caller's transaction."""
    if not batch:
        return BatchResult(0, 0)
    unique: dict[tuple[str, str], Report] = {}
    for report in batch:
        unique.setdefault((report.agency, report.external_id), report)
    existing = _existing_keys(conn, list(unique))
    fresh = [r for key, r in unique.items() if key not in existing]
    if not fresh:
        return BatchResult(0, len(batch))
    report_ids = _insert_reports(conn, fresh)
    indicator_ids = _indicator_ids(conn, fresh)
    rows = [
        {
            "report_id": report_ids[(r.agency, r.external_id)],
            "indicator_id": indicator_ids[(s.indicator.type.value, s.indicator.value)],
            "role": s.role.value,
        }
        for r in fresh
        for s in r.sightings
    ]
    if rows:
        conn.execute(sightings.insert(), rows)
    return BatchResult(len(fresh), len(batch) - len(fresh))


def _existing_keys(conn: Connection, keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for start in range(0, len(keys), _CHUNK // 2):
        chunk = keys[start : start + _CHUNK // 2]
        query = select(reports.c.agency, reports.c.external_id).where(
            tuple_(reports.c.agency, reports.c.external_id).in_(chunk)
        )
        found.update((row.agency, row.external_id) for row in conn.execute(query))
    return found


def _insert_reports(conn: Connection, fresh: list[Report]) -> dict[tuple[str, str], int]:
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
        }
        for r in fresh
    ]
    statement = reports.insert().returning(
        reports.c.id, reports.c.agency, reports.c.external_id, sort_by_parameter_order=True
    )
    result = conn.execute(statement, rows)
    return {(row.agency, row.external_id): row.id for row in result}


def _indicator_ids(conn: Connection, fresh: list[Report]) -> dict[tuple[str, str], int]:
    wanted: dict[tuple[str, str], str] = {}
    for report in fresh:
        for s in report.sightings:
            wanted.setdefault((s.indicator.type.value, s.indicator.value), s.indicator.display)
    if not wanted:
        return {}
    keys = list(wanted)
    conn.execute(
        _insert_ignoring_conflicts(conn),
        [{"type": t, "value": v, "display": wanted[(t, v)]} for t, v in keys],
    )
    ids: dict[tuple[str, str], int] = {}
    for start in range(0, len(keys), _CHUNK // 2):
        chunk = keys[start : start + _CHUNK // 2]
        query = select(indicators.c.id, indicators.c.type, indicators.c.value).where(
            tuple_(indicators.c.type, indicators.c.value).in_(chunk)
        )
        ids.update({(row.type, row.value): row.id for row in conn.execute(query)})
    return ids


def _insert_ignoring_conflicts(conn: Connection) -> Insert:
    insert: Any = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    statement: Insert = insert(indicators).on_conflict_do_nothing(
        index_elements=["type", "value"]
    )
    return statement

