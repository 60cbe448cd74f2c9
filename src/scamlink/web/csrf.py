"""Cross-site request forgery protection: one secret token per session.

Every form carries the token in a hidden `csrf_token` field; HTMX requests send it in the
`X-CSRF-Token` header (the layout sets it on `<body hx-headers>`). `require_csrf_token` is a
dependency of the whole application, so every unsafe method of every route, present and
future, is checked.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import HTTPException, Request

from scamlink.web.i18n import N_

CSRF_SESSION_KEY = "csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

CSRF_FAILED = N_(
    "This form has expired or did not come from scamlink. Reload the page and try again."
)


def csrf_token(request: Request) -> str:
    """The session's token, created on first use (so only visitors shown a form get a session)."""
    token = request.session.get(CSRF_SESSION_KEY)
    if isinstance(token, str) and token:
        return token
    return rotate_csrf_token(request)


def rotate_csrf_token(request: Request) -> str:
    token = secrets.token_urlsafe(32)
    request.session[CSRF_SESSION_KEY] = token
    return token


async def require_csrf_token(request: Request) -> None:
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get(CSRF_SESSION_KEY)
    supplied = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if supplied is None and content_type.startswith(FORM_TYPES):
        value = (await request.form()).get(CSRF_FIELD)
        supplied = value if isinstance(value, str) else None
    if (
        not isinstance(expected, str)
        or not expected
        or not supplied
        or not hmac.compare_digest(expected.encode(), supplied.encode())
    ):
        raise HTTPException(status_code=403, detail=CSRF_FAILED)
