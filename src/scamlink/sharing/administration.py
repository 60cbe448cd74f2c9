"""What an administrator does to accounts and keys, each action written to the audit log in
the same transaction (an action that rolls back leaves no entry, and no entry is lost)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection

from scamlink.sharing import api_keys
from scamlink.sharing.accounts import register_user
from scamlink.sharing.api_keys import ApiKeyError, IssuedKey, Scope
from scamlink.sharing.audit import Actor, record
from scamlink.sharing.roles import Role
from scamlink.store import api_keys as key_rows
from scamlink.store import users as user_rows
from scamlink.store import web_sessions
from scamlink.store.agencies import get_agency


class AccountError(ValueError):
    """An account action cannot be done as asked; the message says why."""


def generate_password() -> str:
    """About 120 bits from the URL-safe alphabet: strong, and survives copy and paste."""
    return secrets.token_urlsafe(15)


@dataclass(frozen=True, slots=True)
class NewUser:
    user_id: int
    email: str


def create_user(
    conn: Connection,
    actor: Actor,
    *,
    email: str,
    agency: str,
    role: Role,
    display_name: str,
    password: str,
) -> NewUser:
    email = email.strip().lower()
    if "@" not in email or len(email) > 254 or any(ch.isspace() for ch in email):
        raise AccountError(f"not an e-mail address: {email!r}")
    if get_agency(conn, agency) is None:
        raise AccountError(f"no agency {agency}: see 'scamlink agencies'")
    user_id = register_user(
        conn, email=email, agency=agency, role=role, display_name=display_name, password=password
    )
    record(
        conn,
        actor,
        "user.create",
        f"user:{user_id}",
        {"email": email, "agency": agency, "role": role.value},
        subject_agency=agency,
    )
    return NewUser(user_id, email)


def set_user_disabled(conn: Connection, actor: Actor, email: str, *, disabled: bool) -> None:
    user = user_rows.user_by_email(conn, email)
    if user is None:
        raise AccountError(f"no user with e-mail {email.strip().lower()}")
    user_rows.set_disabled(conn, user.id, disabled=disabled)
    if disabled:
        # Re-enabling must not bring old sessions back: they end with the disabling.
        web_sessions.end_sessions_of(conn, user.id, datetime.now(UTC))
    action = "user.disable" if disabled else "user.enable"
    record(
        conn, actor, action, f"user:{user.id}", {"email": user.email}, subject_agency=user.agency
    )


def create_key(
    conn: Connection,
    actor: Actor,
    email: str,
    scopes: frozenset[Scope],
    *,
    expires_days: int | None,
) -> IssuedKey:
    issued, user = api_keys.issue_key(conn, email, scopes, expires_days=expires_days)
    details = {
        "user": user.email,
        "scopes": sorted(s.value for s in scopes),
        "expires_at": None if issued.expires_at is None else issued.expires_at.isoformat(),
    }
    record(conn, actor, "key.create", f"key:{issued.key_id}", details, subject_agency=user.agency)
    return issued


def revoke_key(conn: Connection, actor: Actor, key_id: str) -> None:
    found = key_rows.key_by_id(conn, key_id)
    if found is None:
        raise ApiKeyError(f"no key {key_id}")
    if not key_rows.revoke_key(conn, key_id, datetime.now(UTC)):
        raise ApiKeyError(f"key {key_id} is already revoked")
    owner = user_rows.user_by_id(conn, found.user_id)
    agency = None if owner is None else owner.agency
    record(conn, actor, "key.revoke", f"key:{key_id}", subject_agency=agency)
