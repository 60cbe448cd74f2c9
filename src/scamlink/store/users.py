"""User rows. Passwords arrive here already hashed (sharing.passwords)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, select

from scamlink.sharing.roles import Role
from scamlink.store.schema import users


@dataclass(frozen=True, slots=True)
class UserRecord:
    id: int
    email: str
    agency: str
    role: Role
    display_name: str
    password_hash: str
    disabled: bool


class UserExists(ValueError):
    pass


def create_user(
    conn: Connection,
    *,
    email: str,
    agency: str,
    role: Role,
    display_name: str,
    password_hash: str,
) -> int:
    email = email.strip().lower()
    if user_by_email(conn, email) is not None:
        raise UserExists(f"a user with e-mail {email} already exists")
    result = conn.execute(
        users.insert().returning(users.c.id),
        {
            "email": email,
            "agency": agency,
            "role": role.value,
            "display_name": display_name,
            "password_hash": password_hash,
            "disabled": False,
            "created_at": datetime.now(UTC),
        },
    )
    return int(result.scalar_one())


def user_by_email(conn: Connection, email: str) -> UserRecord | None:
    return _one(conn, users.c.email == email.strip().lower())


def user_by_id(conn: Connection, user_id: int) -> UserRecord | None:
    return _one(conn, users.c.id == user_id)


def _one(conn: Connection, condition: ColumnElement[bool]) -> UserRecord | None:
    row = conn.execute(select(users).where(condition)).first()
    return None if row is None else _record(row)


def _record(row: Row[Any]) -> UserRecord:
    return UserRecord(
        id=row.id,
        email=row.email,
        agency=row.agency,
        role=Role(row.role),
        display_name=row.display_name,
        password_hash=row.password_hash,
        disabled=row.disabled,
    )


def set_disabled(conn: Connection, user_id: int, *, disabled: bool) -> bool:
    """Disable or re-enable an account; False when no such user exists."""
    result = conn.execute(users.update().where(users.c.id == user_id).values(disabled=disabled))
    return result.rowcount == 1


def list_users(conn: Connection, *, agency: str | None = None) -> list[UserRecord]:
    query = select(users).order_by(users.c.agency, users.c.email)
    if agency is not None:
        query = query.where(users.c.agency == agency)
    return [_record(row) for row in conn.execute(query)]
