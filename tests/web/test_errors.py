"""Errors: a page for HTML routes, `{"error": {"code", "message"}}` for the API; no traceback."""

from __future__ import annotations

import pytest
from fastapi import FastAPI, Query
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from scamlink.sharing.roles import Role
from scamlink.web import api, pages
from scamlink.web.errors import install_error_handlers
from tests.web.support import add_user, client_for, sign_in


def _assert_error_body(body: object, code: str) -> None:
    assert isinstance(body, dict)
    assert set(body) == {"error"}
    error = body["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"]


def test_unknown_page_gets_a_404_page(app: FastAPI) -> None:
    response = client_for(app).get("/no/such/page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Page not found" in response.text
    assert "There is nothing at this address." in response.text
    assert '<html lang="en">' in response.text


def test_the_404_page_is_translated(app: FastAPI) -> None:
    response = client_for(app).get("/no/such/page?lang=ko")
    assert response.status_code == 404
    assert "페이지를 찾을 수 없음" in response.text


def test_the_404_page_knows_who_is_signed_in(app: FastAPI, engine: Engine) -> None:
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST, name="Kim Analyst")
    client = client_for(app)
    sign_in(client, "analyst@knpa.test")
    page = client.get("/missing").text
    assert "Kim Analyst" in page
    assert "Sign out" in page


def test_unknown_api_path_gets_a_json_404(app: FastAPI) -> None:
    response = client_for(app).get("/api/v1/nothing")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    _assert_error_body(response.json(), "not_found")


def test_api_401_is_json(app: FastAPI) -> None:
    response = client_for(app).get("/api/v1/stats/agencies")
    assert response.status_code == 401
    _assert_error_body(response.json(), "unauthenticated")
    assert response.json()["error"]["message"] == "Sign in to continue."


def test_wrong_method_is_405_with_the_allowed_ones(app: FastAPI) -> None:
    client = client_for(app)
    response = client.delete("/api/v1/agencies")
    assert response.status_code == 405
    _assert_error_body(response.json(), "method_not_allowed")
    assert response.headers["allow"] == "GET"
    page = client.put("/login")
    assert page.status_code == 405
    assert page.headers["content-type"].startswith("text/html")


def test_invalid_api_parameters_are_422_json() -> None:
    probe = FastAPI()
    install_error_handlers(probe)

    @probe.get("/api/v1/probe")
    def _probe(limit: int = Query()) -> dict[str, int]:
        return {"limit": limit}

    response = TestClient(probe).get("/api/v1/probe?limit=many")
    assert response.status_code == 422
    body = response.json()
    _assert_error_body(body, "invalid_request")
    assert body["error"]["details"][0]["location"] == ["query", "limit"]


def test_a_crash_on_a_page_gives_a_plain_500_page(
    app: FastAPI, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)

    def crash(*args: object) -> None:
        raise RuntimeError("secret internals: password=hunter2")

    monkeypatch.setattr(pages, "report_counts_by_agency", crash)
    client = TestClient(app, raise_server_exceptions=False)
    sign_in(client, "analyst@knpa.test")
    response = client.get("/")
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/html")
    assert "Something went wrong" in response.text
    for leak in ("Traceback", "RuntimeError", "hunter2", "report_counts_by_agency"):
        assert leak not in response.text


def test_a_crash_on_the_api_gives_a_json_500(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*args: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(api, "list_agencies", crash)
    response = TestClient(app, raise_server_exceptions=False).get("/api/v1/agencies")
    assert response.status_code == 500
    _assert_error_body(response.json(), "internal_error")
    assert "secret internals" not in response.text
