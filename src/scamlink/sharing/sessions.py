"""Browser sessions: a random token in the (signed) cookie, its SHA-256 on the server.

A signed cookie alone cannot be taken back: a copy replayed after sign-out would still work
until it expires. Keeping the session on the server makes sign-out final; storing only the
digest means a read of the table gives nobody a usable session.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection

from scamlink.sharing.audit import Actor, record
from scamlink.store import web_sessions
from scamlink.store.users import UserRecord

SESSION_LIFETIME = timedelta(hours=12)  # one working shift


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(conn: Connection, user: UserRecord) -> str:
    """A new session for `user`; the returned token goes into the cookie and nowhere else."""
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    web_sessions.create_session(conn, digest(token), user.id, now, now + SESSION_LIFETIME)
    return token


def session_user_id(conn: Connection, token: str) -> int | None:
    return web_sessions.active_session_user(conn, digest(token), datetime.now(UTC))


def end_session(conn: Connection, token: str) -> None:
    """Sign out: the session ends for good, and the audit log says so."""
    user_id = web_sessions.end_session(conn, digest(token), datetime.now(UTC))
    if user_id is not None:
        record(conn, Actor(f"user:{user_id}", user_id), "logout", f"user:{user_id}")
