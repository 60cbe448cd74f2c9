"""The application factory: API document, no CDN docs pages, static files, session cookie."""

from __future__ import annotations

import base64
import json

from fastapi import FastAPI
from itsdangerous import TimestampSigner
from sqlalchemy import Engine

from scamlink.config import Settings
from scamlink.sharing.roles import Role
from scamlink.web.app import create_app, session_key
from scamlink.web.auth import SESSION_COOKIE
from tests.web.support import add_user, client_for, sign_in


def test_openapi_document_is_served_under_the_api(app: FastAPI) -> None:
    response = client_for(app).get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "scamlink"
    assert "/api/v1/agencies" in document["paths"]
    assert "/api/v1/stats/agencies" in document["paths"]
    # Pages are not API.
    assert "/" not in document["paths"]
    assert "/login" not in document["paths"]


def test_docs_pages_that_would_load_a_cdn_are_not_served(app: FastAPI) -> None:
    client = client_for(app)
    for path in ("/docs", "/redoc", "/api/v1/docs", "/docs/oauth2-redirect", "/openapi.json"):
        assert client.get(path).status_code == 404, path


def test_static_files_are_served(app: FastAPI) -> None:
    client = client_for(app)
    css = client.get("/static/scamlink.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert client.get("/static/favicon.svg").status_code == 200
    assert client.get("/static/missing.css").status_code == 404


def test_pages_load_htmx_from_our_own_origin(app: FastAPI) -> None:
    page = client_for(app).get("/").text
    assert '<script src="/static/vendor/htmx.min.js" defer></script>' in page
    assert "http://" not in page
    assert "https://" not in page


def test_session_cookie_is_httponly_samesite_lax_and_secure_by_default(
    settings: Settings, engine: Engine
) -> None:
    cookie = client_for(create_app(settings, engine)).get("/login").headers["set-cookie"]
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert "httponly" in flags
    assert "samesite=lax" in flags
    assert "secure" in flags


def test_secure_flag_can_be_dropped_for_plain_http_clients(app: FastAPI) -> None:
    cookie = client_for(app).get("/login").headers["set-cookie"]
    assert "secure" not in {part.strip().lower() for part in cookie.split(";")}


def test_session_holds_only_a_session_token_and_the_csrf_token(
    app: FastAPI, engine: Engine, settings: Settings
) -> None:
    user_id = add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST, name="Kim Analyst")
    client = client_for(app)
    sign_in(client, "analyst@knpa.test")
    raw = client.cookies[SESSION_COOKIE]
    payload = TimestampSigner(session_key(settings.secret_key)).unsign(raw.encode())
    session = json.loads(base64.b64decode(payload))
    assert set(session) == {"session", "csrf"}
    assert len(session["session"]) >= 43  # 256 random bits, URL-safe base64
    assert str(user_id) != session["session"]


def test_sessions_are_signed_with_a_key_derived_from_the_secret(settings: Settings) -> None:
    derived = session_key(settings.secret_key)
    assert derived != settings.secret_key
    assert derived == session_key(settings.secret_key)
    assert derived != session_key(settings.secret_key + "x")
