"""Who is asking: the signed-in user behind the session, as a `Viewer`; signing in and out.

The session (a signed cookie) holds only the user's id and the CSRF token. The user is loaded
from the store on every request, so a disabled or deleted account loses access at once.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, Response
from fastapi.responses import RedirectResponse

from scamlink.sharing.accounts import authenticate
from scamlink.sharing.roles import PUBLIC, Viewer
from scamlink.store.users import UserRecord, user_by_id
from scamlink.web.csrf import rotate_csrf_token
from scamlink.web.i18n import N_
from scamlink.web.rendering import render
from scamlink.web.state import web_state

SESSION_USER = "user_id"
SESSION_MAX_AGE = 12 * 60 * 60  # one working shift
SESSION_COOKIE = "scamlink_session"
# Longer input is refused before hashing: nobody's e-mail or password is this long.
MAX_FIELD_LENGTH = 1024

SIGN_IN_REQUIRED = N_("Sign in to continue.")

router = APIRouter(include_in_schema=False)


def session_user(request: Request) -> UserRecord | None:
    user_id = request.session.get(SESSION_USER)
    if not isinstance(user_id, int):
        return None
    with web_state(request).engine.connect() as conn:
        user = user_by_id(conn, user_id)
    if user is None or user.disabled:
        request.session.pop(SESSION_USER, None)
        return None
    return user


CurrentUser = Annotated[UserRecord | None, Depends(session_user)]


def viewer_of(user: UserRecord | None) -> Viewer:
    if user is None:
        return PUBLIC
    return Viewer(agency=user.agency, role=user.role, user_id=user.id)


def current_viewer(user: CurrentUser) -> Viewer:
    return viewer_of(user)


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
    user = None
    if email.strip() and password and max(len(email), len(password)) <= MAX_FIELD_LENGTH:
        with web_state(request).engine.connect() as conn:
            user = authenticate(conn, email, password)
    if user is None:
        current = session_user(request)
        return render(
            request, "login.html", user=current, status_code=400, email=email, failed=True
        )
    request.session.clear()
    request.session[SESSION_USER] = user.id
    rotate_csrf_token(request)
    return RedirectResponse(request.url_for("home").path, status_code=303)


@router.post("/logout", name="logout")
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse(request.url_for("home").path, status_code=303)
