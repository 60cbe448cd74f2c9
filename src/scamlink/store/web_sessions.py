"""Browser session rows: created at sign-in, ended at sign-out, expired by time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, select, update

from scamlink.store.schema import web_sessions


def create_session(
    conn: Connection, token_digest: str, user_id: int, now: datetime, expires_at: datetime
) -> None:
    # Expired rows are of no use to anyone; each sign-in clears them away.
    conn.execute(delete(web_sessions).where(web_sessions.c.expires_at < now))
    conn.execute(
        web_sessions.insert(),
        {
            "token_digest": token_digest,
            "user_id": user_id,
            "created_at": now,
            "expires_at": expires_at,
            "ended_at": None,
        },
    )


def active_session_user(conn: Connection, token_digest: str, now: datetime) -> int | None:
    """The user of a session that was neither ended nor has expired."""
    query = select(web_sessions.c.user_id).where(
        web_sessions.c.token_digest == token_digest,
        web_sessions.c.ended_at.is_(None),
        web_sessions.c.expires_at > now,
    )
    user_id = conn.scalar(query)
    return None if user_id is None else int(user_id)


def end_session(conn: Connection, token_digest: str, now: datetime) -> int | None:
    """End one session; returns its user, or None when it was unknown or already ended."""
    user_id = active_session_user(conn, token_digest, now)
    conn.execute(
        update(web_sessions)
        .where(web_sessions.c.token_digest == token_digest, web_sessions.c.ended_at.is_(None))
        .values(ended_at=now)
    )
    return user_id


def end_sessions_of(conn: Connection, user_id: int, now: datetime) -> int:
    """End every open session of a user (an account disabled, a password changed)."""
    result = conn.execute(
        update(web_sessions)
        .where(web_sessions.c.user_id == user_id, web_sessions.c.ended_at.is_(None))
        .values(ended_at=now)
    )
    return result.rowcount
