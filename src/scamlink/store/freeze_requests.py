"""What a freeze request case needs from the store: report ids by reference, their campaigns, and
indicator rows for the wallets a trace met (created when absent, never sightings: see
`tracing/freeze_cases.py`)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, select

from scamlink.store.intake import report_ids
from scamlink.store.reports import _indicator_ids
from scamlink.store.schema import report_campaigns


def reports_by_ref(conn: Connection, refs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """(agency, external id) → report id, for the references that exist."""
    return report_ids(conn, refs)


def campaigns_of(conn: Connection, report_ids_: Sequence[int]) -> dict[int, int]:
    """report id → its campaign id (as stored; `cases` follows redirects when linking)."""
    if not report_ids_:
        return {}
    query = select(report_campaigns.c.report_id, report_campaigns.c.campaign_id).where(
        report_campaigns.c.report_id.in_(sorted(set(report_ids_)))
    )
    return {int(r.report_id): int(r.campaign_id) for r in conn.execute(query)}


def indicator_ids(
    conn: Connection, values: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], int]:
    """(type, canonical value) → indicator id, inserting the rows that do not exist yet."""
    rows = [(0, kind, value, value, "") for kind, value in values]
    return _indicator_ids(conn, rows, {})
