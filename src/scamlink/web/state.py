"""What the application shares with every request: settings, the store and the templates."""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment
from sqlalchemy import Engine
from starlette.requests import HTTPConnection

from scamlink.config import Settings

SESSION_COOKIE = "scamlink_session"  # here so that auth and csrf can both name them
# The cookie-session key under which the server-side session's token travels.
SESSION_TOKEN = "session"  # noqa: S105 (a key name, not a secret)


@dataclass(frozen=True, slots=True)
class WebState:
    settings: Settings
    engine: Engine
    templates: Environment
    schema_revision: str  # the migration head this code expects
    secure_cookies: bool


def web_state(connection: HTTPConnection) -> WebState:
    state = getattr(connection.app.state, "web", None)
    if not isinstance(state, WebState):
        raise RuntimeError("the application was not built by scamlink.web.app.create_app")
    return state
