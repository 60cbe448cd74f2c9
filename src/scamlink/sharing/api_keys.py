"""API keys for partners' systems: format, hashing, scopes, and checking a presented key.

A key reads `slk_<key id>_<secret>`. The key id (12 hex characters) is public and is how the
key is found; the secret (256 random bits) is stored only as its SHA-256, compared in constant
time. A fast hash is enough here: unlike a password, the secret has full entropy, so there is
nothing to guess.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import Connection

from scamlink.store import api_keys as key_rows
from scamlink.store.api_keys import ApiKeyRecord
from scamlink.store.users import UserRecord, user_by_email, user_by_id

PREFIX = "slk"
KEY_PATTERN = re.compile(r"^slk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")


class Scope(StrEnum):
    LOOKUP = "lookup"  # ask whether a value has been reported
    REPORT = "report"  # send reports
    READ = "read"  # lists and statistics the user may see


DEFAULT_SCOPES = frozenset({Scope.LOOKUP, Scope.REPORT})
_SCOPE_NAMES = frozenset(s.value for s in Scope)


class ApiKeyError(ValueError):
    """A key cannot be created or revoked as asked; the message says why."""


def parse_scopes(text: str) -> frozenset[Scope]:
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    if not names:
        raise ApiKeyError("name at least one scope: " + ", ".join(s.value for s in Scope))
    unknown = sorted(set(names) - _SCOPE_NAMES)
    if unknown:
        known = ", ".join(s.value for s in Scope)
        raise ApiKeyError(f"unknown scope {', '.join(unknown)}: use {known}")
    return frozenset(Scope(name) for name in names)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class IssuedKey:
    key_id: str
    token: str  # shown once, never stored
    expires_at: datetime | None


def issue_key(
    conn: Connection, email: str, scopes: frozenset[Scope], *, expires_days: int | None
) -> tuple[IssuedKey, UserRecord]:
    user = user_by_email(conn, email)
    if user is None:
        raise ApiKeyError(f"no user with e-mail {email.strip().lower()}")
    if user.disabled:
        raise ApiKeyError(f"user {user.email} is disabled")
    if expires_days is not None and expires_days < 1:
        raise ApiKeyError("--expires-days must be 1 or more")
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    expires = None if expires_days is None else now + timedelta(days=expires_days)
    key_rows.add_key(
        conn,
        key_id=key_id,
        user_id=user.id,
        secret_hash=secret_hash(secret),
        scopes=" ".join(sorted(s.value for s in scopes)),
        created_at=now,
        expires_at=expires,
    )
    return IssuedKey(key_id, f"{PREFIX}_{key_id}_{secret}", expires), user


@dataclass(frozen=True, slots=True)
class Presented:
    """The outcome of checking a key: the user and scopes, or why it was refused."""

    key_id: str | None
    user: UserRecord | None
    scopes: frozenset[Scope]
    refusal: str = ""  # "malformed", "unknown", "revoked", "expired", "user disabled"


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at


def check_key(conn: Connection, token: str, *, now: datetime | None = None) -> Presented:
    found = KEY_PATTERN.match(token.strip())
    if found is None:
        return Presented(None, None, frozenset(), "malformed")
    key_id, secret = found.groups()
    record = key_rows.key_by_id(conn, key_id)
    # Compare even for an unknown id, so the answer takes as long either way.
    stored = record.secret_hash if record else secret_hash("")
    matches = hmac.compare_digest(stored, secret_hash(secret))
    if record is None or not matches:
        return Presented(key_id, None, frozenset(), "unknown")
    return _usable(conn, record, now or datetime.now(UTC))


def _usable(conn: Connection, record: ApiKeyRecord, now: datetime) -> Presented:
    refusal = ""
    if record.revoked_at is not None:
        refusal = "revoked"
    elif record.expires_at is not None and _utc(record.expires_at) <= now:
        refusal = "expired"
    user = user_by_id(conn, record.user_id)
    if not refusal and (user is None or user.disabled):
        refusal = "user disabled"
    if refusal:
        return Presented(record.key_id, user, frozenset(), refusal)
    scopes = frozenset(Scope(s) for s in record.scopes.split() if s in _SCOPE_NAMES)
    return Presented(record.key_id, user, scopes)
