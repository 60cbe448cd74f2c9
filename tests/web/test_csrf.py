"""CSRF: every unsafe request carries the session's token, in the form or in a header."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine

from scamlink.sharing.roles import Role
from tests.web.support import PASSWORD, add_user, client_for, csrf_from, sign_in


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
