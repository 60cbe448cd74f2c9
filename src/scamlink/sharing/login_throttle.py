"""Login throttling against password guessing, per e-mail address and per client address.

After `MAX_FAILURES` failures within `WINDOW`, further attempts for that e-mail (or from that
address) are refused, without checking the password, until the oldest failure leaves the
window. Failures live in the database, so every worker process sees the same count.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection

from scamlink.store import login_failures as rows

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


def _subjects(email: str, client_ip: str | None) -> list[str]:
    subjects = [f"email:{email.strip().lower()[:250]}"]
    if client_ip:
        subjects.append(f"ip:{client_ip[:100]}")
    return subjects


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at


def retry_after(
    conn: Connection, email: str, client_ip: str | None, now: datetime | None = None
) -> int | None:
    """Seconds until another attempt is allowed, or None when it is allowed now."""
    now = now or datetime.now(UTC)
    wait = 0.0
    for subject in _subjects(email, client_ip):
        count, oldest = rows.recent_failures(conn, subject, now - WINDOW)
        if count >= MAX_FAILURES and oldest is not None:
            wait = max(wait, (_utc(oldest) + WINDOW - now).total_seconds())
    return max(1, math.ceil(wait)) if wait > 0 else None


def note_failure(
    conn: Connection, email: str, client_ip: str | None, now: datetime | None = None
) -> None:
    now = now or datetime.now(UTC)
    rows.add_failures(conn, _subjects(email, client_ip), now, prune_before=now - WINDOW)


def note_success(conn: Connection, email: str) -> None:
    """A correct password clears the e-mail's failures (the address keeps its own count)."""
    rows.clear_failures(conn, _subjects(email, None)[0])
