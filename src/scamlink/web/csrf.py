"""Cross-site request forgery protection: one secret token per session.

Every form carries the token in a hidden `csrf_token` field; HTMX requests send it in the
`X-CSRF-Token` header (the layout sets it on `<body hx-headers>`). API requests that carry a
bearer key and no session cookie are exempt (see below). `require_csrf_token` is a
dependency of the whole application, so every unsafe method of every route, present and
future, is checked. A form body over its route's size (`web/body_limits.py`) is refused with
413 before it is read for its token.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool

from scamlink.sharing.audit import Actor, record
from scamlink.web.bearer import bearer_token
from scamlink.web.body_limits import refusal
from scamlink.web.i18n import N_
from scamlink.web.sessions import session_user
from scamlink.web.state import SESSION_COOKIE, web_state

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
    # A partner's system sends its API key and no cookie: a browser cannot be tricked into
    # adding that header cross-site, and without a session there is nothing to ride on. The
    # key itself is checked by the route (an invalid one gets 401).
    if bearer_token(request) is not None and SESSION_COOKIE not in request.cookies:
        return
    expected = request.session.get(CSRF_SESSION_KEY)
    supplied = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if supplied is None and content_type.startswith(FORM_TYPES):
        too_large = refusal(request)
        if too_large is not None:  # refused unread: the files in it never reach the disk
            raise HTTPException(status_code=413, detail=too_large)
        value = (await request.form()).get(CSRF_FIELD)
        supplied = value if isinstance(value, str) else None
    if (
        not isinstance(expected, str)
        or not expected
        or not supplied
        or not hmac.compare_digest(expected.encode(), supplied.encode())
    ):
        await run_in_threadpool(_record_refusal, request)
        await request.close()  # a refused upload's spooled files go now, not at garbage collection
        raise HTTPException(status_code=403, detail=CSRF_FAILED)


def _record_refusal(request: Request) -> None:
    """Audit a refused request made with a signed-in session: it may be a forged request
    riding on that person's cookie. Anonymous refusals are not recorded (nothing to protect,
    and anyone could fill the log with them)."""
    user = session_user(request)
    if user is None:
        return
    user_id, agency = user.id, user.agency
    engine = web_state(request).engine
    details = {"method": request.method, "path": request.url.path}
    with engine.begin() as conn:
        record(
            conn,
            Actor(f"user:{user_id}", user_id, agency),
            "csrf.refused",
            request.url.path,
            details,
            subject_agency=agency,
        )
