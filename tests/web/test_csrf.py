"""CSRF: every unsafe request carries the session's token, in the form or in a header."""

from __future__ import annotations

import gc
from typing import Annotated

from fastapi import Depends, FastAPI
from sqlalchemy import Engine

from scamlink.sharing.roles import Role, Viewer
from scamlink.store.audit import latest_entries
from scamlink.web.auth import current_viewer
from tests.web.support import (
    PASSWORD,
    add_key,
    add_user,
    bearer,
    client_for,
    csrf_from,
    sign_in,
)


def test_login_without_a_token_is_refused_with_a_page(app: FastAPI, engine: Engine) -> None:
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    client = client_for(app)
    client.get("/login")
    response = client.post("/login", data={"email": "analyst@knpa.test", "password": PASSWORD})
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "This form has expired" in response.text
    # Still signed out.
    assert client.get("/api/v1/stats/agencies").status_code == 401


def test_a_wrong_token_is_refused(app: FastAPI, engine: Engine) -> None:
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    client = client_for(app)
    token = csrf_from(client)
    response = client.post(
        "/login",
        data={"email": "analyst@knpa.test", "password": PASSWORD, "csrf_token": token + "x"},
    )
    assert response.status_code == 403
    assert client.get("/api/v1/stats/agencies").status_code == 401


def test_a_token_from_another_session_is_refused(app: FastAPI, engine: Engine) -> None:
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    other_token = csrf_from(client_for(app))
    client = client_for(app)
    client.get("/login")
    response = client.post(
        "/login",
        data={"email": "analyst@knpa.test", "password": PASSWORD, "csrf_token": other_token},
    )
    assert response.status_code == 403


def test_a_token_without_a_session_is_refused(app: FastAPI) -> None:
    token = csrf_from(client_for(app))
    response = client_for(app).post("/logout", data={"csrf_token": token})
    assert response.status_code == 403


def test_logout_needs_the_token(app: FastAPI, engine: Engine) -> None:
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    client = client_for(app)
    sign_in(client, "analyst@knpa.test")
    assert client.post("/logout").status_code == 403
    assert client.get("/api/v1/stats/agencies").status_code == 200


def test_the_token_may_come_in_a_header_as_htmx_sends_it(app: FastAPI, engine: Engine) -> None:
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    client = client_for(app)
    sign_in(client, "analyst@knpa.test")
    token = csrf_from(client)
    page = client.get("/").text
    assert f'hx-headers=\'{{"X-CSRF-Token": "{token}"}}\'' in page
    assert client.post("/logout", headers={"X-CSRF-Token": token}).status_code == 303
    assert client.get("/api/v1/stats/agencies").status_code == 401


def test_signing_in_rotates_the_token(app: FastAPI, engine: Engine) -> None:
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    client = client_for(app)
    before = csrf_from(client)
    sign_in(client, "analyst@knpa.test")
    assert csrf_from(client) != before


def test_anonymous_visitors_of_the_landing_page_get_no_session(app: FastAPI) -> None:
    response = client_for(app).get("/")
    assert "set-cookie" not in response.headers


def _probe(app: FastAPI) -> None:
    """An unsafe API route for this test only (the real app has none yet)."""

    @app.post("/api/v1/_probe")
    def probe(viewer: Annotated[Viewer, Depends(current_viewer)]) -> dict[str, str | None]:
        return {"agency": viewer.agency}


def test_bearer_requests_without_a_session_cookie_need_no_token(
    app: FastAPI, engine: Engine
) -> None:
    _probe(app)
    add_user(engine, "partner@bank.test", "KNPA", Role.PARTNER)
    token = add_key(engine, "partner@bank.test")
    response = client_for(app).post("/api/v1/_probe", headers=bearer(token))
    assert response.status_code == 200
    assert response.json() == {"agency": "KNPA"}
    # A forged key skips nothing but the token check: the key itself is refused.
    assert client_for(app).post("/api/v1/_probe", headers=bearer(token + "x")).status_code == 401
    # Without a key, or beside a session cookie, the token is required as always.
    assert client_for(app).post("/api/v1/_probe").status_code == 403
    session = client_for(app)
    sign_in(session, "partner@bank.test")
    assert session.post("/api/v1/_probe", headers=bearer(token)).status_code == 403


def test_a_refused_request_of_a_signed_in_user_is_audited(app: FastAPI, engine: Engine) -> None:
    user_id = add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    client = client_for(app)
    sign_in(client, "analyst@knpa.test")
    assert client.post("/logout").status_code == 403
    with engine.connect() as conn:
        entry = latest_entries(conn, limit=1)[0]
    assert (entry.action, entry.actor_user_id, entry.subject_agency) == (
        "csrf.refused",
        user_id,
        "KNPA",
    )
    assert client.get("/api/v1/stats/agencies").status_code == 200  # still signed in
    anonymous = client_for(app)
    assert anonymous.post("/logout").status_code == 403
    with engine.connect() as conn:
        assert latest_entries(conn, limit=1)[0].seq == entry.seq  # nothing recorded


def test_a_refused_upload_leaves_no_open_file(app: FastAPI, engine: Engine) -> None:
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    client = client_for(app)
    sign_in(client, "analyst@knpa.test")
    big = b"x" * (2 * 1024 * 1024)  # past Starlette's in-memory limit: spooled to a file
    response = client.post(
        "/reports/upload",
        data={"agency": "KNPA"},
        files={"file": ("reports.csv", big, "text/csv")},
    )
    assert response.status_code == 403
    # An unclosed spooled file would warn at collection (ResourceWarning → error).
    gc.collect()
