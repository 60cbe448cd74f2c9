"""Signing in and out; the user behind the session is loaded on every request."""

from __future__ import annotations

from dataclasses import replace

from fastapi import FastAPI
from httpx2 import Cookies
from sqlalchemy import Engine

from scamlink.sharing.login_throttle import MAX_FAILURES
from scamlink.sharing.policy import Releases
from scamlink.sharing.roles import Role
from scamlink.sharing.tlp import Tlp
from scamlink.store.reports import store_reports
from scamlink.store.schema import users
from scamlink.web.auth import MAX_FIELD_LENGTH, SESSION_COOKIE
from tests.web.support import (
    PASSWORD,
    add_user,
    client_for,
    csrf_from,
    disable_user,
    report,
    sign_in,
)

FAILED = "The e-mail address or the password is not correct."
STATS = "/api/v1/stats/agencies"


def test_signing_in_opens_the_dashboard(app: FastAPI, engine: Engine) -> None:
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST, name="Kim Analyst")
    client = client_for(app)
    response = sign_in(client, "Analyst@KNPA.test ")
    assert response.headers["location"] == "/"
    assert SESSION_COOKIE in client.cookies
    page = client.get("/")
    assert page.status_code == 200
    assert "Kim Analyst" in page.text
    assert 'id="agency-counts"' in page.text


def test_wrong_password_and_unknown_email_look_the_same(app: FastAPI, engine: Engine) -> None:
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    answers = []
    for email, password in [
        ("analyst@knpa.test", "not the password"),
        ("nobody@knpa.test", PASSWORD),
        ("analyst@knpa.test", ""),
        ("", ""),
    ]:
        client = client_for(app)
        token = csrf_from(client)
        response = client.post(
            "/login", data={"email": email, "password": password, "csrf_token": token}
        )
        assert response.status_code == 400
        assert FAILED in response.text
        assert 'role="alert"' in response.text
        # The form comes back with the address typed, never the password.
        assert f'value="{email}"' in response.text
        if password:
            assert password not in response.text
        answers.append(response.text.replace(f'value="{email}"', "").replace(token, ""))
        assert client.get("/api/v1/stats/agencies").status_code == 401
    assert len(set(answers)) == 1


def test_an_overlong_password_is_refused_without_error(app: FastAPI, engine: Engine) -> None:
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    client = client_for(app)
    token = csrf_from(client)
    response = client.post(
        "/login",
        data={
            "email": "analyst@knpa.test",
            "password": "x" * (MAX_FIELD_LENGTH + 1),
            "csrf_token": token,
        },
    )
    assert response.status_code == 400
    assert FAILED in response.text


def test_the_email_typed_is_escaped_when_the_form_comes_back(app: FastAPI) -> None:
    client = client_for(app)
    token = csrf_from(client)
    response = client.post(
        "/login",
        data={"email": '"><script>alert(1)</script>', "password": "x", "csrf_token": token},
    )
    assert "<script>alert(1)" not in response.text
    assert "&#34;&gt;&lt;script&gt;" in response.text


def test_logout_ends_the_session(app: FastAPI, engine: Engine) -> None:
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    client = client_for(app)
    sign_in(client, "analyst@knpa.test")
    token = csrf_from(client)
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert client.get("/api/v1/stats/agencies").status_code == 401
    assert 'id="agency-counts"' not in client.get("/").text


def test_a_cookie_replayed_after_logout_signs_nobody_in(app: FastAPI, engine: Engine) -> None:
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    client = client_for(app)
    sign_in(client, "analyst@knpa.test")
    stolen = Cookies(client.cookies)
    assert client_for(app, stolen).get("/api/v1/stats/agencies").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_from(client)})
    assert client_for(app, stolen).get("/api/v1/stats/agencies").status_code == 401


def test_a_disabled_user_loses_access_at_once(app: FastAPI, engine: Engine) -> None:
    user_id = add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    client = client_for(app)
    sign_in(client, "analyst@knpa.test")
    assert client.get("/api/v1/stats/agencies").status_code == 200
    disable_user(engine, user_id)
    assert client.get("/api/v1/stats/agencies").status_code == 401
    assert 'id="agency-counts"' not in client.get("/").text


def test_a_disabled_user_cannot_sign_in(app: FastAPI, engine: Engine) -> None:
    user_id = add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    disable_user(engine, user_id)
    client = client_for(app)
    token = csrf_from(client)
    response = client.post(
        "/login", data={"email": "analyst@knpa.test", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 400
    assert FAILED in response.text


def test_a_deleted_user_loses_access_at_once(app: FastAPI, engine: Engine) -> None:
    user_id = add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    client = client_for(app)
    sign_in(client, "analyst@knpa.test")
    with engine.begin() as conn:
        conn.execute(users.delete().where(users.c.id == user_id))
    assert client.get("/api/v1/stats/agencies").status_code == 401


def test_the_login_page_sends_a_signed_in_user_home(app: FastAPI, engine: Engine) -> None:
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    client = client_for(app)
    assert client.get("/login").status_code == 200
    sign_in(client, "analyst@knpa.test")
    response = client.get("/login")
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_a_forged_session_cookie_is_ignored(app: FastAPI, engine: Engine) -> None:
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    client = client_for(app, cookies={SESSION_COOKIE: "eyJ1c2VyX2lkIjogMX0=.forged.signature"})
    assert client.get("/api/v1/stats/agencies").status_code == 401


def test_the_viewer_of_a_session_carries_its_agency_groups(app: FastAPI, engine: Engine) -> None:
    amber = replace(
        report("KNPA", Tlp.AMBER, 1), releases=Releases(groups=frozenset({"kr-kh-desk"}))
    )
    with engine.begin() as conn:
        store_reports(conn, [amber])
    add_user(engine, "investigator@cnp.test", "CNP", Role.INVESTIGATOR)
    client = client_for(app)
    sign_in(client, "investigator@cnp.test")
    body = client.get("/api/v1/stats/agencies").json()
    assert body["total_reports"] == 1


def test_guessing_is_throttled_with_429_and_retry_after(app: FastAPI, engine: Engine) -> None:
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    client = client_for(app)
    token = csrf_from(client)
    form = {"email": "analyst@knpa.test", "password": "guess", "csrf_token": token}
    for _ in range(MAX_FAILURES):
        assert client.post("/login", data=form).status_code == 400
    # Even the right password is not checked now.
    blocked = client.post("/login", data={**form, "password": PASSWORD})
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["retry-after"]) <= 15 * 60
    assert "Too many failed sign-ins. Wait 15 min and try again." in blocked.text
    assert client.get(STATS).status_code == 401
    korean = client.post("/login?lang=ko", data=form)
    assert korean.status_code == 429
    assert "로그인 실패가 너무 많습니다" in korean.text
