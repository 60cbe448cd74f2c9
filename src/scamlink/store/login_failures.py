"""Failed sign-ins, kept only as long as the throttling window (so the table stays small)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, func, select

from scamlink.store.schema import login_failures


def add_failures(
    conn: Connection, subjects: list[str], at: datetime, *, prune_before: datetime
) -> None:
    conn.execute(delete(login_failures).where(login_failures.c.at < prune_before))
    conn.execute(login_failures.insert(), [{"subject": s, "at": at} for s in subjects])


def recent_failures(conn: Connection, subject: str, since: datetime) -> tuple[int, datetime | None]:
    """How many failures `subject` had since `since`, and the oldest of them."""
    row = conn.execute(
        select(func.count(), func.min(login_failures.c.at)).where(
            login_failures.c.subject == subject, login_failures.c.at >= since
        )
    ).one()
    return int(row[0]), row[1]


def clear_failures(conn: Connection, subject: str) -> None:
    conn.execute(delete(login_failures).where(login_failures.c.subject == subject))
