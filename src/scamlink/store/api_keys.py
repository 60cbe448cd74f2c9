"""API key rows. Secrets arrive here already hashed (sharing.api_keys)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Row, select

from scamlink.store.schema import api_keys, users


@dataclass(frozen=True, slots=True)
class ApiKeyRecord:
    key_id: str
    user_id: int
    secret_hash: str
    scopes: str  # space-separated
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class ApiKeyListed:
    key_id: str
    email: str
    agency: str
    scopes: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


def add_key(
    conn: Connection,
    *,
    key_id: str,
    user_id: int,
    secret_hash: str,
    scopes: str,
    created_at: datetime,
    expires_at: datetime | None,
) -> None:
    conn.execute(
        api_keys.insert(),
        {
            "key_id": key_id,
            "user_id": user_id,
            "secret_hash": secret_hash,
            "scopes": scopes,
            "created_at": created_at,
            "expires_at": expires_at,
            "revoked_at": None,
        },
    )


def _record(row: Row[tuple[object, ...]]) -> ApiKeyRecord:
    return ApiKeyRecord(
        key_id=row.key_id,
        user_id=int(row.user_id),
        secret_hash=row.secret_hash,
        scopes=row.scopes,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )


def key_by_id(conn: Connection, key_id: str) -> ApiKeyRecord | None:
    row = conn.execute(select(api_keys).where(api_keys.c.key_id == key_id)).first()
    return None if row is None else _record(row)


def revoke_key(conn: Connection, key_id: str, at: datetime) -> bool:
    """Revoke a key that is not yet revoked; False when there is no such key."""
    result = conn.execute(
        api_keys.update()
        .where(api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None))
        .values(revoked_at=at)
    )
    return result.rowcount == 1


def list_keys(conn: Connection, *, agency: str | None = None) -> list[ApiKeyListed]:
    query = (
        select(
            api_keys.c.key_id,
            users.c.email,
            users.c.agency,
            api_keys.c.scopes,
            api_keys.c.created_at,
            api_keys.c.expires_at,
            api_keys.c.revoked_at,
        )
        .join(users, users.c.id == api_keys.c.user_id)
        .order_by(api_keys.c.created_at, api_keys.c.id)
    )
    if agency is not None:
        query = query.where(users.c.agency == agency)
    return [
        ApiKeyListed(
            r.key_id, r.email, r.agency, r.scopes, r.created_at, r.expires_at, r.revoked_at
        )
        for r in conn.execute(query)
    ]
