"""The signed-in user behind a request's session cookie (see `sharing.sessions`)."""

from __future__ import annotations

from starlette.requests import Request

from scamlink.sharing import sessions
from scamlink.store.users import UserRecord, user_by_id
from scamlink.web.state import SESSION_TOKEN, web_state


def session_user(request: Request) -> UserRecord | None:
    """The user of an open session; an ended, expired or unknown session signs nobody in,
    and a disabled account loses access at once."""
    token = request.session.get(SESSION_TOKEN)
    if not isinstance(token, str):
        return None
    with web_state(request).engine.connect() as conn:
        user_id = sessions.session_user_id(conn, token)
        user = None if user_id is None else user_by_id(conn, user_id)
    if user is None or user.disabled:
        request.session.pop(SESSION_TOKEN, None)
        return None
    return user


def begin(request: Request, token: str) -> None:
    request.session.clear()
    request.session[SESSION_TOKEN] = token


def end(request: Request) -> None:
    token = request.session.get(SESSION_TOKEN)
    if isinstance(token, str):
        with web_state(request).engine.begin() as conn:
            sessions.end_session(conn, token)
    request.session.clear()
