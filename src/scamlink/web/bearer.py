"""API keys on `/api/v1/…`: `Authorization: Bearer <key>` → the key's user, with its scopes.

The scopes travel beside the viewer in `request.state` (the `Viewer` is the same as for the
key's user signing in). A key that is malformed, unknown, revoked, expired or whose user is
disabled gets 401 and an audit entry; nothing else happens for that request.
"""

from __future__ import annotations

from typing import NoReturn

from fastapi import HTTPException, Request

from scamlink.sharing.api_keys import Presented, Scope, check_key
from scamlink.sharing.audit import Actor, record
from scamlink.store.users import UserRecord
from scamlink.web.i18n import N_
from scamlink.web.state import web_state

API_PREFIX = "/api/"
SCOPES_STATE = "api_key_scopes"
KEY_REFUSED = N_("The API key is not valid: it is unknown, revoked or expired.")


def bearer_token(request: Request) -> str | None:
    """The key sent on an API route; None when there is none (pages never take keys)."""
    if not request.url.path.startswith(API_PREFIX):
        return None
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip()


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


def _refuse(request: Request, presented: Presented) -> NoReturn:
    user = presented.user
    actor = Actor(
        f"key:{presented.key_id or '?'}",
        None if user is None else user.id,
        None if user is None else user.agency,
    )
    details = {"reason": presented.refusal, "path": request.url.path, "ip": _client(request)}
    with web_state(request).engine.begin() as conn:
        record(
            conn,
            actor,
            "api_key.refused",
            f"key:{presented.key_id or '?'}",
            details,
            subject_agency=None if user is None else user.agency,
        )
    raise HTTPException(
        status_code=401,
        detail=KEY_REFUSED,
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


def bearer_user(request: Request) -> UserRecord | None:
    """The user of a valid key (scopes kept in request.state), None without a key."""
    token = bearer_token(request)
    if token is None:
        return None
    with web_state(request).engine.connect() as conn:
        presented = check_key(conn, token)
    if presented.refusal or presented.user is None:
        _refuse(request, presented)
    setattr(request.state, SCOPES_STATE, presented.scopes)
    return presented.user


def key_scopes(request: Request) -> frozenset[Scope] | None:
    """The scopes of the request's API key; None for a session (all that the role allows)."""
    scopes = getattr(request.state, SCOPES_STATE, None)
    return scopes if isinstance(scopes, frozenset) else None
