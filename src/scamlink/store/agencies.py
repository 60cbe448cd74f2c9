"""Agency rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, select

from scamlink.sharing.agencies import REFERENCE_AGENCIES, Agency
from scamlink.store.schema import agencies


class AgencyExists(ValueError):
    pass


def _row(agency: Agency) -> dict[str, str]:
    return {
        "code": agency.code,
        "name": agency.name,
        "country": agency.country,
        "languages": " ".join(agency.languages),
    }


def ensure_reference_agencies(conn: Connection) -> int:
    """Insert the brief's agencies that are missing; returns how many were added."""
    present = set(conn.scalars(select(agencies.c.code)))
    missing = [_row(a) for a in REFERENCE_AGENCIES if a.code not in present]
    if missing:
        conn.execute(agencies.insert(), missing)
    return len(missing)


def _agency(row: Row[Any]) -> Agency:
    return Agency(row.code, row.name, row.country, tuple(row.languages.split()))


def list_agencies(conn: Connection) -> list[Agency]:
    return [_agency(r) for r in conn.execute(select(agencies).order_by(agencies.c.code))]


def get_agency(conn: Connection, code: str) -> Agency | None:
    row = conn.execute(select(agencies).where(agencies.c.code == code)).first()
    return _agency(row) if row else None


def add_agency(conn: Connection, agency: Agency) -> None:
    if get_agency(conn, agency.code) is not None:
        raise AgencyExists(f"agency {agency.code} already exists")
    conn.execute(agencies.insert(), [_row(agency)])
