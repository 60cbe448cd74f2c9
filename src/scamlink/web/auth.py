"""Who is asking: the signed-in user behind the session, as a `Viewer`; signing in and out.

The session (a signed cookie) holds only the user's id and the CSRF token. The user is loaded
from the store on every request, so a disabled or deleted account loses access at once.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, Response
from fastapi.responses import RedirectResponse

from scamlink.sharing.roles import PUBLIC, Viewer
from scamlink.sharing.sign_in import sign_in
from scamlink.store.markings import resolve_viewer
from scamlink.store.users import UserRecord
from scamlink.web import sessions
from scamlink.web.bearer import bearer_user
from scamlink.web.csrf import rotate_csrf_token
from scamlink.web.i18n import N_
from scamlink.web.rendering import render
from scamlink.web.sessions import session_user
from scamlink.web.state import SESSION_COOKIE as SESSION_COOKIE  # re-exported for app
from scamlink.web.state import web_state

SESSION_MAX_AGE = 12 * 60 * 60  # one working shift
# Longer input is refused before hashing: nobody's e-mail or password is this long.
MAX_FIELD_LENGTH = 1024

SIGN_IN_REQUIRED = N_("Sign in to continue.")

router = APIRouter(include_in_schema=False)


CurrentUser = Annotated[UserRecord | None, Depends(session_user)]


def current_viewer(request: Request, user: CurrentUser) -> Viewer:
    """The viewer with its agency's sharing groups and partner caps, read from the store."""
    # An API key on /api/v1/… acts as its user (401 when the key is refused).
    user = bearer_user(request) or user
    if user is None:
        return PUBLIC
    with web_state(request).engine.connect() as conn:
        return resolve_viewer(conn, agency=user.agency, role=user.role, user_id=user.id)


def signed_in_viewer(viewer: Annotated[Viewer, Depends(current_viewer)]) -> Viewer:
    """For routes closed to the public: 401 for anonymous callers."""
    if viewer.is_public:
        raise HTTPException(status_code=401, detail=SIGN_IN_REQUIRED)
    return viewer


SignedInViewer = Annotated[Viewer, Depends(signed_in_viewer)]


@router.get("/login", name="login")
def login_form(request: Request, user: CurrentUser) -> Response:
    if user is not None:
        return RedirectResponse(request.url_for("home").path, status_code=303)
    return render(request, "login.html", email="", failed=False)


@router.post("/login", name="login_submit")
def login(
    request: Request,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    token = None
    if email.strip() and password and max(len(email), len(password)) <= MAX_FIELD_LENGTH:
        client_ip = request.client.host if request.client else None
        outcome = sign_in(web_state(request).engine, email, password, client_ip)
        if outcome.retry_after is not None:
            return _throttled(request, email, outcome.retry_after)
        token = outcome.session_token  # set exactly when the user signed in
    if token is None:
        current = session_user(request)
        return render(
            request, "login.html", user=current, status_code=400, email=email, failed=True
        )
    sessions.begin(request, token)
    rotate_csrf_token(request)
    return RedirectResponse(request.url_for("home").path, status_code=303)


def _throttled(request: Request, email: str, seconds: int) -> Response:
    response = render(
        request,
        "login.html",
        user=session_user(request),
        status_code=429,
        email=email,
        failed=False,
        retry_minutes=max(1, -(-seconds // 60)),
    )
    response.headers["Retry-After"] = str(seconds)
    return response


@router.post("/logout", name="logout")
def logout(request: Request) -> Response:
    sessions.end(request)
    return RedirectResponse(request.url_for("home").path, status_code=303)
