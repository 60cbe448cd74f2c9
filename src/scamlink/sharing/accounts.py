"""Creating and authenticating people."""

from __future__ import annotations

from sqlalchemy import Connection

from scamlink.sharing.passwords import hash_password, verify_password
from scamlink.sharing.roles import Role
from scamlink.store import users as user_rows
from scamlink.store.users import UserRecord

MIN_PASSWORD_LENGTH = 10


class WeakPassword(ValueError):
    pass


def register_user(
    conn: Connection, *, email: str, agency: str, role: Role, display_name: str, password: str
) -> int:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return user_rows.create_user(
        conn,
        email=email,
        agency=agency,
        role=role,
        display_name=display_name,
        password_hash=hash_password(password),
    )


def authenticate(conn: Connection, email: str, password: str) -> UserRecord | None:
    """The user when the password matches and the account is enabled; None otherwise."""
    user = user_rows.user_by_email(conn, email)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or user.disabled:
        return None
    return user
