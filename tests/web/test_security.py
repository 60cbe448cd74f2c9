"""Security headers on every kind of response."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from fastapi import FastAPI
from starlette.responses import PlainTextResponse
from starlette.testclient import TestClient
from starlette.types import Receive, Scope, Send

from scamlink.web import pages
from scamlink.web.security import SECURITY_HEADERS, SecurityHeadersMiddleware
from tests.web.support import client_for

REQUIRED = {
    "content-security-policy": "default-src 'self'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}


def _assert_secure(headers: Mapping[str, str]) -> None:
    for name, value in REQUIRED.items():
        assert name in headers, name
        if name == "content-security-policy":
            directives = [d.strip() for d in headers[name].split(";")]
            assert value in directives
            assert not any("unsafe" in d for d in directives)
        else:
            assert headers[name] == value


@pytest.mark.parametrize(
    "path", ["/", "/login", "/healthz", "/api/v1/agencies", "/static/scamlink.css", "/missing"]
)
def test_headers_on_pages_api_static_and_errors(app: FastAPI, path: str) -> None:
    response = client_for(app).get(path)
    _assert_secure(response.headers)


def test_headers_on_an_unexpected_error(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(request: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(pages, "front_page", broken)  # what `/` serves the public
    client = TestClient(app, raise_server_exceptions=False)
    response = client.get("/")
    assert response.status_code == 500
    _assert_secure(response.headers)


def test_pages_are_not_cached_but_static_files_may_be(app: FastAPI) -> None:
    client = client_for(app)
    assert client.get("/").headers["cache-control"] == "no-store"
    assert client.get("/login").headers["cache-control"] == "no-store"
    assert "cache-control" not in client.get("/static/scamlink.css").headers


def test_a_header_the_route_set_is_kept() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        response = PlainTextResponse("x", headers={"X-Frame-Options": "SAMEORIGIN"})
        await response(scope, receive, send)

    client = TestClient(SecurityHeadersMiddleware(app))
    headers = client.get("/").headers
    assert headers["x-frame-options"] == "SAMEORIGIN"
    assert headers["x-content-type-options"] == "nosniff"
    assert set(SECURITY_HEADERS) >= {"Content-Security-Policy", "Referrer-Policy"}
